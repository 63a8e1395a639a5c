// DingTalk robot message bodies: kube-eventer's text and markdown messages byte for byte (with its
// label bugs fixed), and several events in one message for batches that waited for the rate limit.
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence, seriesCount } from '../../event/occurrence.js';
import { goDateTime, goTimeString, nowGoTime } from '../../gotime/index.js';
import { goJson, goJsonStringBytes } from '../../event/go-json.js';
import { batchMessage, fieldSummaryLine, fitEventMessage, robotTextContent, typeCounts, type BatchMessage, type Now } from '../chat/summary.js';

export interface DingTalkFormat {
  readonly msgType: 'text' | 'markdown';
  /** `label` options, shown first, in the order given. */
  readonly labels: readonly string[];
  /** `cluster_id` and `region`: markdown title and Alibaba Cloud console links. */
  readonly clusterId: string;
  readonly region: string;
}

/** DingTalk refuses request bodies above this many bytes (errcode 460101). */
export const DINGTALK_MAX_BODY_BYTES = 20_000;

interface DingTalkBody {
  msgtype: string;
  text: { content: string };
  markdown: { title: string; text: string };
}

function body(msgType: 'text' | 'markdown', content: string, title: string, text: string): string {
  // kube-eventer always sends both sub-objects, in this order.
  const b: DingTalkBody = { msgtype: msgType, text: { content }, markdown: { title, text } };
  return goJson(b);
}

/** DingTalk's text content: the event time as `2006-01-02 15:04:05` local time. */
export function dingTalkTextContent(e: KubeEvent, labels: readonly string[], now: Now = nowGoTime): string {
  return robotTextContent(e, labels, goDateTime(lastOccurrence(e, now)));
}

const CONSOLE = 'https://cs.console.aliyun.com/#/k8s';
// A Map: a kind such as `constructor` (Events are free text) must not find Object.prototype's members.
const WORKLOAD_PAGES: ReadonlyMap<string, string> = new Map([
  ['Deployment', 'deployment'],
  ['StatefulSet', 'statefulset'],
  ['DaemonSet', 'daemonset'],
]);

/** The event name, linked to the Alibaba Cloud console page of its object where kube-eventer links it. */
function nameLink(e: KubeEvent, f: DingTalkFormat): string {
  const name = e.metadata.name ?? '';
  const ns = e.metadata.namespace ?? '';
  const base = name.split('.')[0]!;
  const kind = e.involvedObject.kind ?? '';
  const workload = WORKLOAD_PAGES.get(kind);
  if (workload) return `[${name}](${CONSOLE}/${workload}/detail/${f.region}/${f.clusterId}/${ns}/${base}/pods)`;
  if (kind === 'Pod') return `[${name}](${CONSOLE}/pod/${f.clusterId}/${ns}/${base}/container)`;
  if (kind === 'CronJob') return `[${name}](${CONSOLE}/cronjob/detail/${f.region}/${f.clusterId}/${ns}/${base}/jobs)`;
  if (kind === 'Service') return `[${name}](${CONSOLE}/service/detail/${f.region}/${f.clusterId}/${ns}/${base})`;
  return name;
}

/** Labels as kube-eventer's markdown shows them; blank labels are skipped but keep their index. */
function markdownLabels(labels: readonly string[]): string {
  return labels.map((l, i) => (l.trim() === '' ? '' : `label[${i}]: **${l}**\n\n`)).join('');
}

function markdownTitle(f: DingTalkFormat, what: string): string {
  return `Kubernetes(ID:${f.clusterId}) ${what}`;
}

/** kube-eventer's markdown title and text. */
export function dingTalkMarkdown(
  e: KubeEvent,
  f: DingTalkFormat,
  now: Now = nowGoTime,
): { title: string; text: string } {
  const ns = e.metadata.namespace ?? '';
  let text =
    `Level: **${e.type ?? ''}** \n\nKind: **${e.involvedObject.kind ?? ''}** \n\n` +
    `Namespace: [${ns}](https://cs.console.aliyun.com/#/k8s/namespace) \n\nName: ${nameLink(e, f)} \n\n` +
    `Reason: **${e.reason ?? ''}** \n\nTimestamp: **${goTimeString(lastOccurrence(e, now))}** \n\n` +
    (seriesCount(e) === undefined ? '' : `Count: **${seriesCount(e)}** \n\n`) +
    `Message: **${e.message ?? ''}**`;
  const host = e.source?.host ?? '';
  if (host !== '') {
    const parts = host.split('.');
    text =
      parts.length > 1
        ? `Node: [${host}](https://ecs.console.aliyun.com/#/server/${parts[1]}/detail?regionId=${parts[0]}) \n\n${text}`
        : `Node: **${host}** \n\n${text}`;
  }
  return { title: markdownTitle(f, 'Event'), text: markdownLabels(f.labels) + text };
}

/** The request body for one event, as kube-eventer sends it; a message too big for DingTalk is cut. */
export function encodeDingTalkEvent(
  e: KubeEvent,
  f: DingTalkFormat,
  now: Now = nowGoTime,
  maxBytes = DINGTALK_MAX_BODY_BYTES,
): string {
  const render = (event: KubeEvent) => {
    if (f.msgType === 'text') return body('text', dingTalkTextContent(event, f.labels, now), '', '');
    const md = dingTalkMarkdown(event, f, now);
    return body('markdown', '', md.title, md.text);
  };
  return fitEventMessage(e, render, (b) => Buffer.byteLength(b), maxBytes, goJsonStringBytes);
}

/**
 * Several events in one message (events that waited for the robot's rate limit): a count by type,
 * one line per object and reason with its repeat count in kube-eventer's field names (a robot's
 * keyword security that names one of them passes), as many as fit in `maxBytes`, and a last line
 * naming what goes in the next message. One event gives kube-eventer's single-event body.
 */
export function encodeDingTalkEvents(
  events: readonly KubeEvent[],
  f: DingTalkFormat,
  now: Now = nowGoTime,
  maxBytes = DINGTALK_MAX_BODY_BYTES,
): BatchMessage {
  const headline = (part: readonly KubeEvent[]) => `${part.length} events (${typeCounts(part)})`;
  const markdown = f.msgType === 'markdown';
  const who = f.clusterId === '' ? 'Kubernetes' : `Kubernetes(ID:${f.clusterId})`;
  const render = (part: readonly KubeEvent[], lines: readonly string[]) =>
    markdown
      ? body('markdown', '', markdownTitle(f, `${part.length} Events`), `${markdownLabels(f.labels)}**${headline(part)}**\n\n${lines.join('\n')}`)
      : body('text', `${f.labels.map((l) => `${l}\n`).join('')}${who} ${headline(part)}\n${lines.join('\n')}`, '', '');
  return batchMessage(events, {
    single: (e) => encodeDingTalkEvent(e, f, now, maxBytes),
    line: (g) => (markdown ? `- ${fieldSummaryLine(g, now)}` : fieldSummaryLine(g, now)),
    // Sized for the whole batch's headline and title, never shorter than those of a part.
    fixed: (all) => Buffer.byteLength(render(all, [])),
    budget: maxBytes,
    cost: goJsonStringBytes,
    morePrefix: markdown ? '- ' : '',
    render,
  });
}
