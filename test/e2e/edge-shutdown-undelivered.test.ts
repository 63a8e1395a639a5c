// Issue 9 item 2: events left undelivered at shutdown never advance the checkpoint. An endpoint answering
// 503, --checkpoint=file:, --shutdown-grace=2s, 20 events, SIGTERM: the exit log says 20 were left, and a
// restart with the endpoint healthy delivers all 20.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';

test('SIGTERM while every send gets 503: nothing recorded as delivered; the restart delivers all 20', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shutdown-checkpoint-'));
  const checkpoint = join(dir, 'checkpoint.json');
  const api = await startFakeApiServer();
  let healthy = false;
  const receiver = await startHttpReceiver(() => (healthy ? { status: 200, body: 'ok' } : { status: 503, body: 'unavailable' }));
  const args = [
    `--source=kubernetes:${api.url}?inClusterConfig=false`,
    '--healthz-ip=127.0.0.1',
    '--healthz-port=0',
    `--checkpoint=file:${checkpoint}`,
    '--shutdown-grace=2s',
    `--sink=webhook:${receiver.url}/hook?method=POST&level=Normal&batch_size=5`,
  ];
  try {
    const first = spawnDaemon(args);
    await waitForOutput(first, /watching for new events/, 30_000);
    const expected = new Set<string>();
    for (let i = 0; i < 20; i++) expected.add(api.createEvent({ reason: `Undelivered${i}` }).reason!);
    // Every event has been tried at least once (and refused) before SIGTERM.
    await waitForOutput(first, /will retry/, 20_000);
    const exited = new Promise<number | null>((r) => first.once('close', (code) => r(code)));
    first.kill('SIGTERM');
    assert.equal(await exited, 0);
    const stderr = first.output().stderr;
    assert.doesNotMatch(stderr, /all queued events delivered/);
    assert.match(stderr, /shutdown grace period ended with 20 events undelivered \(webhook#1: 20\); the checkpoint still points before them/);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { resourceVersion: string };
    assert.ok(Number(saved.resourceVersion) < 1001, `checkpoint ${saved.resourceVersion} is before the first event (1001)`);

    healthy = true;
    const before = receiver.requests.length;
    const second = spawnDaemon(args);
    try {
      await waitForOutput(second, /resuming from checkpoint/, 30_000);
      const delivered = () => new Set(receiver.requests.slice(before).flatMap((r) => [...r.body.matchAll(/Undelivered\d+/g)].map((m) => m[0])));
      const deadline = Date.now() + 30_000;
      while (delivered().size < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual([...delivered()].sort(), [...expected].sort(), 'all 20 delivered after the restart');
    } finally {
      const done = new Promise((r) => second.once('close', r));
      second.kill('SIGTERM');
      await done;
    }
  } finally {
    await receiver.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a leader that loses its Lease with events undelivered exits without touching the checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lost-lease-checkpoint-'));
  const checkpoint = join(dir, 'checkpoint.json');
  const api = await startFakeApiServer({ bookmarkIntervalMs: 600_000 });
  const receiver = await startHttpReceiver(() => ({ status: 503, body: 'unavailable' }));
  const daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      `--checkpoint=file:${checkpoint}`,
      '--leader-elect',
      '--leader-elect-resource-namespace=default',
      '--leader-elect-lease-duration=4s',
      '--leader-elect-renew-deadline=3s',
      '--leader-elect-retry-period=1s',
      `--sink=webhook:${receiver.url}/hook?method=POST&level=Normal`,
    ],
    { POD_NAME: 'eventer-leader' },
  );
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    for (let i = 0; i < 5; i++) api.createEvent({ reason: `Pending${i}` });
    await waitForOutput(daemon, /will retry/, 20_000);
    const deadline = Date.now() + 10_000;
    while (!readableCheckpoint(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = readableCheckpoint(checkpoint);
    assert.ok(before, 'the leader saved its starting position');
    // Another replica takes the Lease (as after a network partition of this one).
    const lease = api.getObject('leases', 'default', 'kube-eventer') as { spec: Record<string, unknown> };
    const now = new Date().toISOString().replace('Z', '000Z');
    api.putObject('leases', { ...lease, spec: { ...lease.spec, holderIdentity: 'eventer-other', acquireTime: now, renewTime: now, leaseDurationSeconds: 60 } });
    const code = await new Promise<number | null>((r) => daemon.once('close', (c) => r(c)));
    assert.equal(code, 1);
    assert.match(daemon.output().stderr, /lost the Lease/);
    assert.equal(readableCheckpoint(checkpoint), before, 'the checkpoint is the one saved before the Lease was lost');
  } finally {
    await stopDaemon(daemon, 'SIGKILL', 'close');
    await receiver.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function readableCheckpoint(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
