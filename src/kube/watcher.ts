// Watches core/v1 Events and forwards every ADDED/MODIFIED exactly once per (uid, resourceVersion),
// across dropped connections and 410 Expired, where kube-eventer relisted and lost the gap
// (docs/divergences.md, Watch).
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { isNewerResourceVersion } from '../event/resource-version.js';
import { DeferredEvent, type WatchedEvent } from '../event/deferred-event.js';
import type { EventChange, KubeEvent } from '../event/types.js';
import { eventsPath, type KubeClient } from './client.js';
import { KnownVersions, storedVersion } from './known-versions.js';
import { runReflector, type ChangeType, type ListReason, type ReflectorTuning } from './reflector.js';
import type { KubeObject, WatchEvent } from './types.js';

export type WatchLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** `receivedAt`: when the watch received the event (ms since the epoch, read once per run of events that arrived together). */
export type EventHandler = (change: EventChange, event: WatchedEvent, receivedAt: number) => void | Promise<void>;

export interface EventWatcherOptions extends ReflectorTuning {
  readonly client: KubeClient;
  /** Only this namespace; all namespaces by default. */
  readonly namespace?: string;
  /**
   * Resume from a checkpoint instead of starting at "now": the watch starts there directly. If it
   * has expired (410), a relist forwards every Event newer than it.
   */
  readonly startResourceVersion?: string;
  /** How long the watch may be disconnected before health() turns unhealthy. Default 60 s. */
  readonly unhealthyAfterMs?: number;
  /**
   * A watch that stays connected but brings no event and no bookmark for this long is stalled and
   * health() turns unhealthy, so a liveness probe restarts the daemon. 0 disables. Default 5 min
   * (kube-apiserver's watch cache sends bookmarks about once a minute to watches that ask for them).
   */
  readonly stallAfterMs?: number;
  /**
   * Watched Events may come as DeferredEvents, parsed whole only when asked for: worth it when every
   * sink filters, so most events are never parsed. Default false (every Event parsed whole).
   */
  readonly deferParsing?: boolean;
  readonly registry?: Registry;
  readonly logger?: WatchLogger;
  readonly now?: () => number;
}

export interface WatchHealth {
  readonly healthy: boolean;
  readonly reason: string;
  /** When the API server last answered (ms since the epoch; 0 = never). */
  readonly lastContactAt: number;
  /** A watch stream is open. */
  readonly connected: boolean;
}

const CHANGE_TYPES: readonly ChangeType[] = ['ADDED', 'MODIFIED', 'DELETED'];

class WatchMetrics {
  readonly restarts: Counter;
  readonly relists: Counter;
  readonly expired: Counter;
  readonly apiErrors: Counter<'operation'>;
  readonly events: Counter<'type'>;
  readonly recovered: Counter<'type'>;
  readonly bookmarks: Counter;
  readonly skipped: Counter;
  readonly connected: Gauge;
  private readonly pendingEvents: Record<ChangeType, number> = { ADDED: 0, MODIFIED: 0, DELETED: 0 };

  countEvent(type: ChangeType): void {
    this.pendingEvents[type]++;
  }

  constructor(registry: Registry) {
    const registers = [registry];
    this.restarts = new Counter({ name: 'eventer_watch_restarts_total', help: 'Event watches opened again after the first one (resumed from the last resourceVersion).', registers });
    this.relists = new Counter({ name: 'eventer_watch_relists_total', help: 'Full lists of Events made to recover from an expired resourceVersion.', registers });
    this.expired = new Counter({ name: 'eventer_watch_expired_total', help: 'Watch or list answers 410 Expired (resourceVersion compacted away).', registers });
    this.apiErrors = new Counter({ name: 'eventer_watch_api_errors_total', help: 'Failed Event list or watch requests (retried with backoff).', labelNames: ['operation'], registers });
    const pending = this.pendingEvents;
    this.events = new Counter({
      name: 'eventer_watch_events_total',
      help: 'Event notifications received from the watch, by type.',
      labelNames: ['type'],
      registers,
      // Counted as plain numbers per event; prom-client hears of them when scraped.
      collect() {
        for (const type of CHANGE_TYPES) {
          if (pending[type] > 0) this.inc({ type }, pending[type]);
          pending[type] = 0;
        }
      },
    });
    this.recovered = new Counter({ name: 'eventer_watch_relist_recovered_total', help: 'Events forwarded from a relist because the watch missed them, by type.', labelNames: ['type'], registers });
    this.bookmarks = new Counter({ name: 'eventer_watch_bookmarks_total', help: 'Watch bookmarks received.', registers });
    this.skipped = new Counter({ name: 'eventer_watch_skipped_objects_total', help: 'Watch notifications skipped because they did not carry an Event.', registers });
    this.connected = new Gauge({ name: 'eventer_watch_connected', help: '1 while an Event watch stream is open.', registers });
  }
}

