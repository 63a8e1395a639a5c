import { Counter, Gauge, Summary, type Registry } from 'prom-client';
import type { EventChange, EventRecord } from '../event/types.js';
import { summaryOf, wholeEvent, type WatchedEvent } from '../event/deferred-event.js';
import { isNewerResourceVersion } from '../event/resource-version.js';
import { freezeEvent } from './freeze.js';
import type { Lane } from './lane.js';

/** One dispatch in this many is timed for the routing time (eventer_scraper_duration_milliseconds). */
const ROUTING_SAMPLE = 16;

/** Fans every event from the watch out to each sink's lane; never waits for a sink. */
export class Router {
  private readonly lastTime: Gauge;
  private readonly total: Counter;
  private readonly duration: Summary;
  private readonly managerLastTime: Gauge;
  private lastSeq = 0;
  /** The resourceVersion of the last dispatched event ('' when it had none); with checkpoints only. */
  private lastResourceVersion: string | undefined;

  constructor(
    readonly lanes: readonly Lane[],
    registry: Registry,
    /** Remember each event's resourceVersion for `checkpoint()` (only when checkpoints are on). */
    private readonly trackPositions = false,
  ) {
    if (trackPositions) for (const lane of lanes) lane.trackSettlement();
    const registers = [registry];
    // kube-eventer's scraper/manager metrics keep their names; here they describe routing, and the
    // --frequency heartbeat stands for kube-eventer's drain, so a quiet cluster still shows a live daemon.
    // They are brought up to date when scraped, so the per-event path only bumps plain numbers.
    this.lastTime = new Gauge({ name: 'eventer_scraper_last_time_seconds', help: 'Unix time of the last --frequency heartbeat or event handed to the sink lanes', registers, collect: () => this.setLastActive(this.lastTime) });
    this.total = new Counter({ name: 'eventer_scraper_events_total_number', help: 'Events received from the watch and handed to the sink lanes', registers, collect: () => this.flushCount() });
    this.duration = new Summary({ name: 'eventer_scraper_duration_milliseconds', help: 'Time spent handing events to the sink lanes, in milliseconds, one observation per --frequency heartbeat', percentiles: [], registers });
    this.managerLastTime = new Gauge({ name: 'eventer_manager_last_time_seconds', help: 'Unix time of the last --frequency heartbeat or routing of events to sinks', registers, collect: () => this.setLastActive(this.managerLastTime) });
  }

  private routedSinceScrape = 0;
  private routingMsSinceHeartbeat = 0;
  /** Dispatches until the next one timed. */
  private untilTimed = 1;
  private lastActiveAt = 0;

  /** Events dispatched since the start. */
  get dispatched(): number {
    return this.lastSeq;
  }

  /** At scrape time: the last heartbeat or routing (0 before either). */
  private setLastActive(gauge: Gauge): void {
    if (this.lastActiveAt > 0) gauge.set(this.lastActiveAt / 1000);
  }

  private flushCount(): void {
    if (this.routedSinceScrape === 0) return;
    this.total.inc(this.routedSinceScrape);
    this.routedSinceScrape = 0;
  }

  /**
   * The --frequency tick, kube-eventer's drain: it refreshes the last-time gauges and observes the
   * routing time since the previous tick, even when no event came (kube-eventer observes every drain).
   */
  heartbeat(now = Date.now()): void {
    this.lastActiveAt = Math.max(this.lastActiveAt, now);
    this.duration.observe(this.routingMsSinceHeartbeat);
    this.routingMsSinceHeartbeat = 0;
  }

  /** `receivedAt`: when the watch handed the event on, if the caller has read the clock already. */
  dispatch(change: EventChange, event: WatchedEvent, receivedAt = Date.now()): void {
    // The routing time is measured on one dispatch in ROUTING_SAMPLE and counted for all of them:
    // two clock reads per event cost about as much as routing an event every filter drops.
    const timed = --this.untilTimed === 0;
    const started = timed ? performance.now() : 0;
    const seq = ++this.lastSeq;
    const previousResourceVersion = this.lastResourceVersion;
    const summary = summaryOf(event);
    if (this.trackPositions) this.lastResourceVersion = summary.metadata.resourceVersion ?? '';
    // Parsed whole and frozen once a lane takes it: an event every filter drops never reaches a sink.
    let record: EventRecord | undefined;
    for (const lane of this.lanes) {
      if (!lane.admits(summary)) continue;
      if (record === undefined) {
        const whole = freezeEvent(wholeEvent(event));
        record = Object.freeze(this.trackPositions ? { change, event: whole, receivedAt, seq, previousResourceVersion } : { change, event: whole, receivedAt, seq });
      }
      lane.take(record);
    }
    this.lastActiveAt = Math.max(this.lastActiveAt, receivedAt);
    this.routedSinceScrape++;
    if (timed) {
      this.routingMsSinceHeartbeat += (performance.now() - started) * ROUTING_SAMPLE;
      this.untilTimed = ROUTING_SAMPLE;
    }
  }

  /**
   * Where a restart must resume so no lane misses an event: the resourceVersion of the last event
   * every lane has settled, and the same per sink. `idleResourceVersion` (the watch's latest, bookmarks
   * included) is used when every lane has settled everything. Undefined before the first event.
   */
  checkpoint(idleResourceVersion?: string, startResourceVersion?: string): { resourceVersion: string; sinks: Record<string, string> } | undefined {
    const sinks: Record<string, string> = {};
    // Everything settled: the watch's latest position, else the last event's.
    const allSettled = idleResourceVersion || (this.lastSeq === 0 ? startResourceVersion : this.lastResourceVersion);
    let lowest = this.lastSeq;
    let lowestPosition = allSettled;
    for (const lane of this.lanes) {
      const first = lane.firstUnsettled();
      // Before the first event (previousResourceVersion undefined): where the watch started.
      const settled = first === undefined ? allSettled : (first.previousResourceVersion ?? startResourceVersion);
      if (first !== undefined && first.seq - 1 < lowest) {
        lowest = first.seq - 1;
        lowestPosition = settled;
      }
      // A sink that was ahead of the others when the daemon resumed never goes back below its own position.
      const resumed = lane.resumedPosition;
      const rv = resumed && (!settled || !isNewerResourceVersion(settled, resumed)) ? resumed : settled;
      if (rv) sinks[lane.id] = rv;
    }
    return lowestPosition ? { resourceVersion: lowestPosition, sinks } : undefined;
  }

  start(): void {
    for (const lane of this.lanes) lane.start();
  }

  /** Drains every lane in parallel within the same deadline. */
  async drain(deadlineMs: number): Promise<Array<{ sink: string; remaining: number }>> {
    const results = await Promise.all(this.lanes.map((lane) => lane.drain(deadlineMs)));
    return results.map((r, i) => ({ sink: this.lanes[i]!.id, remaining: r.remaining }));
  }
}
