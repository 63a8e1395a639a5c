import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSlackEvent, encodeSlackEvents, slackEscape } from '../../../src/sinks/slack/encoder.js';
import { startSlackFake } from '../../fixtures/robots/slack.js';
import { backOff, burst, fixedNow } from '../chat/events.js';

process.env.TZ = 'Asia/Shanghai';

interface Payload {
  text: string;
  blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: Array<{ text: string }> }>;
}

test('one event: fallback text, a section with type, reason, object and message, a context line', () => {
  assert.deepEqual(JSON.parse(encodeSlackEvent(backOff, { labels: ['prod'] })), {
    text: 'Warning BackOff Pod default/nginx-7d8f9c-abcde: Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)',
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Warning* *BackOff* Pod default/nginx-7d8f9c-abcde\nBack-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)',
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '2024-03-05 14:07:09 CST · count 5 · kubelet, cn-hangzhou.192.168.0.1 · prod' },
        ],
      },
    ],
  });
});

test('Slack markup in event text is escaped (&, <, >), so <!channel> cannot ping anyone', () => {
  assert.equal(slackEscape('<!channel> a & b > c'), '&lt;!channel&gt; a &amp; b &gt; c');
  const p = JSON.parse(
    encodeSlackEvent({ ...backOff, message: '<!channel> & <http://x|y>' }, { labels: [] }),
  ) as Payload;
  assert.ok(p.blocks[0]!.text!.text.endsWith('\n&lt;!channel&gt; &amp; &lt;http://x|y&gt;'));
  assert.ok(!p.text.includes('<'));
});

test('a huge message stays within the 3000-character section limit', () => {
  const p = JSON.parse(encodeSlackEvent({ ...backOff, message: '<'.repeat(5000) }, { labels: [] })) as Payload;
  assert.ok(p.blocks[0]!.text!.text.length <= 3000);
  assert.ok(p.text.length <= 3000);
});

test('a cut never ends inside an escape: a message of & and < is cut before a partial &amp; or &lt;', () => {
  for (const message of ['a&'.repeat(2000), 'ab<'.repeat(2000), 'x<'.repeat(2000)]) {
    const p = JSON.parse(encodeSlackEvent({ ...backOff, message }, { labels: [] })) as Payload;
    for (const text of [p.blocks[0]!.text!.text, p.text]) {
      assert.ok(text.endsWith('…'), text.slice(-12));
      assert.ok(text.length <= 3000);
      assert.doesNotMatch(text, /&[a-z]*…$/, `a partial escape before the cut: ${text.slice(-12)}`);
    }
  }
});

test('several events: title with counts of what is shown, lines packed into sections of at most 3000 characters, then what follows', () => {
  const message = encodeSlackEvents(burst(500, 250), { labels: ['prod'] }, fixedNow);
  const p = JSON.parse(message.body) as Payload;
  const title = /^(\d+) Kubernetes events \(Warning: \d+, Normal: \d+\)$/.exec(p.text);
  assert.ok(title, p.text);
  assert.equal(Number(title[1]), message.shown.length);
  assert.equal(p.blocks[0]!.text!.text, `*${p.text}*`);
  const sections = p.blocks.filter((b) => b.type === 'section').slice(1);
  assert.ok(sections.length > 1 && p.blocks.length <= 50);
  for (const s of sections) assert.ok(s.text!.text.length <= 3000);
  const all = sections.map((s) => s.text!.text).join('\n');
  assert.match(
    all,
    /^• Warning BackOff Pod prod\/app-0 (×\d+ )?2024-03-05 \d\d:\d\d:00: BackOff on app-0: &lt;details&gt; &amp; more/,
  );
  assert.ok(all.length <= 12_000 + sections.length);
  assert.match(all, new RegExp(`\n… and ${500 - message.shown.length} more events in the next message: \\w+ ×\\d+`));
  assert.deepEqual(p.blocks.at(-1), { type: 'context', elements: [{ type: 'mrkdwn', text: 'prod' }] });
  const few = encodeSlackEvents(burst(3), { labels: [] }, fixedNow);
  assert.ok(!few.body.includes('more events'));
  assert.deepEqual(few.shown, [0, 1, 2]);
});

test('channel, username and icon overrides are added to the payload', () => {
  const overrides = { channel: '#alerts', username: 'kube-eventer', icon_emoji: ':warning:' };
  for (const body of [encodeSlackEvent(backOff, { labels: [], overrides }), encodeSlackEvents(burst(2), { labels: [], overrides }).body]) {
    const p = JSON.parse(body) as Record<string, unknown>;
    assert.deepEqual([p.channel, p.username, p.icon_emoji], ['#alerts', 'kube-eventer', ':warning:']);
  }
});

test('the fake Slack webhook accepts single and summary payloads', async () => {
  const hook = '/services/T1/B1/X1';
  const fake = await startSlackFake({ [hook]: {} }, undefined, { burst: 10 });
  try {
    for (const body of [
      encodeSlackEvent(backOff, { labels: ['a'] }),
      encodeSlackEvents(burst(500, 250), { labels: [] }).body,
    ]) {
      const res = await fetch(fake.hookUrl(hook), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(await res.text(), 'ok');
    }
  } finally {
    await fake.close();
  }
});
