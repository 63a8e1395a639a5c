import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WECHAT_MAX_CONTENT_BYTES,
  encodeWeChatEvent,
  encodeWeChatEvents,
  weChatTextContent,
  type WeChatFormat,
} from '../../../src/sinks/wechat/encoder.js';
import { startWeChatFake } from '../../fixtures/robots/wechat.js';
import { backOff, burst, fixedNow, scheduled } from '../chat/events.js';

process.env.TZ = 'Asia/Shanghai';

const format: WeChatFormat = { agentId: 1000002, toUsers: ['alice', 'bob'], labels: [] };

test("body is kube-eventer's, byte for byte, with every user in one touser field", () => {
  assert.equal(
    encodeWeChatEvent(backOff, format),
    '{"touser":"alice|bob","toparty":"","totag":"","msgtype":"text","agentid":1000002,"text":{"content":"' +
      String.raw`Level:Warning \nKind:Pod \nNamespace:default \nName:nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8 \nReason:BackOff \n` +
      String.raw`Timestamp:2024-03-05 14:07:09 +0800 CST \nMessage:Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)` +
      '"},"safe":0}',
  );
});

test("no to_user means @all; timestamps are Go's Time.String() (fraction, monotonic suffix)", () => {
  assert.match(encodeWeChatEvent(backOff, { ...format, toUsers: [] }), /^\{"touser":"@all",/);
  assert.match(weChatTextContent(scheduled, []), /\nTimestamp:2024-03-05 14:07:10\.123456 \+0800 CST \n/);
  const timeless = { ...scheduled, eventTime: null };
  assert.match(
    weChatTextContent(timeless, ['l1'], fixedNow),
    /^l1\n.*\nTimestamp:2024-03-05 14:07:10\.987654321 \+0800 CST m=\+12\.345678901 \n/s,
  );
});

test('a message beyond 2048 bytes is cut visibly instead of by WeChat Work', () => {
  const body = JSON.parse(encodeWeChatEvent({ ...backOff, message: '事'.repeat(1000) }, format)) as {
    text: { content: string };
  };
  const bytes = Buffer.byteLength(body.text.content);
  assert.ok(bytes <= WECHAT_MAX_CONTENT_BYTES && bytes > WECHAT_MAX_CONTENT_BYTES - 6, `${bytes}`);
  assert.ok(body.text.content.endsWith('事…'));
});

test('several events: counts of what is shown, grouped lines, and what is left for the next message, within 2048 bytes', () => {
  const message = encodeWeChatEvents(burst(300), { ...format, labels: ['prod'] }, fixedNow);
  const content = (JSON.parse(message.body) as { text: { content: string } }).text.content;
  assert.ok(Buffer.byteLength(content) <= WECHAT_MAX_CONTENT_BYTES);
  const head = /^prod\nKubernetes (\d+) events \(Warning: \d+(, Normal: \d+)?\)\nWarning BackOff Pod prod\/app-0 ×/.exec(content);
  assert.ok(head, content);
  assert.equal(Number(head[1]), message.shown.length);
  const more = /\n… and (\d+) more events in the next message: \w+ ×\d+/.exec(content);
  assert.ok(more);
  assert.equal(Number(more[1]) + message.shown.length, 300);
  assert.deepEqual(encodeWeChatEvents([backOff], format), { body: encodeWeChatEvent(backOff, format), shown: [0] });
});

test('the fake WeChat Work API accepts the single and summary bodies for all users at once', async () => {
  const fake = await startWeChatFake([], { corp: { secret: 's', agentId: 1000002, users: ['alice', 'bob'] } });
  try {
    const { access_token: token } = (await (
      await fetch(`${fake.url}/cgi-bin/gettoken?corpid=corp&corpsecret=s`)
    ).json()) as {
      access_token: string;
    };
    for (const body of [encodeWeChatEvent(backOff, format), encodeWeChatEvents(burst(50), format).body]) {
      const res = await fetch(`${fake.url}/cgi-bin/message/send?access_token=${token}`, { method: 'POST', body });
      const answer = (await res.json()) as { errcode: number; invaliduser: string };
      assert.deepEqual([answer.errcode, answer.invaliduser], [0, '']);
    }
  } finally {
    await fake.close();
  }
});
