import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FEISHU_MAX_BODY_BYTES,
  encodeFeishuEvent,
  encodeFeishuEvents,
  type FeishuFormat,
} from '../../../src/sinks/feishu/encoder.js';
import { feishuSign, feishuTextMentions, startFeishuFake } from '../../fixtures/robots/feishu.js';
import { backOff, burst, fixedNow, scheduled } from '../chat/events.js';

process.env.TZ = 'Asia/Shanghai';

const text: FeishuFormat = { msgType: 'text', labels: ['prod-cluster'] };
const card: FeishuFormat = { msgType: 'interactive', labels: ['prod-cluster'] };

test('text message: labels, what happened to which object, the message, then time/count/source', () => {
  assert.deepEqual(JSON.parse(encodeFeishuEvent(backOff, text)), {
    msg_type: 'text',
    content: {
      text:
        'prod-cluster\nWarning BackOff: Pod default/nginx-7d8f9c-abcde\n' +
        'Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)\n' +
        '2024-03-05 14:07:09 CST · count 5 · kubelet, cn-hangzhou.192.168.0.1',
    },
  });
});

test('text message: mention tags in an event notify no one; a label may mention on purpose', () => {
  const oncall = { msgType: 'text', labels: ['<at user_id="ou_oncall">oncall</at>'] } as const;
  const sneaky = { ...backOff, message: 'ping <at user_id="all">everyone</at> and <AT id=all></AT>', reason: '<at open_id="ou_x">' };
  const one = (JSON.parse(encodeFeishuEvent(sneaky, oncall)) as { content: { text: string } }).content.text;
  assert.deepEqual(feishuTextMentions(one), ['ou_oncall']);
  assert.match(one, /ping <\u200Bat user_id="all">everyone<\/at> and <\u200BAT id=all><\/AT>/);
  const batch = encodeFeishuEvents([sneaky, { ...sneaky, involvedObject: { ...sneaky.involvedObject, name: 'other' } }], oncall, undefined, fixedNow);
  const text = (JSON.parse(batch.body) as { content: { text: string } }).content.text;
  assert.equal(batch.shown.length, 2);
  assert.deepEqual(feishuTextMentions(text), ['ou_oncall']);
  assert.ok(feishuTextMentions(text.replaceAll('\u200B', '')).includes('ou_x'), 'the batch shows the reason');
});

test('interactive card: red header for Warning, blue for Normal, message as plain text (no markup)', () => {
  const warn = JSON.parse(encodeFeishuEvent({ ...backOff, message: '**not bold** <at user_id="all">' }, card));
  assert.deepEqual(warn, {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: {
        title: { tag: 'plain_text', content: 'Warning BackOff: Pod default/nginx-7d8f9c-abcde' },
        template: 'red',
      },
      elements: [
        { tag: 'div', text: { tag: 'plain_text', content: '**not bold** <at user_id="all">' } },
        {
          tag: 'note',
          elements: [
            {
              tag: 'plain_text',
              content: '2024-03-05 14:07:09 CST · count 5 · kubelet, cn-hangzhou.192.168.0.1 · prod-cluster',
            },
          ],
        },
      ],
    },
  });
  const normal = JSON.parse(encodeFeishuEvent(scheduled, { ...card, labels: [] })) as {
    card: { header: { template: string } };
  };
  assert.equal(normal.card.header.template, 'blue');
});

test('signature fields come first; time without monotonic noise when it falls back to now', () => {
  const body = encodeFeishuEvent(
    { ...scheduled, eventTime: null },
    text,
    { timestamp: '1709618830', sign: 'c2ln' },
    fixedNow,
  );
  assert.ok(body.startsWith('{"timestamp":"1709618830","sign":"c2ln","msg_type":"text"'));
  assert.match(body, /2024-03-05 14:07:10 CST"/);
});

test('a huge message and 500 events stay within 20 KB', () => {
  for (const f of [text, card]) {
    const single = encodeFeishuEvent({ ...backOff, message: 'é'.repeat(30_000) }, f);
    assert.ok(Buffer.byteLength(single) <= FEISHU_MAX_BODY_BYTES);
    assert.ok(single.includes('é…'));
    const { body: summary, shown } = encodeFeishuEvents(burst(500, 250), f, undefined, fixedNow);
    assert.ok(Buffer.byteLength(summary) <= FEISHU_MAX_BODY_BYTES, `${Buffer.byteLength(summary)}`);
    assert.ok(Buffer.byteLength(summary) > FEISHU_MAX_BODY_BYTES - 400, 'the space is used');
    assert.match(summary, new RegExp(`(?<!\\d)${shown.length} Kubernetes events \\(Warning: \\d+, Normal: \\d+\\)`));
    assert.match(summary, new RegExp(`… and ${500 - shown.length} more events in the next message: `));
  }
});

test('several events within a small budget: whole lines, then what goes in the next message', () => {
  const message = encodeFeishuEvents(burst(40), text, undefined, fixedNow, 900);
  const body = JSON.parse(message.body) as { content: { text: string } };
  const lines = body.content.text.split('\n');
  assert.equal(lines[0], 'prod-cluster');
  assert.match(lines[1]!, new RegExp(`^${message.shown.length} Kubernetes events \\(Warning: \\d+, Normal: \\d+\\)$`));
  assert.match(lines.at(-1)!, new RegExp(`^… and ${40 - message.shown.length} more events in the next message: `));
  assert.ok(Buffer.byteLength(JSON.stringify(body)) <= 900);
});

test('the fake Feishu bot (signed, keyword "Kubernetes") accepts the bodies', async () => {
  const fake = await startFeishuFake({ tok: { secret: 'sec', keywords: ['Kubernetes', 'BackOff'] } });
  try {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = { timestamp: ts, sign: feishuSign(ts, 'sec') };
    for (const body of [
      encodeFeishuEvent(backOff, card, signature),
      encodeFeishuEvent(backOff, text, signature),
      encodeFeishuEvents(burst(500, 250), card, signature).body,
      encodeFeishuEvents(burst(500, 250), text, signature).body,
    ]) {
      const res = await fetch(fake.hookUrl('tok'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(((await res.json()) as { code: number }).code, 0);
    }
  } finally {
    await fake.close();
  }
});
