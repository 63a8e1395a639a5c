// The dingtalk sink behind the real lane against the fake DingTalk robot (20 messages a minute,
// signed). Time is scaled so the test takes seconds: the fake's clock runs 5× faster, so its
// minute is 12 s, and the lane's pace is scaled the same way (rate_window=640ms for 3.2 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../src/event/types.js';
import { createDingTalkSink } from '../../src/sinks/dingtalk/sink.js';
import { startDingTalkFake, type DingTalkFake } from '../fixtures/robots/dingtalk.js';
import { sinkUri, testContext } from '../sinks/chat/helpers.js';
import { metric, produce, record, ScaledClock, startLane, warningEvent } from '../sinks/chat/lane.js';
import { eventually } from '../helpers/eventually.js';

process.env.TZ = 'Asia/Shanghai';

const TOKEN = 'e2e0token0dingtalk';
const SECRET = 'SECe2e0secret0dingtalk';
const SCALE = 5;

function shownText(fake: DingTalkFake): string[] {
  return fake.delivered.map((x) => {
    const b = x.json as { text: { content: string }; markdown: { text: string } };
    return `${b.text.content}\n${b.markdown.text}`;
  });
}

/** 200 Warning events within 10 (scaled) seconds; every one must appear in some message within 3 (scaled) minutes. */
async function storm(laneOptions: string, msgType: 'text' | 'markdown') {
  const clock = new ScaledClock(SCALE);
  const fake = await startDingTalkFake({ [TOKEN]: { secret: SECRET } }, clock);
  const value = `dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&sign=${SECRET}&msg_type=${msgType}&${laneOptions}`;
  const uri = sinkUri(value);
  const built = await createDingTalkSink(uri, testContext());
  const { lane, registry } = startLane(uri, built);
  const events = Array.from({ length: 200 }, (_, i) => warningEvent(i));
  const started = Date.now();
  try {
    await produce(lane, events, 10_000 / SCALE, 20);
    const missing = () => {
      const all = shownText(fake).join('\n');
      return events.filter((_, i) => !all.includes(`evt-${i}.`)).length;
    };
    await eventually('every event in some message', () => missing() === 0, 180_000 / SCALE - (Date.now() - started));
    const elapsed = Date.now() - started;
    // The lane counts a delivery once the reply is in: let it finish.
    await eventually('the lane settles', () => lane.pending === 0, 2000);
    const codes = [...fake.counts().keys()];
    assert.deepEqual(codes, [0], `the robot refused some messages: ${JSON.stringify([...fake.counts()])}`);
    assert.ok(fake.exchanges.every((x) => x.request.bodyBytes <= 20_000));
    assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 200);
    assert.equal(await metric(registry, 'eventer_sink_events_dropped_total'), 0);
    assert.equal(await metric(registry, 'eventer_sink_events_rejected_total'), 0);
    return { messages: fake.delivered.length, elapsedMs: elapsed, scaledSeconds: (elapsed * SCALE) / 1000 };
  } finally {
    await lane.drain(1000);
    await fake.close();
  }
}

test('200 Warning events in 10 s, default pacing: no message refused, every event delivered within 3 minutes (scaled)', async (t) => {
  const text = await storm(`rate_window=${3200 / SCALE}ms`, 'text');
  t.diagnostic(`text: ${text.messages} messages, all 200 events in ${text.scaledSeconds.toFixed(1)} s scaled (${text.elapsedMs} ms real)`);
  assert.ok(text.messages <= 20, `${text.messages} messages`);
  const md = await storm(`rate_window=${3200 / SCALE}ms`, 'markdown');
  t.diagnostic(`markdown: ${md.messages} messages, all 200 events in ${md.scaledSeconds.toFixed(1)} s scaled (${md.elapsedMs} ms real)`);
});

test('the same with a per-minute count instead of pacing (rate_limit=19 per scaled minute)', async (t) => {
  const r = await storm(`rate_limit=19&rate_window=${60_000 / SCALE}ms`, 'text');
  t.diagnostic(`rate_limit=19/min: ${r.messages} messages, all 200 events in ${r.scaledSeconds.toFixed(1)} s scaled (${r.elapsedMs} ms real)`);
});

test('a Pod crash-looping for 10 minutes (count rising every 10 s) gives one message plus one notice per 5-minute window', async (t) => {
  // Scaled 500×: 10 s → 20 ms, the 5-minute repeat window → 600 ms, the 3.2 s pace → 6.4 ms.
  const fake = await startDingTalkFake({ [TOKEN]: {} });
  const uri = sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&repeat_window=600ms&rate_window=6400us`);
  const built = await createDingTalkSink(uri, testContext());
  const { lane, registry } = startLane(uri, built);
  const base = warningEvent(7);
  try {
    // Updates on a fixed schedule (no drift): update n at (n − 1) × 20 ms.
    const start = Date.now();
    let last = start;
    for (let n = 1; n <= 60; n++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (n - 1) * 20 - Date.now())));
      const update: KubeEvent = { ...base, reason: 'BackOff', count: n, message: `Back-off restarting failed container (update ${n}.)` };
      lane.offer(record(update, n === 1 ? 'ADDED' : 'MODIFIED'));
      last = Date.now();
    }
    await lane.drain(2000);
    const messages = shownText(fake);
    // One message, then at most one notice per window the updates reached into.
    const windows = Math.ceil((last - start) / 600);
    t.diagnostic(`60 updates over ${last - start} ms (${windows} windows) → ${messages.length} messages: updates ${messages.map((m) => /update (\d+)\./.exec(m)?.[1]).join(', ')}`);
    assert.ok(messages.length >= 2 && messages.length <= 1 + windows, `${messages.length} messages`);
    assert.match(messages[0]!, /update 1\./, 'the first update goes out at once');
    assert.match(messages.at(-1)!, /update 60\./, 'the last notice carries the latest update');
    assert.equal(await metric(registry, 'eventer_sink_events_collapsed_total'), 60 - messages.length);
  } finally {
    await fake.close();
  }
});
