import type { Logger } from 'pino';
import type { EventRecord, EventSummary, KubeEvent } from '../event/types.js';
import { isNumericResourceVersion } from '../event/resource-version.js';
import type { BuiltSink, Sink } from './sink.js';
import { backoffDelay, delay, DEFAULT_BACKOFF, type BackoffPolicy } from '../base/backoff.js';
import type { DropReason, LaneCounts, PipelineMetrics } from './metrics.js';
import type { Outcome } from './outcome.js';
import { BoundedQueue } from './queue.js';
import { recordCodec } from './record-codec.js';
import { SlidingWindowLimiter } from './rate-limit.js';
import { RepeatCollapser } from './repeats.js';

export type OverflowPolicy = 'drop-oldest' | 'drop-newest';

/** Lane settings after defaults; the sink's own tuning and the user's lane options are merged in. */
export interface LaneSettings {
  readonly maxBatch: number;
  readonly queueCapacity: number;
  readonly overflow: OverflowPolicy;
  readonly concurrency: number;
  readonly sendTimeoutMs: number;
  /**
   * After the deadline aborts a send, how long the sink still has to report per-event outcomes (an
   * aborted request reports retry), so events it already delivered are not sent again.
   */
  readonly abortGraceMs: number;
  /** How long shutdown waits for the sink's `close` (it may wait for a hung connection or broker). */
  readonly closeTimeoutMs: number;
  /** Most sends per `rateWindowMs` (named for the usual one-minute window of chat robots). */
  readonly sendsPerMinute: number | undefined;
  readonly rateWindowMs: number;
  readonly backoff: BackoffPolicy;
  /** Give up on an event after retrying it this long (0 = retry until shutdown or overflow). */
  readonly retryMaxElapsedMs: number;
  /** Collapse repeats of one (object, reason) within this window (0 = off). */
  readonly repeatWindowMs: number;
}

export const DEFAULT_LANE_SETTINGS: LaneSettings = {
  maxBatch: 100,
  queueCapacity: 100_000,
  overflow: 'drop-oldest',
  concurrency: 1,
  sendTimeoutMs: 10_000,
  abortGraceMs: 1000,
  closeTimeoutMs: 2000,
  sendsPerMinute: undefined,
  rateWindowMs: 60_000,
  backoff: DEFAULT_BACKOFF,
  retryMaxElapsedMs: 10 * 60_000,
  repeatWindowMs: 0,
};

/** One sink's delivery state, for the status page. */
export interface LaneStatus {
  readonly id: string;
  readonly exporter: string;
  readonly queued: number;
  readonly sent: number;
  readonly retried: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly lastSuccessAt: number | undefined;
  readonly lastError: { readonly at: number; readonly reason: string } | undefined;
  /** Events are waiting and the rate limit (or a Retry-After) holds them back right now. */
  readonly rateLimited: boolean;
  /** Events waiting for a retry after a failed send. */
  readonly retrying: number;
}

/** Called with events whose fate is settled (delivered, rejected or dropped), for checkpoints. */
export type SettledListener = (records: readonly EventRecord[]) => void;

interface RetryState {
  attempt: number;
  firstFailureAt: number;
}

/**
 * One sink's lane: filter → bounded queue → batch → rate limit → send with deadline → outcome →
 * retry with backoff. Lanes share nothing, so a slow or hung sink never delays another.
 */
