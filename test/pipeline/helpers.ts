import { Registry } from 'prom-client';
import type { KubeEvent } from '../../src/event/types.js';
import { DEFAULT_LANE_SETTINGS, Lane, type LaneSettings } from '../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../src/pipeline/metrics.js';
import type { Outcome } from '../../src/pipeline/outcome.js';
import type { Sink } from '../../src/pipeline/sink.js';
import type { Logger } from 'pino';
import { silentLog } from '../helpers/log.js';

/** A sink whose behaviour each test scripts; records every call. */
export class ScriptedSink implements Sink {
  readonly calls: Array<{ batch: readonly KubeEvent[]; at: number }> = [];
  readonly delivered: KubeEvent[] = [];
  closed = false;
  private waiters: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly behave: (batch: readonly KubeEvent[], signal: AbortSignal, call: number) => Promise<Outcome | readonly Outcome[]> = async () => ({ status: 'ok' }),
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | readonly Outcome[]> {
    this.calls.push({ batch, at: Date.now() });
    const result = await this.behave(batch, signal, this.calls.length);
    const outcomes = Array.isArray(result) ? result : batch.map(() => result as Outcome);
    batch.forEach((e, i) => {
      if (outcomes[i]!.status === 'ok') this.delivered.push(e);
    });
    this.wake();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Resolves once at least `n` events were delivered (or rejects after `ms`). */
  async waitForDelivered(n: number, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.delivered.length < n) {
      if (Date.now() > deadline) throw new Error(`only ${this.delivered.length}/${n} delivered after ${ms} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
}

export function makeLane(sink: Sink, settings: Partial<LaneSettings> = {}, id = 'test#1', log: Logger = silentLog) {
  const registry = new Registry();
  const metrics = new PipelineMetrics(registry);
  const lane = new Lane(id, { sink }, { ...DEFAULT_LANE_SETTINGS, backoff: { initialMs: 20, maxMs: 200, multiplier: 2 }, ...settings }, metrics, log);
  return { lane, registry, metrics };
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  let total = 0;
  for (const v of m?.values ?? []) {
    if (Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val)) total += v.value;
  }
  return total;
}
