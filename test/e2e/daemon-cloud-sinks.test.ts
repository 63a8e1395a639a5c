// The daemon as users run it, watching the fake API server, with the sls, eventbridge, honeycomb
// and riemann sinks pointed at their fakes (credentials from the environment, as on a cluster):
// 300 events reach all four, none refused, no secret in the daemon's output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEventBridgeFake, type EventBridgeFake } from '../fixtures/aliyun/eventbridge.js';
import { startSlsFake, type SlsFake } from '../fixtures/aliyun/sls.js';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHoneycombFake, type HoneycombFake } from '../fixtures/honeycomb/server.js';
import { startRiemannPeer, type RiemannPeer } from '../fixtures/riemann/peer.js';
import { eventually } from '../helpers/eventually.js';
import { spawnDaemon, stopDaemon, waitUntilReady } from './daemon-process.js';

const AK = { id: 'LTAI5tDaemonE2e0001', secret: 'daemonE2eAccessKeySecret01' };
const WRITE_KEY = 'hcaik_daemonE2eWriteKey0123456789';
const ACCOUNT = '1234567890123456';

let api: FakeApiServer;
let sls: SlsFake;
let eventbridge: EventBridgeFake;
let honeycomb: HoneycombFake;
let riemann: RiemannPeer;
let daemon: ReturnType<typeof spawnDaemon>;

before(async () => {
  api = await startFakeApiServer();
  sls = await startSlsFake({ region: 'cn-hangzhou', projects: { 'k8s-log-c1': ['k8s-event'] }, keys: { [AK.id]: { secret: AK.secret } } });
  eventbridge = await startEventBridgeFake({ accountId: ACCOUNT, buses: ['default'], keys: { [AK.id]: { secret: AK.secret } } });
  honeycomb = await startHoneycombFake([WRITE_KEY]);
  riemann = await startRiemannPeer();
  daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      '--sink=sls:https://sls.aliyuncs.com?project=k8s-log-c1&logStore=k8s-event&topic=k8s-cluster-c1&label=cluster,c1',
      `--sink=eventbridge:?clusterId=c1&endpoint=${eventbridge.url}`,
      `--sink=honeycomb:?writekey=${WRITE_KEY}&dataset=k8s&apihost=${honeycomb.url}`,
      `--sink=riemann:tcp://127.0.0.1:${riemann.port}?tags=e2e`,
    ],
    {
      TZ: 'Asia/Shanghai',
      RegionId: 'cn-hangzhou',
      AccessKeyId: AK.id,
      AccessKeySecret: AK.secret,
      OwnerAccountId: ACCOUNT,
      SLS_ENDPOINT: sls.url,
      ALIBABA_CLOUD_IMDS_ENDPOINT: 'http://127.0.0.1:9',
    },
  );
  await waitUntilReady(daemon);
});

after(async () => {
  await stopDaemon(daemon);
  await Promise.all([api?.close(), sls?.close(), eventbridge?.close(), honeycomb?.close(), riemann?.stop()]);
});

test('300 events from the API server reach the sls, eventbridge, honeycomb and riemann fakes; no secret logged', async (t) => {
  const started = Date.now();
  for (let i = 0; i < 300; i++) {
    api.createEvent({ type: i % 3 === 0 ? 'Warning' : 'Normal', reason: 'Unhealthy', message: `Readiness probe failed (evt-${i}.)`, metadata: { namespace: 'prod' }, involvedObject: { kind: 'Pod', namespace: 'prod', name: `api-${i}` } });
  }
  const seen = (texts: string[]) => new Set(texts.map((s) => /evt-(\d+)\./.exec(s)?.[1]).filter((x) => x !== undefined)).size;
  await eventually(
    'every event at all four',
    () =>
      seen(sls.logs.map((l) => l.contents[0]![1])) === 300 &&
      seen(eventbridge.events.map((e) => e.raw)) === 300 &&
      seen(honeycomb.events.map((e) => String(e.data.message))) === 300 &&
      seen(riemann.events.map((e) => e.description ?? '')) === 300,
    60_000,
  );
  t.diagnostic(`all 300 events at four sinks within ${Date.now() - started} ms; sls ${sls.replies.length} requests, eventbridge ${eventbridge.replies.length}, honeycomb ${honeycomb.batches.length}, riemann ${riemann.messages} messages`);
  assert.ok(sls.replies.every((r) => r.status === 200));
  assert.ok(eventbridge.replies.every((r) => r.status === 200 && r.failed === 0));
  assert.ok(honeycomb.batches.every((b) => b.status === 200));
  assert.ok(sls.logs.every((l) => l.topic === 'k8s-cluster-c1' && l.contents.at(-1)![0] === 'cluster'));
  const { stdout, stderr } = daemon.output();
  for (const secret of [AK.secret, WRITE_KEY]) assert.ok(!(stdout + stderr).includes(secret), `${secret} in the daemon's output`);
  for (const name of ['SLSSink', 'EventBridgeSink', 'Honeycomb Sink', 'Riemann Sink']) assert.ok(stderr.includes(name) || stdout.includes(name), `${name} not started`);
});
