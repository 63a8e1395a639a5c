// Shared by the data-sink tests (elasticsearch, influxdb, mongo): varied events and a sink behind the
// real lane.
import { Registry } from 'prom-client';
import { parseUri, type SinkUri } from '../../../src/base/uri.js';
import type { EventRecord, KubeEvent } from '../../../src/event/types.js';
import { Lane } from '../../../src/pipeline/lane.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import type { BuiltSink } from '../../../src/pipeline/sink.js';
import type { SinkContext } from '../../../src/sinks/context.js';
import { silentLog } from '../../helpers/log.js';

export function sinkUri(value: string): SinkUri {
  return parseUri(value, 'sink', {});
}

export function sinkContext(metrics = new Registry()): SinkContext {
  return { log: silentLog, metrics, shutdown: new AbortController().signal };
}

/**
 * Event `i` of a stream: Pods and Nodes, several namespaces, lastTimestamp or only eventTime, some
 * with firstTimestamp, messages with characters Go escapes (`<>&`), quotes, newlines and non-ASCII.
 * `metadata.uid` is `uid-<i>` so a reader can match what arrives.
 */
export function streamEvent(i: number, base = Date.UTC(2026, 11, 5, 23, 59, 0)): KubeEvent {
  const at = new Date(base + i * 1000);
  const seconds = at.toISOString().replace(/\.\d+Z$/, 'Z');
  const isPod = i % 3 !== 2;
  const ns = ['prod', 'kube-system', 'default'][i % 3]!;
  const e: KubeEvent = {
    metadata: { name: `obj-${i}.17b2c3d4`, namespace: ns, uid: `uid-${i}`, resourceVersion: String(1000 + i), creationTimestamp: seconds },
    involvedObject: isPod
      ? { kind: 'Pod', namespace: ns, name: `api-${i}`, uid: `pod-uid-${i}`, apiVersion: 'v1', resourceVersion: '42', fieldPath: 'spec.containers{app}' }
      : { kind: 'Node', name: `node-${i}`, uid: `node-uid-${i}`, apiVersion: 'v1' },
    reason: ['BackOff', 'Unhealthy', 'NodeNotReady'][i % 3]!,
    message: i % 5 === 0 ? `probe <failed> & "retrying"\nline 2 — ünïcödé ${i}` : `message ${i}`,
    source: isPod ? { component: 'kubelet', host: `node-${i % 7}` } : { component: 'node-controller' },
    count: (i % 4) + 1,
    type: i % 2 === 0 ? 'Warning' : 'Normal',
    reportingComponent: '',
    reportingInstance: '',
  };
  if (i % 4 === 3) {
    // An events.k8s.io-style event: no lastTimestamp, eventTime with microseconds.
    e.eventTime = at.toISOString().replace(/Z$/, '123Z');
    e.firstTimestamp = null;
    e.lastTimestamp = null;
  } else {
    e.lastTimestamp = seconds;
    e.firstTimestamp = i % 2 === 0 ? new Date(base + i * 1000 - 60_000).toISOString().replace(/\.\d+Z$/, 'Z') : null;
  }
  return e;
}

let seq = 0;
export function record(event: KubeEvent): EventRecord {
  return { change: 'ADDED', event, receivedAt: Date.now(), seq: ++seq };
}

/** The sink behind the real lane; `fastBackoff` shortens retry waits so outage tests end soon after the server returns. */
export function startLane(uri: SinkUri, built: BuiltSink, fastBackoff = false): { lane: Lane; registry: Registry } {
  const registry = new Registry();
  const settings = laneSettingsFor(uri, built.tuning);
  const lane = new Lane(
    `${uri.key}#1`,
    built,
    fastBackoff ? { ...settings, backoff: { initialMs: 100, maxMs: 1000, multiplier: 2 } } : settings,
    new PipelineMetrics(registry),
    silentLog,
  );
  lane.start();
  return { lane, registry };
}

export async function metricSum(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((n, v) => n + v.value, 0);
}

/** Offers events with a small pause every `every` events, so a stream spans some time. */
export async function stream(lane: Lane, events: readonly KubeEvent[], every = 50, pauseMs = 20): Promise<void> {
  for (let i = 0; i < events.length; i++) {
    lane.offer(record(events[i]!));
    if ((i + 1) % every === 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