const silentLogger: WatchLogger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as WatchLogger;

/** What the watch needs of an Event, read from a deferred one's summary or from the object itself. */
function isEvent(object: unknown): object is WatchedEvent {
  return object instanceof DeferredEvent ? isKubeEvent(object.summary) : isKubeEvent(object);
}

function isKubeEvent(object: unknown): object is KubeEvent {
  const o = object as Partial<KubeEvent> & { kind?: string };
  return (
    typeof o === 'object' &&
    o !== null &&
    (o.kind === undefined || o.kind === 'Event') &&
    typeof o.metadata?.uid === 'string' &&
    typeof o.metadata.resourceVersion === 'string' &&
    // null or absent decodes in Go as the empty ObjectReference (see asTyped); anything else fails to.
    (o.involvedObject == null || typeof o.involvedObject === 'object')
  );
}

const EVENT_TYPE_META = { kind: 'Event', apiVersion: 'v1' } as const;

/**
 * As kube-eventer's typed client has it: no TypeMeta, whether the Event came from a watch or a list
 * (the watch drops the usual one while parsing, see WatchOptions.omitTypeMeta), and an involvedObject
 * that is null or absent is the empty one Go decodes, so the Event is delivered with empty kind,
 * namespace and name. Copied rather than `delete`d, which would turn the object into a slow dictionary.
 */
export function asTyped(event: WatchedEvent): WatchedEvent {
  if (event instanceof DeferredEvent) return event;
  const typeMeta = 'kind' in event || 'apiVersion' in event;
  if (!typeMeta && event.involvedObject != null) return event;
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = event as KubeEvent & { kind?: string; apiVersion?: string };
  return rest.involvedObject == null ? { ...rest, involvedObject: {} } : rest;
}

