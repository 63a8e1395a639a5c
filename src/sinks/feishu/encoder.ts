// Feishu/Lark custom bot message bodies: a plain text message or an interactive card per event,
// and a card or text for several events, within the bot's 20 KB request limit.
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence, occurrences } from '../../event/occurrence.js';
import { nowGoTime } from '../../gotime/index.js';
import { batchMessage, displayTime, fitEventMessage, objectRef, summaryLine, typeCounts, type BatchMessage, type Now } from '../chat/summary.js';

export interface FeishuFormat {
  readonly msgType: 'text' | 'interactive';
  /** `label` options, shown first. */
  readonly labels: readonly string[];
}

/** Set when the bot has a signing secret; computed by the transport for each request. */
export interface FeishuSignature {
  readonly timestamp: string;
  readonly sign: string;
}

/** Feishu refuses request bodies above 20 KB; this leaves room for the signature fields. */
export const FEISHU_MAX_BODY_BYTES = 20 * 1024 - 256;

const jsonBytes = (s: string) => Buffer.byteLength(JSON.stringify(s)) - 2;

function withSignature(signature: FeishuSignature | undefined, message: Record<string, unknown>): string {
  return JSON.stringify(signature ? { timestamp: signature.timestamp, sign: signature.sign, ...message } : message);
}

/** `Warning BackOff: Pod default/nginx` */
function headline(e: KubeEvent): string {
  return `${[e.type, e.reason].filter((x) => x).join(' ')}: ${objectRef(e)}`;
}

/** `2024-03-05 14:07:09 CST · count 5 · kubelet, node-1` */
function details(e: KubeEvent, now: Now): string {
  const parts = [displayTime(lastOccurrence(e, now))];
  if (occurrences(e) > 1) parts.push(`count ${occurrences(e)}`);
  const source = [e.source?.component, e.source?.host].filter((x) => x).join(', ');
  if (source) parts.push(source);
  return parts.join(' · ');
}

function cardTemplate(types: ReadonlyArray<string | undefined>): string {
  if (types.includes('Warning')) return 'red';
  return types.every((t) => t === 'Normal') ? 'blue' : 'grey';
}

function card(title: string, template: string, elements: unknown[]): Record<string, unknown> {
  return {
    msg_type: 'interactive',
    card: {
      config: { wide_screen_mode: true },
      header: { title: { tag: 'plain_text', content: title }, template },
      elements,
    },
  };
}

/**
 * Feishu turns `<at user_id="all">` (or `<at id=…>`) in a text message into a mention that notifies
 * the whole group: an event's own text must not, so a zero-width space breaks the tag. Labels are the
 * user's and may mention on purpose. Cards show plain_text, which Feishu does not read for mentions.
 */
const withoutMentions = (text: string) => text.replace(/<(?=\s*at\b)/gi, '<\u200B');

const plainDiv = (content: string) => ({ tag: 'div', text: { tag: 'plain_text', content } });
const note = (content: string) => ({ tag: 'note', elements: [{ tag: 'plain_text', content }] });

function render(e: KubeEvent, f: FeishuFormat, now: Now): Record<string, unknown> {
  const labels = f.labels.filter((l) => l.trim() !== '').join(' · ');
  if (f.msgType === 'text') {
    const text = [labels, withoutMentions([headline(e), e.message ?? '', details(e, now)].filter((x) => x).join('\n'))].filter((x) => x).join('\n');
    return { msg_type: 'text', content: { text } };
  }
  const elements: unknown[] = [];
  if (e.message) elements.push(plainDiv(e.message));
  elements.push(note([details(e, now), labels].filter((x) => x).join(' · ')));
  return card(headline(e), cardTemplate([e.type]), elements);
}

/** The body for one event; a message too big for Feishu is cut. */
export function encodeFeishuEvent(
  e: KubeEvent,
  f: FeishuFormat,
  signature?: FeishuSignature,
  now: Now = nowGoTime,
  maxBytes = FEISHU_MAX_BODY_BYTES,
): string {
  return fitEventMessage(e, (event) => withSignature(signature, render(event, f, now)), (b) => Buffer.byteLength(b), maxBytes, jsonBytes);
}

/**
 * Several events in one message: counts by type, a line per object and reason, as many as fit in
 * `maxBytes`, and a last line naming what goes in the next message.
 */
export function encodeFeishuEvents(
  events: readonly KubeEvent[],
  f: FeishuFormat,
  signature?: FeishuSignature,
  now: Now = nowGoTime,
  maxBytes = FEISHU_MAX_BODY_BYTES,
): BatchMessage {
  const labels = f.labels.filter((l) => l.trim() !== '').join(' · ');
  const build = (part: readonly KubeEvent[], lines: readonly string[]): Record<string, unknown> => {
    const title = `${part.length} Kubernetes events (${typeCounts(part)})`;
    return f.msgType === 'text'
      ? { msg_type: 'text', content: { text: [labels, title, ...lines].filter((x) => x).join('\n') } }
      : card(title, cardTemplate(part.map((e) => e.type)), [plainDiv(lines.join('\n')), ...(labels ? [note(labels)] : [])]);
  };
  return batchMessage(events, {
    single: (e) => encodeFeishuEvent(e, f, signature, now, maxBytes),
    line: (g) => (f.msgType === 'text' ? withoutMentions(summaryLine(g, now)) : summaryLine(g, now)),
    // The whole batch's title is never shorter than that of the part shown: reserve its size, plus
    // a byte for the header colour (red → blue). A text message also needs the newline after the title.
    fixed: (all) => Buffer.byteLength(withSignature(signature, build(all, []))) + (f.msgType === 'text' ? jsonBytes('\n') : 1),
    budget: maxBytes,
    cost: jsonBytes,
    render: (part, lines) => withSignature(signature, build(part, lines)),
  });
}
