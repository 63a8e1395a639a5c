// The honeycomb sink against the Honeycomb fake, behind the real lane: 1,000 events with
// kube-eventer's data fields, per-event statuses (only failures retried, bad ones rejected alone),
// bodies kept under the batch limit, and bad input stopping startup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../../src/event/types.js';
import { createHoneycombSink } from '../../../src/sinks/honeycomb/sink.js';
import type { SinkParts } from '../../../src/sinks/context.js';
import { startHoneycombFake, type HoneycombFake } from '../../fixtures/honeycomb/server.js';
import { assertConfigError, noAbort, sinkUri, testContext } from '../chat/helpers.js';
import { metric, record, startLane } from '../chat/lane.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvents } from '../data/sample-events.js';

const KEY = 'hcaik_01abcdefghijklmnopqrstuvwxyz0123456789';

function marker(data: Record<string, unknown>): number {
  return Number(/evt-(\d+)\./.exec(String(data.message))![1]);
}

async function deliver(built: SinkParts, u: ReturnType<typeof sinkUri>, f: HoneycombFake, events: readonly KubeEvent[]): Promise<{ sent: number; rejected: number; retried: number }> {
  const { lane, registry } = startLane(u, built);
  try {
    for (const e of events) lane.offer(record(e));
    await eventually('the lane settles', () => lane.pending === 0 && f.events.length > 0, 60_000);
    return {
      sent: await metric(registry, 'eventer_sink_events_sent_total'),
      rejected: await metric(registry, 'eventer_sink_events_rejected_total'),
      retried: await metric(registry, 'eventer_sink_events_retried_total'),
    };
  } finally {
    await lane.drain(2000);
  }
}

