// A standby replica (--leader-elect, another replica holds the Lease) that can no longer read the Lease
// is cut off from the API server and could never take over: its /healthz must fail after
// --watch-unhealthy-after, as a leader's does when its watch is down, and pass again once it reads the
// Lease. The daemon runs as a process against the fake API server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { freePort } from '../fixtures/server-process.js';
import { eventually } from '../helpers/eventually.js';
import { spawnDaemon, stopDaemon } from './daemon-process.js';

const NAMESPACE = 'default';

test('a standby that cannot read the Lease fails /healthz and /readyz, and recovers when it can', async () => {
  const api = await startFakeApiServer();
  // Held by a replica that is not running, for an hour: the daemon stays a standby throughout.
  const now = new Date().toISOString().replace(/Z$/, '000Z');
  api.putObject('leases', {
    metadata: { name: 'kube-eventer', namespace: NAMESPACE },
    spec: { holderIdentity: 'other-replica', leaseDurationSeconds: 3600, acquireTime: now, renewTime: now, leaseTransitions: 0 },
  });
  const port = await freePort();
  const daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      '--sink=log',
      '--healthz-ip=127.0.0.1',
      `--healthz-port=${port}`,
      '--leader-elect',
      `--leader-elect-resource-namespace=${NAMESPACE}`,
      '--leader-elect-lease-duration=1s',
      '--leader-elect-renew-deadline=600ms',
      '--leader-elect-retry-period=200ms',
      '--watch-unhealthy-after=1s',
    ],
    { POD_NAME: 'standby-replica' },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    const probe = async (path: string) => {
      const reply = await fetch(`${base}${path}`);
      return { status: reply.status, body: await reply.text() };
    };
    const leaseReads = () => api.requests.filter((r) => r.resource === 'leases' && r.verb === 'get').length;
    await eventually('the standby reads the Lease', () => leaseReads() >= 3, 20_000, () => daemon.output().stderr.slice(-2000));
    assert.deepEqual(await probe('/healthz'), { status: 200, body: 'ok' });
    assert.equal((await probe('/readyz')).status, 200, 'a standby is ready');

    api.failNext(1_000_000, 503, { verb: 'get', message: 'etcdserver: request timed out' });
    await eventually('/healthz fails', async () => (await probe('/healthz')).status === 500, 20_000, () => daemon.output().stderr.slice(-2000));
    const failing = await probe('/healthz');
    assert.match(failing.body, /^error: watch: standby: Lease default\/kube-eventer not read for \d+\.\d s \(last error: get: .*etcdserver: request timed out/);
    assert.equal((await probe('/readyz')).status, 503);

    api.clearFailures();
    await eventually('/healthz passes again', async () => (await probe('/healthz')).status === 200, 20_000, () => daemon.output().stderr.slice(-2000));
    assert.equal((await probe('/readyz')).status, 200);
  } finally {
    await stopDaemon(daemon);
    await api.close();
  }
});
