// How often and when an event happened, for our own message formats. Writers of events.k8s.io/v1
// (the scheduler, newer kubelets) keep the real figures in `series`; the core/v1 view then carries
// count 0 or 1 and no lastTimestamp. Templates still see the raw fields, as kube-eventer shows them.
import type { GoTime } from '../gotime/index.js';
import { lastTimestamp } from './last-timestamp.js';
import type { KubeEvent } from './types.js';
import { isZeroGoTime, nowGoTime, parseKubeTime } from '../gotime/index.js';

/** series.count when the event has a series, else undefined. */
export function seriesCount(e: Readonly<KubeEvent>): number | undefined {
  const n = e.series?.count ?? 0;
  return n > 0 ? n : undefined;
}

/** How many times the event happened: series.count when present, else count (0 when unset). */
export function occurrences(e: Readonly<KubeEvent>): number {
  return seriesCount(e) ?? e.count ?? 0;
}

/** When it last happened: series.lastObservedTime when present, else kube-eventer's event time. */
export function lastOccurrence(e: Readonly<KubeEvent>, now: () => GoTime = nowGoTime): GoTime {
  const observed = e.series ? parseKubeTime(e.series.lastObservedTime) : null;
  return observed !== null && !isZeroGoTime(observed) ? observed : lastTimestamp(e, now);
}
