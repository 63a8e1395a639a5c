import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Registry } from 'prom-client';
import type { EventRecord } from '../../src/event/types.js';
import { Router } from '../../src/pipeline/router.js';
import { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { DEFAULT_LANE_SETTINGS, Lane } from '../../src/pipeline/lane.js';
import { retry, reject, OK } from '../../src/pipeline/outcome.js';
import { SlidingWindowLimiter } from '../../src/pipeline/rate-limit.js';
import { makeEvent } from '../helpers/events.js';
import { captureLog, silentLog } from '../helpers/log.js';
import { makeLane, metricValue, ScriptedSink, untilAborted } from './helpers.js';

/** Lets the lane process a send's outcome (promise continuations), without waiting on time. */
const afterPendingCallbacks = () => new Promise((r) => setImmediate(r));

let seq = 0;
const record = (over = {}): EventRecord => ({ change: 'ADDED', event: makeEvent(over), receivedAt: Date.now(), seq: ++seq });

test('delivers at once, without waiting for a tick', async () => {
  const sink = new ScriptedSink('s');
  const { lane } = makeLane(sink);
  lane.start();
  const started = Date.now();
  lane.offer(record());
  await sink.waitForDelivered(1);
  // Measured 1-5 ms; a tick-driven lane would wait for --frequency (kube-eventer: 30 s).
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  await lane.drain(1000);
});

test('events arriving while a send is in flight are batched together', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sink = new ScriptedSink('s', async (_b, _s, call) => {
    if (call === 1) await gate;
    return OK;
  });
  const { lane } = makeLane(sink, { maxBatch: 50 });
  lane.start();
  lane.offer(record());
  await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 30; i++) lane.offer(record());
  release();
  await sink.waitForDelivered(31);
  assert.deepEqual(sink.calls.map((c) => c.batch.length), [1, 30]);
  await lane.drain(1000);
});

test('retryable failures are retried with backoff until delivered exactly once', async () => {
  const sink = new ScriptedSink('s', async (_b, _s, call) => (call <= 2 ? retry('503') : OK));
  const { lane, registry } = makeLane(sink);
  lane.start();
  lane.offer(record());
  await sink.waitForDelivered(1);
  assert.equal(sink.calls.length, 3);
  assert.equal(sink.delivered.length, 1);
  assert.equal(await metricValue(registry, 'eventer_sink_events_retried_total'), 2);
  assert.equal(await metricValue(registry, 'eventer_sink_events_sent_total'), 1);
  await lane.drain(1000);
});

test('Retry-After is honoured', async () => {
  const sink = new ScriptedSink('s', async (_b, _s, call) => (call === 1 ? retry('429', 400) : OK));
  const { lane } = makeLane(sink);
  lane.start();
  lane.offer(record());
  await sink.waitForDelivered(1);
  const gap = sink.calls[1]!.at - sink.calls[0]!.at;
  assert.ok(gap >= 395, `second attempt after ${gap} ms`);
  await lane.drain(1000);
});

test('per-event outcomes: only the failed events are retried; rejected ones are not', async () => {
  const sink = new ScriptedSink('s', async (batch, _s, call) =>
    call === 1 ? batch.map((_, i) => (i === 0 ? OK : i === 1 ? reject('400 bad body') : retry('timeout'))) : batch.map(() => OK),
  );
  const { lane, registry } = makeLane(sink, { maxBatch: 10 });
  const settled: EventRecord[] = [];
  lane.onSettled((r) => settled.push(...r));
  for (let i = 0; i < 3; i++) lane.offer(record());
  lane.start();
  await sink.waitForDelivered(2);
  assert.equal(sink.calls[1]!.batch.length, 1);
  assert.equal(await metricValue(registry, 'eventer_sink_events_rejected_total'), 1);
  assert.equal(settled.length, 3);
  await lane.drain(1000);
});

test('a send that exceeds its deadline is aborted and retried', async () => {
  const sink = new ScriptedSink('s', async (_b, signal, call) => {
    if (call === 1) await untilAborted(signal);
    return OK;
  });
  const { lane, registry } = makeLane(sink, { sendTimeoutMs: 100 });
  lane.start();
  lane.offer(record());
  await sink.waitForDelivered(1);
  assert.equal(await metricValue(registry, 'eventer_sink_send_calls_total', { result: 'timeout' }), 1);
  await lane.drain(1000);
});