export class Lane {
  private readonly queue: BoundedQueue<EventRecord>;
  private readonly limiter: SlidingWindowLimiter | undefined;
  private readonly repeats: RepeatCollapser | undefined;
  private readonly sink: Sink;
  private readonly accepts: ((e: EventSummary) => boolean) | undefined;
  private readonly labels: { sink: string; exporter: string };
  private readonly counts: LaneCounts;
  private readonly hardStop = new AbortController();
  private readonly retries = new WeakMap<EventRecord, RetryState>();
  private workers: Promise<void>[] = [];
  private closing = false;
  private inFlight = 0;
  private lastDropLogAt = -Infinity;
  /** Drops since the last "events dropped" line, per reason (with the latest detail), and the timer that logs them. */
  private readonly unloggedDrops = new Map<DropReason, { events: number; detail: string | undefined }>();
  private dropLogTimer: NodeJS.Timeout | undefined;
  private settledListener: SettledListener | undefined;
  /** The sink's own delivered position from the checkpoint this daemon resumed (see `resumeAfter`). */
  private resumedThrough: string | undefined;
  /** Numeric form of `resumedThrough` while older events may still arrive; cleared once one newer arrives. */
  private skipThrough: bigint | undefined;
  /**
   * Accepted events not yet delivered, rejected or given up, in dispatch order (for checkpoints):
   * seq → previousResourceVersion, all a checkpoint reads (the events themselves would keep a
   * compressed backlog alive as objects). Events left behind at shutdown stay here: the final
   * checkpoint must point before them.
   */
  private readonly unsettled = new Map<number, string | undefined>();
  private tracking = false;
  /** Events left undelivered by the shutdown (queued, in flight or waiting for a retry). */
  private leftAtShutdown = 0;
  /** What the status page shows (the metrics have the same counts, but not the times and reasons). */
  private readonly progress = { sent: 0, retried: 0, rejected: 0, dropped: 0, awaitingRetry: 0, lastSuccessAt: undefined as number | undefined, lastError: undefined as { at: number; reason: string } | undefined };

  constructor(
    readonly id: string,
    built: BuiltSink,
    readonly settings: LaneSettings,
    private readonly metrics: PipelineMetrics,
    private readonly log: Logger,
  ) {
    this.sink = built.sink;
    this.accepts = built.accepts;
    this.queue = new BoundedQueue(settings.queueCapacity, { codec: recordCodec });
    this.limiter = settings.sendsPerMinute ? new SlidingWindowLimiter(settings.sendsPerMinute, settings.rateWindowMs) : undefined;
    this.labels = { sink: id, exporter: built.sink.name };
    this.repeats =
      settings.repeatWindowMs > 0
        ? new RepeatCollapser(
            settings.repeatWindowMs,
            (record) => this.enqueue(record),
            (record) => {
              this.metrics.collapsed.inc(this.labels);
              this.settle([record]);
            },
          )
        : undefined;
    this.counts = metrics.countsFor(this.labels, () => this.queue.size);
  }

  get sinkName(): string {
    return this.sink.name;
  }

  get pending(): number {
    return this.queue.size + this.inFlight;
  }

  /** Delivery state for the status page. */
  status(): LaneStatus {
    const p = this.progress;
    return {
      id: this.id,
      exporter: this.sink.name,
      queued: this.pending,
      sent: p.sent,
      retried: p.retried,
      rejected: p.rejected,
      dropped: p.dropped,
      lastSuccessAt: p.lastSuccessAt,
      lastError: p.lastError,
      rateLimited: this.queue.size > 0 && (this.limiter?.waitMs() ?? 0) > 0,
      retrying: p.awaitingRetry,
    };
  }

  onSettled(listener: SettledListener): void {
    this.settledListener = listener;
    this.trackSettlement();
  }

  /** Turns on the per-event bookkeeping `watermark` needs (for checkpoints; otherwise it only costs memory). */
  trackSettlement(): void {
    this.tracking = true;
  }

  /**
   * The earliest accepted event not yet settled (events the filter refused count as settled), or
   * undefined when all are. Bounded by what the lane holds (queue, in flight, retries). Needs `trackSettlement`.
   */
  firstUnsettled(): Pick<EventRecord, 'seq' | 'previousResourceVersion'> | undefined {
    for (const [seq, previousResourceVersion] of this.unsettled) return { seq, previousResourceVersion };
    return undefined;
  }

  private settle(records: readonly EventRecord[]): void {
    if (!this.tracking) return;
    for (const r of records) this.unsettled.delete(r.seq);
    this.settledListener?.(records);
  }

  /**
   * After a restart from a checkpoint: events at or before this sink's own delivered
   * resourceVersion were delivered before, so this lane skips them (other lanes may need them).
   */
  resumeAfter(resourceVersion: string): void {
    this.resumedThrough = resourceVersion;
    this.skipThrough = isNumericResourceVersion(resourceVersion) ? BigInt(resourceVersion) : undefined;
  }

