// The eventbridge sink against the EventBridge fake, behind the real lane: 1,000 events as
// signed PutEvents requests of 4, each CloudEvent byte-identical to what kube-eventer's SDK sends
// (data checked against Go), per-event failures retried alone, STS renewal, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeEvent } from '../../../src/event/types.js';
import { buildEventBridgeSink } from '../../../src/sinks/eventbridge/sink.js';
import type { SinkParts } from '../../../src/sinks/context.js';
import { testEnvironment } from '../../fixtures/aliyun/environment.js';
import { startEventBridgeFake, type EventBridgeFake } from '../../fixtures/aliyun/eventbridge.js';
import { startMetadataFake } from '../../fixtures/aliyun/metadata.js';
import { writeTokenConfig } from '../../fixtures/aliyun/token-config.js';
import { goEventJson } from '../../fixtures/event-json-oracle/oracle.js';
import { assertConfigError, noAbort, sinkUri, testContext } from '../chat/helpers.js';
import { metric, record, startLane } from '../chat/lane.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvents } from '../data/sample-events.js';

const AK = { id: 'LTAI5tEventBridge01', secret: 'eb-secret-0123456789' };
const ACCOUNT = '1234567890123456';
const env = { AccessKeyId: AK.id, AccessKeySecret: AK.secret, OwnerAccountId: ACCOUNT };

async function fake(): Promise<EventBridgeFake> {
  return startEventBridgeFake({ accountId: ACCOUNT, buses: ['default', 'k8s-bus'], keys: { [AK.id]: { secret: AK.secret } } });
}

function marker(raw: string): number {
  return Number(/evt-(\d+)\./.exec(raw)![1]);
}

async function deliver(built: SinkParts, u: ReturnType<typeof sinkUri>, f: EventBridgeFake, events: readonly KubeEvent[], rejected = 0): Promise<void> {
  const { lane, registry } = startLane(u, built);
  try {
    for (const e of events) lane.offer(record(e));
    await eventually('every event stored', () => f.events.length >= events.length - rejected, 60_000);
    await eventually('the lane settles', () => lane.pending === 0, 10_000);
    assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), events.length - rejected);
    assert.equal(await metric(registry, 'eventer_sink_events_rejected_total'), rejected);
  } finally {
    await lane.drain(2000);
  }
}

const RESOURCES: Record<string, string> = { Pod: 'pods', Node: 'nodes', Deployment: 'deployments', Endpoints: 'endpoints', PodDisruptionBudget: 'poddisruptionbudgets', VolumeSnapshot: 'volumesnapshots', '': '' };