test('overflow drops the oldest event and counts it', async () => {
  const sink = new ScriptedSink('s');
  const { lane, registry } = makeLane(sink, { queueCapacity: 3 });
  const events = [record(), record(), record(), record(), record()];
  for (const r of events) lane.offer(r);
  assert.equal(await metricValue(registry, 'eventer_sink_events_dropped_total', { reason: 'overflow' }), 2);
  lane.start();
  await sink.waitForDelivered(3);
  assert.deepEqual(sink.delivered.map((e) => e.metadata.uid), events.slice(2).map((r) => r.event.metadata.uid));
  await lane.drain(1000);
});

test('drop-newest keeps the queued events instead', async () => {
  const sink = new ScriptedSink('s');
  const { lane } = makeLane(sink, { queueCapacity: 2, overflow: 'drop-newest' });
  const events = [record(), record(), record()];
  for (const r of events) lane.offer(r);
  lane.start();
  await sink.waitForDelivered(2);
  assert.deepEqual(sink.delivered.map((e) => e.metadata.uid), events.slice(0, 2).map((r) => r.event.metadata.uid));
  await lane.drain(1000);
});

test('overflow is logged at most every 10 s, and the lines add up to every drop', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const capture = captureLog();
  const { lane, registry } = makeLane(new ScriptedSink('s'), { queueCapacity: 1 }, 'test#1', capture.log);
  const loggedDrops = () => capture.lines.filter((l) => l.msg?.toString().startsWith('events dropped')).map((l) => l.events);
  for (let i = 0; i < 5; i++) lane.offer(record());
  assert.deepEqual(loggedDrops(), [1]);
  t.mock.timers.tick(10_000);
  assert.deepEqual(loggedDrops(), [1, 3]);
  lane.offer(record());
  assert.deepEqual(loggedDrops(), [1, 3], 'a drop inside the next 10 s waits for its summary');
  t.mock.timers.tick(10_000);
  assert.deepEqual(loggedDrops(), [1, 3, 1]);
  assert.equal(await metricValue(registry, 'eventer_sink_events_dropped_total', { reason: 'overflow' }), 5);
});

test('a filter keeps events out of the lane', async () => {
  const sink = new ScriptedSink('s');
  const registry = new Registry();
  const lane = new Lane('f#1', { sink, accepts: (e) => e.type === 'Warning' }, DEFAULT_LANE_SETTINGS, new PipelineMetrics(registry), silentLog);
  lane.start();
  lane.offer(record({ type: 'Normal' }));
  lane.offer(record({ type: 'Warning' }));
  await sink.waitForDelivered(1);
  assert.equal(await metricValue(registry, 'eventer_sink_events_filtered_total'), 1);
  await lane.drain(1000);
  assert.equal(sink.delivered.length, 1);
});

test('a hung sink never delays another sink', async () => {
  const hung = new ScriptedSink('hung', async (_b, signal) => untilAborted(signal));
  const fast = new ScriptedSink('fast');
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const settings = { ...DEFAULT_LANE_SETTINGS, sendTimeoutMs: 60_000 };
  const router = new Router([new Lane('hung#1', { sink: hung }, settings, metrics, silentLog), new Lane('fast#1', { sink: fast }, settings, metrics, silentLog)], registry);
  router.start();
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const sent = Date.now();
    router.dispatch('ADDED', makeEvent());
    await fast.waitForDelivered(i + 1);
    latencies.push(Date.now() - sent);
  }
  // Measured under 10 ms; waiting behind the hung sink would take its 60 s deadline.
  assert.ok(Math.max(...latencies) < 5000, `max latency ${Math.max(...latencies)} ms`);
  assert.equal(hung.calls.length, 1);
  const results = await router.drain(200);
  // 19 queued and the one in flight: all 20 are left undelivered.
  assert.deepEqual(results.find((r) => r.sink === 'hung#1')!.remaining, 20);
});

test('shutdown behind a hung sink counts a backlog stored past 2,048 events as dropped, in flight and queued alike', async () => {
  let called!: () => void;
  const sending = new Promise<void>((resolve) => (called = resolve));
  const sink = new ScriptedSink('hung', async (_b, signal) => {
    called();
    return untilAborted(signal);
  });
  const { lane, registry } = makeLane(sink, { sendTimeoutMs: 60_000, maxBatch: 1 });
  lane.start();
  // Far past the 2,048 kept live: most of them wait compressed.
  const events = 20_000;
  for (let i = 0; i < events; i++) lane.offer(record());
  await sending;
  const result = await lane.drain(50);
  // In flight and queued alike.
  assert.equal(result.remaining, events);
  assert.equal(await metricValue(registry, 'eventer_sink_events_dropped_total', { reason: 'shutdown' }), events);
});

