// The sls sink against the Log Service fake, behind the real lane: 1,000 events delivered with
// verified v4 signatures and kube-eventer's contents (eventId checked byte for byte against Go),
// oversized batches split (never a 413), STS tokens renewed from ACK's token file and the ECS RAM
// role without losing events, and bad input stopping startup with the option named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeEvent } from '../../../src/event/types.js';
import { REFRESH_MARGIN_MS } from '../../../src/sinks/aliyun/credentials.js';
import { encodeLog, encodeLogGroup, SLS_MAX_LOGS, SLS_MAX_RAW_BYTES } from '../../../src/sinks/sls/encoder.js';
import { buildSlsSink, type SlsClient } from '../../../src/sinks/sls/sink.js';
import type { SinkParts } from '../../../src/sinks/context.js';
import { testEnvironment } from '../../fixtures/aliyun/environment.js';
import { startMetadataFake } from '../../fixtures/aliyun/metadata.js';
import { startSlsFake, type SlsFake, type StoredLog } from '../../fixtures/aliyun/sls.js';
import { writeTokenConfig } from '../../fixtures/aliyun/token-config.js';
import { goEventJson } from '../../fixtures/event-json-oracle/oracle.js';
import { assertConfigError, sinkUri, testContext } from '../chat/helpers.js';
import { metric, record, startLane } from '../chat/lane.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvents } from '../data/sample-events.js';

const AK = { id: 'LTAI5tTestKeyId0001', secret: 'sls-secret-0123456789abcdef' };

async function fake(): Promise<SlsFake> {
  return startSlsFake({ region: 'cn-hangzhou', projects: { 'k8s-events': ['eventer'] }, keys: { [AK.id]: { secret: AK.secret } } });
}

function uri(f: SlsFake, extra = ''): ReturnType<typeof sinkUri> {
  return sinkUri(`sls:https://sls.aliyuncs.com?project=k8s-events&logStore=eventer&regionId=cn-hangzhou&endpoint=${f.url}${extra}`);
}

/** Delivers `events` through the real lane and waits until the fake holds them all. */
async function deliver(built: SinkParts, u: ReturnType<typeof sinkUri>, f: SlsFake, events: readonly KubeEvent[]): Promise<void> {
  const { lane, registry } = startLane(u, built);
  try {
    for (const e of events) lane.offer(record(e));
    await eventually('every event stored', () => f.logs.length >= events.length, 60_000);
    await eventually('the lane settles', () => lane.pending === 0, 5000);
    assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), events.length);
    assert.equal(await metric(registry, 'eventer_sink_events_rejected_total'), 0);
  } finally {
    await lane.drain(2000);
  }
}

/** An LZ4 block holding `data` as one run of literals (length 15 + 255s + rest, as the format extends it). */
function lz4Literals(data: Buffer): Buffer {
  const ext: number[] = [];
  for (let n = data.length - 15; ; n -= 255) {
    ext.push(Math.min(n, 255));
    if (n < 255) break;
  }
  return Buffer.concat([Buffer.from([0xf0, ...ext]), data]);
}

function marker(log: StoredLog): number {
  const eventId = log.contents.find(([k]) => k === 'eventId')![1];
  return Number(/evt-(\d+)\./.exec(eventId)![1]);
}

