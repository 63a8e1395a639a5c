import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Router } from './router.js';

/** How far delivery got; what a restart or a standby resumes from. */
export interface Checkpoint {
  readonly version: 1;
  /** The resourceVersion from which a restart must resume watching. */
  readonly resourceVersion: string;
  /** Per sink: the resourceVersion of the last event it delivered. */
  readonly sinks: Readonly<Record<string, string>>;
  /** RFC 3339 time of the save, for people reading the ConfigMap or file. */
  readonly updatedAt: string;
  /** Who saved it (POD_NAME, else `<hostname>_<random>`), so a second writer can be noticed. */
  readonly writer?: string;
}

/** Where checkpoints are kept (a ConfigMap or a file: see kube/checkpoint-store.ts). */
export interface CheckpointStore {
  /** What and where, for logs (`ConfigMap ns/name`, `file /path`). */
  readonly description: string;
  /** The saved checkpoint; undefined when none was saved yet. Rejects on unreadable or corrupt data. */
  load(): Promise<Checkpoint | undefined>;
  /**
   * Saves `c`. While a save is in flight, later calls wait and only the latest value is written next;
   * every caller's promise settles when a write containing its value (or a newer one) has finished.
   */
  save(c: Checkpoint): Promise<void>;
}

/** How often progress the watch made without events (bookmarks) is saved. */
const IDLE_SAVE_INTERVAL_MS = 5000;
/** An unchanged checkpoint is still re-saved this often, so a second writer sees this one is alive. */
export const CHECKPOINT_HEARTBEAT_MS = 30_000;
/** A lasting save failure is logged at most this often. */
const FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * Saves the router's checkpoint position after every settled batch (the store coalesces writes to
 * one in flight), so a SIGKILL repeats at most about one batch per sink after a restart.
 */
export class Checkpointer {
  private scheduled = false;
  private lastSaved = '';
  private lastSavedAt = 0;
  private disabled = false;
  /** Failed saves since the last success, and when one was last logged. */
  private failedSaves = 0;
  private lastFailureLogAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private readonly errors: Counter;
  private readonly saves: Counter;

  constructor(
    private readonly store: CheckpointStore,
    private readonly router: Router,
    private readonly watchResourceVersion: () => string | undefined,
    /** Where the watch started (first list or resumed checkpoint): the position before any event. */
    private readonly startResourceVersion: () => string | undefined,
    private readonly log: Logger,
    registry: Registry,
    /** Recorded in every checkpoint (POD_NAME, else `<hostname>_<random>`). */
    private readonly writer?: string,
  ) {
    this.errors = new Counter({ name: 'eventer_checkpoint_save_errors_total', help: 'Checkpoint writes that failed (retried with the next save)', registers: [registry] });
    this.saves = new Counter({ name: 'eventer_checkpoint_saves_total', help: 'Checkpoint writes', registers: [registry] });
  }

  start(): void {
    this.timer = setInterval(() => this.schedule(), IDLE_SAVE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Called when events settle; many calls in one tick cost one save. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.save();
    });
  }

  /** Final save on shutdown, after the lanes drained. */
  async flush(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.save();
  }

  /** No save from now on (this replica lost the Lease: another one owns the checkpoint). */
  disable(): void {
    this.disabled = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async save(): Promise<void> {
    if (this.disabled) return;
    const position = this.router.checkpoint(this.watchResourceVersion(), this.startResourceVersion());
    if (position === undefined) return;
    const key = JSON.stringify(position);
    if (key === this.lastSaved && Date.now() - this.lastSavedAt < CHECKPOINT_HEARTBEAT_MS) return;
    const checkpoint: Checkpoint = { version: 1, ...position, updatedAt: new Date().toISOString(), ...(this.writer ? { writer: this.writer } : {}) };
    try {
      await this.store.save(checkpoint);
      if (this.disabled) return;
      this.lastSaved = key;
      this.lastSavedAt = Date.now();
      this.saves.inc();
      if (this.failedSaves > 0) this.log.info({ checkpoint: this.store.description, failedSaves: this.failedSaves }, 'checkpoint saved again');
      this.failedSaves = 0;
      this.lastFailureLogAt = -Infinity;
    } catch (err) {
      this.errors.inc();
      this.failedSaves++;
      // Each settled batch saves: a lasting failure (say, a missing RBAC rule) logs every 30 s, not per batch.
      if (Date.now() - this.lastFailureLogAt < FAILURE_LOG_INTERVAL_MS) return;
      this.lastFailureLogAt = Date.now();
      this.log.warn({ err: (err as Error).message, checkpoint: this.store.description, failedSaves: this.failedSaves }, 'checkpoint save failed; the next save retries');
    }
  }
}