test('with checkpoints on, the settlement bookkeeping does not keep a compressed backlog alive', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  let called!: () => void;
  const sending = new Promise<void>((resolve) => (called = resolve));
  const sink = new ScriptedSink('hung', async (_b, signal) => {
    called();
    return untilAborted(signal);
  });
  const { lane } = makeLane(sink, { sendTimeoutMs: 60_000, maxBatch: 1 });
  lane.trackSettlement();
  lane.start();
  try {
    gc();
    const before = process.memoryUsage().heapUsed;
    const events = 50_000;
    for (let i = 0; i < events; i++) lane.offer({ ...record(), seq: i + 1, previousResourceVersion: String(i) });
    await sending;
    gc();
    const perEvent = (process.memoryUsage().heapUsed - before) / events;
    // Live events cost about 700 bytes each; stored compressed plus their settlement entry, a fraction of that.
    assert.ok(perEvent < 250, `${perEvent.toFixed(0)} bytes per queued event`);
    assert.equal(lane.firstUnsettled()?.seq, 1);
    assert.equal(lane.firstUnsettled()?.previousResourceVersion, '0');
  } finally {
    await lane.drain(50);
  }
});

test('drain delivers everything queued behind a slow sink within the grace period', async () => {
  const sink = new ScriptedSink('slow', async () => {
    await new Promise((r) => setTimeout(r, 50));
    return OK;
  });
  const { lane } = makeLane(sink, { maxBatch: 5 });
  lane.start();
  for (let i = 0; i < 50; i++) lane.offer(record());
  const started = Date.now();
  const result = await lane.drain(60_000);
  assert.equal(result.remaining, 0);
  assert.equal(sink.delivered.length, 50);
  assert.ok(sink.closed);
  // Returns when the queue is empty (measured about 550 ms), not at the deadline.
  assert.ok(Date.now() - started < 30_000, `drain took ${Date.now() - started} ms`);
});

test('drain gives up at the deadline and counts what is left', async () => {
  const sink = new ScriptedSink('hung', async (_b, signal) => untilAborted(signal));
  const { lane, registry } = makeLane(sink, { maxBatch: 1 });
  lane.start();
  for (let i = 0; i < 5; i++) lane.offer(record());
  const started = Date.now();
  await lane.drain(300);
  const took = Date.now() - started;
  // Waits for the deadline (300 ms), then stops at once (measured about 310 ms).
  assert.ok(took >= 295 && took < 3000, `took ${took} ms`);
  assert.equal(await metricValue(registry, 'eventer_sink_events_dropped_total', { reason: 'shutdown' }), 5);
});

test('sliding window limiter never allows more than the limit per window', () => {
  let now = 0;
  const limiter = new SlidingWindowLimiter(20, 60_000, () => now);
  const sends: number[] = [];
  while (now < 180_000) {
    const wait = limiter.waitMs();
    if (wait === 0) {
      limiter.record();
      sends.push(now);
    } else now += wait;
  }
  for (let i = 20; i < sends.length; i++) assert.ok(sends[i]! - sends[i - 20]! >= 60_000);
  assert.equal(sends.length, 60);
  limiter.block(5000);
  assert.ok(limiter.waitMs() >= 5000);
});

test('a rate-limited lane batches the waiting events into fewer sends', async () => {
  const sink = new ScriptedSink('robot');
  const { lane } = makeLane(sink, { sendsPerMinute: 2, maxBatch: 100 });
  lane.start();
  lane.offer(record());
  await sink.waitForDelivered(1);
  for (let i = 0; i < 10; i++) lane.offer(record());
  await sink.waitForDelivered(11);
  assert.deepEqual(sink.calls.map((c) => c.batch.length), [1, 10]);
  await lane.drain(100);
});

