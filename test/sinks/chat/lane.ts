// Runs a chat sink behind the real pipeline lane, for the end-to-end robot tests.
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { SinkUri } from '../../../src/base/uri.js';
import type { EventRecord, KubeEvent } from '../../../src/event/types.js';
import { Lane } from '../../../src/pipeline/lane.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import type { BuiltSink } from '../../../src/pipeline/sink.js';
import type { Clock } from '../../fixtures/robots/server.js';

/** A clock running `factor` times faster than real time from its creation: a fake robot's minute passes in 60/factor s. */
export class ScaledClock implements Clock {
  private readonly origin = Date.now();
  constructor(readonly factor: number) {}
  now(): number {
    return this.origin + (Date.now() - this.origin) * this.factor;
  }
}

export function startLane(uri: SinkUri, built: BuiltSink): { lane: Lane; registry: Registry } {
  const registry = new Registry();
  const lane = new Lane(`${uri.key}#1`, built, laneSettingsFor(uri, built.tuning), new PipelineMetrics(registry), pino({ level: 'silent' }));
  lane.start();
  return { lane, registry };
}

let seq = 0;
export function record(event: KubeEvent, change: EventRecord['change'] = 'ADDED'): EventRecord {
  return { change, event, receivedAt: Date.now(), seq: ++seq };
}

/** A Warning event about its own Pod, its message carrying a marker to find it in a message: `evt-<i>.` */
export function warningEvent(i: number): KubeEvent {
  const pod = `api-${i}`;
  const reasons = ['BackOff', 'Unhealthy', 'FailedMount', 'FailedScheduling'];
  return {
    metadata: { name: `${pod}.17b2c3d4${i.toString(16).padStart(8, '0')}`, namespace: 'prod', uid: `e-${i}` },
    involvedObject: { kind: 'Pod', namespace: 'prod', name: pod, uid: `p-${i}` },
    reason: reasons[i % reasons.length]!,
    message: `probe failed on ${pod}: connection refused (evt-${i}.)`,
    source: { component: 'kubelet', host: 'cn-hangzhou.192.168.0.7' },
    lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    count: 1,
    type: 'Warning',
  };
}

/** Offers `total` events spread over `spanMs` in `steps` equal groups (real timers: the producer only). */
export async function produce(lane: Lane, events: readonly KubeEvent[], spanMs: number, steps: number): Promise<void> {
  const per = Math.ceil(events.length / steps);
  for (let step = 0; step < steps; step++) {
    for (const e of events.slice(step * per, (step + 1) * per)) lane.offer(record(e));
    if (step < steps - 1) await new Promise((resolve) => setTimeout(resolve, spanMs / steps));
  }
}

export async function metric(registry: Registry, name: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((n, v) => n + v.value, 0);
}
