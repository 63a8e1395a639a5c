// WeChat Work application message bodies (`POST /cgi-bin/message/send`): kube-eventer's text
// message, addressed to every user at once, and several events in one message.
import type { KubeEvent } from '../../event/types.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import { goTimeString, nowGoTime } from '../../gotime/index.js';
import { goJson } from '../../event/go-json.js';
import {
  fitLines,
  groupRepeats,
  pick,
  shownPositions,
  summaryLine,
  truncateToCost,
  typeCounts,
  type BatchMessage,
  type Now,
} from '../chat/summary.js';
import { robotTextContent } from '../dingtalk/encoder.js';

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
  return robotTextContent(e, labels, goTimeString(lastTimestamp(e, now)));
}

/** The request body for one event; a message beyond WeChat's 2048 bytes is cut here, visibly. */
export function encodeWeChatEvent(
  e: KubeEvent,
  f: WeChatFormat,
  now: Now = nowGoTime,
  maxBytes = WECHAT_MAX_CONTENT_BYTES,
): string {
  const content = weChatTextContent(e, f.labels, now);
  const excess = utf8Bytes(content) - maxBytes;
  const message = e.message ?? '';
  if (excess <= 0 || message === '') return body(f, content);
  const cut = truncateToCost(message, Math.max(0, utf8Bytes(message) - excess), utf8Bytes);
  return body(f, weChatTextContent({ ...e, message: cut }, f.labels, now));
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
  const single = (): BatchMessage => ({ body: encodeWeChatEvent(events[0]!, f, now, maxBytes), shown: [0] });
  if (events.length === 1) return single();
  const groups = groupRepeats(events);
  const lines = groups.map((g) => summaryLine(g, now, 200));
  const head = (part: readonly KubeEvent[]) =>
    `${f.labels.map((l) => `${l}\n`).join('')}Kubernetes ${part.length} events (${typeCounts(part)})\n`;
  // The whole batch's headline is never shorter than that of the part shown: reserve its size.
  const fit = fitLines(lines, groups, utf8Bytes(head(events)), maxBytes, utf8Bytes, '\n');
  if (fit.shown === 0) return single();
  const shown = shownPositions(groups, fit.shown);
  const text = [...lines.slice(0, fit.shown), ...(fit.more === undefined ? [] : [fit.more])].join('\n');
  return { body: body(f, head(pick(events, shown)) + text), shown };
}
