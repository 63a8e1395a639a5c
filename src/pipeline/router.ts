import { Counter, Gauge, Summary, type Registry } from 'prom-client';
import type { EventChange, EventRecord, KubeEvent } from '../event/types.js';
import type { Lane } from './lane.js';

/** Fans every event from the watch out to each sink's lane; never waits for a sink. */
export class Router {
  private readonly lastTime: Gauge;
  private readonly total: Counter;
  private readonly duration: Summary;
  private readonly managerLastTime: Gauge;
  private lastSeq = 0;
  /** seq → resourceVersion of dispatched events not yet behind every lane's watermark. */
  private readonly positions = new Map<number, string>();

  constructor(
    readonly lanes: readonly Lane[],
    registry: Registry,
  ) {
    const registers = [registry];
    // kube-eventer's scraper/manager metrics keep their names; here they describe routing.
    this.lastTime = new Gauge({ name: 'eventer_scraper_last_time_seconds', help: 'Unix time of the last event handed to the sink lanes', registers });
    this.total = new Counter({ name: 'eventer_scraper_events_total_number', help: 'Events received from the watch and handed to the sink lanes', registers });
    this.duration = new Summary({ name: 'eventer_scraper_duration_milliseconds', help: 'Time spent handing one event to every sink lane in milliseconds', percentiles: [], registers });
    this.managerLastTime = new Gauge({ name: 'eventer_manager_last_time_seconds', help: 'Unix time of the last routing of events to sinks', registers });
  }

  dispatch(change: EventChange, event: KubeEvent): void {
    const started = performance.now();
    const seq = ++this.lastSeq;
    const record: EventRecord = Object.freeze({ change, event: deepFreeze(event), receivedAt: Date.now(), seq });
    this.positions.set(seq, event.metadata.resourceVersion ?? '');
    for (const lane of this.lanes) lane.offer(record);
    const nowSeconds = record.receivedAt / 1000;
    this.total.inc();
    this.lastTime.set(nowSeconds);
    this.managerLastTime.set(nowSeconds);
    this.duration.observe(performance.now() - started);
  }

  /**
   * Where a restart must resume so no lane misses an event: the resourceVersion of the last event
   * every lane has settled, and the same per sink. `idleResourceVersion` (the watch's latest, bookmarks
   * included) is used when every lane has settled everything. Undefined before the first event.
   */
  checkpoint(idleResourceVersion?: string): { resourceVersion: string; sinks: Record<string, string> } | undefined {
    const sinks: Record<string, string> = {};
    let lowest = this.lastSeq;
    for (const lane of this.lanes) {
      const mark = lane.watermark(this.lastSeq);
      lowest = Math.min(lowest, mark);
      const rv = mark === this.lastSeq && idleResourceVersion ? idleResourceVersion : this.positions.get(mark);
      if (rv) sinks[lane.id] = rv;
    }
    for (const seq of this.positions.keys()) {
      if (seq >= lowest) break;
      this.positions.delete(seq);
    }
    const resourceVersion = lowest === this.lastSeq && idleResourceVersion ? idleResourceVersion : this.positions.get(lowest);
    return resourceVersion ? { resourceVersion, sinks } : undefined;
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

/** Sinks share one event object, so it is frozen: no sink can change what another sees. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
