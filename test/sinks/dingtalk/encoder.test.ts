import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DINGTALK_MAX_BODY_BYTES,
  dingTalkMarkdown,
  dingTalkTextContent,
  encodeDingTalkEvent,
  encodeDingTalkEvents,
  type DingTalkFormat,
} from '../../../src/sinks/dingtalk/encoder.js';
import { startDingTalkFake } from '../../fixtures/robots/dingtalk.js';
import { backOff, burst, fixedNow, scheduled } from '../chat/events.js';

// kube-eventer's image runs in Asia/Shanghai; the Local zone is read at first use.
process.env.TZ = 'Asia/Shanghai';

const text: DingTalkFormat = { msgType: 'text', labels: [], clusterId: '', region: '' };
const markdown: DingTalkFormat = {
  msgType: 'markdown',
  labels: ['abcd', 'defg'],
  clusterId: 'c123',
  region: 'cn-hangzhou',
};

test("text body is kube-eventer's, byte for byte", () => {
  assert.equal(
    encodeDingTalkEvent(backOff, text),
    String.raw`{"msgtype":"text","text":{"content":"Level:Warning \nKind:Pod \nNamespace:default \nName:nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8 \nReason:BackOff \nTimestamp:2024-03-05 14:07:09 \nMessage:Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)"},"markdown":{"title":"","text":""}}`,
  );
});

test("markdown body is kube-eventer's, byte for byte (labels in order, node and pod links)", () => {
  assert.equal(
    encodeDingTalkEvent(backOff, markdown),
    '{"msgtype":"markdown","text":{"content":""},"markdown":{"title":"Kubernetes(ID:c123) Event","text":"' +
      String.raw`label[0]: **abcd**\n\nlabel[1]: **defg**\n\n` +
      String.raw`Node: [cn-hangzhou.192.168.0.1](https://ecs.console.aliyun.com/#/server/192/detail?regionId=cn-hangzhou) \n\n` +
      String.raw`Level: **Warning** \n\nKind: **Pod** \n\nNamespace: [default](https://cs.console.aliyun.com/#/k8s/namespace) \n\n` +
      String.raw`Name: [nginx-7d8f9c-abcde.17b2c3d4e5f6a7b8](https://cs.console.aliyun.com/#/k8s/pod/c123/default/nginx-7d8f9c-abcde/container) \n\n` +
      String.raw`Reason: **BackOff** \n\nTimestamp: **2024-03-05 14:07:09 +0800 CST** \n\n` +
      String.raw`Message: **Back-off restarting failed container nginx in pod nginx-7d8f9c-abcde_default(0f6c5a4e)**"}}`,
  );
});

