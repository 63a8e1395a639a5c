import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../../src/base/redact.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { encodeFeishuEvent } from '../../../src/sinks/feishu/encoder.js';
import { parseFeishuOptions } from '../../../src/sinks/feishu/options.js';
import { createFeishuSink, feishuSignature } from '../../../src/sinks/feishu/sink.js';
import { buildSink } from '../../../src/sinks/registry.js';
import { feishuSign, startFeishuFake } from '../../fixtures/robots/feishu.js';
import { backOff, burst, scheduled } from '../chat/events.js';
import { assertConfigError, noAbort, sinkUri, testContext } from '../chat/helpers.js';

process.env.TZ = 'Asia/Shanghai';

const TOKEN = '0f8e5b3a-7c2d-4e1f-9a6b-5d4c3b2a1f00';
const SECRET = 'feishuSecret0123';

test('options: every mistake stops startup with the option named and no secret shown', async () => {
  const build = (value: string) => () => buildSink(sinkUri(value), testContext());
  const hook = `feishu:https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`;
  await assertConfigError(build(`${hook}?token=${TOKEN}`), /token is given twice/, TOKEN);
  await assertConfigError(build('feishu:?secret=abcd'), /no bot token/);
  await assertConfigError(build('feishu:https://open.feishu.cn/open-apis/bot/v2/hook/'), /the bot token \(its last part\) is missing/);
  await assertConfigError(build('feishu:?token=not%20a%20token'), /option token is not a bot token/);
  await assertConfigError(build('feishu:?token=HOOK1'), /option token is not a bot token \(8 to 128 letters/, 'HOOK1');
  await assertConfigError(build(`${hook}?secret=${SECRET}&sign=${SECRET}`), /secret and sign are the same setting/, SECRET);
  await assertConfigError(build(`${hook}?secret=`), /signing secret is empty/, TOKEN);
  await assertConfigError(build(`${hook}?msg_type=post`), /option msg_type="post" must be one of interactive, text/, TOKEN);
  await assertConfigError(build(`${hook}?webhook=x`), /unknown option "webhook"/, TOKEN);
  await assertConfigError(build(`${hook}?level=urgent`), /option level="urgent"/, TOKEN);
});

test('the hook URL as Feishu shows it, or the token alone (Feishu or Lark host); the token is a registered secret', () => {
  const url = (value: string) => parseFeishuOptions(sinkUri(value)).url.href;
  assert.equal(url(`feishu:https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}?secret=x1234`), `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`);
  assert.equal(url(`feishu:?token=${TOKEN}`), `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`);
  assert.equal(url(`feishu:https://open.larksuite.com?token=${TOKEN}`), `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`);
  assert.equal(url(`feishu:http://10.0.0.1:8080/relay/${TOKEN}`), `http://10.0.0.1:8080/relay/${TOKEN}`);
  assert.equal(redact(`POST https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}: HTTP 500`), 'POST https://open.feishu.cn/open-apis/bot/v2/hook/***: HTTP 500');
});

test('signed card per event, accepted by the fake bot; the body is the encoder\'s with a fresh signature', async () => {
  const fake = await startFeishuFake({ [TOKEN]: { secret: SECRET, keywords: ['BackOff'] } });
  try {
    const now = () => 1_700_000_000_999;
    const built = await createFeishuSink(sinkUri(`feishu:${fake.hookUrl(TOKEN)}?secret=${SECRET}&label=prod`), testContext());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    const body = fake.exchanges[0]!.json as { timestamp: string; sign: string; msg_type: string };
    assert.equal(body.msg_type, 'interactive');
    assert.equal(body.sign, feishuSign(body.timestamp, SECRET));
    const signature = { timestamp: body.timestamp, sign: body.sign };
    assert.equal(fake.exchanges[0]!.request.body, encodeFeishuEvent(backOff, { msgType: 'interactive', labels: ['prod'] }, signature));
    assert.deepEqual(feishuSignature(now(), SECRET), { timestamp: '1700000000', sign: feishuSign('1700000000', SECRET) });
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('text messages; a batch is one message', async () => {
  const fake = await startFeishuFake({ [TOKEN]: {} });
  try {
    const built = await createFeishuSink(sinkUri(`feishu:?token=${TOKEN}&msg_type=text`.replace('feishu:', `feishu:${fake.url}`)), testContext());
    assert.deepEqual(await built.sink.send([backOff, scheduled], noAbort), { status: 'ok' });
    const body = fake.exchanges[0]!.json as { msg_type: string; content: { text: string } };
    assert.equal(body.msg_type, 'text');
    assert.match(body.content.text, /^2 Kubernetes events \(Normal: 1, Warning: 1\)\n/);
    assert.equal(fake.exchanges.length, 1);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('robot answers: a bad signature is rejected, "too many request" retried after a pause, 5xx retried', async () => {
  const fake = await startFeishuFake({ [TOKEN]: { secret: SECRET } }, undefined, { perSecond: 1 });
  try {
    const wrong = await createFeishuSink(sinkUri(`feishu:${fake.hookUrl(TOKEN)}?secret=wrongSecret`), testContext());
    const refused = (await wrong.sink.send([backOff], noAbort)) as { status: string; reason: string };
    assert.equal(refused.status, 'reject');
    assert.match(refused.reason, /code 19021/);
    assert.ok(!refused.reason.includes(TOKEN), refused.reason);

    const good = await createFeishuSink(sinkUri(`feishu:${fake.hookUrl(TOKEN)}?sign=${SECRET}`), testContext());
    assert.deepEqual(await good.sink.send(burst(2), noAbort), { status: 'ok' });
    const limited = (await good.sink.send([backOff], noAbort)) as { status: string; reason: string; retryAfterMs?: number };
    assert.deepEqual([limited.status, limited.retryAfterMs], ['retry', 5000]);
    assert.match(limited.reason, /code 9499 "too many request" \(rate limited\)/);
    fake.inject({ kind: 'status', status: 500 });
    assert.equal(((await good.sink.send([backOff], noAbort)) as { status: string }).status, 'retry');
    for (const b of [wrong, good]) await b.sink.close();
  } finally {
    await fake.close();
  }
});

test('lane defaults: one message per 0.61 s (under 100 a minute and 5 a second), repeats collapsed', async () => {
  const value = `feishu:?token=${TOKEN}`;
  const built = await buildSink(sinkUri(value), testContext());
  const s = laneSettingsFor(sinkUri(value), built.tuning);
  assert.deepEqual([s.sendsPerMinute, s.rateWindowMs, s.repeatWindowMs, s.maxBatch], [1, 610, 300_000, 80]);
  assert.equal(built.accepts!(scheduled), false);
  await built.sink.close();
});
