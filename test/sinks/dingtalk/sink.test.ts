import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../../src/base/redact.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { DEFERRED } from '../../../src/sinks/chat/robot.js';
import { encodeDingTalkEvent } from '../../../src/sinks/dingtalk/encoder.js';
import { parseDingTalkOptions } from '../../../src/sinks/dingtalk/options.js';
import { createDingTalkSink, dingTalkRequestUrl } from '../../../src/sinks/dingtalk/sink.js';
import { buildSink } from '../../../src/sinks/registry.js';
import { dingTalkSign, startDingTalkFake } from '../../fixtures/robots/dingtalk.js';
import { backOff, burst, scheduled } from '../chat/events.js';
import { assertConfigError, noAbort, perEvent, sinkUri, testContext } from '../chat/helpers.js';

process.env.TZ = 'Asia/Shanghai';

const TOKEN = 'a1b2c3d4e5f6a7b8c9d0';
const SECRET = 'SEC0123456789abcdef';

test('options: every mistake stops startup with the option named and no secret shown', async () => {
  const build = (rest: string) => () => buildSink(sinkUri(`dingtalk:https://oapi.dingtalk.com/robot/send?${rest}`), testContext());
  await assertConfigError(build('level=Warning'), /option access_token is required \(you must provide dingtalk bot access_token\)/);
  await assertConfigError(build('access_token='), /option access_token is required/);
  await assertConfigError(build(`access_token=${TOKEN}&access_token=other`), /access_token given 2 times/, TOKEN);
  await assertConfigError(build(`access_token=${TOKEN}&msg_type=link`), /option msg_type="link" must be one of text, markdown/, TOKEN);
  await assertConfigError(build(`access_token=${TOKEN}&sign=`), /option sign is empty/, TOKEN);
  await assertConfigError(build(`access_token=${TOKEN}&sign=${SECRET}&labels=x`), /unknown option "labels"/, SECRET);
  await assertConfigError(build(`access_token=${TOKEN}&level=Critical`), /option level="Critical" is not a level/, TOKEN);
  await assertConfigError(build(`access_token=${TOKEN}&namespaces=kube-.*`), /namespaces.*not a namespace name/, TOKEN);
  await assertConfigError(
    () => createDingTalkSink(sinkUri(`dingtalk:ftp://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`), testContext()),
    /scheme "ftp" is not supported/,
    TOKEN,
  );
  await assertConfigError(() => createDingTalkSink(sinkUri(`dingtalk:?access_token=${TOKEN}`), testContext()), /host is not valid/, TOKEN);
  assert.throws(() => laneSettingsFor(sinkUri(`dingtalk:https://h/robot/send?access_token=${TOKEN}&repeat_window=soon`)), /repeat_window="soon"/);
});

