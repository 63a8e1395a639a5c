// Encoding cost of the sls, eventbridge, honeycomb and riemann sinks: node --import tsx bench/cloud-encoders.bench.ts
import { deflateSync, gzipSync } from 'node:zlib';
import type { KubeEvent } from '../src/event/types.js';
import { encodeCloudEvent } from '../src/sinks/eventbridge/encoder.js';
import { batchBody, honeycombEvent } from '../src/sinks/honeycomb/encoder.js';
import { encodeRiemannFrame } from '../src/sinks/riemann/encoder.js';
import { encodeLog, encodeLogGroup, planRequests } from '../src/sinks/sls/encoder.js';

const events: KubeEvent[] = Array.from({ length: 1000 }, (_, i) => ({
  metadata: { name: `api-${i}.17b2c3d4e5f6a7b8`, namespace: 'prod', uid: `0b0e${i}-1c2d-4e5f-8a9b-0c1d2e3f4a5b`, resourceVersion: String(100000 + i), creationTimestamp: '2026-11-25T10:00:00Z' },
  involvedObject: { kind: 'Pod', namespace: 'prod', name: `api-${i}`, uid: `9f8e${i}-0000-4000-8000-000000000000`, apiVersion: 'v1', resourceVersion: '5000', fieldPath: 'spec.containers{app}' },
  reason: 'BackOff',
  message: `Back-off restarting failed container app in pod api-${i}_prod(9f8e${i}-0000-4000-8000-000000000000)`,
  source: { component: 'kubelet', host: 'cn-hangzhou.192.168.0.7' },
  firstTimestamp: '2026-11-25T09:59:00Z',
  lastTimestamp: '2026-11-25T10:00:00Z',
  count: 3,
  type: 'Warning',
  reportingComponent: '',
  reportingInstance: '',
}));
const ctx = { region: 'cn-hangzhou', accountId: '1234567890123456', clusterId: 'c1', eventBusName: 'default' };

const cases: Record<string, () => number> = {
  'sls: logs + LogGroup': () => {
    const logs = events.map((e) => encodeLog(e, [['cluster', 'prod']]));
    const plan = planRequests(logs.map((l) => l.length), 'k8s');
    return plan.requests.reduce((n, r) => n + encodeLogGroup(r.map((i) => logs[i]!), 'k8s').length, 0);
  },
  'sls: + deflate': () => {
    const logs = events.map((e) => encodeLog(e, [['cluster', 'prod']]));
    return deflateSync(encodeLogGroup(logs, 'k8s')).length;
  },
  'eventbridge: CloudEvents': () => events.reduce((n, e) => n + encodeCloudEvent(e, ctx).json.length, 0),
  'honeycomb: batch + gzip': () => gzipSync(batchBody(events.map((e) => honeycombEvent(e)))).length,
  'riemann: Msg frame': () => encodeRiemannFrame(events, { ttl: 60, tags: ['heapster'] }).length,
};

for (const [name, run] of Object.entries(cases)) {
  for (let r = 0; r < 5; r++) run(); // warm up
  const rounds = 30;
  let bytes = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) bytes = run();
  const us = Number(process.hrtime.bigint() - start) / 1000 / (rounds * events.length);
  console.log(`${name.padEnd(28)} ${us.toFixed(2).padStart(7)} µs/event  ${(1e6 / us / 1000).toFixed(0).padStart(5)}k events/s  ${(bytes / events.length).toFixed(0)} bytes/event`);
}
