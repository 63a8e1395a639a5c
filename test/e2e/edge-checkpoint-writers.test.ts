// Issue 9 item 10: `--checkpoint=configmap:` shared by two replicas without `--leader-elect` (both deliver
// everything and overwrite each other's positions). The second replica warns at startup; the first warns
// when the second's write collides with its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

const WARNING = /another replica writes checkpoint ConfigMap default\/eventer-cp[^"]*--leader-elect/;

test('two replicas share a ConfigMap checkpoint without --leader-elect: both warn, naming the other writer', async () => {
  const api = await startFakeApiServer();
  const args = [`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log', '--checkpoint=configmap:default/eventer-cp'];
  const first = spawnDaemon(args, { POD_NAME: 'eventer-aaaa' });
  let second: ReturnType<typeof spawnDaemon> | undefined;
  try {
    await waitForOutput(first, /watching for new events/, 30_000);
    api.createEvent({ reason: 'FirstWrites' });
    await waitForOutput(first, /FirstWrites/, 10_000);
    const saved = () => String((api.getObject('configmaps', 'default', 'eventer-cp') as { data?: Record<string, string> } | undefined)?.data?.['checkpoint.json'] ?? '');
    const deadline = Date.now() + 10_000;
    while (!saved().includes('eventer-aaaa') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(saved(), /"writer":"eventer-aaaa"/, 'the checkpoint names its writer');
    assert.doesNotMatch(first.output().stderr, WARNING, 'one replica alone: no warning');

    second = spawnDaemon(args, { POD_NAME: 'eventer-bbbb' });
    await waitForOutput(second, WARNING, 30_000);
    assert.match(second.output().stderr, /"writer":"eventer-aaaa"/);
    // Once the second has saved, the first's next save collides with it.
    const until = Date.now() + 20_000;
    while (!saved().includes('eventer-bbbb') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.match(saved(), /"writer":"eventer-bbbb"/);
    for (let i = 0; i < 5; i++) api.createEvent({ reason: `Both${i}` });
    await waitForOutput(first, WARNING, 30_000);
    assert.match(first.output().stderr, /"writer":"eventer-bbbb"/);
  } finally {
    for (const d of [first, second]) {
      if (d === undefined || d.exitCode !== null) continue;
      const exited = new Promise((r) => d.once('close', r));
      d.kill('SIGTERM');
      await exited;
    }
    await api.close();
  }
});

test('with --leader-elect, a ConfigMap checkpoint written by another replica is no cause for a warning', async () => {
  const api = await startFakeApiServer();
  api.putObject('configmaps', {
    metadata: { namespace: 'default', name: 'eventer-cp' },
    data: { 'checkpoint.json': JSON.stringify({ version: 1, resourceVersion: api.resourceVersion, sinks: {}, updatedAt: new Date().toISOString(), writer: 'eventer-old' }) },
  });
  const daemon = spawnDaemon(
    [`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log', '--checkpoint=configmap:default/eventer-cp', '--leader-elect', '--leader-elect-resource-namespace=default'],
    { POD_NAME: 'eventer-new' },
  );
  try {
    await waitForOutput(daemon, /resuming from checkpoint/, 30_000);
  } finally {
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
    await api.close();
  }
  assert.doesNotMatch(daemon.output().stderr, WARNING);
});