test('honeycomb: 1,000 events to /1/batch/<dataset>, data fields equal to kube-eventer\'s, time = the event\'s time', async () => {
  const f = await startHoneycombFake([KEY]);
  try {
    const u = sinkUri(`honeycomb:?writekey=${KEY}&dataset=k8s%20events&apihost=${f.url}/`);
    const built = await createHoneycombSink(u, testContext(), {});
    const events = sampleEvents(1000);
    const counts = await deliver(built, u, f, events);
    assert.deepEqual(counts, { sent: 1000, rejected: 0, retried: 0 });
    assert.equal(f.events.length, 1000);
    assert.ok(f.batches.every((b) => b.status === 200 && b.gzip && b.statuses.every((s) => s === 202)));
    for (const stored of f.events) {
      const e = events[marker(stored.data)]!;
      assert.equal(stored.dataset, 'k8s events');
      assert.deepEqual(stored.keys, ['data', 'time']);
      assert.deepEqual(stored.data, {
        namespace: e.involvedObject.namespace ?? '',
        kind: e.involvedObject.kind ?? '',
        name: e.involvedObject.name ?? '',
        subobject: e.involvedObject.fieldPath ?? '',
        'source.component': e.source?.component ?? '',
        'source.host': e.source?.host ?? '',
        count: e.count ?? 0,
        type: e.type ?? '',
        reason: e.reason ?? '',
        message: e.message ?? '',
      });
      assert.deepEqual(Object.keys(stored.data), ['namespace', 'kind', 'name', 'subobject', 'source.component', 'source.host', 'count', 'type', 'reason', 'message']);
      // Go's RFC3339Nano in UTC: no fraction for whole seconds, trailing zeros trimmed.
      const expected = e.lastTimestamp ?? e.eventTime!.replace(/0+Z$/, 'Z').replace(/\.Z$/, 'Z');
      assert.equal(stored.time, expected);
    }
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('honeycomb: per-event statuses — 429/503 events retried alone, 400 events rejected alone, nothing else resent', async () => {
  const f = await startHoneycombFake([KEY]);
  try {
    const u = sinkUri(`honeycomb:?writekey=${KEY}&apihost=${f.url}&batch_size=100`);
    const built = await createHoneycombSink(u, testContext(), {});
    f.failEvents(3, 429, 'event dropped due to rate limiting');
    f.failEvents(2, 503, 'service unavailable');
    const first = (await built.sink.send(sampleEvents(10), noAbort)) as Array<{ status: string }>;
    assert.deepEqual(first.map((o) => o.status), ['retry', 'retry', 'retry', 'retry', 'retry', 'ok', 'ok', 'ok', 'ok', 'ok']);
    f.failEvents(1, 400, 'Event has too many columns');
    const second = (await built.sink.send(sampleEvents(3, 20), noAbort)) as Array<{ status: string }>;
    assert.deepEqual(second.map((o) => o.status), ['reject', 'ok', 'ok']);
    await built.sink.close();
    // Behind the lane: 500 events, 7 transient refusals — every event arrives exactly once.
    const built2 = await createHoneycombSink(u, testContext(), {});
    f.events.length = 0;
    f.failEvents(7, 429, 'event dropped due to rate limiting');
    const counts = await deliver(built2, u, f, sampleEvents(500, 1000));
    assert.deepEqual(counts, { sent: 500, rejected: 0, retried: 7 });
    const markers = f.events.map((x) => marker(x.data));
    assert.equal(markers.length, 500, 'no event sent twice');
    assert.equal(new Set(markers).size, 500);
  } finally {
    await f.close();
  }
});

test('honeycomb: a batch over 5 MB is split into accepted requests; an event over 1 MB is rejected alone', async () => {
  const f = await startHoneycombFake([KEY]);
  try {
    const u = sinkUri(`honeycomb:?writekey=${KEY}&apihost=${f.url}`);
    const built = await createHoneycombSink(u, testContext(), {});
    const events = sampleEvents(300).map((e) => ({ ...e, message: `${e.message} ${'m'.repeat(40_000)}` }));
    const outcomes = (await built.sink.send([...events, { ...sampleEvents(1, 999)[0]!, message: 'h'.repeat(1_100_000) }], noAbort)) as Array<{ status: string }>;
    assert.equal(outcomes.filter((o) => o.status === 'ok').length, 300);
    assert.equal(outcomes[300]!.status, 'reject');
    assert.ok(f.batches.length >= 3 && f.batches.every((b) => b.status === 200), JSON.stringify(f.batches.map((b) => b.status)));
    assert.equal(f.events.length, 300);
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('honeycomb: bad input stops startup naming the option, the key masked', async () => {
  const f = await startHoneycombFake([KEY]);
  try {
    const build = (text: string, env: NodeJS.ProcessEnv = {}) => () => createHoneycombSink(sinkUri(text), testContext(), env);
    await assertConfigError(build(`honeycomb:?apihost=${f.url}`), /Failed to find honeycomb API write key \(option writekey or env HONEYCOMB_WRITEKEY\)/);
    await assertConfigError(build(`honeycomb:?writekey=wrong-key-123456&apihost=${f.url}`), /Honeycomb refused option writekey=\*\*\* \(unknown API key - check your credentials\)/, 'wrong-key-123456');
    await assertConfigError(build(`honeycomb:?apihost=${f.url}`, { HONEYCOMB_WRITEKEY: 'env-wrong-key-99' }), /refused option writekey/, 'env-wrong-key-99');
    await assertConfigError(build(`honeycomb:?writekey=${KEY}&apihost=not a url`), /option apihost="not a url" is not a URL/, KEY);
    await assertConfigError(build(`honeycomb:?writekey=${KEY}&apihost=ftp://x/`), /scheme must be http or https/, KEY);
    await assertConfigError(build(`honeycomb:?writekey=${KEY}&apihost=http://no-such-host.invalid/`), /option apihost: host no-such-host.invalid does not exist/, KEY);
    await assertConfigError(build(`honeycomb:?writekey=${KEY}&apihost=${f.url}&dataset=`), /option dataset="" must be a dataset name/, KEY);
    await assertConfigError(build(`honeycomb:?writekey=${KEY}&apihost=${f.url}&writeKey=x`), /unknown option "writeKey"/, KEY);
    // From the environment, accepted.
    const ok = await createHoneycombSink(sinkUri(`honeycomb:?apihost=${f.url}`), testContext(), { HONEYCOMB_WRITEKEY: KEY });
    await ok.sink.close();
  } finally {
    await f.close();
  }
});
