// Checkpoints against a real kube-apiserver, with the RBAC of deploy/: the daemon is SIGKILLed during
// a stream, 100 Events are created while it is down, and the restarted daemon delivers all of them
// from the ConfigMap (or file) checkpoint, repeating at most one lane batch. Without --checkpoint it
// starts at "now" as kube-eventer does.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseCheckpoint } from '../../src/kube/checkpoint-store.js';
import {
  CHECKPOINT_CONFIGMAP,
  SYSTEM_NAMESPACE,
  deliveries,
  duplicateCount,
  eventually,
  laneBatchSize,
  startRealCluster,
  startStream,
  webhookSink,
  type RealCluster,
  type RealDaemon,
} from './real-cluster.js';

const BATCH = 10;
let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

async function startReady(args: readonly string[]): Promise<RealDaemon> {
  const daemon = await cluster.startDaemon(args);
  await daemon.waitForLog(/"msg":"Starting eventer"/);
  // Its sink filters (webhookSink), so the real API server's stream is read with deferred parsing.
  assert.match(daemon.logs(), /parsed whole only when a sink takes it/);
  await eventually('ready', async () => (await fetch(`${daemon.base}/readyz`)).status === 200, 20_000, () => daemon.logs().slice(-3000));
  return daemon;
}

/** Creates `count` Events, a few at a time; resolves with their keys. */
async function createMany(count: number, reason: string): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 10) {
    keys.push(...(await Promise.all(Array.from({ length: Math.min(10, count - i) }, () => cluster.createEvent(reason)))));
  }
  return keys;
}

/**
 * Stream, SIGKILL mid-stream, 100 Events while down, restart with the same checkpoint: returns what
 * was expected and the receiver, once every expected Event and a final marker have arrived.
 */
async function killAndResume(checkpointFlag: string, readCheckpoint: () => Promise<string>) {
  const receiver = await cluster.receiver();
  // A slow endpoint keeps a batch in flight most of the time, so the SIGKILL interrupts one.
  receiver.respond(() => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: 'ok' }), 100)));
  const args = [await cluster.sourceFlag(), webhookSink(receiver, BATCH), checkpointFlag];
  const first = await startReady(args);
  assert.equal(laneBatchSize(first), BATCH);

  const stream = startStream(cluster, 20);
  await eventually('stream delivered', () => receiver.requests.length >= 30, 20_000, () => first.logs().slice(-3000));
  await first.kill('SIGKILL');
  const deliveredBeforeKill = receiver.requests.length;
  const streamed = await stream.stop();
  const whileDown = await createMany(100, 'WhileDown');
  const saved = parseCheckpoint(await readCheckpoint(), checkpointFlag);
  assert.ok(saved.sinks['webhook#1'], `the checkpoint records the sink: ${JSON.stringify(saved)}`);

  const restartedAt = performance.now();
  const second = await cluster.startDaemon(args);
  await second.waitForLog(/"msg":"resuming from checkpoint"/);
  const expected = [...streamed, ...whileDown];
  await eventually('every Event delivered after the restart', () => {
    const seen = deliveries(receiver);
    return expected.every((key) => seen.has(key));
  }, 30_000, () => {
    const seen = deliveries(receiver);
    return `missing ${expected.filter((k) => !seen.has(k)).length}/${expected.length}\n${second.logs().slice(-3000)}`;
  });
  const catchUpMs = performance.now() - restartedAt;
  // One more Event through the same FIFO lane: once it is in, any repeat would be in too.
  const marker = await cluster.createEvent('Marker');
  await eventually('marker delivered', () => deliveries(receiver).has(marker));
  const seen = deliveries(receiver);
  const unexpected = [...seen.keys()].filter((key) => key !== marker && !expected.includes(key));
  assert.deepEqual(unexpected, [], 'only the Events created while the daemon ran or was down');
  const duplicates = duplicateCount(seen);
  assert.ok(duplicates <= BATCH, `${duplicates} duplicates, more than one batch (${BATCH})`);
  assert.equal(seen.get(marker), 1);
  assert.equal(second.child.exitCode, null);
  return { streamed: streamed.length, deliveredBeforeKill, whileDown: whileDown.length, duplicates, catchUpMs, requests: receiver.requests.length, second };
}

test('ConfigMap checkpoint: SIGKILL during a stream, 100 Events while down, restart: all delivered, duplicates ≤ one batch', async () => {
  const result = await killAndResume(`--checkpoint=configmap:${SYSTEM_NAMESPACE}/${CHECKPOINT_CONFIGMAP}`, async () => {
    const cm = await cluster.cp.request('GET', `/api/v1/namespaces/${SYSTEM_NAMESPACE}/configmaps/${CHECKPOINT_CONFIGMAP}`);
    assert.equal(cm.status, 200, JSON.stringify(cm.body));
    return cm.body.data['checkpoint.json'];
  });
  console.log(`configmap checkpoint: ${JSON.stringify({ ...result, second: undefined, catchUpMs: Math.round(result.catchUpMs) })}`);
  await result.second.kill('SIGKILL');
});

test('file checkpoint: the same across a SIGKILL', async () => {
  const file = path.join(cluster.dir, 'checkpoint.json');
  const result = await killAndResume(`--checkpoint=file:${file}`, () => readFile(file, 'utf8'));
  console.log(`file checkpoint: ${JSON.stringify({ ...result, second: undefined, catchUpMs: Math.round(result.catchUpMs) })}`);
  await result.second.kill('SIGKILL');
});

test('without --checkpoint a restart starts at "now": Events created while down are not delivered', async () => {
  const receiver = await cluster.receiver();
  const args = [await cluster.sourceFlag(), webhookSink(receiver, BATCH)];
  const first = await startReady(args);
  const before = await cluster.createEvent('BeforeKill');
  await eventually('first Event delivered', () => deliveries(receiver).has(before));
  await first.kill('SIGKILL');
  const whileDown = await createMany(20, 'WhileDown');

  const second = await startReady(args);
  assert.doesNotMatch(second.logs(), /checkpoint/);
  const marker = await cluster.createEvent('Marker');
  await eventually('marker delivered', () => deliveries(receiver).has(marker));
  const seen = deliveries(receiver);
  assert.deepEqual(whileDown.filter((key) => seen.has(key)), [], 'nothing created while down is delivered');
  assert.deepEqual([...seen.keys()].sort(), [before, marker].sort());
});

test('a checkpoint ahead of the API server (saved against another etcd: a rebuilt cluster, a restored backup) is ignored with a warning: the daemon starts at "now" and delivers', async () => {
  const receiver = await cluster.receiver();
  const file = path.join(cluster.dir, 'checkpoint-from-elsewhere.json');
  const elsewhere = '99999999999';
  await writeFile(file, JSON.stringify({ version: 1, resourceVersion: elsewhere, sinks: { 'webhook#1': elsewhere }, updatedAt: new Date().toISOString(), writer: 'old-cluster' }));
  const daemon = await startReady([await cluster.sourceFlag(), webhookSink(receiver, BATCH), `--checkpoint=file:${file}`]);
  assert.match(daemon.logs(), /checkpoint is ahead of the API server/);
  const marker = await cluster.createEvent('Marker');
  await eventually('an Event created after the start is delivered', () => deliveries(receiver).has(marker), 20_000, () => daemon.logs().slice(-3000));
  await eventually('the checkpoint follows this cluster', async () => !(await readFile(file, 'utf8')).includes(elsewhere));
  await daemon.kill('SIGKILL');
});
