// Events → Honeycomb batch events: kube-eventer's data fields, the event time as `time`.
import { goJson } from '../../event/go-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { nowGoTime, rfc3339NanoUTC, type GoTime } from '../../gotime/index.js';
import { groupBySize } from '../group-by-size.js';

/** Honeycomb's largest event. */
export const HONEYCOMB_MAX_EVENT_BYTES = 1_000_000;
/** Honeycomb's largest batch request body (uncompressed, to stay clear of it either way). */
export const HONEYCOMB_MAX_BATCH_BYTES = 5_000_000;

/** kube-eventer's fields, in its order, all present (count 0 when unset). */
export function honeycombData(e: Readonly<KubeEvent>): Record<string, string | number> {
  return {
    namespace: e.involvedObject?.namespace ?? '',
    kind: e.involvedObject?.kind ?? '',
    name: e.involvedObject?.name ?? '',
    subobject: e.involvedObject?.fieldPath ?? '',
    'source.component': e.source?.component ?? '',
    'source.host': e.source?.host ?? '',
    count: e.count ?? 0,
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
  };
}

/** One batch element: `{"data":{…},"time":"<RFC3339Nano UTC>"}` (the keys Honeycomb's API documents). */
export function honeycombEvent(e: Readonly<KubeEvent>, now: () => GoTime = nowGoTime): string {
  return goJson({ data: honeycombData(e), time: rfc3339NanoUTC(lastTimestamp(e, now)) });
}

/** Groups encoded events into bodies under the batch limit; returns index groups. */
export function planBatches(sizes: readonly number[], maxBytes = HONEYCOMB_MAX_BATCH_BYTES): number[][] {
  // The body `[e1,e2,…]\n`: the events, a comma between them and 3 bytes around, counted as 2 plus 1 per event.
  return groupBySize(
    sizes.map((n) => n + 1),
    maxBytes,
    Number.POSITIVE_INFINITY,
    2,
  );
}

export function batchBody(events: readonly string[]): string {
  return `[${events.join(',')}]\n`;
}
