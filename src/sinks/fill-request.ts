// Sinks that send a whole batch as one request (elasticsearch _bulk, influxdb /write) cap its size:
// the events that do not fit are deferred to the lane's next batch, and a verdict on the request
// concerns only the events in it.
import type { KubeEvent } from '../event/types.js';
import { OK, defer, type Outcome } from '../pipeline/outcome.js';

export interface FilledRequest<T> {
  /** Encoded events in the request, in batch order: outcome i belongs to batch[i] for i < taken.length. */
  readonly taken: T[];
  /** OK for the taken events (until the reply says otherwise), defer for the rest. */
  readonly outcomes: Outcome[];
}

/** Takes events in order while the request stays within `maxBytes` (the first one always fits). */
export function fillRequest<T>(batch: readonly KubeEvent[], encode: (e: KubeEvent) => T, bytesOf: (item: T) => number, maxBytes: number, deferReason: string): FilledRequest<T> {
  const taken: T[] = [];
  const outcomes: Outcome[] = [];
  let bytes = 0;
  for (const event of batch) {
    if (outcomes.length > taken.length) {
      // Full: the rest wait, not even encoded.
      outcomes.push(defer(deferReason));
      continue;
    }
    const item = encode(event);
    const size = bytesOf(item);
    if (taken.length > 0 && bytes + size > maxBytes) {
      outcomes.push(defer(deferReason));
      continue;
    }
    taken.push(item);
    bytes += size;
    outcomes.push(OK);
  }
  return { taken, outcomes };
}

/** A verdict on the whole request, given to the events in it and not to those deferred. */
export function verdictForTaken(outcomes: readonly Outcome[], verdict: Outcome): Outcome[] {
  return outcomes.map((o) => (o.status === 'ok' ? verdict : o));
}
