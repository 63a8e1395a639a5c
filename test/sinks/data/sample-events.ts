// Events shaped like the API server's, varied where sinks' payloads differ: Pods and cluster-scoped
// Nodes, eventTime-only events (events.k8s.io), series, empty source, HTML-ish and non-ASCII text,
// labels and annotations, related objects.
import type { KubeEvent } from '../../../src/event/types.js';

const KINDS = [
  { kind: 'Pod', apiVersion: 'v1', namespace: 'prod' },
  { kind: 'Node', apiVersion: 'v1', namespace: '' },
  { kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'prod' },
  { kind: 'Endpoints', apiVersion: 'v1', namespace: 'kube-system' },
  { kind: 'PodDisruptionBudget', apiVersion: 'policy/v1beta1', namespace: 'default' },
  { kind: 'VolumeSnapshot', apiVersion: 'snapshot.storage.k8s.io', namespace: 'data' },
  { kind: '', apiVersion: '', namespace: 'default' },
];

function ts(i: number, offsetSec = 0): string {
  return new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + (i + offsetSec) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Event `i` of a deterministic, varied stream; its message carries `evt-<i>.` */
export function sampleEvent(i: number): KubeEvent {
  const k = KINDS[i % KINDS.length]!;
  const name = `${k.kind.toLowerCase() || 'thing'}-${i}`;
  const e: KubeEvent = {
    metadata: {
      name: `${name}.17b2c3d4${i.toString(16).padStart(8, '0')}`,
      namespace: k.namespace || 'default',
      uid: `0b0e${i.toString(16).padStart(4, '0')}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
      resourceVersion: String(100000 + i),
      creationTimestamp: ts(i),
      ...(i % 5 === 0 ? { labels: { app: 'web', 'tier.k8s.io/z': 'b', a: '1' }, annotations: { note: '<b>&' } } : {}),
    },
    involvedObject: {
      kind: k.kind,
      ...(k.namespace ? { namespace: k.namespace } : {}),
      name,
      uid: `9f8e${i.toString(16).padStart(4, '0')}-0000-4000-8000-000000000000`,
      apiVersion: k.apiVersion,
      ...(i % 3 === 0 ? { resourceVersion: String(5000 + i), fieldPath: 'spec.containers{app}' } : {}),
    },
    reason: ['BackOff', 'Unhealthy', 'FailedScheduling', 'NodeNotReady', 'ScalingReplicaSet'][i % 5]!,
    message: i % 4 === 0 ? `容器重启 <probe> failed & "quoted" \u2028 (evt-${i}.)` : `Back-off restarting failed container (evt-${i}.)`,
    source: i % 6 === 5 ? {} : { component: 'kubelet', host: `cn-hangzhou.192.168.0.${i % 250}` },
    type: i % 2 === 0 ? 'Warning' : 'Normal',
    reportingComponent: i % 7 === 0 ? 'kubelet' : '',
    reportingInstance: '',
  };
  if (i % 8 === 7) {
    // events.k8s.io style: eventTime and series, no first/lastTimestamp or count.
    e.eventTime = new Date(Date.UTC(2026, 10, 25, 10, 0, 0) + i * 1000 + 123).toISOString().replace('Z', '456Z');
    e.series = { count: 3, lastObservedTime: new Date(Date.UTC(2026, 10, 25, 10, 5, 0)).toISOString().replace('Z', '000Z') };
    e.action = 'Binding';
    e.related = { kind: 'Node', name: 'node-1', apiVersion: 'v1' };
    e.reportingComponent = 'default-scheduler';
    e.reportingInstance = 'default-scheduler-master-1';
  } else {
    e.firstTimestamp = ts(i, -60);
    e.lastTimestamp = ts(i);
    e.count = 1 + (i % 4);
  }
  return e;
}

export function sampleEvents(n: number, from = 0): KubeEvent[] {
  return Array.from({ length: n }, (_, i) => sampleEvent(from + i));
}
