// The riemann sink against a Riemann protocol peer, behind the real lane: 1,000 events decoded by
// the peer with kube-eventer's fields, reconnects after dropped connections and a restarted
// server without losing events, and bad options stopping startup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { createRiemannSink } from '../../../src/sinks/riemann/sink.js';
import { startRiemannPeer, type RiemannEvent } from '../../fixtures/riemann/peer.js';
import { assertConfigError, sinkUri, testContext } from '../chat/helpers.js';
import { metric, record, startLane } from '../chat/lane.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvents } from '../data/sample-events.js';

function marker(e: RiemannEvent): number {
  return Number(/evt-(\d+)\./.exec(e.description ?? '')![1]);
}

function unix(s: string | null | undefined): string {
  return s ? String(Math.floor(Date.parse(s) / 1000)) : '';
}

test('riemann: 1,000 events in messages of batchsize, each decoded with kube-eventer\'s fields', async () => {
  const peer = await startRiemannPeer();
  try {
    const u = sinkUri(`riemann:tcp://127.0.0.1:${peer.port}?ttl=30.5&batchsize=200&tags=k8s&tags=prod`);
    const built = await createRiemannSink(u, testContext());
    const { lane, registry } = startLane(u, built);
    const events = sampleEvents(1000);
    try {
      for (const e of events) lane.offer(record(e));
      await eventually('all events at the peer', () => peer.events.length >= 1000, 30_000);
      await eventually('the lane settles', () => lane.pending === 0, 5000);
      assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 1000);
    } finally {
      await lane.drain(2000);
    }
    assert.equal(peer.events.length, 1000);
    assert.ok(peer.messages >= 5, `${peer.messages} messages of at most 200 events`);
    for (const got of peer.events) {
      const e = events[marker(got)]!;
      const last = e.lastTimestamp ?? e.eventTime!;
      const lastSec = Math.floor(Date.parse(last) / 1000);
      assert.equal(got.time, String(lastSec));
      // eventTime-only samples carry microseconds .123456; Date.parse keeps only the milliseconds.
      assert.equal(got.time_micros, String(BigInt(Date.parse(last)) * 1000n + BigInt(e.eventTime && !e.lastTimestamp ? 456 : 0)));
      assert.equal(got.state, e.type === 'Normal' ? 'ok' : 'warning');
      assert.equal(got.service, `${e.involvedObject.kind}.${e.reason}`);
      assert.equal(got.host, e.source?.host || hostname());
      assert.equal(got.description, e.message);
      assert.deepEqual(got.tags, ['k8s', 'prod']);
      assert.equal(got.ttl, Math.fround(30.5));
      assert.equal(got.metric_sint64, String(e.count ?? 0));
      const o = e.involvedObject;
      assert.deepEqual(got.attributes, [
        { key: 'api-version', value: o.apiVersion ?? '' },
        { key: 'component', value: e.source?.component ?? '' },
        { key: 'field-path', value: o.fieldPath ?? '' },
        { key: 'first-timestamp', value: unix(e.firstTimestamp) },
        { key: 'last-timestamp', value: String(lastSec) },
        { key: 'name', value: o.name ?? '' },
        { key: 'namespace', value: o.namespace ?? '' },
        { key: 'resource-version', value: o.resourceVersion ?? '' },
        { key: 'uid', value: o.uid ?? '' },
      ]);
    }
  } finally {
    await peer.stop();
  }
});

test('riemann: dropped connections and a restarted server — the sink reconnects and every event arrives', async () => {
  const peer = await startRiemannPeer();
  try {
    const u = sinkUri(`riemann:tcp://127.0.0.1:${peer.port}?batchsize=50`);
    const built = await createRiemannSink(u, testContext());
    const { lane, registry } = startLane(u, built);
    const events = sampleEvents(1000);
    try {
      peer.dropNext(3);
      for (const e of events.slice(0, 400)) lane.offer(record(e));
      await eventually('first 400', () => new Set(peer.events.map(marker)).size >= 400, 30_000);
      await peer.stop();
      for (const e of events.slice(400)) lane.offer(record(e));
      await peer.start();
      await eventually('all 1,000 at the peer', () => new Set(peer.events.map(marker)).size >= 1000, 30_000);
      await eventually('the lane settles', () => lane.pending === 0, 5000);
      assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 1000);
      assert.ok((await metric(registry, 'eventer_sink_events_retried_total')) > 0);
    } finally {
      await lane.drain(2000);
    }
    assert.equal(peer.events.length, 1000, 'dropped messages were not kept, so nothing arrived twice');
    assert.ok(peer.connections >= 5, `${peer.connections} connections`);
  } finally {
    await peer.stop();
  }
});

test('riemann: a server that is down at startup only warns; bad options stop startup', async () => {
  const ctx = testContext();
  const down = await createRiemannSink(sinkUri('riemann:tcp://127.0.0.1:9?state=critical'), ctx);
  await down.sink.close();
  assert.ok(ctx.lines.some((l) => String(l.msg).includes('not connected at startup')));
  assert.ok(ctx.lines.some((l) => String(l.msg).includes('option state has no effect')));
  const build = (text: string) => () => createRiemannSink(sinkUri(text), testContext());
  await assertConfigError(build('riemann:tcp://127.0.0.1:9?ttl=abc'), /option ttl="abc" must be a non-negative number/);
  await assertConfigError(build('riemann:tcp://127.0.0.1:9?batchsize=0'), /option batchsize="0" must be an integer from 1 to 100000/);
  await assertConfigError(build('riemann:tcp://127.0.0.1:99999'), /"127.0.0.1:99999" is not host:port/);
  await assertConfigError(build('riemann:tcp://127.0.0.1:9?tag=x'), /unknown option "tag"/);
  await assertConfigError(build('riemann:riemann.monitoring:5555'), /no host in "riemann.monitoring:5555" \(use riemann:tcp:\/\/host:5555\)/);
});

test('riemann: a send whose deadline passed while it queued behind another is retried without writing', async () => {
  let hold = true;
  const peer = await startRiemannPeer(0, () => hold);
  try {
    const built = await createRiemannSink(sinkUri(`riemann:tcp://127.0.0.1:${peer.port}`), testContext());
    const [first, second] = sampleEvents(2);
    const stuck = new AbortController();
    const slow = built.sink.send([first!], stuck.signal);
    const late = new AbortController();
    const queued = built.sink.send([second!], late.signal);
    await eventually('the first message at the peer', () => peer.messages === 1, 5000);
    late.abort();
    // The peer answers from now on: a late message written anyway would be counted and answered.
    hold = false;
    stuck.abort();
    assert.equal((await slow as { status: string }).status, 'retry');
    const outcome = (await queued) as { status: string; reason: string };
    assert.equal(outcome.status, 'retry');
    assert.match(outcome.reason, /send deadline passed before the message was written/);
    assert.equal(peer.messages, 1, 'the late message was not written');
    await built.sink.close();
  } finally {
    await peer.stop();
  }
});
