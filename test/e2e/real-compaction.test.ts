// A real 410 Gone during a stream: the daemon reaches the real kube-apiserver through a TCP relay the
// test can cut; while it is cut, Events keep coming and etcd is compacted past the daemon's
// resourceVersion, so the resumed watch gets a real 410 Expired and the daemon relists. Every Event
// must be delivered exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveries, eventually, startStream, webhookSink } from './real-cluster.js';
import { relayedCluster } from './relay.js';

const setup = relayedCluster();

test('etcd compacted while the watch is cut during a 20/s stream, twice: real 410s, every Event delivered exactly once', async () => {
  const { cluster, relay } = setup;
  const receiver = await cluster.receiver();
  const daemon = await cluster.startDaemon([await cluster.sourceFlag(relay.url), webhookSink(receiver, 10)]);
  await daemon.waitForLog(/"msg":"Starting eventer"/);
  await eventually('ready', async () => (await fetch(`${daemon.base}/readyz`)).status === 200);

  const stream = startStream(cluster, 20);
  for (let round = 1; round <= 2; round++) {
    const arrived = receiver.requests.length;
    await eventually(`deliveries before cut ${round}`, () => receiver.requests.length >= arrived + 10);
    relay.cut();
    // Events created while the daemon is cut off, then compaction past all of them.
    const cutAt = stream.created.length;
    await eventually('events created while cut', () => stream.created.length >= cutAt + 5);
    await cluster.cp.compact();
    relay.restore();
    await eventually(`410 number ${round} seen`, async () => (await daemon.metric('eventer_watch_expired_total')) >= round, 20_000, () => daemon.logs().slice(-3000));
  }
  const afterRecovery = stream.created.length;
  await eventually('the stream goes on', () => stream.created.length >= afterRecovery + 10);
  const created = await stream.stop();
  const marker = await cluster.createEvent('Marker');
  await eventually('marker delivered', () => deliveries(receiver).has(marker), 20_000);
  await eventually('every Event delivered', () => {
    const seen = deliveries(receiver);
    return created.every((key) => seen.has(key));
  });

  const seen = deliveries(receiver);
  const repeated = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(repeated, [], 'no Event delivered twice');
  assert.equal(seen.size, created.length + 1, 'exactly the streamed Events and the marker');
  assert.equal(await daemon.metric('eventer_watch_relists_total'), 2);
  const recovered = await daemon.metric('eventer_watch_relist_recovered_total', 'type="ADDED"');
  assert.ok(recovered >= 10, `relists recovered ${recovered} Events the watch missed`);
  assert.match(daemon.logs(), /resourceVersion expired \(410\); relisting/);
  console.log(`compaction: ${JSON.stringify({ streamed: created.length, delivered: seen.size, recoveredByRelists: recovered, duplicates: 0 })}`);
});