test("the URL: scheme kept (https when none, as kube-eventer wrote it), query replaced by kube-eventer's", () => {
  const url = (value: string, now = 1_700_000_000_123) => dingTalkRequestUrl(parseDingTalkOptions(sinkUri(value)), now).href;
  assert.equal(
    url(`dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&label=a&level=Warning`),
    `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
  );
  assert.equal(url(`dingtalk:oapi.dingtalk.com/robot/send?access_token=${TOKEN}`), `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`);
  assert.equal(url(`dingtalk://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`), `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`);
  assert.equal(url(`dingtalk:http://127.0.0.1:8080/robot/send?access_token=${TOKEN}`), `http://127.0.0.1:8080/robot/send?access_token=${TOKEN}`);
  // Signed: keys sorted as Go's url.Values.Encode, the signature form-encoded (+ / = escaped).
  const signed = new URL(url(`dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&sign=${SECRET}`));
  assert.deepEqual([...signed.searchParams.keys()], ['access_token', 'sign', 'timestamp']);
  assert.equal(signed.searchParams.get('timestamp'), '1700000000123');
  assert.equal(signed.searchParams.get('sign'), dingTalkSign(1_700_000_000_123, SECRET));
  assert.match(signed.search, /^\?access_token=[^&]+&sign=[A-Za-z0-9%]+&timestamp=\d+$/);
});

test('token and signing secret are registered as secrets: masked wherever they would show', () => {
  parseDingTalkOptions(sinkUri(`dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&sign=${SECRET}`));
  assert.equal(redact(`failed with ${TOKEN} and ${SECRET}`), 'failed with *** and ***');
});

test("one event: the fake robot receives kube-eventer's text body byte for byte, signed, and it is accepted", async () => {
  const fake = await startDingTalkFake({ [TOKEN]: { secret: SECRET } });
  try {
    const built = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&sign=${SECRET}`), testContext());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    const [x] = fake.exchanges;
    assert.equal(x!.reply.code, 0);
    assert.equal(
      x!.request.body,
      String.raw`{"msgtype":"text","text":{"content":"Level:Warning \nKind:Pod \nNamespace:default \nName:nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8 \nReason:BackOff \nTimestamp:2024-03-05 14:07:09 \nMessage:Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)"},"markdown":{"title":"","text":""}}`,
    );
    assert.equal(x!.request.headers['content-type'], 'application/json;charset=utf-8');
    assert.equal(x!.request.method, 'POST');
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('markdown with labels in order, cluster id and region: the body is the encoder\'s (checked against Go)', async () => {
  const fake = await startDingTalkFake({ [TOKEN]: {} });
  try {
    const uri = `dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&msg_type=markdown&label=first&label=50%25+used&cluster_id=c123&region=cn-hangzhou`;
    const built = await createDingTalkSink(sinkUri(uri), testContext());
    assert.deepEqual(await built.sink.send([scheduled], noAbort), { status: 'ok' });
    const format = { msgType: 'markdown' as const, labels: ['first', '50% used'], clusterId: 'c123', region: 'cn-hangzhou' };
    assert.equal(fake.exchanges[0]!.request.body, encodeDingTalkEvent(scheduled, format));
    assert.match(fake.exchanges[0]!.request.body, /"text":"label\[0\]: \*\*first\*\*\\n\\nlabel\[1\]: \*\*50% used\*\*\\n\\n/);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('a batch is one message; what does not fit waits for the next message', async () => {
  const fake = await startDingTalkFake({ [TOKEN]: {} });
  try {
    const built = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}`), testContext());
    assert.deepEqual(await built.sink.send(burst(3), noAbort), { status: 'ok' });
    assert.equal(fake.exchanges.length, 1);
    assert.match((fake.exchanges[0]!.json as { text: { content: string } }).text.content, /^Kubernetes 3 events \(Warning: 3\)\n/);
    // 300 events with long messages cannot fit in 20000 bytes.
    const big = burst(300, 300).map((e) => ({ ...e, message: `${e.message} ${'detail '.repeat(40)}` }));
    const outcomes = perEvent(await built.sink.send(big, noAbort), big.length);
    const ok = outcomes.filter((o) => o.status === 'ok').length;
    assert.ok(ok > 10 && ok < 300, `${ok} shown`);
    assert.deepEqual(outcomes.slice(ok), new Array(300 - ok).fill(DEFERRED), 'the rest is deferred, in order');
    assert.ok(fake.exchanges[1]!.request.bodyBytes <= 20_000);
    assert.equal(fake.exchanges[1]!.reply.code, 0);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('keyword security naming one of kube-eventer\'s field names (Reason, Level, Message…): a batch passes as the single-event text does, in text and markdown', async () => {
  const fake = await startDingTalkFake({ [TOKEN]: { keywords: ['Reason'] } });
  try {
    for (const msgType of ['text', 'markdown']) {
      const built = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&msg_type=${msgType}`), testContext());
      assert.deepEqual(await built.sink.send(burst(1), noAbort), { status: 'ok' }, `${msgType}: one event`);
      assert.deepEqual(await built.sink.send(burst(3), noAbort), { status: 'ok' }, `${msgType}: a batch`);
      await built.sink.close();
    }
    assert.deepEqual(fake.exchanges.map((x) => x.reply.code), [0, 0, 0, 0]);
  } finally {
    await fake.close();
  }
});

test('robot answers: bad signature and unknown token are rejected, 130101 and 410100 are retried after a minute, 5xx retried, 4xx rejected', async () => {
  const fake = await startDingTalkFake({ [TOKEN]: { secret: SECRET } }, undefined, { perMinute: 1 });
  try {
    const wrongSecret = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&sign=SECwrong0000`), testContext());
    const bad = await wrongSecret.sink.send([backOff], noAbort);
    assert.equal((bad as { status: string }).status, 'reject');
    assert.match((bad as { reason: string }).reason, /errcode 310000 "sign not match/);
    assert.ok(!(bad as { reason: string }).reason.includes(TOKEN), 'the reason never shows the token');

    const unknown = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=nope0000`), testContext());
    assert.match((await unknown.sink.send([backOff], noAbort) as { reason: string }).reason, /errcode 300001/);

    const good = await createDingTalkSink(sinkUri(`dingtalk:${fake.url}/robot/send?access_token=${TOKEN}&sign=${SECRET}`), testContext());
    assert.deepEqual(await good.sink.send([backOff], noAbort), { status: 'ok' });
    const limited = (await good.sink.send([backOff], noAbort)) as { status: string; reason: string; retryAfterMs?: number };
    assert.equal(limited.status, 'retry');
    assert.match(limited.reason, /errcode 130101 .*rate limited/);
    assert.equal(limited.retryAfterMs, 60_000);

    fake.inject({ kind: 'status', status: 502 }, { kind: 'status', status: 400, body: 'bad request' });
    assert.equal((await good.sink.send([backOff], noAbort) as { status: string }).status, 'retry');
    assert.equal((await good.sink.send([backOff], noAbort) as { status: string }).status, 'reject');

    // The code DingTalk's current error list gives for "send too fast" (发送速度太快而限流).
    fake.inject({ kind: 'status', status: 200, body: '{"errcode":410100,"errmsg":"send too fast, exceed 20 times per minute"}' });
    const limitedNow = (await good.sink.send([backOff], noAbort)) as { status: string; reason: string; retryAfterMs?: number };
    assert.equal(limitedNow.status, 'retry');
    assert.match(limitedNow.reason, /errcode 410100 .*rate limited/);
    assert.equal(limitedNow.retryAfterMs, 60_000);
    for (const built of [wrongSecret, unknown, good]) await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('filter and lane defaults: Warning only, one message per 3.2 s, repeats collapsed for 5 minutes, repeat_window=0 disables', async () => {
  const value = `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`;
  const built = await buildSink(sinkUri(value), testContext());
  assert.equal(built.accepts!(backOff), true);
  assert.equal(built.accepts!(scheduled), false, 'Normal is filtered out by default, as in kube-eventer');
  const settings = laneSettingsFor(sinkUri(value), built.tuning);
  assert.deepEqual(
    [settings.sendsPerMinute, settings.rateWindowMs, settings.concurrency, settings.repeatWindowMs, settings.maxBatch],
    [1, 3200, 1, 300_000, 80],
  );
  assert.equal(laneSettingsFor(sinkUri(`${value}&repeat_window=0`), built.tuning).repeatWindowMs, 0);
  const all = await buildSink(sinkUri(`${value}&level=Normal&exclude_reasons=BackOff`), testContext());
  assert.deepEqual([all.accepts!(backOff), all.accepts!(scheduled)], [false, true]);
  await built.sink.close();
  await all.sink.close();
});
