// Issue 2's promises, checked on the daemon as users run it (a process), against the fake API server
// and local webhook endpoints: nothing lost or repeated across dropped watches and 410s, a hung
// sink never slows another, and SIGTERM delivers what is queued before exiting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const TEMPLATE = '{{ .UID }} {{ .ResourceVersion }}';

const eventually = (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) => poll(what, check, timeoutMs);

async function startSetup(sinkOptions: string[], extraArgs: string[] = []) {
  const api = await startFakeApiServer({ bookmarkIntervalMs: 1000 });
  api.putObject('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name: 'ids' }, data: { content: TEMPLATE } });
  const receivers: HttpReceiver[] = [];
  const args = [`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', ...extraArgs];
  for (const options of sinkOptions) {
    const receiver = await startHttpReceiver();
    receivers.push(receiver);
    args.push(`--sink=webhook:${receiver.url}/hook?method=POST&custom_body_configmap=ids${options}`);
  }
  const daemon = spawnDaemon(args);
  const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
  const base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
  await eventually('ready', async () => (await fetch(`${base}/readyz`)).status === 200);
  const stop = async () => {
    await stopDaemon(daemon, 'SIGKILL');
    await Promise.all(receivers.map((r) => r.close()));
    await api.close();
  };
  return { api, receivers, daemon, base, stop };
}

/** Counts each (uid, resourceVersion) body a receiver got. */
function deliveries(receiver: HttpReceiver): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of receiver.requests) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
  return seen;
}

async function burstsWithDisruption(api: FakeApiServer, receiver: HttpReceiver, disrupt: () => void): Promise<void> {
  const expected = new Set<string>();
  for (let burst = 0; burst < 10; burst++) {
    for (let i = 0; i < 200; i++) {
      const e = api.createEvent({ type: 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', namespace: 'default', name: `p-${burst}-${i}` } });
      expected.add(`${e.metadata.uid} ${e.metadata.resourceVersion}`);
    }
    disrupt();
  }
  await eventually('all 2000 delivered', () => deliveries(receiver).size >= 2000, 60_000);
  // A last event through the same FIFO lane: once it is in, anything repeated would be in too.
  const marker = api.createEvent({ reason: 'Marker' });
  await eventually('marker delivered', () => deliveries(receiver).has(`${marker.metadata.uid} ${marker.metadata.resourceVersion}`));
  const seen = deliveries(receiver);
  const repeated = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], 'no event delivered twice');
  for (const key of expected) assert.ok(seen.has(key), `event ${key} delivered`);
  assert.equal(seen.size, 2001, 'exactly the 2000 events and the marker');
}

test('2,000 events in 10 bursts, every watch connection dropped between bursts: each delivered exactly once', async () => {
  const s = await startSetup(['']);
  try {
    // A drop may come before the previous one's reconnect, so count the connections dropped overall.
    let dropped = 0;
    await burstsWithDisruption(s.api, s.receivers[0]!, () => (dropped += s.api.dropWatches()));
    assert.ok(dropped >= 1, `watch connections dropped: ${dropped}`);
    const text = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(text, /eventer_watch_restarts_total [1-9]/, 'the watch was resumed');
  } finally {
    await s.stop();
  }
});

test('the same with a forced 410 Expired between bursts: each delivered exactly once', async () => {
  const s = await startSetup(['']);
  try {
    await burstsWithDisruption(s.api, s.receivers[0]!, () => {
      s.api.compact();
      s.api.dropWatches();
    });
    const text = await (await fetch(`${s.base}/metrics`)).text();
    assert.match(text, /eventer_watch_relists_total [1-9]/, 'the watch relisted after 410');
  } finally {
    await s.stop();
  }
});

test('two sinks, one endpoint hangs: the other keeps delivering with sub-second latency', async (t) => {
  const s = await startSetup(['&timeout=30s', '']);
  const [hung, healthy] = s.receivers as [HttpReceiver, HttpReceiver];
  hung.respond(() => ({ hang: true }));
  try {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      s.api.createEvent({ reason: `Tick${i}` });
      await healthy.waitForRequests(i + 1, 5000);
      latencies.push(healthy.requests[i]!.receivedAt - sent);
    }
    t.diagnostic(`healthy sink latency while the other hangs: max ${Math.max(...latencies).toFixed(1)} ms over ${latencies.length} events`);
    assert.ok(Math.max(...latencies) < 1000, `max latency ${Math.max(...latencies).toFixed(0)} ms`);
    assert.ok(hung.requests.length >= 1, 'the hung endpoint was tried');
  } finally {
    await s.stop();
  }
});

test('SIGTERM while 50 events wait for a slow sink: all 50 delivered, exit within the grace period', async (t) => {
  const s = await startSetup(['&max_in_flight=1'], ['--shutdown-grace=20s']);
  const [slow] = s.receivers as [HttpReceiver];
  slow.respond(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 100)));
  try {
    const expected = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const e = s.api.createEvent({ reason: `Slow${i}` });
      expected.add(`${e.metadata.uid} ${e.metadata.resourceVersion}`);
    }
    await slow.waitForRequests(1, 10_000);
    await eventually('all 50 queued in the lane', async () => /eventer_sink_events_accepted_total\{[^}]*\} 50\b/.test(await (await fetch(`${s.base}/metrics`)).text()));
    const deliveredBefore = slow.requests.length;
    assert.ok(deliveredBefore < 50, 'events were still waiting when SIGTERM came');
    const exited = new Promise<number | null>((resolve) => s.daemon.once('exit', (code) => resolve(code)));
    const signalled = Date.now();
    s.daemon.kill('SIGTERM');
    const code = await exited;
    const took = Date.now() - signalled;
    t.diagnostic(`SIGTERM with ${50 - deliveredBefore} of 50 events still queued: exit code ${code} after ${took} ms (grace 20 s)`);
    assert.equal(code, 0);
    assert.ok(took < 20_000, `exited after ${took} ms`);
    const seen = deliveries(slow);
    for (const key of expected) assert.ok(seen.has(key), `event ${key} delivered before exit`);
    assert.match(s.daemon.output().stderr, /all queued events delivered/);
  } finally {
    await s.stop();
  }
});

test('every --frequency the daemon logs kube-eventer\'s "Exporting <n> events" line, while delivery never waits for it', async () => {
  const s = await startSetup([''], ['--frequency=5s']);
  try {
    const sent = performance.now();
    for (let i = 0; i < 3; i++) s.api.createEvent({ reason: `Tick${i}` });
    await s.receivers[0]!.waitForRequests(3, 3000);
    assert.ok(s.receivers[0]!.requests[2]!.receivedAt - sent < 1000, 'delivered before any tick');
    const exported = () => [...s.daemon.output().stderr.matchAll(/"msg":"Exporting (\d+) events"/g)].reduce((n, m) => n + Number(m[1]), 0);
    await eventually('the tick line counts the 3 events', () => exported() >= 3, 12_000);
    assert.equal(exported(), 3);
  } finally {
    await s.stop();
  }
});

test('with no events at all, each --frequency tick still refreshes kube-eventer\'s last-time gauges (alerts on their age stay quiet)', async () => {
  const startedAt = Math.floor(Date.now() / 1000);
  const s = await startSetup([''], ['--frequency=5s']);
  try {
    await waitForOutput(s.daemon, /"msg":"Exporting 0 events"/, 12_000);
    const text = await (await fetch(`${s.base}/metrics`)).text();
    const sample = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2]);
    for (const name of ['eventer_scraper_last_time_seconds', 'eventer_manager_last_time_seconds']) {
      assert.ok(sample(name) >= startedAt, `${name} = ${sample(name)} set by a tick after the start (${startedAt})`);
    }
    assert.ok(sample('eventer_scraper_duration_milliseconds_count') >= 1, 'the empty drain is observed');
  } finally {
    await s.stop();
  }
});