test('checkpoint position: the last resourceVersion every lane has settled, per sink too', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const slow = new ScriptedSink('slow', async (_b, _s, call) => {
    if (call === 2) await gate;
    return OK;
  });
  const fast = new ScriptedSink('fast');
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const router = new Router(
    [new Lane('slow#1', { sink: slow }, DEFAULT_LANE_SETTINGS, metrics, silentLog), new Lane('fast#1', { sink: fast, accepts: (e) => e.type === 'Warning' }, DEFAULT_LANE_SETTINGS, metrics, silentLog)],
    registry,
    true,
  );
  assert.equal(router.checkpoint(), undefined);
  router.start();
  router.dispatch('ADDED', makeEvent({ metadata: { uid: 'a', resourceVersion: '10' } }));
  await slow.waitForDelivered(1);
  await fast.waitForDelivered(1);
  await afterPendingCallbacks();
  assert.deepEqual(router.checkpoint('12'), { resourceVersion: '12', sinks: { 'slow#1': '12', 'fast#1': '12' } });
  router.dispatch('ADDED', makeEvent({ metadata: { uid: 'b', resourceVersion: '20' } }));
  router.dispatch('ADDED', makeEvent({ type: 'Normal', metadata: { uid: 'c', resourceVersion: '30' } }));
  await fast.waitForDelivered(2);
  await afterPendingCallbacks();
  // slow holds rv 20 in flight: a restart must resume after 10; fast has settled everything (30 was filtered).
  assert.deepEqual(router.checkpoint('31'), { resourceVersion: '10', sinks: { 'slow#1': '10', 'fast#1': '31' } });
  release();
  await slow.waitForDelivered(3);
  await afterPendingCallbacks();
  assert.deepEqual(router.checkpoint('31'), { resourceVersion: '31', sinks: { 'slow#1': '31', 'fast#1': '31' } });
  await router.drain(500);
});

test('deferred events go back to the head and ride with the next send, without backoff or retry counts', async () => {
  const { defer } = await import('../../src/pipeline/outcome.js');
  const sink = new ScriptedSink('robot', async (batch) => batch.map((_, i) => (i < 2 ? OK : defer('no room'))));
  const { lane, registry } = makeLane(sink, { maxBatch: 5 });
  const events = Array.from({ length: 6 }, () => record());
  for (const r of events) lane.offer(r);
  lane.start();
  await sink.waitForDelivered(6);
  assert.deepEqual(sink.calls.map((c) => c.batch.length), [5, 4, 2]);
  assert.deepEqual(sink.delivered.map((e) => e.metadata.uid), events.map((r) => r.event.metadata.uid), 'order kept');
  assert.equal(await metricValue(registry, 'eventer_sink_events_retried_total'), 0);
  await lane.drain(500);
});

test('a send cut off by its deadline keeps the outcomes the sink reports after the abort: delivered events are not sent again', async () => {
  // Like the HTTP sinks: half the requests finish, the rest are aborted by the deadline and reported as retry.
  const sent: string[] = [];
  const sink = new ScriptedSink('half-slow', async (batch, signal, call) => {
    if (call > 1) {
      for (const e of batch) sent.push(e.metadata.uid!);
      return OK;
    }
    await untilAborted(signal).catch(() => {});
    return batch.map((e, i) => {
      if (i % 2 === 1) return retry('aborted');
      sent.push(e.metadata.uid!);
      return OK;
    });
  });
  const { lane } = makeLane(sink, { sendTimeoutMs: 50, abortGraceMs: 60_000 });
  lane.start();
  for (let i = 0; i < 10; i++) lane.offer(record({ metadata: { uid: `e${i}` } }));
  await sink.waitForDelivered(10);
  assert.deepEqual([...sent].sort(), Array.from({ length: 10 }, (_, i) => `e${i}`).sort());
  assert.deepEqual(sink.calls.map((c) => c.batch.length), [10, 5]);
  await lane.drain(1000);
});

test('a sink that stays silent after the abort holds the lane no longer than the grace, then the batch is retried', async () => {
  const sink = new ScriptedSink('deaf', async (_batch, _signal, call) => (call === 1 ? new Promise<never>(() => {}) : OK));
  const { lane } = makeLane(sink, { sendTimeoutMs: 20, abortGraceMs: 20 });
  lane.start();
  for (let i = 0; i < 3; i++) lane.offer(record());
  await sink.waitForDelivered(3);
  assert.deepEqual(sink.calls.map((c) => c.batch.length), [3, 3]);
  await lane.drain(1000);
});

