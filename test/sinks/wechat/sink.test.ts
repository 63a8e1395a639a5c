import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../../src/base/redact.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { buildSink } from '../../../src/sinks/registry.js';
import { createWeChatSink } from '../../../src/sinks/wechat/sink.js';
import { ManualClock } from '../../fixtures/robots/server.js';
import { startWeChatFake, type WeChatFake } from '../../fixtures/robots/wechat.js';
import { backOff, burst, scheduled } from '../chat/events.js';
import { assertConfigError, noAbort, perEvent, sinkUri, testContext } from '../chat/helpers.js';

process.env.TZ = 'Asia/Shanghai';

const SECRET = 'corp-secret-0123456789';
const corps = { ww1: { secret: SECRET, agentId: 1000002, users: ['alice', 'bob'] } };

function uriFor(fake: WeChatFake): string {
  return `wechat:?corp_id=ww1&corp_secret=${SECRET}&agent_id=1000002&to_user=alice,bob&api_base=${encodeURIComponent(fake.url)}`;
}

const sends = (fake: WeChatFake) => fake.exchanges.filter((x) => x.request.path === '/cgi-bin/message/send');

test('options: every mistake stops startup with the option named and the secret never shown', async () => {
  const build = (q: string) => () => buildSink(sinkUri(`wechat:?${q}`), testContext());
  const base = `corp_id=ww1&corp_secret=${SECRET}`;
  await assertConfigError(build(`corp_secret=${SECRET}&agent_id=1`), /option corp_id is required \(you must provide wechat corpid\)/, SECRET);
  await assertConfigError(build('corp_id=ww1&agent_id=1'), /option corp_secret is required \(you must provide wechat corpsecret\)/);
  await assertConfigError(build(base), /option agent_id is required \(you must provide wechat agentid\)/, SECRET);
  await assertConfigError(build(`${base}&agent_id=10x`), /option agent_id="10x" must be the application's AgentId/, SECRET);
  await assertConfigError(build(`${base}&agent_id=0`), /agent_id="0"/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&to_user=alice,bob!`), /to_user: "bob!" is not a WeChat Work member id/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&api_base=ftp://x`), /option api_base="ftp:\/\/x" must be an http\(s\) URL/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&api_base=https://x/?a=1`), /option api_base/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&touser=alice`), /unknown option "touser"/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&agent_id=2`), /agent_id given 2 times/, SECRET);
  await assertConfigError(build(`${base}&agent_id=1&kinds=Pod!`), /kinds.*not a kind/, SECRET);
  assert.equal(redact(`gettoken?corpsecret=${SECRET} and ${SECRET}`), 'gettoken?corpsecret=*** and ***');
});

test('a URL before "?" is not used (as in kube-eventer) and a warning says so', async () => {
  const ctx = testContext();
  await createWeChatSink(sinkUri(`wechat:https://example.com/x?corp_id=ww1&corp_secret=${SECRET}&agent_id=5`), ctx);
  assert.match(String(ctx.lines[0]?.msg), /not used.*api_base/);
});

test("one event: kube-eventer's body byte for byte, to every user at once, token fetched once and reused", async () => {
  const fake = await startWeChatFake([], corps);
  try {
    const built = await createWeChatSink(sinkUri(uriFor(fake)), testContext());
    for (let i = 0; i < 3; i++) assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.equal(fake.tokenRequests, 1, 'kube-eventer fetched a token for every event');
    assert.equal(sends(fake).length, 3);
    assert.equal(
      sends(fake)[0]!.request.body,
      '{"touser":"alice|bob","toparty":"","totag":"","msgtype":"text","agentid":1000002,"text":{"content":"' +
        String.raw`Level:Warning \nKind:Pod \nNamespace:default \nName:nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8 \nReason:BackOff \n` +
        String.raw`Timestamp:2024-03-05 14:07:09 +0800 CST \nMessage:Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)` +
        '"},"safe":0}',
    );
    assert.equal(sends(fake)[0]!.request.headers['content-type'], 'application/json');
    const get = fake.exchanges.find((x) => x.request.path === '/cgi-bin/gettoken')!;
    assert.deepEqual([get.request.query.get('corpid'), get.request.query.get('corpsecret')], ['ww1', SECRET]);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('a batch is one request for all users; no to_user means @all; labels come first', async () => {
  const fake = await startWeChatFake([], { ww1: { secret: SECRET, agentId: 1000002 } });
  try {
    const built = await createWeChatSink(
      sinkUri(`wechat:?corp_id=ww1&corp_secret=${SECRET}&agent_id=1000002&label=prod&label=hz&api_base=${fake.url}`),
      testContext(),
    );
    assert.deepEqual(await built.sink.send([backOff, scheduled, backOff], noAbort), { status: 'ok' });
    assert.equal(sends(fake).length, 1);
    const body = sends(fake)[0]!.json as { touser: string; text: { content: string } };
    assert.equal(body.touser, '@all');
    assert.match(body.text.content, /^prod\nhz\nKubernetes 3 events \(Warning: 2, Normal: 1\)\n/);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('an expired token (42001) is replaced and the message sent again within the same send', async () => {
  const fake = await startWeChatFake([], corps);
  try {
    const built = await createWeChatSink(sinkUri(uriFor(fake)), testContext());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    fake.expireTokens();
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.deepEqual(
      sends(fake).map((x) => x.reply.code),
      [0, 42001, 0],
    );
    assert.equal(fake.tokenRequests, 2);
    // 40014 (a token the service never issued) is handled the same way.
    fake.inject({ kind: 'status', status: 200, body: '{"errcode":40014,"errmsg":"invalid access_token"}' });
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.equal(fake.tokenRequests, 3);
    // Refused again after a refresh: retried later rather than looping.
    const bad = '{"errcode":40001,"errmsg":"invalid credential"}';
    fake.inject({ kind: 'status', status: 200, body: bad }, { kind: 'status', status: 200, body: '{"errcode":0,"access_token":"t2","expires_in":7200}' }, { kind: 'status', status: 200, body: bad });
    const again = (await built.sink.send([backOff], noAbort)) as { status: string; reason: string };
    assert.equal(again.status, 'retry');
    assert.match(again.reason, /refused again after a refresh \(errcode 40001\)/);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('the token is refreshed ahead of its expiry', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const fake = await startWeChatFake([], corps, clock, { tokenSeconds: 600 });
  try {
    const built = await createWeChatSink(sinkUri(uriFor(fake)), testContext(), () => clock.now());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    clock.advance(299_000);
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.equal(fake.tokenRequests, 1, 'still fresh');
    clock.advance(2_000);
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.equal(fake.tokenRequests, 2, '5 minutes before expiry: fetched again');
    assert.ok(sends(fake).every((x) => x.reply.code === 0), 'no send ever met an expired token');
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('a refresh that fails while the old token is still valid keeps using it', async () => {
  const clock = new ManualClock(1_700_000_000_000);
  const fake = await startWeChatFake([], corps, clock, { tokenSeconds: 600 });
  try {
    const built = await createWeChatSink(sinkUri(uriFor(fake)), testContext(), () => clock.now());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    clock.advance(400_000);
    fake.inject({ kind: 'status', status: 503 });
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.deepEqual(
      fake.exchanges.map((x) => [x.request.path, x.reply.code]),
      [
        ['/cgi-bin/gettoken', 0],
        ['/cgi-bin/message/send', 0],
        ['/cgi-bin/gettoken', 'http 503'],
        ['/cgi-bin/message/send', 0],
      ],
    );
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('a wrong secret is rejected without showing it; rate limits (45009) and 5xx are retried; unknown users are reported once', async () => {
  const fake = await startWeChatFake([], corps);
  try {
    const wrong = await createWeChatSink(sinkUri(uriFor(fake).replace(SECRET, 'wrong-secret-000')), testContext());
    const refused = (await wrong.sink.send([backOff], noAbort)) as { status: string; reason: string };
    assert.equal(refused.status, 'reject');
    assert.match(refused.reason, /GET http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/gettoken: wechat refused the message: errcode 40001/);
    assert.ok(!refused.reason.includes('wrong-secret-000'));

    const ctx = testContext();
    const built = await createWeChatSink(sinkUri(uriFor(fake).replace('to_user=alice,bob', 'to_user=alice,carol')), ctx);
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    assert.equal(ctx.lines.filter((l) => l.invalidUsers === 'carol').length, 1);

    fake.inject({ kind: 'status', status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }, { kind: 'status', status: 502 }, { kind: 'status', status: 404 });
    const limited = (await built.sink.send([backOff], noAbort)) as { status: string; retryAfterMs?: number };
    assert.deepEqual([limited.status, limited.retryAfterMs], ['retry', 60_000]);
    assert.equal(((await built.sink.send([backOff], noAbort)) as { status: string }).status, 'retry');
    assert.equal(((await built.sink.send([backOff], noAbort)) as { status: string }).status, 'reject');
    for (const b of [wrong, built]) await b.sink.close();
  } finally {
    await fake.close();
  }
});

test('what does not fit in 2048 bytes goes in the next message; lane defaults', async () => {
  const fake = await startWeChatFake([], corps);
  try {
    const value = uriFor(fake);
    const built = await createWeChatSink(sinkUri(value), testContext());
    const outcomes = perEvent(await built.sink.send(burst(40, 40), noAbort), 40);
    const ok = outcomes.filter((o) => o.status === 'ok').length;
    assert.ok(ok > 3 && ok < 40, `${ok}`);
    assert.ok(Buffer.byteLength((sends(fake)[0]!.json as { text: { content: string } }).text.content) <= 2048);
    const settings = laneSettingsFor(sinkUri(value), built.tuning);
    assert.deepEqual([settings.sendsPerMinute, settings.rateWindowMs, settings.repeatWindowMs, settings.maxBatch], [1, 3200, 300_000, 10]);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});