test('eventbridge: 1,000 events in signed requests of 4, each CloudEvent equal byte for byte to kube-eventer\'s (but the id)', async () => {
  const f = await fake();
  try {
    const u = sinkUri(`eventbridge:?clusterId=c0ffee123&regionId=cn-hangzhou&eventBusName=k8s-bus&endpoint=${f.url}`);
    const built = await buildEventBridgeSink(u, testContext(), testEnvironment({ env }));
    const events = sampleEvents(1000);
    await deliver(built, u, f, events);
    assert.ok(f.replies.every((r) => r.status === 200 && r.events <= 4), JSON.stringify(f.replies.find((r) => r.status !== 200 || r.events > 4)));
    assert.equal(f.replies.length, 250, 'kube-eventer\'s 4 events per request');
    assert.equal(f.events.length, 1000);
    const go = await goEventJson(events);
    const ids = new Set<string>();
    for (const { raw, event } of f.events) {
      const i = marker(raw);
      const e = events[i]!;
      const o = e.involvedObject;
      const version = o.apiVersion!.includes('.') && !o.apiVersion!.includes('/') ? `${o.apiVersion}/versionUnknown` : o.apiVersion;
      const when = new Date(Date.parse(e.lastTimestamp ?? e.eventTime!)).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const expected =
        `{"aliyuneventbusname":"k8s-bus","data":${go[i]!.sorted},"datacontenttype":"application/json","id":${JSON.stringify(event.id)},` +
        `"source":"acs.cs","specversion":"1.0","subject":"acs:cs:cn-hangzhou:${ACCOUNT}:c0ffee123/apis/${version}/namespaces/${o.namespace ?? ''}/${RESOURCES[o.kind!]}/${o.name}",` +
        `"time":"${when}","type":"${o.kind ? `cs:k8s:${o.kind}RelatedEvent` : 'cs:k8s:UnknownTypeEvent'}"}`;
      assert.equal(raw, expected, `event ${i}`);
      assert.match(String(event.id), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(String(event.id));
    }
    assert.equal(ids.size, 1000, 'one id per event');
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('eventbridge: per-event failures in a 200 reply — transient ones retried alone, a refused one rejected alone', async () => {
  const f = await fake();
  try {
    const u = sinkUri(`eventbridge:?clusterId=c1&regionId=cn-shanghai&endpoint=${f.url}`);
    const built = await buildEventBridgeSink(u, testContext(), testEnvironment({ env }));
    const events = sampleEvents(40);
    f.failEntries(3, 'InternalError', 'try again');
    await deliver(built, u, f, events);
    assert.equal(new Set(f.events.map((x) => marker(x.raw))).size, 40);
    assert.ok(f.replies.some((r) => r.failed === 3));
    // The lane closed its sink when it drained; send directly through a fresh one.
    const direct = (await buildEventBridgeSink(u, testContext(), testEnvironment({ env }))).sink;
    // One refused entry: only that event is rejected.
    f.failEntries(1, 'InvalidEventData', 'bad data');
    const outcomes = (await direct.send(sampleEvents(4, 100), noAbort)) as Array<{ status: string }>;
    assert.deepEqual(outcomes.map((o) => o.status), ['reject', 'ok', 'ok', 'ok']);
    // A kind too long for the CloudEvent type: that event alone is refused, its neighbours go.
    const long = { ...sampleEvents(1, 200)[0]!, involvedObject: { kind: 'K'.repeat(60), name: 'x' } };
    const mixed = (await direct.send([long, sampleEvents(1, 201)[0]!], noAbort)) as Array<{ status: string; reason?: string }>;
    assert.deepEqual(mixed.map((o) => o.status), ['reject', 'ok']);
    assert.match(mixed[0]!.reason!, /longer than 64/);
    await direct.close();
  } finally {
    await f.close();
  }
});

test('eventbridge: an STS token expiring mid-stream is renewed from ACK\'s token file, nothing lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eb-token-'));
  const md = await startMetadataFake({ region: 'cn-beijing', accountId: ACCOUNT });
  try {
    const path = join(dir, 'token-config');
    const one = { accessKeyId: 'STS.eb1', accessKeySecret: 'eb-sts-secret-1', securityToken: 'eb-token-1', expiresAt: Date.now() + 3_600_000 };
    const two = { accessKeyId: 'STS.eb2', accessKeySecret: 'eb-sts-secret-2', securityToken: 'eb-token-2', expiresAt: Date.now() + 7_200_000 };
    await writeTokenConfig(path, one);
    const keys = { [one.accessKeyId]: { secret: one.accessKeySecret, securityToken: one.securityToken, expiresAt: one.expiresAt }, [two.accessKeyId]: { secret: two.accessKeySecret, securityToken: two.securityToken, expiresAt: two.expiresAt } };
    const g = await startEventBridgeFake({ accountId: ACCOUNT, buses: ['default'], keys });
    try {
      // Region and account id from the metadata service.
      const u = sinkUri(`eventbridge:?clusterId=c2&endpoint=${g.url}&batch_size=20`);
      const built = await buildEventBridgeSink(u, testContext(), testEnvironment({ tokenConfigPath: path, metadataUrl: md.url }));
      const { lane, registry } = startLane(u, built);
      const events = sampleEvents(1000);
      try {
        for (const e of events.slice(0, 500)) lane.offer(record(e));
        await eventually('first half', () => g.events.length >= 500, 30_000);
        await writeTokenConfig(path, two);
        g.expire(one.accessKeyId);
        for (const e of events.slice(500)) lane.offer(record(e));
        await eventually('all', () => g.events.length >= 1000, 30_000);
        await eventually('the lane settles', () => lane.pending === 0, 5000);
        assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 1000);
      } finally {
        await lane.drain(2000);
      }
      assert.equal(new Set(g.events.map((x) => marker(x.raw))).size, 1000);
      const refused = g.replies.filter((r) => r.code === 'InvalidSecurityToken.Expired').length;
      assert.ok(refused >= 1 && refused <= 4, `${refused} refusals: those in flight when the token expired, then the renewed token`);
      assert.ok(g.events.every((x) => String(x.event.subject).startsWith(`acs:cs:cn-beijing:${ACCOUNT}:c2/`)), 'region from metadata in the subject');
      await built.sink.close();
    } finally {
      await g.close();
    }
  } finally {
    await md.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('eventbridge: bad input stops startup naming the option; wrong credentials are named at the first send, secret masked', async () => {
  const f = await fake();
  try {
    const build = (text: string, over: Parameters<typeof testEnvironment>[0] = { env }) => () => buildEventBridgeSink(sinkUri(text), testContext(), testEnvironment(over));
    await assertConfigError(build('eventbridge:?regionId=cn-hangzhou'), /please provide kubernetes cluster id via uri or env \(option clusterId or env ClusterId\)/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou', { env: { AccessKeyId: AK.id, AccessKeySecret: AK.secret } }), /no account id: give option accountId or env OwnerAccountId/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou&accountId=12ab'), /account id "12ab" \(option accountId or env OwnerAccountId\) is not an Alibaba Cloud account id/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-nowhere-1'), /regionId="cn-nowhere-1" \(option regionId\) is not a known Alibaba Cloud region/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou&endpoint=http://h:1/x'), /option endpoint="http:\/\/h:1\/x" must be only a host/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou&endpoint=no-such-host.invalid'), /endpoint host no-such-host.invalid does not exist/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou&eventBusName=bad%20bus'), /eventBusName="bad bus" is not an event bus name/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou', { env: { OwnerAccountId: ACCOUNT } }), /no credentials/);
    await assertConfigError(build('eventbridge:?clusterId=c&regionId=cn-hangzhou&accessKeySecret=lonely-secret-1', { env: { OwnerAccountId: ACCOUNT } }), /accessKeySecret is set but accessKeyId is empty/, 'lonely-secret-1');
    const built = await buildEventBridgeSink(sinkUri(`eventbridge:?clusterId=c&regionId=cn-hangzhou&accessKeyId=${AK.id}&accessKeySecret=not-the-secret-9&endpoint=${f.url}`), testContext(), testEnvironment({ env: { OwnerAccountId: ACCOUNT } }));
    const outcomes = (await built.sink.send(sampleEvents(2), noAbort)) as Array<{ status: string; reason: string }>;
    assert.equal(outcomes[0]!.status, 'retry');
    assert.match(outcomes[0]!.reason, /HTTP 400 SignatureDoesNotMatch/);
    assert.ok(!outcomes[0]!.reason.includes('not-the-secret-9'));
    await built.sink.close();
  } finally {
    await f.close();
  }
});
