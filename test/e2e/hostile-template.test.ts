// A body template that would exhaust the heap ({{range 10000000000}}x{{end}}, legal Go since 1.22)
// or hold the event loop (a long loop without output), hot-loaded from a ConfigMap into the running
// daemon: each render stops at the budget, that sink rejects the event and logs why, while /healthz
// keeps answering and another sink keeps delivering.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver/server.js';
import { runDaemon, spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';

const HEAP_BOMB = '{{range 10000000000}}x{{end}}';
const SILENT_LOOP = '{{range 10000000000}}{{end}}';
const EVENTS = 50;

let api: FakeApiServer;
let hostile: HttpReceiver;
let good: HttpReceiver;
let daemon: ReturnType<typeof spawnDaemon>;
let base: string;

function putConfigMap(name: string, content: string): void {
  api.putObject('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name }, data: { content } });
}

async function metric(name: string, sink: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`sink="${sink}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; daemon stderr: ${daemon.output().stderr.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

before(async () => {
  api = await startFakeApiServer();
  putConfigMap('heap-bomb', HEAP_BOMB);
  putConfigMap('silent-loop', SILENT_LOOP);
  hostile = await startHttpReceiver(() => ({ status: 200 }));
  good = await startHttpReceiver(() => ({ status: 200 }));
  daemon = spawnDaemon([
    `--source=kubernetes:${api.url}?inClusterConfig=false`,
    '--healthz-ip=127.0.0.1',
    '--healthz-port=0',
    `--sink=webhook:${hostile.url}/bomb?method=POST&custom_body_configmap=heap-bomb`,
    `--sink=webhook:${hostile.url}/loop?method=POST&custom_body_configmap=silent-loop`,
    `--sink=webhook:${hostile.url}/small?method=POST&max_body_bytes=64`,
    `--sink=webhook:${good.url}/good?method=POST`,
  ]);
  const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
  base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
  await eventually('daemon ready', async () => (await fetch(`${base}/readyz`)).status === 200);
});

after(async () => {
  await stopDaemon(daemon);
  await Promise.all([hostile?.close(), good?.close()]);
  await api?.close();
});

test('hostile templates fail their render; /healthz and the other sink are unaffected', async () => {
  for (let i = 0; i < EVENTS; i++) {
    api.createEvent({ type: 'Warning', reason: 'BackOff', message: `event ${i}`, involvedObject: { kind: 'Pod', namespace: 'default', name: `web-${i}` } });
  }
  // Probe /healthz back to back while the hostile renders run.
  const latencies: number[] = [];
  let rendering = true;
  const probing = (async () => {
    while (rendering) {
      const start = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      latencies.push(performance.now() - start);
    }
  })();
  try {
    await good.waitForRequests(EVENTS, 60_000);
    for (const sink of ['webhook#1', 'webhook#2', 'webhook#3']) {
      await eventually(`${sink} rejected every event`, async () => (await metric('eventer_sink_events_rejected_total', sink)) === EVENTS);
    }
  } finally {
    rendering = false;
    await probing;
  }
  assert.equal(hostile.requests.length, 0, 'no body from a failed render is sent');
  assert.equal(good.requests.length, EVENTS);
  assert.equal(daemon.exitCode, null, 'the daemon is still running');

  const stderr = daemon.output().stderr;
  assert.match(stderr, /"sink":"webhook#1".*"reason":"ConfigMap default\/heap-bomb: .*"msg":"sink rejected event"/);
  assert.match(stderr, /ConfigMap default\/heap-bomb: template: body:1:21: executing \\"body\\" at <x>: execution exceeds the limit of 100000 steps/);
  assert.match(stderr, /ConfigMap default\/silent-loop: template: body:1:21: executing \\"body\\" at <>: execution exceeds the limit of 100000 steps/);
  assert.match(stderr, /built-in body: template: body:[0-9:]+: executing \\"body\\" at <[^>]*>: output exceeds the limit of 64 bytes/);

  latencies.sort((a, b) => a - b);
  const max = latencies[latencies.length - 1]!;
  const median = latencies[Math.floor(latencies.length / 2)]!;
  console.log(`/healthz while hostile templates render: ${latencies.length} probes, median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  assert.ok(latencies.length >= 5, `only ${latencies.length} /healthz probes completed`);
  // A render stops within its step budget (3-40 ms each here) and the sink yields between renders;
  // measured: median 30-60 ms, max 0.3-1.3 s on a loaded 2-core machine. Without the budget a render
  // never ends (heap exhaustion, or 10^10 silent iterations), so a wide bound still tells them apart.
  assert.ok(max < 10_000, `/healthz took ${max.toFixed(0)} ms`);
});

test('a bad max_body_bytes stops startup with a message naming the option', async () => {
  const result = await runDaemon([`--source=kubernetes:${api.url}?inClusterConfig=false`, `--sink=webhook:${good.url}/x?max_body_bytes=1MiB`]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr + result.stdout, /option max_body_bytes="1MiB" must be a number of bytes from 1 to 67108864 \(default 1048576\)/);
});
