// Issue 9 item 1 against a real kube-apiserver (smaller than the fake API server's 200,000): Events
// already stored are listed page by page, keeping only uid and resourceVersion; under the shipped heap
// flags the daemon is watching quickly, stays small, and delivers what comes next.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { EVENTS_NAMESPACE, deliveries, eventually, startRealCluster, webhookSink, type RealCluster } from './real-cluster.js';

const STORED = 20_000;
const SHIPPED_HEAP_FLAGS = '--max-semi-space-size=1 --max-old-space-size=256';
let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

function peakRssMiB(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

test(`${STORED} stored Events on a real kube-apiserver: listed in pages, watching, new events delivered, RSS barely above an empty cluster's`, async (t) => {
  // The same daemon on the cluster before the Events exist: its peak RSS is the baseline (with a
  // kubeconfig, @kubernetes/client-node and the tsx loader are part of it).
  const baselineReceiver = await cluster.receiver();
  const baseline = await cluster.startDaemon([await cluster.sourceFlag(), webhookSink(baselineReceiver, 10)], { NODE_OPTIONS: SHIPPED_HEAP_FLAGS });
  await baseline.waitForLog(/watching for new events/, 60_000);
  const baselineKey = await cluster.createEvent('Baseline');
  await eventually('the baseline daemon delivers', () => deliveries(baselineReceiver).has(baselineKey), 20_000);
  const baselinePeak = peakRssMiB(baseline.child.pid!);
  await baseline.kill('SIGTERM');

  // Store the Events with a few requests in parallel (the admin's client).
  let next = 0;
  const detail = 'detail '.repeat(120);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < STORED) {
        const i = next++;
        const now = new Date().toISOString();
        const response = await cluster.cp.request('POST', `/api/v1/namespaces/${EVENTS_NAMESPACE}/events`, {
          metadata: { name: `stored-${i}`, namespace: EVENTS_NAMESPACE },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: EVENTS_NAMESPACE, name: `web-${i}` },
          reason: 'Pulled',
          message: `stored before the daemon started ${i}: ${detail}`,
          type: 'Normal',
          source: { component: 'e2e' },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        });
        assert.equal(response.status, 201, JSON.stringify(response.body));
      }
    }),
  );
  const receiver = await cluster.receiver();
  const started = Date.now();
  const daemon = await cluster.startDaemon([await cluster.sourceFlag(), webhookSink(receiver, 10)], { NODE_OPTIONS: SHIPPED_HEAP_FLAGS });
  const listed = await daemon.waitForLog(/"existing":\d+[^\n]*watching for new events/, 60_000);
  const toWatching = (Date.now() - started) / 1000;
  const existing = Number(/"existing":(\d+)/.exec(listed)![1]);
  assert.ok(existing >= STORED, `listed ${existing} Events`);
  const key = await cluster.createEvent('AfterTheList');
  await eventually('the new Event delivered', () => deliveries(receiver).has(key), 20_000);
  assert.equal(receiver.requests.length, 1, 'nothing that existed before the start was delivered');
  const peak = peakRssMiB(daemon.child.pid!);
  t.diagnostic(`${existing} Events listed; time to watching ${toWatching.toFixed(1)} s; peak RSS ${peak.toFixed(0)} MiB, empty cluster ${baselinePeak.toFixed(0)} MiB (${SHIPPED_HEAP_FLAGS}, tsx loader included)`);
  assert.ok(toWatching < 30, `watching after ${toWatching.toFixed(1)} s`);
  // Holding 20,000 objects of ~1.2 KB would add well over 40 MiB; their uids and versions add a few.
  assert.ok(peak - baselinePeak <= 20, `peak RSS ${peak.toFixed(0)} MiB vs ${baselinePeak.toFixed(0)} MiB on an empty cluster`);
});
