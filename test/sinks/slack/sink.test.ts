import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../../src/base/redact.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { encodeSlackEvent } from '../../../src/sinks/slack/encoder.js';
import { buildSink } from '../../../src/sinks/registry.js';
import { createSlackSink } from '../../../src/sinks/slack/sink.js';
import { startSlackFake } from '../../fixtures/robots/slack.js';
import { backOff, burst, scheduled } from '../chat/events.js';
import { assertConfigError, noAbort, sinkUri, testContext } from '../chat/helpers.js';

process.env.TZ = 'Asia/Shanghai';

const HOOK = '/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx';

test('options: every mistake stops startup with the option named and the webhook path never shown', async () => {
  const build = (value: string) => () => buildSink(sinkUri(value), testContext());
  const url = `slack:https://hooks.slack.com${HOOK}`;
  await assertConfigError(build('slack:https://hooks.slack.com'), /has no path/);
  await assertConfigError(build(`slack:${HOOK}`), /host is not valid/, HOOK);
  await assertConfigError(build(`${url}?icon_emoji=warning`), /icon_emoji="warning" must be an emoji code/, HOOK);
  await assertConfigError(build(`${url}?icon_url=file:///x`), /icon_url="file:\/\/\/x" must be an http\(s\) URL/, HOOK);
  await assertConfigError(build(`${url}?icon_emoji=:x:&icon_url=https://i/x.png`), /icon_emoji or icon_url, not both/, HOOK);
  await assertConfigError(build(`${url}?channel=`), /option channel is empty/, HOOK);
  await assertConfigError(build(`${url}?channel=a&channel=b`), /channel given 2 times/, HOOK);
  await assertConfigError(build(`${url}?text=hi`), /unknown option "text"/, HOOK);
  await assertConfigError(build(`${url}?exclude_reasons=(?=x)`), /exclude_reasons/, HOOK);
  assert.equal(redact(`POST https://hooks.slack.com${HOOK}: HTTP 404`), 'POST https://hooks.slack.com***: HTTP 404');
});

test('one event: text and blocks as the encoder writes them, with the overrides, accepted by the fake webhook', async () => {
  const fake = await startSlackFake({ [HOOK]: {} });
  try {
    const built = await createSlackSink(sinkUri(`slack:${fake.hookUrl(HOOK)}?label=prod&channel=%23alerts&username=kube-eventer&icon_emoji=:warning:`), testContext());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    const overrides = { channel: '#alerts', username: 'kube-eventer', icon_emoji: ':warning:' };
    assert.equal(fake.exchanges[0]!.request.body, encodeSlackEvent(backOff, { labels: ['prod'], overrides }));
    assert.equal(fake.exchanges[0]!.request.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(await built.sink.send(burst(5), noAbort), { status: 'ok' });
    assert.match((fake.exchanges[1]!.json as { text: string }).text, /^5 Kubernetes events/);
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('429 is retried after Retry-After; a revoked (403), missing (404) or archived (410) webhook is rejected', async () => {
  const fake = await startSlackFake({ [HOOK]: {}, '/services/T/B/revoked': { revoked: true }, '/services/T/B/archived': { archived: true } }, undefined, { burst: 1 });
  try {
    const built = await createSlackSink(sinkUri(`slack:${fake.hookUrl(HOOK)}`), testContext());
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    const limited = (await built.sink.send([backOff], noAbort)) as { status: string; retryAfterMs?: number; reason: string };
    assert.equal(limited.status, 'retry');
    assert.equal(limited.retryAfterMs, 1000);
    assert.ok(!limited.reason.includes('abcdefghijklmnopqrstuvwx'), limited.reason);
    for (const [path, code] of [['/services/T/B/revoked', 403], ['/services/T/B/archived', 410], ['/services/T/B/none', 404]] as const) {
      const other = await createSlackSink(sinkUri(`slack:${fake.hookUrl(path)}`), testContext());
      const result = (await other.sink.send([backOff], noAbort)) as { status: string; reason: string };
      assert.equal(result.status, 'reject', path);
      assert.match(result.reason, new RegExp(`HTTP ${code}`));
      await other.sink.close();
    }
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test("a Slack-compatible server's own success reply counts as sent: Rocket.Chat answers {\"success\":true}, Mattermost ok", async () => {
  const fake = await startSlackFake({ [HOOK]: {} });
  try {
    const built = await createSlackSink(sinkUri(`slack:${fake.hookUrl(HOOK)}`), testContext());
    const json = { 'content-type': 'application/json' };
    fake.inject(
      { kind: 'status', status: 200, body: '{"success":true}', headers: json },
      { kind: 'status', status: 200, body: '{"success":false,"error":"overriding destination channel is disabled for this integration"}', headers: json },
    );
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' });
    const refused = (await built.sink.send([backOff], noAbort)) as { status: string; reason: string };
    assert.equal(refused.status, 'reject');
    assert.match(refused.reason, /overriding destination channel is disabled/);
    assert.deepEqual(await built.sink.send([backOff], noAbort), { status: 'ok' }, 'the fake Slack webhook itself answers ok');
    await built.sink.close();
  } finally {
    await fake.close();
  }
});

test('lane defaults: one message per 1.1 s, repeats collapsed; Warning only', async () => {
  const value = `slack:https://hooks.slack.com${HOOK}`;
  const built = await buildSink(sinkUri(value), testContext());
  const s = laneSettingsFor(sinkUri(value), built.tuning);
  assert.deepEqual([s.sendsPerMinute, s.rateWindowMs, s.repeatWindowMs, s.maxBatch], [1, 1100, 300_000, 50]);
  assert.deepEqual([built.accepts!(backOff), built.accepts!(scheduled)], [true, false]);
  await built.sink.close();
});
