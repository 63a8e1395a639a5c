// WeChat Work application message bodies (`POST /cgi-bin/message/send`): kube-eventer's text
// message, addressed to every user at once, and several events in one message.
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence } from '../../event/occurrence.js';
import { goTimeString, nowGoTime } from '../../gotime/index.js';
import { goJson } from '../../event/go-json.js';
import { batchMessage, fitEventMessage, robotTextContent, summaryLine, typeCounts, type BatchMessage, type Now } from '../chat/summary.js';

export interface WeChatFormat {
  readonly agentId: number;
  /** `to_user` members; empty means `@all`. */
  readonly toUsers: readonly string[];
  readonly labels: readonly string[];
}

/** WeChat Work shows at most this many bytes of a text message and cuts the rest. */
export const WECHAT_MAX_CONTENT_BYTES = 2048;

const utf8Bytes = (s: string) => Buffer.byteLength(s);

function body(f: WeChatFormat, content: string): string {
  // kube-eventer's field order; one request for all users, joined by `|` as the API takes them.
  return goJson({
    touser: f.toUsers.length === 0 ? '@all' : f.toUsers.join('|'),
    toparty: '',
    totag: '',
    msgtype: 'text',
    agentid: f.agentId,
    text: { content },
    safe: 0,
  });
}

/** kube-eventer's WeChat text: the DingTalk text with the time printed as Go's Time.String(). */
export function weChatTextContent(e: KubeEvent, labels: readonly string[], now: Now = nowGoTime): string {
  return robotTextContent(e, labels, goTimeString(lastOccurrence(e, now)));
}

/** The request body for one event; a message beyond WeChat's 2048 bytes is cut here, visibly. */
export function encodeWeChatEvent(
  e: KubeEvent,
  f: WeChatFormat,
  now: Now = nowGoTime,
  maxBytes = WECHAT_MAX_CONTENT_BYTES,
): string {
  return body(f, fitEventMessage(e, (event) => weChatTextContent(event, f.labels, now), utf8Bytes, maxBytes, utf8Bytes));
}

/**
 * Several events in one message: counts by type, a line per object and reason, as many as fit in
 * `maxBytes`, and a last line naming what goes in the next message.
 */
export function encodeWeChatEvents(
  events: readonly KubeEvent[],
  f: WeChatFormat,
  now: Now = nowGoTime,
  maxBytes = WECHAT_MAX_CONTENT_BYTES,
): BatchMessage {
  const head = (part: readonly KubeEvent[]) =>
    `${f.labels.map((l) => `${l}\n`).join('')}Kubernetes ${part.length} events (${typeCounts(part)})\n`;
  return batchMessage(events, {
    single: (e) => encodeWeChatEvent(e, f, now, maxBytes),
    line: (g) => summaryLine(g, now, 200),
    // The whole batch's headline is never shorter than that of the part shown: reserve its size.
    fixed: (all) => utf8Bytes(head(all)),
    budget: maxBytes,
    cost: utf8Bytes,
    render: (part, lines) => body(f, head(part) + lines.join('\n')),
  });
}
