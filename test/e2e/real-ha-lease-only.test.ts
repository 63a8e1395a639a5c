// Issue 9 item 3, against a real kube-apiserver: two replicas with only `--leader-elect` (no
// --checkpoint). The leader's delivered position rides in the Lease annotations it renews, so when it is
// SIGKILLed during a 10 events/s stream the standby resumes there: nothing lost, duplicates at most one
// renew period's events plus the batch in flight.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SYSTEM_NAMESPACE, deliveries, duplicateCount, eventually, startRealCluster, startStream, webhookSink, type RealCluster, type RealDaemon } from './real-cluster.js';

const BATCH = 10;
const RATE = 10;
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/leases/kube-eventer`;
let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

async function ready(daemon: RealDaemon): Promise<void> {
  await eventually('ready', async () => (await fetch(`${daemon.base}/readyz`)).status === 200, 20_000, () => daemon.logs().slice(-3000));
}

test('--leader-elect alone (lease 4s, renew 3s, retry 1s), leader SIGKILLed during a 10/s stream: the standby resumes from the Lease, nothing lost', async (t) => {
  await failover(t, ['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s'], 1, 'short');
});

test('the same with the default timings (lease 15s, renew 10s, retry 2s)', async (t) => {
  await failover(t, [], 2, 'defaults');
});

async function failover(t: { diagnostic(message: string): void }, timing: string[], retryPeriodS: number, run: string): Promise<void> {
  await cluster.cp.request('DELETE', LEASE_PATH);
  const [leaderReceiver, standbyReceiver] = [await cluster.receiver(), await cluster.receiver()];
  for (const receiver of [leaderReceiver, standbyReceiver]) {
    receiver.respond(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 100)));
  }
  const common = [await cluster.sourceFlag(), '--leader-elect', `--leader-elect-resource-namespace=${SYSTEM_NAMESPACE}`, ...timing];
  const leader = await cluster.startDaemon([...common, webhookSink(leaderReceiver, BATCH)], { POD_NAME: `${run}-a` });
  await leader.waitForLog(/"msg":"Starting eventer"/);
  await ready(leader);
  const standby = await cluster.startDaemon([...common, webhookSink(standbyReceiver, BATCH)], { POD_NAME: `${run}-b` });
  await standby.waitForLog(new RegExp(`"leader":"${run}-a"[^\\n]*"msg":"leader observed"`));

  const stream = startStream(cluster, RATE);
  await eventually('the leader delivers', () => leaderReceiver.requests.length >= 20, 20_000);
  // The leader's position is in the Lease it renews.
  await eventually('position in the Lease', async () => Boolean((await cluster.cp.request('GET', LEASE_PATH)).body?.metadata?.annotations?.['kube-eventer.io/checkpoint']));
  const killedAt = performance.now();
  await leader.kill('SIGKILL');
  const deliveredByLeader = leaderReceiver.requests.length;
  await eventually('the standby delivers', () => standbyReceiver.requests.length > 0, 40_000, () => standby.logs().slice(-3000));
  const takeoverMs = standbyReceiver.requests[0]!.receivedAt - killedAt;
  const atTakeover = stream.created.length;
  await eventually('the stream goes on', () => stream.created.length >= atTakeover + 20, 20_000);
  const created = await stream.stop();
  await eventually('every streamed Event delivered by one replica or the other', () => {
    const seen = deliveries(leaderReceiver, standbyReceiver);
    return created.every((key) => seen.has(key));
  }, 30_000, () => {
    const seen = deliveries(leaderReceiver, standbyReceiver);
    return `missing ${created.filter((k) => !seen.has(k)).length}/${created.length}\n${standby.logs().slice(-3000)}`;
  });
  const seen = deliveries(leaderReceiver, standbyReceiver);
  const lost = created.filter((k) => !seen.has(k)).length;
  const duplicates = duplicateCount(seen);
  t.diagnostic(`${run}: streamed ${created.length}, leader delivered ${deliveredByLeader}, standby ${standbyReceiver.requests.length}; lost ${lost}, duplicated ${duplicates}; first standby delivery ${Math.round(takeoverMs)} ms after the kill`);
  assert.equal(lost, 0);
  assert.ok(duplicates <= RATE * retryPeriodS + BATCH, `${duplicates} duplicates: more than one renew period's events plus a batch`);
  assert.match(standby.logs(), /"checkpoint":"Lease kube-system\/kube-eventer annotation kube-eventer.io\/checkpoint"[^\n]*"msg":"resuming from checkpoint"/);
  await standby.kill('SIGTERM');
  assert.equal(standby.child.exitCode, 0, standby.logs().slice(-2000));
}
