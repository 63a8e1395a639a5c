import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RobotKind } from '../../../src/sinks/chat/robot.js';
import { ROBOTS } from '../../../src/sinks/chat/robots.js';

const mergeRobotBodies = (bodies: readonly string[], robot: RobotKind) => ROBOTS[robot].mergeBodies(bodies);
import { startDingTalkFake } from '../../fixtures/robots/dingtalk.js';
import { startFeishuFake } from '../../fixtures/robots/feishu.js';
import { startSlackFake } from '../../fixtures/robots/slack.js';
import { startWeChatFake } from '../../fixtures/robots/wechat.js';

const wechatText = (content: string, mentioned?: string[]) =>
  JSON.stringify({ msgtype: 'text', text: { content, ...(mentioned ? { mentioned_list: mentioned } : {}) } });

test('WeChat text bodies: contents joined by a blank line, mentions combined, within 2048 bytes', () => {
  const m = mergeRobotBodies([wechatText('a', ['u1']), wechatText('b', ['u2', 'u1']), wechatText('c')], 'wechat');
  assert.deepEqual(m.merged, [0, 1, 2]);
  assert.deepEqual(JSON.parse(m.body), { msgtype: 'text', text: { content: 'a\n\nb\n\nc', mentioned_list: ['u1', 'u2'] } });
  const big = Array.from({ length: 30 }, (_, i) => wechatText(`${i} ${'事'.repeat(40)}`));
  const part = mergeRobotBodies(big, 'wechat');
  const content = (JSON.parse(part.body) as { text: { content: string } }).text.content;
  assert.ok(Buffer.byteLength(content) <= 2048);
  assert.ok(part.merged.length > 10 && part.merged.length < 30, `${part.merged.length}`);
  assert.deepEqual(part.merged, [...part.merged.keys()], 'a prefix, in order');
  const plusOne = `${content}\n\n${(JSON.parse(big[part.merged.length]!) as { text: { content: string } }).text.content}`;
  assert.ok(Buffer.byteLength(plusOne) > 2048, 'one more would not fit');
});

test('merging stops at a body of another type, or one that is not JSON; a lone body is returned unchanged', () => {
  const md = JSON.stringify({ msgtype: 'markdown', markdown: { content: '**x**' } });
  assert.deepEqual(mergeRobotBodies([wechatText('a'), wechatText('b'), md, wechatText('c')], 'wechat').merged, [0, 1]);
  assert.deepEqual(mergeRobotBodies([md, md], 'wechat'), { body: JSON.stringify({ msgtype: 'markdown', markdown: { content: '**x**\n\n**x**' } }), merged: [0, 1] });
  assert.deepEqual(mergeRobotBodies(['not json', wechatText('a')], 'wechat'), { body: 'not json', merged: [0] });
  const raw = ' {"msgtype": "text", "text": {"content": "kept as written"}} ';
  assert.deepEqual(mergeRobotBodies([raw, 'oops'], 'wechat'), { body: raw, merged: [0] });
  const card = JSON.stringify({ msg_type: 'interactive', card: { elements: [] } });
  assert.deepEqual(mergeRobotBodies([card, card], 'feishu'), { body: card, merged: [0] });
  assert.throws(() => mergeRobotBodies([], 'wechat'));
});

test('a first text over the robot\'s limit (refused whole) is cut to the longest prefix that fits, ending in …', () => {
  const long = `Warning FailedMount ${'挂载失败'.repeat(300)}`;
  const cut = mergeRobotBodies([wechatText(long, ['@all']), wechatText('next')], 'wechat');
  assert.deepEqual(cut.merged, [0]);
  const message = JSON.parse(cut.body) as { msgtype: string; text: { content: string; mentioned_list: string[] } };
  assert.equal(message.text.content.at(-1), '…');
  assert.ok(Buffer.byteLength(message.text.content) <= 2048);
  assert.ok(Buffer.byteLength(message.text.content) > 2048 - 3, 'no room left for one more character');
  assert.ok(long.startsWith(message.text.content.slice(0, -1)));
  assert.deepEqual(message.text.mentioned_list, ['@all']);
  const ding = mergeRobotBodies([JSON.stringify({ msgtype: 'text', text: { content: 'x'.repeat(30_000) } })], 'dingtalk');
  assert.ok(Buffer.byteLength(ding.body) <= 20_000 && Buffer.byteLength(ding.body) > 19_990);
  const within = wechatText('挂'.repeat(600));
  assert.equal(mergeRobotBodies([within], 'wechat').body, within, 'a text within the limit is sent as rendered');
});

