import type { EventSummary, KubeEvent } from '../event/types.js';
import type { Outcome } from './outcome.js';

/**
 * A sink turns a batch of events into requests for one kind of endpoint.
 * It never sleeps, retries or logs secrets: it reports one Outcome for the batch or one per event.
 */
export interface Sink {
  /** The `exporter` metric label, as kube-eventer names the sink (e.g. `LogSink`, `webHook`). */
  readonly name: string;
  send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | readonly Outcome[]>;
  close(): Promise<void>;
}

/** How the shared lane should treat this sink; every field has a default in the pipeline. */
export interface LaneTuning {
  /** Most events handed to one `send` call. */
  maxBatch?: number;
  /** Events waiting in the lane's queue before the overflow policy applies. */
  queueCapacity?: number;
  /** Concurrent `send` calls in flight. */
  concurrency?: number;
  /** Deadline of one `send` call. */
  sendTimeoutMs?: number;
  /** Most `send` calls per minute (chat robots); extra events wait and are batched together. */
  sendsPerMinute?: number;
  /** The window `sendsPerMinute` counts over (default one minute). */
  rateWindowMs?: number;
  /** Collapse repeats of the same (object, reason) within this window; 0 = off. */
  repeatWindowMs?: number;
}

export interface BuiltSink {
  sink: Sink;
  /** Events for which this returns false never enter the lane. */
  accepts?: (event: EventSummary) => boolean;
  tuning?: LaneTuning;
}
