// The daemon as users run it, watching the fake API server, with a signed dingtalk sink and a
// wechat sink pointed at the fake robots (their clocks 5× fast, the sinks' pace scaled alike):
// 200 Warning events created within 10 (scaled) seconds all reach both, none refused, no secret
// in the daemon's output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROBOTS } from '../../src/sinks/chat/robots.js';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startDingTalkFake, type DingTalkFake } from '../fixtures/robots/dingtalk.js';
import { startWeChatFake, type WeChatFake } from '../fixtures/robots/wechat.js';
import { ScaledClock } from '../sinks/chat/lane.js';
import { eventually } from '../helpers/eventually.js';
import { spawnDaemon, stopDaemon, waitUntilReady } from './daemon-process.js';

const SCALE = 5;
const TOKEN = 'daemonE2eDingTalkToken01';
const SIGN_SECRET = 'SECdaemonE2eSigningSecret';
const CORP_SECRET = 'daemonE2eCorpSecret0123';

let api: FakeApiServer;
let dingtalk: DingTalkFake;
let wechat: WeChatFake;
let daemon: ReturnType<typeof spawnDaemon>;

before(async () => {
  api = await startFakeApiServer();
  const clock = new ScaledClock(SCALE);
  dingtalk = await startDingTalkFake({ [TOKEN]: { secret: SIGN_SECRET } }, clock);
  wechat = await startWeChatFake([], { ww1: { secret: CORP_SECRET, agentId: 1000002, users: ['ops'] } }, clock);
  daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      `--sink=dingtalk:${dingtalk.url}/robot/send?access_token=${TOKEN}&sign=${SIGN_SECRET}&label=e2e&rate_window=${ROBOTS.dingtalk.paceMs / SCALE}ms`,
      `--sink=wechat:?corp_id=ww1&corp_secret=${CORP_SECRET}&agent_id=1000002&to_user=ops&api_base=${wechat.url}&rate_window=${ROBOTS.wechat.paceMs / SCALE}ms`,
    ],
    { TZ: 'Asia/Shanghai' },
  );
  await waitUntilReady(daemon);
});

after(async () => {
  await stopDaemon(daemon);
  await Promise.all([api?.close(), dingtalk?.close(), wechat?.close()]);
});

test('200 Warning events from the API server reach the DingTalk and WeChat fakes in few messages, none refused, no secret logged', async (t) => {
  const markers: string[] = [];
  const started = Date.now();
  for (let step = 0; step < 20; step++) {
    for (let i = step * 10; i < step * 10 + 10; i++) {
      markers.push(`evt-${i}.`);
      api.createEvent({ type: 'Warning', reason: 'Unhealthy', message: `Readiness probe failed (evt-${i}.)`, metadata: { namespace: 'prod' }, involvedObject: { kind: 'Pod', namespace: 'prod', name: `api-${i}` } });
    }
    await new Promise((resolve) => setTimeout(resolve, 10_000 / SCALE / 20));
  }
  const shown = (fake: DingTalkFake | WeChatFake) => fake.delivered.map((x) => JSON.stringify(x.json)).join('\n');
  const missing = (fake: DingTalkFake | WeChatFake) => markers.filter((m) => !shown(fake).includes(m)).length;
  await eventually('every event at both robots', () => missing(dingtalk) === 0 && missing(wechat) === 0, 180_000 / SCALE);
  const elapsed = Date.now() - started;
  const appSends = wechat.exchanges.filter((x) => x.request.path === '/cgi-bin/message/send');
  t.diagnostic(
    `dingtalk: ${dingtalk.delivered.length} messages; wechat: ${appSends.length} messages, ${wechat.tokenRequests} token request(s); ` +
      `all 200 events at both within ${((elapsed * SCALE) / 1000).toFixed(1)} s scaled (${elapsed} ms real)`,
  );
  assert.deepEqual([...dingtalk.counts().keys()], [0], JSON.stringify([...dingtalk.counts()]));
  assert.ok(wechat.exchanges.every((x) => x.reply.code === 0));
  assert.equal(wechat.tokenRequests, 1);
  assert.ok(appSends.every((x) => (x.json as { touser: string }).touser === 'ops'));
  const { stdout, stderr } = daemon.output();
  for (const secret of [TOKEN, SIGN_SECRET, CORP_SECRET]) assert.ok(!(stdout + stderr).includes(secret), `${secret} in the daemon's output`);
  assert.match(stderr, /DingTalkSink/);
  assert.match(stderr, /WechatSink/);
});