function byResourceVersion(a: KubeEvent, b: KubeEvent): number {
  const x = a.metadata.resourceVersion!;
  const y = b.metadata.resourceVersion!;
  return isNewerResourceVersion(x, y) ? (isNewerResourceVersion(y, x) ? 0 : 1) : isNewerResourceVersion(y, x) ? -1 : 0;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class EventWatcher {
  private readonly client: KubeClient;
  private readonly options: EventWatcherOptions;
  private readonly log: WatchLogger;
  private readonly metrics: WatchMetrics;
  private readonly now: () => number;
  private readonly unhealthyAfterMs: number;
  private readonly stallAfterMs: number;
  /** When the last event, bookmark or list arrived (watch opens do not count: a stuck stream opens fine). */
  private lastData = 0;
  /** uid → resourceVersion of every Event known to exist: what a relist compares against. */
  private seen = new KnownVersions();
  /** Until the first relist, Events not in `seen` are compared with the checkpoint instead. */
  private floor: string | undefined;
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private onEvent: EventHandler | undefined;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private connected = false;
  private watchesOpened = 0;
  private synced = false;
  private syncWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private disconnectedSince = 0;
  private lastContact = 0;
  private lastError: string | undefined;
  private resourceVersion: string | undefined;
  private startedAt: string | undefined;

  constructor(options: EventWatcherOptions) {
    this.options = options;
    this.client = options.client;
    this.log = options.logger ?? silentLogger;
    this.metrics = new WatchMetrics(options.registry ?? new Registry());
    this.now = options.now ?? Date.now;
    this.unhealthyAfterMs = options.unhealthyAfterMs ?? 60_000;
    this.stallAfterMs = options.stallAfterMs ?? 300_000;
    this.resourceVersion = options.startResourceVersion;
    this.startedAt = options.startResourceVersion;
    this.floor = options.startResourceVersion;
  }

  /** The first list's resourceVersion, or the checkpoint the watch resumed from. */
  get startResourceVersion(): string | undefined {
    return this.startedAt;
  }

  /** The resourceVersion a resumed watch would start from (events and bookmarks advance it). */
  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** How many Events the watcher remembers (bounded by what exists: DELETED and relists prune it). */
  get knownEvents(): number {
    return this.seen.size;
  }

  /** Starts listing and watching in the background; `onEvent` gets every ADDED and MODIFIED Event. */
  start(onEvent: EventHandler): void {
    this.lastData = this.now();
    if (this.state !== 'new') throw new Error('EventWatcher.start: already started');
    this.state = 'running';
    this.onEvent = onEvent;
    this.controller = new AbortController();
    this.disconnectedSince = this.now();
    const { namespace, startResourceVersion, pageSize, watchTimeoutSeconds, watchIdleTimeoutMs, backoff, healthyWatchMs, random } = this.options;
    this.running = runReflector<KubeObject>({
      pageSize,
      watchTimeoutSeconds,
      watchIdleTimeoutMs,
      backoff,
      healthyWatchMs,
      random,
      client: this.client,
      path: eventsPath(namespace),
      signal: this.controller.signal,
      ...(startResourceVersion === undefined ? {} : { startResourceVersion }),
      omitTypeMeta: EVENT_TYPE_META,
      deferEvents: this.options.deferParsing ?? false,
      handlers: {
        list: {
          begin: (reason) => this.beginList(reason),
          page: (items) => this.listPage(items),
          end: (rv, reason) => this.endList(rv, reason),
        },
        onChange: (type, object) => this.handleChange(type, object),
        // Once per run of events, not per event: a clock read costs more than the rest of the watch's bookkeeping.
        onChanges: () => {
          this.lastContact = this.lastData = this.now();
        },
        onBookmark: (rv) => {
          this.metrics.bookmarks.inc();
          this.lastContact = this.lastData = this.now();
          this.resourceVersion = rv;
        },
        onWatchOpen: () => this.handleWatchOpen(),
        onWatchClosed: (err) => this.handleWatchClosed(err),
        onExpired: () => {
          this.metrics.expired.inc();
          this.log.info({ resourceVersion: this.resourceVersion }, 'Event watch: resourceVersion expired (410); relisting to recover missed events');
        },
        onError: (operation, err) => {
          this.metrics.apiErrors.inc({ operation });
          this.lastError = describe(err);
          this.log.warn({ operation, err: this.lastError }, `Event ${operation} failed; retrying with backoff`);
        },
        onUnexpected: (event) => this.skip(event),
      },
    }).catch((err: unknown) => {
      this.lastError = describe(err);
      this.log.error({ err: this.lastError }, 'Event watch stopped by an unexpected error');
    });
  }

  /** Stops watching: in-flight requests are aborted; resolves once the loop has exited. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    this.controller?.abort();
    if (wasRunning) await this.running;
    this.setConnected(false);
    for (const waiter of this.syncWaiters.splice(0)) waiter.reject(new Error('event watcher stopped before the first list completed'));
  }

  /** Resolves once the watcher is live: the first list is done (or, from a checkpoint, the first watch is open). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.state === 'stopped') return Promise.reject(new Error('event watcher stopped'));
    return new Promise((resolve, reject) => this.syncWaiters.push({ resolve, reject }));
  }

  /** Liveness: healthy while connected, or while reconnecting for less than unhealthyAfterMs. */
  health(): WatchHealth {
    const base = { lastContactAt: this.lastContact, connected: this.connected };
    if (this.state === 'new') return { ...base, healthy: false, reason: 'event watch not started' };
    if (this.state === 'stopped') return { ...base, healthy: false, reason: 'event watch stopped' };
    if (this.connected) {
      const quietMs = this.now() - this.lastData;
      if (this.stallAfterMs > 0 && quietMs >= this.stallAfterMs) {
        return { ...base, healthy: false, reason: `event watch stalled: connected, but no event or bookmark for ${(quietMs / 1000).toFixed(0)} s` };
      }
      return { ...base, healthy: true, reason: 'event watch connected' };
    }
    const downMs = this.now() - this.disconnectedSince;
    const cause = this.lastError === undefined ? '' : ` (last error: ${this.lastError})`;
    return {
      ...base,
      healthy: downMs < this.unhealthyAfterMs,
      reason: `event watch not connected for ${(downMs / 1000).toFixed(1)} s${cause}`,
    };
  }

  /** Readiness: the first list has completed. */
  ready(): { healthy: boolean; reason: string } {
    if (this.synced) return { healthy: true, reason: 'initial event list done' };
    const cause = this.lastError === undefined ? '' : ` (last error: ${this.lastError})`;
    return { healthy: false, reason: `initial event list not done yet${cause}` };
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const waiter of this.syncWaiters.splice(0)) waiter.resolve();
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    this.metrics.connected.set(connected ? 1 : 0);
  }

  private handleWatchOpen(): void {
    if (this.watchesOpened++ > 0) this.metrics.restarts.inc();
    this.setConnected(true);
    this.lastContact = this.now();
    this.lastError = undefined;
    this.markSynced();
    this.log.debug({ resourceVersion: this.resourceVersion }, 'Event watch open');
  }

  private handleWatchClosed(err: unknown): void {
    if (this.connected) this.disconnectedSince = this.now();
    this.setConnected(false);
    if (err === undefined) {
      this.log.debug({ resourceVersion: this.resourceVersion }, 'Event watch ended; resuming');
    } else {
      this.lastError = describe(err);
      this.log.info({ resourceVersion: this.resourceVersion, err: this.lastError }, 'Event watch interrupted; resuming');
    }
  }

  private skip(event: WatchEvent<unknown>): void {
    this.metrics.skipped.inc();
    this.log.warn({ type: event.type }, 'Wrong object received');
  }

  /** Hands an Event on; returns a promise only when the handler did (the daemon's never waits). */
  private deliver(change: EventChange, event: WatchedEvent): void | Promise<void> {
    const typed = asTyped(event);
    try {
      const pending = this.onEvent!(change, typed, this.lastData);
      if (pending !== undefined) return pending.catch((err: unknown) => this.handlerFailed(err, typed));
    } catch (err) {
      this.handlerFailed(err, typed);
    }
  }

  private handlerFailed(err: unknown, event: WatchedEvent): void {
    this.log.error({ err: describe(err), uid: event.metadata.uid }, 'event handler failed');
  }

  /** The list in progress: uid → resourceVersion of what exists, and (relist) the events the watch missed. */
  private listing: { reason: ListReason; seen: KnownVersions; missed: KubeEvent[]; previous: KnownVersions; floor: string | undefined; count: number } | undefined;

  private beginList(reason: ListReason): void {
    this.listing = { reason, seen: new KnownVersions(), missed: [], previous: this.seen, floor: this.floor, count: 0 };
  }

  /**
   * One page: only each Event's uid and resourceVersion are kept (a first list of 200,000 Events
   * would not fit in memory as objects); on a relist, also the Events the watch missed.
   */
  private listPage(items: KubeObject[]): void {
    this.lastContact = this.lastData = this.now();
    const listing = this.listing!;
    for (const item of items) {
      if (!isKubeEvent(item)) {
        this.skip({ type: 'ADDED', object: item });
        continue;
      }
      const uid = item.metadata.uid!;
      const version = item.metadata.resourceVersion!;
      const stored = storedVersion(version);
      listing.seen.remember(uid, stored);
      listing.count++;
      if (listing.reason === 'initial') continue;
      const known = listing.previous.get(uid);
      const missed = known === undefined ? listing.floor === undefined || isNewerResourceVersion(version, listing.floor) : known !== stored;
      if (missed) listing.missed.push(item);
    }
  }

  private async endList(resourceVersion: string, reason: ListReason): Promise<void> {
    this.lastContact = this.lastData = this.now();
    const listing = this.listing!;
    this.listing = undefined;
    const previous = listing.previous;
    this.seen = listing.seen;
    this.resourceVersion = resourceVersion;
    if (reason === 'initial') {
      this.startedAt = resourceVersion;
      // Like kube-eventer: start at "now"; what already exists is remembered, not forwarded.
      this.markSynced();
      this.log.info({ resourceVersion, existing: listing.count }, 'Event list done; watching for new events');
      return;
    }
    this.metrics.relists.inc();
    this.floor = undefined;
    const missed = listing.missed.sort(byResourceVersion);
    this.log.info({ resourceVersion, listed: listing.count, missed: missed.length }, 'Event relist done; forwarding events the watch missed');
    for (const event of missed) {
      const change: EventChange = previous.has(event.metadata.uid!) ? 'MODIFIED' : 'ADDED';
      this.metrics.recovered.inc({ type: change });
      await this.deliver(change, event);
    }
  }

  private handleChange(type: ChangeType, object: KubeObject): void | Promise<void> {
    // The reflector only passes objects that carry a resourceVersion.
    this.resourceVersion = object.metadata.resourceVersion!;
    if (!isEvent(object)) {
      this.skip({ type, object });
      return;
    }
    this.metrics.countEvent(type);
    const uid = object.metadata.uid!;
    if (type === 'DELETED') {
      this.seen.delete(uid);
      return;
    }
    if (!this.seen.remember(uid, storedVersion(object.metadata.resourceVersion!))) return;
    return this.deliver(type, object);
  }
}
