// A standby cut off from a real kube-apiserver (it reaches it through a TCP relay the test cuts) could
// never take over: its /healthz turns 500 after --watch-unhealthy-after, while the leader, which still
// reaches the API server, stays healthy and keeps the Lease; restored, the standby is healthy again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_NAMESPACE, eventually, webhookSink, type RealDaemon } from './real-cluster.js';
import { relayedCluster } from './relay.js';

const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/leases/kube-eventer`;
const UNHEALTHY_AFTER_MS = 5000;
const setup = relayedCluster();

async function healthz(daemon: RealDaemon): Promise<{ status: number; body: string }> {
  const response = await fetch(`${daemon.base}/healthz`);
  return { status: response.status, body: await response.text() };
}

test('a standby that cannot reach the API server fails /healthz after --watch-unhealthy-after; the leader is unaffected', async () => {
  const { cluster, relay } = setup;
  const common = [
    '--leader-elect',
    `--leader-elect-resource-namespace=${SYSTEM_NAMESPACE}`,
    '--leader-elect-lease-duration=4s',
    '--leader-elect-renew-deadline=3s',
    '--leader-elect-retry-period=1s',
    `--watch-unhealthy-after=${UNHEALTHY_AFTER_MS / 1000}s`,
  ];
  const leader = await cluster.startDaemon([await cluster.sourceFlag(), ...common, webhookSink(await cluster.receiver(), 10)], { POD_NAME: 'cut-off-a' });
  await leader.waitForLog(/"msg":"Starting eventer"/);
  const standby = await cluster.startDaemon([await cluster.sourceFlag(relay.url), ...common, webhookSink(await cluster.receiver(), 10)], { POD_NAME: 'cut-off-b' });
  await standby.waitForLog(/"leader":"cut-off-a","msg":"leader election: new leader observed"/);
  assert.deepEqual(await healthz(standby), { status: 200, body: 'ok' });

  const cutAt = performance.now();
  relay.cut();
  await eventually('the cut-off standby fails /healthz', async () => (await healthz(standby)).status === 500, UNHEALTHY_AFTER_MS + 15_000, () => standby.logs().slice(-2000));
  const failedAfterMs = performance.now() - cutAt;
  assert.match((await healthz(standby)).body, /^error: watch: standby: Lease kube-system\/kube-eventer not read for \d+\.\d s/);
  assert.equal((await fetch(`${standby.base}/readyz`)).status, 503);
  // The bound counts from the last read, up to one jittered retry (2.2 s) before the cut.
  assert.ok(failedAfterMs >= UNHEALTHY_AFTER_MS - 2200 - 100, `failed ${failedAfterMs.toFixed(0)} ms after the cut`);
  assert.deepEqual(await healthz(leader), { status: 200, body: 'ok' });
  const lease = await cluster.cp.request('GET', LEASE_PATH);
  assert.equal(lease.body.spec.holderIdentity, 'cut-off-a');

  relay.restore();
  await eventually('the standby is healthy again', async () => (await healthz(standby)).status === 200, 20_000, () => standby.logs().slice(-2000));
  assert.equal(standby.child.exitCode, null);
  console.log(`standby cut off: /healthz 500 ${failedAfterMs.toFixed(0)} ms after the cut (--watch-unhealthy-after ${UNHEALTHY_AFTER_MS} ms; with retry 1 s and renew 3 s the bound is 5200 ms from the last Lease read)`);
});
