// Shared pieces of the chat encoders: readable names and times, repeat grouping, and packing as many
// events of a batch as fit into one message of a robot's size limit (the rest go in the next message).
import type { KubeEvent } from '../../event/types.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
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
export function shownPositions(groups: readonly EventGroup[], count: number): number[] {
  return groups
    .slice(0, count)
    .flatMap((g) => g.members)
    .sort((a, b) => a - b);
}

/** The events at `positions`. */
export function pick(events: readonly KubeEvent[], positions: readonly number[]): KubeEvent[] {
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

/** One summary line: `Warning BackOff Pod default/web-1 ×5 2024-03-05 14:07:09: message`. */
export function summaryLine(g: EventGroup, now: Now, maxMessage = 300): string {
  const e = g.event;
  const times = g.occurrences > 1 ? ` ×${g.occurrences}` : '';
  const head = [e.type, e.reason, objectRef(e)].filter((x) => x).join(' ');
  const when = goFormat(local(lastTimestamp(e, now)), '2006-01-02 15:04:05');
  return `${head}${times} ${when}: ${truncate(oneLine(e.message ?? ''), maxMessage)}`;
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