test('sls: 1,000 events through the lane, signature v4 verified, contents equal to kube-eventer\'s field by field', async () => {
  const f = await fake();
  try {
    const u = uri(f, '&topic=k8s&label=cluster,prod-1&label=team,sre');
    const built = await buildSlsSink(u, testContext(), testEnvironment({ env: { AccessKeyId: AK.id, AccessKeySecret: AK.secret } }));
    const events = sampleEvents(1000);
    await deliver(built, u, f, events);
    const posts = f.replies.filter((r) => r.method === 'POST');
    assert.ok(posts.every((r) => r.status === 200 && r.signature === 'v4' && r.compressType === 'deflate'), JSON.stringify(posts.find((r) => r.status !== 200)));
    assert.equal(f.logs.length, 1000, 'each event stored once');
    const go = await goEventJson(events);
    for (const log of f.logs) {
      const i = marker(log);
      const e = events[i]!;
      const expected: Array<[string, string]> = [
        ['eventId', go[i]!.indent],
        ['hostname', e.source?.host ?? ''],
        ['level', e.type ?? ''],
        ...(e.involvedObject.kind === 'Pod' ? ([['pod_id', e.involvedObject.uid!], ['pod_name', e.involvedObject.name!]] as Array<[string, string]>) : []),
        ['cluster', 'prod-1'],
        ['team', 'sre'],
      ];
      assert.deepEqual(log.contents, expected, `event ${i}`);
      const when = e.lastTimestamp ?? e.eventTime!;
      assert.equal(log.time, Math.floor(Date.parse(when) / 1000), `event ${i} time`);
      assert.equal(log.topic, 'k8s');
      assert.equal(log.source, '');
    }
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('sls: a batch far over the 10 MiB limit is split into accepted requests — never a 413', async () => {
  const f = await fake();
  try {
    const u = uri(f, '&batch_size=1000');
    const built = await buildSlsSink(u, testContext(), testEnvironment({ env: { AccessKeyId: AK.id, AccessKeySecret: AK.secret } }));
    const big = 'x'.repeat(30_000);
    const events = sampleEvents(1000).map((e) => ({ ...e, message: `${e.message} ${big}` }));
    await deliver(built, u, f, events);
    const posts = f.replies.filter((r) => r.method === 'POST');
    assert.ok(posts.length >= 6, `${posts.length} requests for ~60 MB of raw logs`);
    assert.ok(posts.every((r) => r.status === 200 && r.rawSize <= SLS_MAX_RAW_BYTES), JSON.stringify(posts.map((r) => [r.status, r.rawSize])));
    assert.equal(new Set(f.logs.map(marker)).size, 1000);
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('sls fake: enforces the raw-size and count limits with the service\'s error codes', async () => {
  const f = await fake();
  try {
    const u = uri(f);
    const ctx = testContext();
    const built = await buildSlsSink(u, ctx, testEnvironment({ env: { AccessKeyId: AK.id, AccessKeySecret: AK.secret } }));
    // Bypass the sink's split: one LogGroup of 11 MiB, then one of 4097 logs.
    const client = (built.sink as unknown as { client: SlsClient }).client;
    const huge = encodeLog({ ...sampleEvents(1)[0]!, message: 'y'.repeat(11 * 1024 * 1024) }, []);
    const tooBig = await client.putLogs(encodeLogGroup([huge], ''), new AbortController().signal);
    assert.equal(tooBig.status, 'reject');
    assert.match((tooBig as { reason: string }).reason, /HTTP 413 PostBodyTooLarge: body size \d+ must little than 10485760/);
    const small = encodeLog(sampleEvents(1)[0]!, []);
    const tooMany = await client.putLogs(encodeLogGroup(new Array(SLS_MAX_LOGS + 1).fill(small), ''), new AbortController().signal);
    assert.equal(tooMany.status, 'reject');
    assert.match((tooMany as { reason: string }).reason, /HTTP 400 InvalidLogSize/);
    // lz4 bodies (kube-eventer's producer compresses with LZ4): a literal-only LZ4 block is valid LZ4.
    const raw = encodeLogGroup([small, small], 'lz4-topic');
    const lz4 = lz4Literals(raw);
    const before = f.logs.length;
    const reply = await client.request('POST', '/logstores/eventer/shards/lb', lz4, { 'content-type': 'application/x-protobuf', 'x-log-bodyrawsize': String(raw.length), 'x-log-compresstype': 'lz4' });
    assert.equal(reply.status, 200, reply.body);
    assert.deepEqual(f.logs.slice(before).map((l) => l.topic), ['lz4-topic', 'lz4-topic']);
    const wrongSize = await client.request('POST', '/logstores/eventer/shards/lb', lz4, { 'content-type': 'application/x-protobuf', 'x-log-bodyrawsize': String(raw.length + 1), 'x-log-compresstype': 'lz4' });
    assert.equal(wrongSize.status, 400);
    // The sink itself rejects only the event too large for any request, and delivers its neighbours.
    const outcomes = (await built.sink.send([sampleEvents(1)[0]!, { ...sampleEvents(2)[1]!, message: 'z'.repeat(11 * 1024 * 1024) }], new AbortController().signal)) as Array<{ status: string }>;
    assert.deepEqual(outcomes.map((o) => o.status), ['ok', 'reject']);
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('sls: ACK token file — an STS token the service calls expired mid-stream is renewed from the file, nothing lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sls-token-'));
  const f = await fake();
  try {
    const path = join(dir, 'token-config');
    const first = { accessKeyId: 'STS.first0001', accessKeySecret: 'first-secret-xyz', securityToken: 'token-one-CAIS', expiresAt: Date.now() + 3_600_000 };
    const second = { accessKeyId: 'STS.second002', accessKeySecret: 'second-secret-xyz', securityToken: 'token-two-CAIS', expiresAt: Date.now() + 7_200_000 };
    f.addKey(first.accessKeyId, { secret: first.accessKeySecret, securityToken: first.securityToken, expiresAt: first.expiresAt });
    f.addKey(second.accessKeyId, { secret: second.accessKeySecret, securityToken: second.securityToken, expiresAt: second.expiresAt });
    await writeTokenConfig(path, first);
    const u = uri(f, '&batch_size=50');
    const built = await buildSlsSink(u, testContext(), testEnvironment({ tokenConfigPath: path }));
    const { lane, registry } = startLane(u, built);
    const events = sampleEvents(1000);
    try {
      for (const e of events.slice(0, 500)) lane.offer(record(e));
      await eventually('first half stored', () => f.logs.length >= 500, 30_000);
      // ACK rotates the file; the old token then expires at the service before the sink's own check.
      await writeTokenConfig(path, second);
      f.expire(first.accessKeyId);
      for (const e of events.slice(500)) lane.offer(record(e));
      await eventually('every event stored', () => f.logs.length >= 1000, 30_000);
      await eventually('the lane settles', () => lane.pending === 0, 5000);
      assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 1000);
    } finally {
      await lane.drain(2000);
    }
    assert.equal(new Set(f.logs.map(marker)).size, 1000, 'no event lost');
    const expired = f.replies.filter((r) => r.code === 'Unauthorized');
    assert.equal(expired.length, 1, 'one refusal, then the renewed token');
    await built.sink.close();
  } finally {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('sls: credentials that expired and cannot be renewed give a retry with the reason, never a crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sls-token-'));
  const f = await fake();
  try {
    const path = join(dir, 'token-config');
    const creds = { accessKeyId: 'STS.gone0001', accessKeySecret: 'gone-secret-xyz', securityToken: 'gone-token', expiresAt: Date.now() + 3_600_000 };
    f.addKey(creds.accessKeyId, { secret: creds.accessKeySecret, securityToken: creds.securityToken, expiresAt: creds.expiresAt });
    await writeTokenConfig(path, creds);
    let skew = 0;
    const built = await buildSlsSink(uri(f), testContext(), testEnvironment({ tokenConfigPath: path, now: () => Date.now() + skew }));
    await rm(path);
    skew = 2 * 3_600_000;
    const outcomes = (await built.sink.send(sampleEvents(2), new AbortController().signal)) as Array<{ status: string; reason: string }>;
    assert.deepEqual(outcomes.map((o) => o.status), ['retry', 'retry']);
    assert.match(outcomes[0]!.reason, /cannot renew credentials from ACK's token file \/\S+\/token-config: \/\S+\/token-config: ENOENT/);
    await built.sink.close();
  } finally {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('sls: a clock 20 minutes off is refused as RequestTimeTooSkewed and retried, not rejected', async () => {
  const f = await fake();
  try {
    const built = await buildSlsSink(uri(f), testContext(), testEnvironment({ env: { AccessKeyId: AK.id, AccessKeySecret: AK.secret }, now: () => Date.now() + 20 * 60_000 }));
    const outcomes = (await built.sink.send(sampleEvents(1), new AbortController().signal)) as Array<{ status: string; reason: string }>;
    assert.equal(outcomes[0]!.status, 'retry');
    assert.match(outcomes[0]!.reason, /HTTP 400 RequestTimeTooSkewed/);
    await built.sink.close();
  } finally {
    await f.close();
  }
});

test('sls: ECS RAM role — credentials expiring within the refresh margin are renewed before sending (no refusal)', async () => {
  const f = await fake();
  const soon = { accessKeyId: 'STS.role0001', accessKeySecret: 'role-secret-one', securityToken: 'role-token-one', expiresAt: Date.now() + REFRESH_MARGIN_MS - 60_000 };
  const later = { accessKeyId: 'STS.role0002', accessKeySecret: 'role-secret-two', securityToken: 'role-token-two', expiresAt: Date.now() + 3_600_000 };
  const md = await startMetadataFake({ region: 'cn-hangzhou', role: 'KubeEventerRole', credentials: soon });
  try {
    f.addKey(soon.accessKeyId, { secret: soon.accessKeySecret, securityToken: soon.securityToken, expiresAt: soon.expiresAt });
    f.addKey(later.accessKeyId, { secret: later.accessKeySecret, securityToken: later.securityToken, expiresAt: later.expiresAt });
    // No regionId option: the region comes from the metadata service too.
    const u = sinkUri(`sls:?project=k8s-events&logStore=eventer&endpoint=${f.url}`);
    let skew = 0;
    const built = await buildSlsSink(u, testContext(), testEnvironment({ metadataUrl: md.url, now: () => Date.now() + skew }));
    // The role rotates its credentials; the sink looks again once its re-check interval has passed.
    md.credentials = later;
    skew = 31_000;
    await deliver(built, u, f, sampleEvents(200));
    const posts = f.replies.filter((r) => r.method === 'POST');
    assert.ok(posts.length > 0 && posts.every((r) => r.status === 200 && r.accessKeyId === later.accessKeyId), 'renewed before the first send');
    await built.sink.close();
  } finally {
    await f.close();
    await md.close();
  }
});

test('sls fake: also verifies signature v1 (LOG <id>:<HMAC-SHA1>) with Content-MD5, as older SDKs sign', async () => {
  const f = await fake();
  try {
    const raw = encodeLogGroup([encodeLog(sampleEvents(1)[0]!, [])], 'v1');
    const send = async (secret: string) => {
      const headers: Record<string, string> = {
        'content-type': 'application/x-protobuf',
        'content-md5': createHash('md5').update(raw).digest('hex').toUpperCase(),
        date: new Date().toUTCString(),
        host: 'k8s-events.cn-hangzhou.log.aliyuncs.com',
        'x-log-apiversion': '0.6.0',
        'x-log-bodyrawsize': String(raw.length),
        'x-log-signaturemethod': 'hmac-sha1',
      };
      const canonical = Object.keys(headers).filter((h) => h.startsWith('x-log-')).sort().map((h) => `${h}:${headers[h]}`).join('\n');
      const toSign = `POST\n${headers['content-md5']}\napplication/x-protobuf\n${headers.date}\n${canonical}\n/logstores/eventer/shards/lb`;
      headers.authorization = `LOG ${AK.id}:${createHmac('sha1', secret).update(toSign).digest('base64')}`;
      // node:http, because fetch does not let a caller set Host.
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(`${f.url}/logstores/eventer/shards/lb`, { method: 'POST', headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(raw);
      });
    };
    const good = await send(AK.secret);
    assert.equal(good.status, 200, good.body);
    const wrong = await send('not-the-secret');
    assert.equal(wrong.status, 401);
    assert.equal((JSON.parse(wrong.body) as { errorCode: string }).errorCode, 'SignatureNotMatch');
    assert.deepEqual(f.replies.map((r) => r.signature), ['v1', 'v1']);
    assert.equal(f.logs.at(-1)!.topic, 'v1');
  } finally {
    await f.close();
  }
});

test('sls: bad input stops startup naming the option, secrets masked', async () => {
  const f = await fake();
  try {
    const env = { AccessKeyId: AK.id, AccessKeySecret: AK.secret };
    const build = (text: string, over: Parameters<typeof testEnvironment>[0] = { env }) => () => buildSlsSink(sinkUri(text), testContext(), testEnvironment(over));
    const base = `sls:?project=k8s-events&logStore=eventer&regionId=cn-hangzhou&endpoint=${f.url}`;
    await assertConfigError(build(`sls:?logStore=eventer&regionId=cn-hangzhou`), /please provide project name of sls\. \(option project\)/);
    await assertConfigError(build(`sls:?project=k8s-events&regionId=cn-hangzhou`), /please provide logStore name of sls\. \(option logStore\)/);
    await assertConfigError(build(`${base}&accessKeyId=${AK.id}&accessKeySecret=wrong-secret-123`, {}), /refused the credentials from the accessKeyId\/accessKeySecret pair \(accessKeyId LTAI\*\*\*\): SignatureNotMatch/, 'wrong-secret-123');
    await assertConfigError(build(`${base}&accessKeyId=LTAIunknown999&accessKeySecret=some-secret-999`, {}), /Unauthorized: AccessKeyId not found: LTAIunknown999 \(check accessKeyId and accessKeySecret\)/, 'some-secret-999');
    await assertConfigError(build(`${base}&accessKeyId=${AK.id}`, {}), /accessKeyId is set but accessKeySecret is empty/);
    await assertConfigError(build(base, {}), /no credentials: give accessKeyId and accessKeySecret/);
    await assertConfigError(build(`sls:?project=k8s-events&logStore=eventer&regionId=cn-atlantis-9`), /regionId="cn-atlantis-9" \(option regionId\) is not a known Alibaba Cloud region/);
    await assertConfigError(build(`sls:?project=k8s-events&logStore=eventer`, { env, metadataUrl: 'http://127.0.0.1:9' }), /no region: give option regionId/);
    await assertConfigError(build(`sls:?project=k8s-events&logStore=eventer&regionId=cn-hangzhou&endpoint=ftp://x`), /option endpoint="ftp:\/\/x": scheme must be http or https/);
    await assertConfigError(build(`sls:?project=k8s-events&logStore=eventer&regionId=cn-hangzhou`, { env: { ...env, SLS_ENDPOINT: 'http://h/path' } }), /env SLS_ENDPOINT="http:\/\/h\/path" must be only a host/);
    await assertConfigError(build(`sls:?project=k8s-events&logStore=eventer&regionId=cn-hangzhou&endpoint=no-such-host.invalid`), /endpoint host k8s-events.no-such-host.invalid does not exist/);
    await assertConfigError(build(`sls:?project=other-proj&logStore=eventer&regionId=cn-hangzhou&endpoint=${f.url}`), /option project="other-proj" does not exist/);
    await assertConfigError(build(`${base.replace('eventer', 'missing')}`), /option logStore="missing" does not exist/);
    await assertConfigError(build(`${base}&label=onlykey`), /option label="onlykey" must be key,value/);
    await assertConfigError(build(`${base}&internal=maybe`), /option internal="maybe" is not a boolean/);
    await assertConfigError(build(`${base}&logstore=typo`), /unknown option "logstore"/);
  } finally {
    await f.close();
  }
});