  /** Whether a filter keeps some events out of this lane. */
  get filters(): boolean {
    return this.accepts !== undefined;
  }

  /** The position this sink had already delivered through when the daemon resumed (a floor for its checkpoint). */
  get resumedPosition(): string | undefined {
    return this.resumedThrough;
  }

  /** Never blocks: the watch must not wait for any sink. */
  offer(record: EventRecord): void {
    if (this.admits(record.event)) this.take(record);
  }

  /** Whether this lane takes `event`: not delivered before a resume, and through its filter (what the filter drops is counted). */
  admits(event: EventSummary): boolean {
    if (this.skipThrough !== undefined && this.deliveredBefore(event.metadata.resourceVersion)) return false;
    if (this.accepts && !this.accepts(event)) {
      this.counts.filtered++;
      return false;
    }
    return true;
  }

  /** Queues a record `admits` said yes to. Never blocks. */
  take(record: EventRecord): void {
    this.counts.accepted++;
    if (this.tracking) this.unsettled.set(record.seq, record.previousResourceVersion);
    if (this.repeats) {
      // A held repeat only updates the count of a message already sent: the checkpoint may pass it, so
      // a crash inside the window does not send that window's messages again (the update is lost instead).
      if (this.repeats.offer(record)) this.settle([record]);
    } else this.enqueue(record);
  }

  /** True for an event at or before `skipThrough`; the first newer one ends the skipping (the watch is in order). */
  private deliveredBefore(rv: string | undefined): boolean {
    if (rv === undefined || !isNumericResourceVersion(rv)) return false;
    if (BigInt(rv) <= this.skipThrough!) return true;
    this.skipThrough = undefined;
    return false;
  }

  private enqueue(record: EventRecord): void {
    if (this.closing) {
      this.drop([record], 'shutdown');
      return;
    }
    const evicted = this.queue.push(record, this.settings.overflow);
    if (evicted !== undefined) this.drop([evicted], 'overflow');
  }

  start(): void {
    for (let i = 0; i < this.settings.concurrency; i++) this.workers.push(this.work());
  }

  /**
   * Stops accepting events and delivers what is queued until `deadlineMs` elapses; then aborts
   * what is in flight, counts the rest as dropped (reason shutdown) and closes the sink. `remaining`
   * counts every event left undelivered: queued, in flight, or waiting for a retry.
   */
  async drain(deadlineMs: number): Promise<{ delivered: boolean; remaining: number }> {
    this.repeats?.flush();
    this.closing = true;
    this.queue.wakeAll();
    const all = Promise.all(this.workers);
    const timer = new AbortController();
    const finished = await Promise.race([all.then(() => true), delay(deadlineMs, timer.signal).then(() => false)]);
    timer.abort();
    if (!finished) {
      this.hardStop.abort();
      this.queue.wakeAll();
      await all;
    }
    // Counted, not decoded: a backlog of many thousand stored events would not fit the heap as objects.
    const remaining = this.queue.clear();
    if (remaining > 0) this.countDropped(remaining, 'shutdown');
    if (this.unloggedDrops.size > 0) this.logDrops();
    await this.closeSink();
    return { delivered: this.leftAtShutdown === 0 && finished, remaining: this.leftAtShutdown };
  }

  /** Closes the sink within `closeTimeoutMs`, so the final checkpoint and the Lease release still fit the pod's grace. */
  private async closeSink(): Promise<void> {
    const timer = new AbortController();
    const closing = this.sink.close().then(
      () => true,
      (err: unknown) => {
        this.log.warn({ sink: this.id, err }, 'sink close failed');
        return true;
      },
    );
    const closed = await Promise.race([closing, delay(this.settings.closeTimeoutMs, timer.signal).then(() => false)]);
    timer.abort();
    if (!closed) this.log.warn({ sink: this.id, exporter: this.sink.name, timeoutMs: this.settings.closeTimeoutMs }, 'sink close did not finish in time; shutting down without it');
  }

