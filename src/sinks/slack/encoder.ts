// Slack incoming-webhook payloads: `text` (the notification fallback) plus Block Kit blocks, for one
// event or several in one message, within Slack's block limits (3000 characters a section, 50 blocks).
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence, occurrences } from '../../event/occurrence.js';
import { nowGoTime } from '../../gotime/index.js';
import { batchMessage, displayTime, objectRef, summaryLine, truncate, typeCounts, type BatchMessage, type Now } from '../chat/summary.js';

export interface SlackFormat {
  /** `label` options, shown in the context line. */
  readonly labels: readonly string[];
  /**
   * `channel`, `username`, `icon_emoji`, `icon_url` payload fields: honoured by legacy incoming
   * webhooks and Slack-compatible servers (Mattermost, Rocket.Chat); Slack app webhooks ignore them.
   */
  readonly overrides?: Readonly<Record<string, string>>;
}

/** Slack's limit on a section's text. */
export const SLACK_SECTION_CHARS = 3000;
/** Characters of event lines in a summary (Slack allows more; a chat message should not). */
export const SLACK_SUMMARY_CHARS = 12_000;

/** Slack reads `&`, `<` and `>` as markup in text; these are its escapes. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped text as `truncate` does, but never inside an escape (`&am…` would show as typed). */
function truncateEscaped(escaped: string, max: number): string {
  const cut = truncate(escaped, max);
  return cut === escaped ? cut : cut.replace(/&[a-z]*…$/, '…');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function labelText(f: SlackFormat): string {
  return f.labels
    .filter((l) => l.trim() !== '')
    .map(slackEscape)
    .join(' · ');
}

/** The payload for one event. */
export function encodeSlackEvent(e: KubeEvent, f: SlackFormat, now: Now = nowGoTime): string {
  const what = [e.type, e.reason]
    .filter((x) => x)
    .map((x) => `*${slackEscape(x!)}*`)
    .join(' ');
  const ref = slackEscape(objectRef(e));
  const head = `${what} ${ref}\n`;
  const message = truncateEscaped(slackEscape(e.message ?? ''), SLACK_SECTION_CHARS - head.length);
  const facts = [displayTime(lastOccurrence(e, now))];
  if (occurrences(e) > 1) facts.push(`count ${occurrences(e)}`);
  const source = [e.source?.component, e.source?.host].filter((x) => x).join(', ');
  if (source) facts.push(slackEscape(source));
  const labels = labelText(f);
  if (labels) facts.push(labels);
  const fallback = `${[e.type, e.reason].filter((x) => x).join(' ')} ${objectRef(e)}: ${e.message ?? ''}`;
  return JSON.stringify({
    text: truncateEscaped(slackEscape(fallback), SLACK_SECTION_CHARS),
    blocks: [section(head + message), context(truncateEscaped(facts.join(' · '), SLACK_SECTION_CHARS))],
    ...f.overrides,
  });
}

/**
 * Several events in one message: a count by type, lines per object and reason packed into
 * sections, as many as fit in `maxChars`, and a last line naming what goes in the next message.
 */
export function encodeSlackEvents(
  events: readonly KubeEvent[],
  f: SlackFormat,
  now: Now = nowGoTime,
  maxChars = SLACK_SUMMARY_CHARS,
): BatchMessage {
  const labels = labelText(f);
  const render = (part: readonly KubeEvent[], lines: readonly string[]): string => {
    const sections: string[] = [];
    for (const line of lines) {
      const last = sections.length - 1;
      if (last >= 0 && sections[last]!.length + 1 + line.length <= SLACK_SECTION_CHARS) sections[last] += `\n${line}`;
      else sections.push(truncateEscaped(line, SLACK_SECTION_CHARS));
    }
    const title = `${part.length} Kubernetes events (${typeCounts(part)})`;
    return JSON.stringify({
      text: slackEscape(title),
      blocks: [section(`*${slackEscape(title)}*`), ...sections.map(section), ...(labels ? [context(labels)] : [])],
      ...f.overrides,
    });
  };
  return batchMessage(events, {
    single: (e) => encodeSlackEvent(e, f, now),
    line: (g) => `• ${slackEscape(summaryLine(g, now))}`,
    fixed: () => 0,
    budget: maxChars,
    cost: (s) => s.length,
    moreText: slackEscape,
    render,
  });
}
