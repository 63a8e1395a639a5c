// High availability against a real kube-apiserver, with the RBAC of deploy/: two replicas with
// --leader-elect share a ConfigMap checkpoint; only the leader delivers; when it is SIGKILLed during a
// steady stream the standby delivers within the lease duration + 5 s, losing nothing and repeating at
// most one batch. deploy/deployment.yaml is valid for the API server and runs with deploy/'s RBAC.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './daemon-process.js';
import {
  CHECKPOINT_CONFIGMAP,
  SYSTEM_NAMESPACE,
  deliveries,
  duplicateCount,
  eventually,
  startRealCluster,
  startStream,
  webhookSink,
  type RealCluster,
  type RealDaemon,
} from './real-cluster.js';

interface RbacRule {
  readonly resources: string[];
  readonly resourceNames?: string[];
}

const BATCH = 10;
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/leases/kube-eventer`;
const CHECKPOINT_PATH = `/api/v1/namespaces/${SYSTEM_NAMESPACE}/configmaps/${CHECKPOINT_CONFIGMAP}`;
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

async function leaseHolder(): Promise<string> {
  const lease = await cluster.cp.request('GET', LEASE_PATH);
  return lease.status === 200 ? (lease.body.spec.holderIdentity ?? '') : '';
}

/** Two replicas, a 10/s stream, SIGKILL of the leader; returns the measurements. */
async function failover(timingFlags: readonly string[], leaseDurationMs: number, run: string) {
  // Each run starts without a Lease or checkpoint.
  for (const apiPath of [LEASE_PATH, CHECKPOINT_PATH]) {
    const deleted = await cluster.cp.request('DELETE', apiPath);
    assert.ok([200, 404].includes(deleted.status), `DELETE ${apiPath}: ${deleted.status}`);
  }
  const [leaderReceiver, standbyReceiver] = [await cluster.receiver(), await cluster.receiver()];
  // A slow endpoint keeps a batch in flight most of the time, so the SIGKILL interrupts one.
  for (const receiver of [leaderReceiver, standbyReceiver]) {
    receiver.respond(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 100)));
  }
  const common = [await cluster.sourceFlag(), `--checkpoint=configmap:${SYSTEM_NAMESPACE}/${CHECKPOINT_CONFIGMAP}`, '--leader-elect', `--leader-elect-resource-namespace=${SYSTEM_NAMESPACE}`, ...timingFlags];
  const leaderName = `${run}-a`;
  const standbyName = `${run}-b`;
  const leader = await cluster.startDaemon([...common, webhookSink(leaderReceiver, BATCH)], { POD_NAME: leaderName });
  await leader.waitForLog(/"msg":"Starting eventer"/);
  await ready(leader);
  const standby = await cluster.startDaemon([...common, webhookSink(standbyReceiver, BATCH)], { POD_NAME: standbyName });
  await standby.waitForLog(new RegExp(`"leader":"${leaderName}"[^\\n]*"msg":"leader observed"`));
  await ready(standby);
  assert.equal((await fetch(`${standby.base}/healthz`)).status, 200, 'a standby is healthy');
  assert.equal(await leaseHolder(), leaderName);
  assert.equal(await leader.metric('eventer_leader_is_leader'), 1);
  assert.equal(await standby.metric('eventer_leader_is_leader'), 0);

  const stream = startStream(cluster, 10);
  await eventually('the leader delivers', () => leaderReceiver.requests.length >= 20, 20_000);
  assert.equal(standbyReceiver.requests.length, 0, 'the standby delivers nothing while the leader lives');
  const killedAt = performance.now();
  await leader.kill('SIGKILL');
  const deliveredByLeader = leaderReceiver.requests.length;

  await eventually('the standby delivers', () => standbyReceiver.requests.length > 0, leaseDurationMs + 15_000, () => standby.logs().slice(-3000));
  const takeoverMs = standbyReceiver.requests[0]!.receivedAt - killedAt;
  // Keep streaming for a while under the new leader, then stop.
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
  const marker = await cluster.createEvent('Marker');
  await eventually('marker delivered', () => deliveries(standbyReceiver).has(marker));

  const seen = deliveries(leaderReceiver, standbyReceiver);
  const duplicates = duplicateCount(seen);
  assert.deepEqual([...seen.keys()].filter((key) => key !== marker && !created.includes(key)), [], 'only streamed Events');
  assert.ok(duplicates <= BATCH, `${duplicates} duplicates, more than one batch (${BATCH})`);
  assert.ok(takeoverMs <= leaseDurationMs + 5000, `takeover took ${takeoverMs.toFixed(0)} ms, lease ${leaseDurationMs} ms`);
  assert.equal(leaderReceiver.requests.length, deliveredByLeader, 'nothing from the killed leader');
  assert.equal(await leaseHolder(), standbyName);
  assert.equal(await standby.metric('eventer_leader_is_leader'), 1);
  assert.match(standby.logs(), /"msg":"resuming from checkpoint"/);

  // A clean shutdown releases the Lease for the next replica.
  await standby.kill('SIGTERM');
  assert.equal(standby.child.exitCode, 0, standby.logs().slice(-2000));
  assert.equal(await leaseHolder(), '');
  const result = { streamed: created.length, deliveredByLeader, deliveredByStandby: standbyReceiver.requests.length, duplicates, takeoverMs: Math.round(takeoverMs) };
  console.log(`${run}: ${JSON.stringify(result)}`);
  return result;
}

test('leader SIGKILLed during a 10/s stream (lease 4s, renew 3s, retry 1s): the standby delivers within lease + 5 s, nothing lost, duplicates ≤ one batch', async () => {
  await failover(['--leader-elect-lease-duration=4s', '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s'], 4000, 'short');
});

test('the same with the default timings (lease 15s, renew 10s, retry 2s)', async () => {
  await failover([], 15_000, 'defaults');
});

test('deploy/deployment.yaml: accepted by the API server, its names match rbac-ha.yaml, and the daemon leads with its arguments', async () => {
  const file = path.join(ROOT, 'deploy', 'deployment.yaml');
  const dryRun = await cluster.cp.kubectl(['apply', '--dry-run=server', '-f', file]);
  assert.match(dryRun, /deployment\.apps\/kube-eventer created \(server dry run\)/);

  const [deployment] = parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS());
  const role = parseAllDocuments(await readFile(path.join(ROOT, 'deploy', 'rbac-ha.yaml'), 'utf8')).map((d) => d.toJS()).find((d) => d.kind === 'Role');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const args: string[] = container.args;
  assert.equal(pod.serviceAccountName, 'kube-eventer');
  const checkpoint = /^--checkpoint=configmap:([^/]+)\/(.+)$/.exec(args.find((a) => a.startsWith('--checkpoint='))!);
  assert.ok(checkpoint);
  assert.equal(checkpoint[1], role.metadata.namespace);
  const named = (resource: string) => (role.rules as RbacRule[]).filter((r) => r.resources.includes(resource) && r.resourceNames).flatMap((r) => r.resourceNames);
  assert.deepEqual(named('configmaps'), [checkpoint[2]]);
  assert.deepEqual(named('leases'), ['kube-eventer'], 'the default --leader-elect-resource-name');
  assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  assert.equal(container.readinessProbe.httpGet.path, '/readyz');

  // The daemon with the Deployment's arguments and environment (only the API address and health port
  // differ: there is no in-cluster service here): it takes the Lease and writes the checkpoint.
  for (const apiPath of [LEASE_PATH, CHECKPOINT_PATH]) await cluster.cp.request('DELETE', apiPath);
  const env: NodeJS.ProcessEnv = { POD_NAME: 'kube-eventer-7d9f-abcde', POD_NAMESPACE: deployment.metadata.namespace };
  for (const e of container.env) if (e.value !== undefined) env[e.name] = e.value;
  const daemonArgs = args.filter((a) => !a.startsWith('--source=') && !a.startsWith('--healthz-port='));
  const daemon = await cluster.startDaemon([await cluster.sourceFlag(), ...daemonArgs], env);
  await daemon.waitForLog(/"msg":"Starting eventer"/);
  await ready(daemon);
  assert.equal(await leaseHolder(), 'kube-eventer-7d9f-abcde');
  await cluster.createEvent('FromDeployment');
  await eventually('checkpoint ConfigMap written', async () => (await cluster.cp.request('GET', CHECKPOINT_PATH)).status === 200);
  await daemon.kill('SIGTERM');
  assert.equal(daemon.child.exitCode, 0, daemon.logs().slice(-2000));
  assert.doesNotMatch(daemon.logs(), /"level":(40|50)/, 'no warning or error (RBAC complete)');
});
