// The wechat, feishu and slack sinks behind the real lane against their fake services, time scaled
// 5× (a fake minute is 12 s; each sink's pace is scaled alike): a burst of 200 Warning events is
// delivered completely, in few messages, without a single refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkUri } from '../../src/base/uri.js';
import type { RobotKind } from '../../src/sinks/chat/robot.js';
import { ROBOTS } from '../../src/sinks/chat/robots.js';
import { createFeishuSink } from '../../src/sinks/feishu/sink.js';
import { createSlackSink } from '../../src/sinks/slack/sink.js';
import type { BuiltSink } from '../../src/pipeline/sink.js';
import { createWeChatSink } from '../../src/sinks/wechat/sink.js';
import { startFeishuFake } from '../fixtures/robots/feishu.js';
import type { FakeRobotServer } from '../fixtures/robots/server.js';
import { startSlackFake } from '../fixtures/robots/slack.js';
import { startWeChatFake } from '../fixtures/robots/wechat.js';
import { sinkUri, testContext } from '../sinks/chat/helpers.js';
import { metric, produce, ScaledClock, startLane, warningEvent } from '../sinks/chat/lane.js';
import { eventually } from '../helpers/eventually.js';

process.env.TZ = 'Asia/Shanghai';

const SCALE = 5;
const pace = (kind: RobotKind) => `rate_window=${ROBOTS[kind].paceMs / SCALE}ms`;

interface Storm {
  fake: FakeRobotServer;
  uri: SinkUri;
  build: (uri: SinkUri) => Promise<BuiltSink>;
  /** The text a delivered message shows. */
  shown: (json: unknown) => string;
  /** Called once the events are all offered. */
  midway?: () => void;
}

async function storm(s: Storm): Promise<{ messages: number; scaledSeconds: number }> {
  const built = await s.build(s.uri);
  const { lane, registry } = startLane(s.uri, built);
  const events = Array.from({ length: 200 }, (_, i) => warningEvent(i));
  const started = Date.now();
  try {
    await produce(lane, events, 10_000 / SCALE, 20);
    s.midway?.();
    const missing = () => {
      const all = s.fake.delivered.map((x) => s.shown(x.json)).join('\n');
      return events.filter((_, i) => !all.includes(`evt-${i}.`)).length;
    };
    await eventually('every event in some message', () => missing() === 0, 180_000 / SCALE - (Date.now() - started));
    const elapsed = Date.now() - started;
    await eventually('the lane settles', () => lane.pending === 0, 2000);
    assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 200);
    assert.equal(await metric(registry, 'eventer_sink_events_rejected_total'), 0);
    return { messages: s.fake.delivered.length, scaledSeconds: (elapsed * SCALE) / 1000 };
  } finally {
    await lane.drain(1000);
    await s.fake.close();
  }
}

test('wechat: 200 events in 10 s, every one delivered within 3 minutes; a token expiring midway costs nothing', async (t) => {
  const clock = new ScaledClock(SCALE);
  const fake = await startWeChatFake([], { ww1: { secret: 'corp-secret-e2e', agentId: 1000002 } }, clock);
  const r = await storm({
    fake,
    uri: sinkUri(`wechat:?corp_id=ww1&corp_secret=corp-secret-e2e&agent_id=1000002&api_base=${fake.url}&${pace('wechat')}`),
    build: (uri) => createWeChatSink(uri, testContext()),
    shown: (json) => (json as { text: { content: string } }).text.content,
    midway: () => fake.expireTokens(),
  });
  t.diagnostic(`wechat: ${r.messages} messages, all 200 events in ${r.scaledSeconds.toFixed(1)} s scaled; ${fake.tokenRequests} token requests`);
  const codes = fake.exchanges.map((x) => x.reply.code);
  assert.ok(codes.every((c) => c === 0 || c === 42001), JSON.stringify(codes));
  assert.ok(codes.filter((c) => c === 42001).length <= 1, 'one expired-token answer at most, then a fresh token');
  assert.ok(fake.tokenRequests <= 2);
});

test('feishu: 200 events in 10 s, none refused for rate (100 a minute, 5 a second) or signature', async (t) => {
  const clock = new ScaledClock(SCALE);
  const token = '0f8e5b3a-7c2d-4e1f-9a6b-5d4c3b2a1f00';
  const fake = await startFeishuFake({ [token]: { secret: 'feishu-e2e-secret' } }, clock);
  const r = await storm({
    fake,
    uri: sinkUri(`feishu:${fake.hookUrl(token)}?secret=feishu-e2e-secret&${pace('feishu')}`),
    // The fake checks the signature's timestamp against its (scaled) clock.
    build: (uri) => createFeishuSink(uri, testContext(), () => clock.now()),
    shown: (json) => JSON.stringify(json),
  });
  t.diagnostic(`feishu: ${r.messages} messages, all 200 events in ${r.scaledSeconds.toFixed(1)} s scaled`);
  assert.deepEqual([...fake.counts().keys()], [0], JSON.stringify([...fake.counts()]));
});

test('slack: 200 events in 10 s, none refused with 429', async (t) => {
  const clock = new ScaledClock(SCALE);
  const hook = '/services/T0123/B0456/e2eSlackHookToken1';
  const fake = await startSlackFake({ [hook]: {} }, clock);
  const r = await storm({
    fake,
    uri: sinkUri(`slack:${fake.hookUrl(hook)}?${pace('slack')}`),
    build: (uri) => createSlackSink(uri, testContext()),
    shown: (json) => JSON.stringify(json),
  });
  t.diagnostic(`slack: ${r.messages} messages, all 200 events in ${r.scaledSeconds.toFixed(1)} s scaled`);
  assert.deepEqual([...fake.counts().keys()], ['ok'], JSON.stringify([...fake.counts()]));
});