  private async work(): Promise<void> {
    const stop = this.hardStop.signal;
    while (!stop.aborted) {
      if (this.queue.size === 0) {
        if (this.closing) return;
        await this.queue.whenNonEmpty();
        continue;
      }
      const wait = this.limiter?.waitMs() ?? 0;
      if (wait > 0) {
        await delay(wait, stop);
        continue;
      }
      const batch = this.queue.take(this.settings.maxBatch);
      this.limiter?.record();
      this.inFlight += batch.length;
      try {
        await this.deliver(batch);
      } finally {
        this.inFlight -= batch.length;
      }
    }
  }

  /** Sends a batch; events to retry are sent again by this worker after a backoff. */
  private async deliver(batch: EventRecord[]): Promise<void> {
    let current = batch;
    while (current.length > 0) {
      const outcomes = await this.sendOnce(current);
      const now = Date.now();
      const settled: EventRecord[] = [];
      const again: EventRecord[] = [];
      const deferred: EventRecord[] = [];
      let retryAfterMs = 0;
      let lastReason = '';
      let delivered = 0;
      for (let i = 0; i < current.length; i++) {
        const record = current[i]!;
        const outcome = outcomes[i]!;
        if (outcome.status === 'ok') {
          delivered++;
          this.metrics.latency.observe(this.labels, (now - record.receivedAt) / 1000);
          settled.push(record);
        } else if (outcome.status === 'defer') {
          deferred.push(record);
        } else if (outcome.status === 'reject') {
          this.metrics.rejected.inc(this.labels);
          this.progress.rejected++;
          this.progress.lastError = { at: now, reason: outcome.reason };
          this.log.warn({ sink: this.id, exporter: this.sink.name, reason: outcome.reason, event: describe(record.event) }, 'sink rejected event');
          settled.push(record);
        } else {
          lastReason = outcome.reason;
          retryAfterMs = Math.max(retryAfterMs, outcome.retryAfterMs ?? 0);
          const state = this.retries.get(record) ?? { attempt: 0, firstFailureAt: now };
          state.attempt++;
          this.retries.set(record, state);
          const expired = this.settings.retryMaxElapsedMs > 0 && now - state.firstFailureAt >= this.settings.retryMaxElapsedMs;
          if (expired) this.drop([record], 'retries_exhausted', outcome.reason);
          else again.push(record);
        }
      }
      if (delivered > 0) {
        this.metrics.sent.inc(this.labels, delivered);
        this.progress.sent += delivered;
        this.progress.lastSuccessAt = now;
      }
      if (lastReason !== '') this.progress.lastError = { at: now, reason: lastReason };
      if (settled.length > 0) this.settle(settled);
      if (deferred.length > 0) {
        // Sent with the next call (with newer events), without backoff: nothing failed.
        this.queue.unshiftAll(deferred);
      }
      if (again.length === 0) return;
      this.metrics.retried.inc(this.labels, again.length);
      this.progress.retried += again.length;
      const attempt = Math.max(...again.map((r) => this.retries.get(r)!.attempt));
      const wait = Math.max(backoffDelay(attempt, this.settings.backoff), retryAfterMs);
      if (retryAfterMs > 0) this.limiter?.block(retryAfterMs);
      this.log.warn({ sink: this.id, exporter: this.sink.name, events: again.length, attempt, retryInMs: wait, reason: lastReason }, 'sink delivery failed, will retry');
      this.progress.awaitingRetry += again.length;
      await delay(wait, this.hardStop.signal);
      this.progress.awaitingRetry -= again.length;
      if (this.hardStop.signal.aborted) {
        this.drop(again, 'shutdown');
        return;
      }
      const limiterWait = this.limiter?.waitMs() ?? 0;
      if (limiterWait > 0) await delay(limiterWait, this.hardStop.signal);
      this.limiter?.record();
      current = again;
    }
  }

