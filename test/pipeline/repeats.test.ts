import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventRecord } from '../../src/event/types.js';
import { Registry } from 'prom-client';
import { DEFAULT_LANE_SETTINGS, Lane } from '../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { RepeatCollapser } from '../../src/pipeline/repeats.js';
import { Router } from '../../src/pipeline/router.js';
import { silentLog } from '../helpers/log.js';
import { makeEvent } from '../helpers/events.js';
import { makeLane, metricValue, ScriptedSink } from './helpers.js';

test('a pod crash-looping for 10 minutes gives one message plus one notice per window, not 60', () => {
  let now = 0;
  const sent: EventRecord[] = [];
  let collapsed = 0;
  const window = 5 * 60_000;
  const collapser = new RepeatCollapser(window, (r) => sent.push(r), () => collapsed++, () => now);
  const base = makeEvent({ reason: 'BackOff', involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1', uid: 'pod-uid-1' } });
  for (let count = 1; count <= 60; count++) {
    now = (count - 1) * 10_000;
    collapser.offer({ change: count === 1 ? 'ADDED' : 'MODIFIED', event: { ...base, count }, receivedAt: now, seq: count });
    collapser.sweep();
  }
  now = 600_000;
  collapser.sweep();
  assert.deepEqual(sent.map((r) => r.event.count), [1, 31, 60]);
  assert.equal(collapsed + sent.length, 60);
  // Each window (5 min) carries at most one message and one repeat notice.
  assert.ok(sent.length <= 1 + Math.ceil(600_000 / window));
});

test('different objects or reasons are not collapsed together', () => {
  const sent: EventRecord[] = [];
  const collapser = new RepeatCollapser(60_000, (r) => sent.push(r), () => {}, () => 0);
  const a = makeEvent({ reason: 'BackOff', involvedObject: { kind: 'Pod', namespace: 'n', name: 'a', uid: 'a' } });
  const b = makeEvent({ reason: 'BackOff', involvedObject: { kind: 'Pod', namespace: 'n', name: 'b', uid: 'b' } });
  const c = makeEvent({ reason: 'Unhealthy', involvedObject: { kind: 'Pod', namespace: 'n', name: 'a', uid: 'a' } });
  for (const event of [a, b, c]) collapser.offer({ change: 'ADDED', event, receivedAt: 0, seq: 0 });
  assert.equal(sent.length, 3);
});

test('held repeats are delivered on shutdown, not lost', async () => {
  const sink = new ScriptedSink('robot');
  const { lane, registry } = makeLane(sink, { repeatWindowMs: 60_000 });
  lane.start();
  const base = makeEvent({ involvedObject: { kind: 'Pod', namespace: 'n', name: 'x', uid: 'x' } });
  for (let count = 1; count <= 5; count++) lane.offer({ change: 'MODIFIED', event: { ...base, count }, receivedAt: Date.now(), seq: count });
  await sink.waitForDelivered(1);
  await lane.drain(2000);
  assert.deepEqual(sink.delivered.map((e) => e.count), [1, 5]);
  assert.equal(await metricValue(registry, 'eventer_sink_events_collapsed_total'), 3);
});

test('a held repeat does not hold the checkpoint back: a crash inside the window does not resend the window', async () => {
  const sink = new ScriptedSink('robot');
  const registry = new Registry();
  const lane = new Lane('robot#1', { sink }, { ...DEFAULT_LANE_SETTINGS, repeatWindowMs: 5 * 60_000 }, new PipelineMetrics(registry), silentLog);
  const router = new Router([lane], registry, true);
  router.start();
  const involvedObject = { kind: 'Pod', namespace: 'n', name: 'crashing', uid: 'crashing' };
  router.dispatch('ADDED', makeEvent({ involvedObject, count: 1, metadata: { name: 'e', uid: 'e', resourceVersion: '10' } }));
  await sink.waitForDelivered(1);
  router.dispatch('MODIFIED', makeEvent({ involvedObject, count: 2, metadata: { name: 'e', uid: 'e', resourceVersion: '11' } }));
  router.dispatch('ADDED', makeEvent({ involvedObject: { ...involvedObject, name: 'other', uid: 'other' }, metadata: { uid: 'o', resourceVersion: '12' } }));
  await sink.waitForDelivered(2);
  await new Promise((r) => setImmediate(r));
  // rv 11 is held for the window; the checkpoint still moves past it to 12.
  assert.deepEqual(router.checkpoint(undefined, '9'), { resourceVersion: '12', sinks: { 'robot#1': '12' } });
  assert.deepEqual(sink.delivered.map((e) => e.metadata.resourceVersion), ['10', '12']);
  await router.drain(2000);
  assert.deepEqual(sink.delivered.map((e) => e.metadata.resourceVersion), ['10', '12', '11'], 'the held repeat is still sent on shutdown');
});
