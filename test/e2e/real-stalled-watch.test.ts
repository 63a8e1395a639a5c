// Stalled-watch health against a real kube-apiserver: with the watch connected and the API server
// reachable but no Event (and, with the fixture's uncached events, no bookmark) for longer than
// --watch-stall-timeout, /healthz answers 500 with a "stalled" reason; Events flowing make it 200 again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { deliveries, eventually, startRealCluster, webhookSink, type RealCluster } from './real-cluster.js';

const STALL_MS = 3000;
let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

test('/healthz turns 500 "stalled" when the connected watch is silent past --watch-stall-timeout, and 200 once Events flow', async () => {
  const receiver = await cluster.receiver();
  const daemon = await cluster.startDaemon([await cluster.sourceFlag(), webhookSink(receiver, 10), `--watch-stall-timeout=${STALL_MS / 1000}s`]);
  await daemon.waitForLog(/"msg":"Starting eventer"/);
  await eventually('ready', async () => (await fetch(`${daemon.base}/readyz`)).status === 200);
  const healthz = async () => {
    const response = await fetch(`${daemon.base}/healthz`);
    return { status: response.status, body: await response.text() };
  };

  for (let round = 1; round <= 2; round++) {
    const quietFrom = performance.now();
    assert.equal((await healthz()).status, 200, `round ${round}: healthy while events are recent`);
    await eventually(`round ${round}: /healthz 500`, async () => (await healthz()).status === 500, STALL_MS + 5000);
    const stalledAfterMs = performance.now() - quietFrom;
    const stalled = await healthz();
    assert.equal(stalled.status, 500);
    assert.match(stalled.body, /^error: watch: event watch stalled: connected, but no event or bookmark for \d+ s$/);
    assert.ok(stalledAfterMs >= STALL_MS - 500, `stalled after ${stalledAfterMs.toFixed(0)} ms, before the ${STALL_MS} ms bound`);
    // Connected, and the API server answers: the silence is the watch's.
    assert.equal(await daemon.metric('eventer_watch_connected'), 1);
    assert.equal((await cluster.cp.request('GET', '/api/v1/events?limit=1', undefined, cluster.token)).status, 200);

    const key = await cluster.createEvent(`Wake${round}`);
    await eventually(`round ${round}: /healthz 200 again`, async () => (await healthz()).status === 200);
    await eventually(`round ${round}: the Event delivered`, () => deliveries(receiver).has(key));
    console.log(`stall round ${round}: /healthz 500 after ${stalledAfterMs.toFixed(0)} ms of silence (bound ${STALL_MS} ms)`);
  }
  assert.equal(daemon.child.exitCode, null);
});