  private async sendOnce(batch: readonly EventRecord[]): Promise<readonly Outcome[]> {
    // One controller per call, aborted by the deadline or a hard stop (cheaper than AbortSignal.any).
    const call = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      call.abort(new Error(`send timed out after ${this.settings.sendTimeoutMs} ms`));
    }, this.settings.sendTimeoutMs);
    const stop = () => call.abort(new Error('shutting down'));
    this.hardStop.signal.addEventListener('abort', stop, { once: true });
    // A sink that ignores its signal still cannot hold the lane past the deadline.
    const aborted = new Promise<never>((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason as Error), { once: true }));
    aborted.catch(() => {});
    const events = new Array<KubeEvent>(batch.length);
    for (let i = 0; i < batch.length; i++) events[i] = batch[i]!.event;
    const started = performance.now();
    let result: Outcome | readonly Outcome[];
    let label: string;
    const sending = this.sink.send(events, call.signal);
    sending.catch(() => {});
    try {
      result = await Promise.race([sending, aborted]);
      label = Array.isArray(result) ? summarise(result) : (result as Outcome).status;
    } catch (err) {
      const answered = call.signal.aborted ? await this.afterAbort(sending) : undefined;
      if (answered !== undefined) {
        result = answered;
        label = timedOut ? 'timeout' : Array.isArray(answered) ? summarise(answered) : (answered as Outcome).status;
      } else {
        label = timedOut ? 'timeout' : 'error';
        result = { status: 'retry', reason: timedOut ? `send timed out after ${this.settings.sendTimeoutMs} ms` : `send failed: ${(err as Error)?.message ?? String(err)}` };
      }
    } finally {
      clearTimeout(timer);
      this.hardStop.signal.removeEventListener('abort', stop);
    }
    this.metrics.exporterDuration.observe({ exporter: this.sink.name }, performance.now() - started);
    this.metrics.requests.inc({ ...this.labels, result: label });
    if (!Array.isArray(result)) return new Array<Outcome>(batch.length).fill(result as Outcome);
    if (result.length !== batch.length) {
      const reason = `sink returned ${result.length} outcomes for ${batch.length} events`;
      this.log.error({ sink: this.id }, reason);
      return new Array<Outcome>(batch.length).fill({ status: 'reject', reason });
    }
    return result;
  }

  /**
   * The outcomes an aborted send reports within the grace (its delivered events stay delivered),
   * or undefined when it fails or stays silent (then the whole batch is retried).
   */
  private async afterAbort(sending: Promise<Outcome | readonly Outcome[]>): Promise<Outcome | readonly Outcome[] | undefined> {
    const grace = new AbortController();
    try {
      return await Promise.race([sending, delay(this.settings.abortGraceMs, grace.signal).then(() => undefined)]);
    } catch {
      return undefined;
    } finally {
      grace.abort();
    }
  }

  private drop(records: readonly EventRecord[], reason: DropReason, detail?: string): void {
    // Given up (overflow, retries exhausted): settled. Left at shutdown: not, so no checkpoint passes them.
    if (reason !== 'shutdown') this.settle(records);
    this.countDropped(records.length, reason, detail);
  }

  /** Counts dropped events in the metrics, the status page and (at most every 10 s) the log. */
  private countDropped(events: number, reason: DropReason, detail?: string): void {
    this.metrics.dropped.inc({ ...this.labels, reason }, events);
    this.progress.dropped += events;
    if (reason === 'shutdown') this.leftAtShutdown += events;
    const unlogged = this.unloggedDrops.get(reason);
    this.unloggedDrops.set(reason, { events: (unlogged?.events ?? 0) + events, detail: detail ?? unlogged?.detail });
    if (this.dropLogTimer !== undefined) return;
    // Drops inside the 10 s after a line are summed into one line at its end, so the log counts every drop.
    const wait = this.lastDropLogAt + 10_000 - Date.now();
    if (wait <= 0) this.logDrops();
    else this.dropLogTimer = setTimeout(() => this.logDrops(), wait).unref();
  }

  private logDrops(): void {
    clearTimeout(this.dropLogTimer);
    this.dropLogTimer = undefined;
    this.lastDropLogAt = Date.now();
    for (const [reason, { events, detail }] of this.unloggedDrops) {
      this.log.warn({ sink: this.id, exporter: this.sink.name, reason, detail, events }, 'events dropped (counted in eventer_sink_events_dropped_total)');
    }
    this.unloggedDrops.clear();
  }
}

function summarise(outcomes: readonly Outcome[]): string {
  const first = outcomes[0]?.status ?? 'ok';
  return outcomes.every((o) => o.status === first) ? first : 'partial';
}

function describe(e: KubeEvent): string {
  return `${e.metadata.namespace ?? ''}/${e.metadata.name ?? ''} ${e.reason ?? ''}`;
}
