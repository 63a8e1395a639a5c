import { occurrences } from '../event/occurrence.js';
import type { EventRecord, KubeEvent } from '../event/types.js';

/** Most (object, reason) pairs tracked at once; beyond it events pass through uncollapsed. */
export const MAX_TRACKED_REPEATS = 50_000;

interface RepeatState {
  windowStart: number;
  /** The latest repeat seen inside the window, sent when the window closes. */
  pending: EventRecord | undefined;
}

function repeatKey(e: KubeEvent): string {
  const o = e.involvedObject;
  return `${o.uid || `${o.kind ?? ''}/${o.namespace ?? ''}/${o.name ?? ''}`}\0${e.reason ?? ''}\0${e.type ?? ''}`;
}

/**
 * Collapses repeats of one (involved object, reason) within a window: the first event passes at once;
 * later ones inside the window are held, and only the one with the highest count (series.count when
 * the event has a series) is sent when the window closes. A crash loop thus costs one message plus at most one notice per window.
 */
export class RepeatCollapser {
  private readonly states = new Map<string, RepeatState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly windowMs: number,
    private readonly emit: (record: EventRecord) => void,
    private readonly onCollapsed: (record: EventRecord) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns true when the record is held (sent when its window closes, unless a later repeat replaces it). */
  offer(record: EventRecord): boolean {
    const key = repeatKey(record.event);
    const t = this.now();
    const state = this.states.get(key);
    if (state !== undefined && t - state.windowStart < this.windowMs) {
      // Hold the repeat that happened most often (series.count for events.k8s.io/v1 writers, else
      // count); an update that arrives late with a lower count is the one collapsed.
      if (state.pending !== undefined && occurrences(record.event) < occurrences(state.pending.event)) {
        this.onCollapsed(record);
        return false;
      }
      if (state.pending !== undefined) this.onCollapsed(state.pending);
      state.pending = record;
      return true;
    }
    // The window closed: the new event supersedes any held repeat (it carries the higher count).
    if (state !== undefined && state.pending !== undefined) this.onCollapsed(state.pending);
    if (state === undefined && this.states.size >= MAX_TRACKED_REPEATS) {
      this.emit(record);
      return false;
    }
    this.states.set(key, { windowStart: t, pending: undefined });
    this.emit(record);
    this.schedule();
    return false;
  }

  /** Sends held repeats whose window has closed and forgets idle keys. */
  sweep(): void {
    const t = this.now();
    for (const [key, state] of this.states) {
      if (t - state.windowStart < this.windowMs) continue;
      if (state.pending !== undefined) {
        this.emit(state.pending);
        state.pending = undefined;
        state.windowStart = t;
      } else {
        this.states.delete(key);
      }
    }
    if (this.states.size === 0) this.cancel();
  }

  /** On shutdown: send every held repeat now, so none is lost. */
  flush(): void {
    for (const state of this.states.values()) {
      if (state.pending !== undefined) this.emit(state.pending);
    }
    this.states.clear();
    this.cancel();
  }

  get tracked(): number {
    return this.states.size;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, this.windowMs / 10)));
    this.timer.unref();
  }

  private cancel(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
