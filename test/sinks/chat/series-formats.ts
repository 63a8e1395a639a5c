// Our own message formats for one event (the chat sinks' single and summary texts, the log sink's
// line), and a check that an event with an events.k8s.io/v1 series shows its count and last
// observation in every one of them. Shared by the unit test and the real kube-apiserver test.
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../../src/event/types.js';
import { goDateTime, goFormat, goTimeString, local, parseKubeTime, type GoTime } from '../../../src/gotime/index.js';
import { displayTime, summaryLine } from '../../../src/sinks/chat/summary.js';
import { dingTalkMarkdown, dingTalkTextContent } from '../../../src/sinks/dingtalk/encoder.js';
import { encodeFeishuEvent } from '../../../src/sinks/feishu/encoder.js';
import { formatTextLine } from '../../../src/sinks/log/encoder.js';
import { encodeSlackEvent } from '../../../src/sinks/slack/encoder.js';
import { weChatTextContent } from '../../../src/sinks/wechat/encoder.js';

export function ownFormats(e: KubeEvent, now: () => GoTime): Record<string, string> {
  return {
    wechat: weChatTextContent(e, [], now),
    dingtalkText: dingTalkTextContent(e, [], now),
    dingtalkMarkdown: dingTalkMarkdown(e, { msgType: 'markdown', labels: [], clusterId: 'c1', region: 'r1' }, now).text,
    feishu: encodeFeishuEvent(e, { msgType: 'interactive', labels: [] }, undefined, now),
    slack: encodeSlackEvent(e, { labels: [] }, now),
    summary: summaryLine({ event: e, occurrences: 1, members: [0] }, now),
    log: formatTextLine(e),
  };
}

/** Every format shows `count` and the time of `lastObservedTime` (each in its own time layout). */
export function assertSeriesShown(e: KubeEvent, count: number, lastObservedTime: string, now: () => GoTime): void {
  const t = local(parseKubeTime(lastObservedTime)!);
  const f = ownFormats(e, now);
  const expect: Record<string, [string, string]> = {
    wechat: [`\nCount:${count} `, `Timestamp:${goTimeString(t)} `],
    dingtalkText: [`\nCount:${count} `, `Timestamp:${goDateTime(t)} `],
    dingtalkMarkdown: [`Count: **${count}**`, `Timestamp: **${goTimeString(t)}**`],
    feishu: [`count ${count}`, displayTime(t)],
    slack: [`count ${count}`, displayTime(t)],
    summary: [`(count ${count})`, goFormat(t, '2006-01-02 15:04:05')],
    log: [`(cnt:${count})`, goTimeString(t)],
  };
  for (const [name, [countText, timeText]] of Object.entries(expect)) {
    assert.ok(f[name]!.includes(countText), `${name} shows the series count ${countText}: ${f[name]}`);
    assert.ok(f[name]!.includes(timeText), `${name} shows the last observation ${timeText}: ${f[name]}`);
  }
}
