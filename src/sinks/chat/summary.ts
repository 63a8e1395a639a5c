// Shared pieces of the chat encoders: readable names and times, repeat grouping, and packing as many
// events of a batch as fit into one message of a robot's size limit (the rest go in the next message).
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence, occurrences, seriesCount } from '../../event/occurrence.js';
import { goFormat, local, type GoTime } from '../../gotime/index.js';

/** Encoders take the clock as a parameter so their output is reproducible in tests. */
export type Now = () => GoTime;

/** `2024-03-05 14:07:09 CST`: the event time in the local zone, without Go's monotonic suffix. */
export function displayTime(t: GoTime): string {
  return goFormat(local(t), '2006-01-02 15:04:05 MST');
}

/** `Pod default/nginx-1`, or `Node node-1` for cluster-scoped objects. */
export function objectRef(e: KubeEvent): string {
  const o = e.involvedObject;
  const name = o.namespace ? `${o.namespace}/${o.name ?? ''}` : (o.name ?? '');
  return o.kind ? `${o.kind} ${name}` : name;
}

/**
 * kube-eventer's robot text (DingTalk text, WeChat): labels first, one per line, in the order given
 * (kube-eventer reversed them and read them as printf formats), then its fixed layout. An event with an
 * events.k8s.io/v1 series gets a `Count:` line (kube-eventer shows no count); callers pass its last
 * observation as the timestamp.
 */
export function robotTextContent(e: KubeEvent, labels: readonly string[], timestamp: string): string {
  const head = labels.map((l) => `${l}\n`).join('');
  const count = seriesCount(e);
  return (
    `${head}Level:${e.type ?? ''} \nKind:${e.involvedObject.kind ?? ''} \nNamespace:${e.metadata.namespace ?? ''} ` +
    `\nName:${e.metadata.name ?? ''} \nReason:${e.reason ?? ''} \nTimestamp:${timestamp} ` +
    `${count === undefined ? '' : `\nCount:${count} `}\nMessage:${e.message ?? ''}`
  );
}

