// Shared by the data-sink benchmarks: a burst of events through the real lane into one sink,
// timed until the lane has delivered everything, with heap after GC between rounds (no growth).
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { SinkUri } from '../src/base/uri.js';
import type { KubeEvent } from '../src/event/types.js';
import { Lane } from '../src/pipeline/lane.js';
import { laneSettingsFor } from '../src/pipeline/lane-options.js';
import { PipelineMetrics } from '../src/pipeline/metrics.js';
import type { BuiltSink } from '../src/pipeline/sink.js';

export function benchEvent(i: number): KubeEvent {
  return {
    metadata: { name: `web-${i}.17b2c3d4`, namespace: 'team', uid: `uid-${i}`, resourceVersion: String(1000 + i), creationTimestamp: '2024-03-05T06:07:09Z' },
    involvedObject: { kind: 'Pod', namespace: 'team', name: `web-${i % 50}`, uid: `pod-${i % 50}`, apiVersion: 'v1', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: `Back-off restarting failed container web in pod web-${i % 50}_team (event ${i})`,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-03-05T06:07:09Z',
    lastTimestamp: '2024-03-05T06:07:09Z',
    count: 1,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  };
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export function textArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const MiB = 1024 * 1024;

/** Runs `rounds` bursts of `events` through one lane; prints events/s per round and the heap after each. */
export async function burst(label: string, uri: SinkUri, built: BuiltSink, events: number, rounds: number): Promise<number[]> {
  const lane = new Lane(`${uri.key}#1`, built, laneSettingsFor(uri, built.tuning), new PipelineMetrics(new Registry()), pino({ level: 'silent' }));
  let delivered = 0;
  let waiter: (() => void) | undefined;
  let refiller: (() => void) | undefined;
  lane.onSettled((records) => {
    delivered += records.length;
    refiller?.();
    if (waiter && delivered >= target) waiter();
  });
  let target = 0;
  lane.start();
  const rates: number[] = [];
  let seq = 0;
  for (let r = 0; r < rounds; r++) {
    target += events;
    const done = new Promise<void>((resolve) => (waiter = resolve));
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    // Offered as a watch delivers them, in chunks that keep the backlog under the queue's in-memory
    // part (beyond 10,000 the lane compresses its backlog, which is the pipeline benchmark's subject).
    let offered = 0;
    const refill = (): void => {
      while (offered < events && lane.pending < 8000) {
        for (let i = 0; i < 1000 && offered < events; i++, offered++) lane.offer({ change: 'ADDED', event: benchEvent(seq), receivedAt: Date.now(), seq: ++seq });
      }
    };
    refiller = refill;
    refill();
    if (delivered < target) await done;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    rates.push(events / seconds);
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    console.log(`${label} round ${r + 1}: ${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s (this process used ${cpuSeconds.toFixed(2)} s of CPU: ${Math.round(events / cpuSeconds)} events per CPU-second); heap after GC ${(mem.heapUsed / MiB).toFixed(1)} MiB, RSS ${(mem.rss / MiB).toFixed(0)} MiB`);
  }
  await lane.drain(30_000);
  return rates;
}
