// A core/v1 Event exactly as the API server sends it in JSON (timestamps stay strings so
// eventTime keeps its microseconds; nothing is converted to Date on the hot path).

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  selfLink?: string;
  uid?: string;
  resourceVersion?: string;
  /** int64: beyond ±2^53, its exact digits (a string; see exact-int64.ts). */
  generation?: number | string;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  /** int64, as generation. */
  deletionGracePeriodSeconds?: number | string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: unknown[];
  finalizers?: string[];
  clusterName?: string;
  managedFields?: unknown[];
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventSource {
  component?: string;
  host?: string;
}

export interface EventSeries {
  count?: number;
  lastObservedTime?: string | null;
  state?: string;
}

export interface KubeEvent {
  metadata: ObjectMeta;
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: EventSource;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: EventSeries | null;
  action?: string;
  related?: ObjectReference | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

/**
 * The fields of an Event read before any sink takes it: the watch's bookkeeping, the event metrics,
 * the sinks' filters and the status page. A KubeEvent is one; so is a DeferredEvent.
 */
export interface EventSummary {
  readonly metadata: Pick<ObjectMeta, 'namespace' | 'uid' | 'resourceVersion'>;
  readonly involvedObject: Pick<ObjectReference, 'kind' | 'namespace' | 'name'>;
  readonly reason?: string | undefined;
  readonly message?: string | undefined;
  readonly type?: string | undefined;
  readonly count?: number | undefined;
}

/** Watch notification types the pipeline forwards (kube-eventer forwards ADDED and MODIFIED). */
export type EventChange = 'ADDED' | 'MODIFIED';

/** One event as it travels through the pipeline. Frozen: sinks never mutate shared events. */
export interface EventRecord {
  readonly change: EventChange;
  readonly event: Readonly<KubeEvent>;
  /** Milliseconds since the epoch when the watch delivered it (for latency metrics). */
  readonly receivedAt: number;
  /** Dispatch order, assigned by the router; checkpoints track which sequence numbers are settled. */
  readonly seq: number;
  /**
   * With checkpoints: the resourceVersion of the event dispatched just before this one ('' when it had
   * none; undefined for the first event), i.e. where a restart resumes when this event is the first unsettled.
   */
  readonly previousResourceVersion?: string | undefined;
}