/** Newlines and runs of blanks become one space: one event per line in a summary. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Cuts text to at most `max` UTF-16 units, ending in `…`, without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= 0) return '';
  let end = max - 1;
  if (end > 0 && /[\uD800-\uDBFF]/.test(s[end - 1]!)) end--;
  return s.slice(0, end) + '…';
}

/** Cuts text so that `cost(result) <= budget`, ending in `…` when cut. */
export function truncateToCost(s: string, budget: number, cost: (s: string) => number): string {
  if (cost(s) <= budget) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (cost(truncate(s, mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return truncate(s, lo);
}

/** Events about the same object with the same type and reason, in one line of a summary. */
export interface EventGroup {
  /** The latest event of the group (its message and time are shown). */
  readonly event: KubeEvent;
  /** How many events of the batch fell into the group. */
  readonly occurrences: number;
  /** Their positions in the batch. */
  readonly members: readonly number[];
}

/** Groups repeats (same type, reason and involved object), in order of first appearance. */
export function groupRepeats(events: readonly KubeEvent[]): EventGroup[] {
  const groups = new Map<string, { event: KubeEvent; occurrences: number; members: number[] }>();
  events.forEach((e, i) => {
    const o = e.involvedObject;
    const key = [e.type, e.reason, o.kind, o.namespace, o.name, o.uid].join('\u0000');
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { event: e, occurrences: 1, members: [i] });
    else {
      g.event = e;
      g.occurrences++;
      g.members.push(i);
    }
  });
  return [...groups.values()];
}

/**
 * One message for a batch: the body, and the positions of the batch's events it shows. A chat sink
 * reports the send's outcome for those and defers the others to the next message.
 */
export interface BatchMessage {
  readonly body: string;
  readonly shown: readonly number[];
}

/** Positions of the events in the first `count` groups, in batch order. */
function shownPositions(groups: readonly EventGroup[], count: number): number[] {
  return groups
    .slice(0, count)
    .flatMap((g) => g.members)
    .sort((a, b) => a - b);
}

/** The events at `positions`. */
function pick(events: readonly KubeEvent[], positions: readonly number[]): KubeEvent[] {
  return positions.map((i) => events[i]!);
}

function countsBy(pairs: Iterable<readonly [string, number]>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const [k, n] of pairs) counts.set(k, (counts.get(k) ?? 0) + n);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `Warning: 10, Normal: 2` over a batch. */
export function typeCounts(events: readonly KubeEvent[]): string {
  return countsBy(events.map((e) => [e.type || 'unknown', 1] as const))
    .map(([t, n]) => `${t}: ${n}`)
    .join(', ');
}

/**
 * One summary line: `Warning BackOff Pod default/web-1 ×5 2024-03-05 14:07:09: message` (×: repeats in
 * this message; for an events.k8s.io/v1 series, its count and last observation: `(count 7)`).
 */
export function summaryLine(g: EventGroup, now: Now, maxMessage = 300): string {
  const e = g.event;
  const head = [e.type, e.reason, objectRef(e)].filter((x) => x).join(' ');
  return `${head}${repeats(g)} ${lineTime(e, now)}: ${truncate(oneLine(e.message ?? ''), maxMessage)}`;
}

/**
 * summaryLine in kube-eventer's field names: `Level:Warning Kind:Pod Namespace:default Name:web-1
 * Reason:BackOff ×5 Timestamp:2024-03-05 14:07:09 Message:…`, so a DingTalk robot whose keyword
 * security names one of them takes a batch as it takes kube-eventer's single-event text.
 */
export function fieldSummaryLine(g: EventGroup, now: Now, maxMessage = 300): string {
  const e = g.event;
  const o = e.involvedObject;
  return (
    `Level:${e.type ?? ''} Kind:${o.kind ?? ''} Namespace:${o.namespace ?? ''} Name:${o.name ?? ''} Reason:${e.reason ?? ''}${repeats(g)} ` +
    `Timestamp:${lineTime(e, now)} Message:${truncate(oneLine(e.message ?? ''), maxMessage)}`
  );
}

/** ` ×5` for repeats in this message; for an events.k8s.io/v1 series, ` (count 7)`. */
function repeats(g: EventGroup): string {
  const e = g.event;
  return (g.occurrences > 1 ? ` ×${g.occurrences}` : '') + (e.series && occurrences(e) > 1 ? ` (count ${occurrences(e)})` : '');
}

function lineTime(e: KubeEvent, now: Now): string {
  return goFormat(local(lastOccurrence(e, now)), '2006-01-02 15:04:05');
}

/** `… and 9 more events in the next message: FailedMount ×5, Unhealthy ×3`, at most `maxChars` long. */
export function moreLine(hidden: readonly EventGroup[], maxChars = 400): string {
  const total = hidden.reduce((n, g) => n + g.occurrences, 0);
  const reasons = countsBy(hidden.map((g) => [g.event.reason || 'no reason', g.occurrences] as const));
  let line = `… and ${total} more event${total === 1 ? '' : 's'} in the next message:`;
  for (let i = 0; i < reasons.length; i++) {
    const [reason, n] = reasons[i]!;
    const item = `${i === 0 ? ' ' : ', '}${reason}${n > 1 ? ` ×${n}` : ''}`;
    if (line.length + item.length + 3 > maxChars) return `${line}, …`;
    line += item;
  }
  return line;
}

/**
 * How many of `lines` (one per group) fit: `fixed` is the cost of everything else in the message;
 * when not all fit, `morePrefix` + the "more" line for the rest must fit too, after a `separator`
 * like the one between lines. Lines are whole or absent.
 */
export function fitLines(
  lines: readonly string[],
  groups: readonly EventGroup[],
  fixed: number,
  budget: number,
  cost: (s: string) => number,
  separator: string,
  morePrefix = '',
): { shown: number; more: string | undefined } {
  const sep = cost(separator);
  let used = fixed;
  let shown = 0;
  while (shown < lines.length && used + cost(lines[shown]!) + (shown > 0 ? sep : 0) <= budget) {
    used += cost(lines[shown]!) + (shown > 0 ? sep : 0);
    shown++;
  }
  if (shown === lines.length) return { shown, more: undefined };
  // Drop lines until the "more" line fits as well.
  for (;;) {
    const more = morePrefix + moreLine(groups.slice(shown));
    let total = fixed + cost(more);
    for (let i = 0; i < shown; i++) total += cost(lines[i]!) + sep;
    if (total <= budget || shown === 0) return { shown, more };
    shown--;
  }
}

/**
 * The body for one event within a robot's size limit: when `render` gives more than `max` (as
 * measured by `size`), the event's message is cut, with `…`, by what is too much (`messageCost`
 * measures the message as it appears in the body, e.g. JSON-escaped).
 */
export function fitEventMessage<T>(e: KubeEvent, render: (event: KubeEvent) => T, size: (body: T) => number, max: number, messageCost: (s: string) => number): T {
  const out = render(e);
  const excess = size(out) - max;
  const message = e.message ?? '';
  if (excess <= 0 || message === '') return out;
  return render({ ...e, message: truncateToCost(message, Math.max(0, messageCost(message) - excess), messageCost) });
}

/** How a chat sink lays out one message for several events (see batchMessage). */
export interface BatchLayout {
  /** The body for one event alone: a batch of one, or when not even one line fits. */
  single(event: KubeEvent): string;
  /** One line per group of repeats. */
  line(group: EventGroup): string;
  /** Cost of the message without lines, sized for the whole batch (never less than for the part shown). */
  fixed(events: readonly KubeEvent[]): number;
  readonly budget: number;
  cost(s: string): number;
  /** Put before the "and N more" line, as before every line (a list marker). */
  readonly morePrefix?: string;
  /** Applied to the "and N more" line once it is chosen (escaping). */
  moreText?(line: string): string;
  /** The body for the events shown and their lines, the "more" line last. */
  render(shown: readonly KubeEvent[], lines: readonly string[]): string;
}

/**
 * One message for a batch: the first event alone when the batch has one, else a line per object and
 * reason (repeats counted), as many as fit the budget, and a last line naming what waits for the
 * next message. `shown` tells the sink which events the message carries.
 */
export function batchMessage(events: readonly KubeEvent[], layout: BatchLayout): BatchMessage {
  const single = (): BatchMessage => ({ body: layout.single(events[0]!), shown: [0] });
  if (events.length === 1) return single();
  const groups = groupRepeats(events);
  const lines = groups.map((g) => layout.line(g));
  const fit = fitLines(lines, groups, layout.fixed(events), layout.budget, (text) => layout.cost(text), '\n', layout.morePrefix);
  if (fit.shown === 0) return single();
  const shown = shownPositions(groups, fit.shown);
  const more = fit.more === undefined ? [] : [layout.moreText === undefined ? fit.more : layout.moreText(fit.more)];
  return { body: layout.render(pick(events, shown), [...lines.slice(0, fit.shown), ...more]), shown };
}