test("LastTS: eventTime (text drops the fraction, markdown keeps it); now with Go's monotonic suffix", () => {
  assert.match(dingTalkTextContent(scheduled, []), /\nTimestamp:2024-03-05 14:07:10 \n/);
  const md = dingTalkMarkdown(scheduled, { ...markdown, labels: [] }).text;
  assert.match(md, /Timestamp: \*\*2024-03-05 14:07:10\.123456 \+0800 CST\*\*/);
  assert.match(md, /^Level: \*\*Normal\*\* /, 'no Node line without source.host');
  assert.match(
    md,
    /\[web-0\.17b2c3d4e5f6a7b9\]\(https:\/\/cs\.console\.aliyun\.com\/#\/k8s\/statefulset\/detail\/cn-hangzhou\/c123\/shop\/web-0\/pods\)/,
  );
  const timeless = { ...scheduled, eventTime: null };
  assert.match(dingTalkTextContent(timeless, [], fixedNow), /\nTimestamp:2024-03-05 14:07:10 \n/);
  assert.match(
    dingTalkMarkdown(timeless, markdown, fixedNow).text,
    /Timestamp: \*\*2024-03-05 14:07:10\.987654321 \+0800 CST m=\+12\.345678901\*\*/,
  );
});

test('labels: given order, % kept literally, blank markdown labels skipped with their index kept', () => {
  assert.ok(
    dingTalkTextContent(backOff, ['first', '50% used', 'third']).startsWith('first\n50% used\nthird\nLevel:Warning '),
  );
  const md = dingTalkMarkdown(backOff, { ...markdown, labels: ['a', '  ', 'c%d'] }).text;
  assert.ok(md.startsWith('label[0]: **a**\n\nlabel[2]: **c%d**\n\nNode: '));
});

test('Go JSON escaping: <, >, & and U+2028 as \\u escapes, quotes and newlines as JSON', () => {
  const body = encodeDingTalkEvent({ ...backOff, message: 'a <b> & "c"\nd\u2028' }, text);
  assert.ok(body.includes(String.raw`Message:a \u003cb\u003e \u0026 \"c\"\nd\u2028"}`));
});

test('a message too long for DingTalk is cut to fit 20000 bytes, and the fake robot takes it', async () => {
  const huge = { ...backOff, message: '事'.repeat(10_000) };
  for (const f of [text, markdown]) {
    const body = encodeDingTalkEvent(huge, f);
    assert.ok(Buffer.byteLength(body) <= DINGTALK_MAX_BODY_BYTES);
    assert.ok(Buffer.byteLength(body) > DINGTALK_MAX_BODY_BYTES - 10, 'cut no more than needed');
    assert.match(body, /事…/);
  }
  const fake = await startDingTalkFake({ tok: {} });
  try {
    const res = await fetch(fake.webhookUrl('tok'), { method: 'POST', body: encodeDingTalkEvent(huge, markdown) });
    assert.deepEqual(await res.json(), { errcode: 0, errmsg: 'ok' });
  } finally {
    await fake.close();
  }
});

test('one event in a batch gives the single-event body', () => {
  assert.deepEqual(encodeDingTalkEvents([backOff], text), { body: encodeDingTalkEvent(backOff, text), shown: [0] });
});

test('several events: counts by type, one line per object and reason with repeats, in order, in kube-eventer\'s field names', () => {
  const events = [backOff, { ...backOff, lastTimestamp: '2024-03-05T06:08:00Z', message: 'again' }, scheduled];
  const message = encodeDingTalkEvents(events, { ...text, labels: ['prod'] });
  assert.deepEqual(message.shown, [0, 1, 2]);
  const body = JSON.parse(message.body) as { text: { content: string } };
  assert.equal(
    body.text.content,
    'prod\nKubernetes 3 events (Warning: 2, Normal: 1)\n' +
      'Level:Warning Kind:Pod Namespace:default Name:nginx-7d8f9c-abcde Reason:BackOff ×2 Timestamp:2024-03-05 14:08:00 Message:again\n' +
      'Level:Normal Kind:StatefulSet Namespace:shop Name:web Reason:SuccessfulCreate Timestamp:2024-03-05 14:07:10 Message:create Pod web-0 in StatefulSet web successful',
  );
});

test('a batch too big for one message: whole lines that fit, the rest named and left for the next message', () => {
  const events = burst(400, 100);
  for (const f of [text, markdown]) {
    const small = encodeDingTalkEvents(events, f, fixedNow, 1500);
    assert.ok(Buffer.byteLength(small.body) <= 1500, `${f.msgType}: ${Buffer.byteLength(small.body)} bytes`);
    const parsed = JSON.parse(small.body) as { text: { content: string }; markdown: { title: string; text: string } };
    const shown = f.msgType === 'text' ? parsed.text.content : parsed.markdown.text;
    const more = /… and (\d+) more events in the next message: (.*)$/.exec(shown);
    assert.ok(more, shown);
    const listed = shown.split('\n').filter((l) => /^(- )?Level:(Warning|Normal) /.test(l));
    const shownCount = listed.reduce((n, l) => n + Number(/×(\d+)/.exec(l)?.[1] ?? 1), 0);
    assert.equal(shownCount, small.shown.length, 'the lines show exactly the events reported as shown');
    assert.equal(shownCount + Number(more[1]), 400, 'shown + left for later = all events');
    assert.match(more[2]!, /^(BackOff|Unhealthy|FailedMount|Pulled) ×\d+/);
    assert.ok(shown.includes(`${shownCount} events (`), 'the headline counts what is shown');
    if (f.msgType === 'markdown') assert.equal(parsed.markdown.title, `Kubernetes(ID:c123) ${shownCount} Events`);
  }
});

test('the events left out of a message are the ones later in the batch, never half a group', () => {
  const events = burst(60, 60);
  const first = encodeDingTalkEvents(events, text, fixedNow, 2000);
  assert.ok(first.shown.length > 0 && first.shown.length < 60);
  assert.deepEqual(first.shown, [...first.shown.keys()], 'a prefix: each event is its own group here');
  // burst(60, 3): 12 groups (pod i % 3, reason i % 4) of 5 events each.
  const grouped = encodeDingTalkEvents(burst(60, 3), text, fixedNow, 600);
  const shown = new Set(grouped.shown);
  assert.ok(shown.size > 0 && shown.size < 60);
  for (let i = 0; i < 60; i++) {
    for (let j = 0; j < 60; j++) {
      if (i % 3 === j % 3 && i % 4 === j % 4) assert.equal(shown.has(i), shown.has(j), `events ${i} and ${j}`);
    }
  }
});

test('a line too long for any summary falls back to the first event alone, cut to fit', () => {
  const huge = burst(3).map((e) => ({ ...e, reason: 'R'.repeat(3000) }));
  const m = encodeDingTalkEvents(huge, text, fixedNow, 1000);
  assert.deepEqual(m.shown, [0]);
  assert.equal(m.body, encodeDingTalkEvent(huge[0]!, text, fixedNow, 1000));
});

test("500 events: what fits DingTalk's limit goes in one message and the fake robot accepts it", async () => {
  const fake = await startDingTalkFake({ tok: { keywords: ['Kubernetes'] } });
  try {
    for (const f of [text, markdown]) {
      const { body } = encodeDingTalkEvents(burst(500, 250), f);
      assert.ok(Buffer.byteLength(body) <= DINGTALK_MAX_BODY_BYTES);
      assert.ok(Buffer.byteLength(body) > DINGTALK_MAX_BODY_BYTES - 400, 'the space is used');
      assert.match(body, /… and \d+ more events in the next message: /);
      const res = await fetch(fake.webhookUrl('tok'), { method: 'POST', body });
      assert.deepEqual(await res.json(), { errcode: 0, errmsg: 'ok' }, f.msgType);
    }
  } finally {
    await fake.close();
  }
});

test('markdown: a kind named like an Object member (constructor) is shown as plain text, with no console link', () => {
  const odd = { ...scheduled, involvedObject: { ...scheduled.involvedObject, kind: 'constructor' } };
  const md = dingTalkMarkdown(odd, { ...markdown, labels: [] }).text;
  assert.match(md, /Name: web-0\.17b2c3d4e5f6a7b9 /);
  assert.doesNotMatch(md, /console\.aliyun\.com\/#\/k8s\/function/);
});