test('after a resume the lane skips what its sink delivered before, until the first newer event ends the skipping', async () => {
  const sink = new ScriptedSink('resumed');
  const { lane } = makeLane(sink);
  lane.resumeAfter('100');
  lane.start();
  const rv = (resourceVersion: string) => record({ metadata: { uid: `rv${resourceVersion}`, resourceVersion } });
  lane.offer(rv('99'));
  lane.offer(rv('100'));
  lane.offer(rv('101'));
  // The watch is in resourceVersion order: once past the resumed position nothing more is compared.
  lane.offer(rv('60'));
  await sink.waitForDelivered(2);
  await lane.drain(1000);
  assert.deepEqual(sink.delivered.map((e) => e.metadata.resourceVersion), ['101', '60']);
  assert.equal(lane.resumedPosition, '100');
});

test('checkpoint position: a sink that was ahead when the daemon resumed never goes back while the others replay', async () => {
  // Saved before the crash: {A: 200, B: 100}. While B replays 101-150, A's position stays 200.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const a = new ScriptedSink('a');
  const b = new ScriptedSink('b', async () => {
    await gate;
    return OK;
  });
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const laneA = new Lane('a#1', { sink: a }, DEFAULT_LANE_SETTINGS, metrics, silentLog);
  const laneB = new Lane('b#1', { sink: b }, DEFAULT_LANE_SETTINGS, metrics, silentLog);
  laneA.resumeAfter('200');
  laneB.resumeAfter('100');
  const router = new Router([laneA, laneB], registry, true);
  router.start();
  assert.deepEqual(router.checkpoint(undefined, '100'), { resourceVersion: '100', sinks: { 'a#1': '200', 'b#1': '100' } });
  for (let rv = 101; rv <= 150; rv++) router.dispatch('ADDED', makeEvent({ metadata: { uid: `u${rv}`, resourceVersion: String(rv) } }));
  await afterPendingCallbacks();
  assert.deepEqual(router.checkpoint('150', '100'), { resourceVersion: '100', sinks: { 'a#1': '200', 'b#1': '100' } });
  release();
  await b.waitForDelivered(50);
  await afterPendingCallbacks();
  assert.deepEqual(router.checkpoint('150', '100'), { resourceVersion: '150', sinks: { 'a#1': '200', 'b#1': '150' } });
  router.dispatch('ADDED', makeEvent({ metadata: { uid: 'u201', resourceVersion: '201' } }));
  await a.waitForDelivered(1);
  await b.waitForDelivered(51);
  await afterPendingCallbacks();
  assert.deepEqual(router.checkpoint('201', '100'), { resourceVersion: '201', sinks: { 'a#1': '201', 'b#1': '201' } });
  assert.equal(a.delivered.length, 1);
  await router.drain(500);
});

test('checkpoint position: a batch retried forever holds the position before it, while the other lane moves on', async (t) => {
  // retry_max_elapsed=0 and a small queue: the stuck lane keeps at most queue + batch events; the
  // position of its first unsettled event comes from that event itself, not from a table of every event.
  const stuck = new ScriptedSink('stuck', async () => retry('503'));
  const fast = new ScriptedSink('fast');
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const settings = { ...DEFAULT_LANE_SETTINGS, retryMaxElapsedMs: 0, queueCapacity: 10, maxBatch: 5, backoff: { initialMs: 1, maxMs: 5, multiplier: 2 } };
  const router = new Router([new Lane('stuck#1', { sink: stuck }, settings, metrics, silentLog), new Lane('fast#1', { sink: fast }, DEFAULT_LANE_SETTINGS, metrics, silentLog)], registry, true);
  router.start();
  t.after(() => router.drain(100));
  router.dispatch('ADDED', makeEvent({ metadata: { uid: 'first', resourceVersion: '1000' } }));
  await fast.waitForDelivered(1);
  await new Promise((r) => setImmediate(r));
  for (let rv = 1001; rv <= 1500; rv++) {
    router.dispatch('ADDED', makeEvent({ metadata: { uid: `u${rv}`, resourceVersion: String(rv) } }));
    if (rv % 50 === 0) await fast.waitForDelivered(rv - 999);
  }
  await fast.waitForDelivered(501);
  await afterPendingCallbacks();
  // The stuck lane still retries event 1000 (the first, so the start position applies); overflow settled the rest it dropped.
  assert.deepEqual(router.checkpoint('1500', '999'), { resourceVersion: '999', sinks: { 'stuck#1': '999', 'fast#1': '1500' } });
  assert.ok(router.lanes[0]!.pending <= 15, `stuck lane holds ${router.lanes[0]!.pending}`);
});