test('DingTalk text and markdown (title of the first), @ lists combined, within 20000 bytes', () => {
  const text = (c: string, at?: unknown) => JSON.stringify({ msgtype: 'text', text: { content: c }, ...(at ? { at } : {}) });
  const m = mergeRobotBodies([text('a', { atMobiles: ['1'] }), text('b', { atMobiles: ['2'], isAtAll: true })], 'dingtalk');
  assert.deepEqual(JSON.parse(m.body), { msgtype: 'text', text: { content: 'a\n\nb' }, at: { atMobiles: ['1', '2'], isAtAll: true } });
  const md = (t: string) => JSON.stringify({ msgtype: 'markdown', markdown: { title: t, text: `### ${t}` } });
  assert.deepEqual(JSON.parse(mergeRobotBodies([md('one'), md('two')], 'dingtalk').body), { msgtype: 'markdown', markdown: { title: 'one', text: '### one\n\n### two' } });
  const many = Array.from({ length: 200 }, (_, i) => text(`${i} ${'x'.repeat(200)}`));
  const part = mergeRobotBodies(many, 'dingtalk');
  assert.ok(Buffer.byteLength(part.body) <= 20_000 && part.merged.length > 50 && part.merged.length < 200);
});

test('Feishu text and Slack text/blocks', () => {
  const fs = (t: string) => JSON.stringify({ msg_type: 'text', content: { text: t } });
  assert.deepEqual(JSON.parse(mergeRobotBodies([fs('a'), fs('b')], 'feishu').body), { msg_type: 'text', content: { text: 'a\n\nb' } });
  const sl = (t: string, n: number) => JSON.stringify({ text: t, blocks: Array.from({ length: n }, () => ({ type: 'divider' })) });
  const m = mergeRobotBodies([sl('a', 20), sl('b', 20), sl('c', 20)], 'slack');
  assert.deepEqual(m.merged, [0, 1], 'a third would make 60 blocks (Slack allows 50)');
  assert.equal((JSON.parse(m.body) as { text: string; blocks: unknown[] }).blocks.length, 40);
});

test('the fake robots accept merged messages', async () => {
  const wechat = await startWeChatFake(['k1'], {});
  const dingtalk = await startDingTalkFake({ t1: {} });
  const feishu = await startFeishuFake({ f1: {} });
  const slack = await startSlackFake({ '/services/T/B/X': {} });
  try {
    const post = async (url: string, body: string) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
    const events = Array.from({ length: 100 }, (_, i) => `Warning BackOff Pod prod/api-${i}: back-off restarting failed container ${'事'.repeat(i % 30)}`);
    const w = mergeRobotBodies(events.map((e) => wechatText(e)), 'wechat');
    assert.match(await post(wechat.robotUrl('k1'), w.body), /"errcode":0/);
    assert.match(await post(wechat.robotUrl('k1'), mergeRobotBodies([wechatText('事'.repeat(2000))], 'wechat').body), /"errcode":0/);
    const d = mergeRobotBodies(events.map((e) => JSON.stringify({ msgtype: 'markdown', markdown: { title: 'k8s', text: e } })), 'dingtalk');
    assert.match(await post(dingtalk.webhookUrl('t1'), d.body), /"errcode":0/);
    const f = mergeRobotBodies(events.map((e) => JSON.stringify({ msg_type: 'text', content: { text: e } })), 'feishu');
    assert.match(await post(feishu.hookUrl('f1'), f.body), /"code":0/);
    const s = mergeRobotBodies(events.map((e) => JSON.stringify({ text: e })), 'slack');
    assert.equal(await post(slack.hookUrl('/services/T/B/X'), s.body), 'ok');
    assert.ok([w, d, f, s].every((m) => m.merged.length > 1));
  } finally {
    await Promise.all([wechat.close(), dingtalk.close(), feishu.close(), slack.close()]);
  }
});
