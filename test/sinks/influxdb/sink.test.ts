// The influxdb sink against a real InfluxDB 1.x (Debian's influxd, one private instance for this file)
// and against a fake of InfluxDB 2.x's /api/v2/write: payload bytes, 1,000 events read back, both
// measurement layouts, retention policies, a 20 s outage, a dropped database, and startup errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../../src/base/errors.js';
import { eventJsonIndent } from '../../../src/event/event-json.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodePoint } from '../../../src/sinks/influxdb/encoder.js';
import { createInfluxSink } from '../../../src/sinks/influxdb/sink.js';
import { InfluxServer } from '../../fixtures/influxdb/server.js';
import { FakeInfluxV2 } from '../../fixtures/influxdb/v2-fake.js';
import { metricSum, sinkContext, sinkUri, startLane, stream, streamEvent } from '../data/helpers.js';
import { eventually } from '../../helpers/eventually.js';

describe('InfluxDB 1.x (real server)', () => {
  let influx: InfluxServer;
  before(async () => {
    // kube-eventer's default credentials are root/root: an admin of that name makes the defaults work.
    influx = await InfluxServer.start({ admin: { user: 'root', password: 'root' } });
  });
  after(async () => {
    await influx?.stop();
  });

  async function deliver(query: string, events: readonly KubeEvent[]) {
    const uri = sinkUri(`influxdb:${influx.url}?${query}`);
    const built = await createInfluxSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    await stream(lane, events);
    await eventually('all settled', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) + (await metricSum(registry, 'eventer_sink_events_rejected_total')) >= events.length, 30_000);
    await lane.drain(5000);
    return registry;
  }

  test('1,000 events with the defaults: database k8s, policy default, every point as kube-eventer writes it', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));
    await deliver('', events);
    const rows = await influx.rows('k8s', 'log/events');
    assert.equal(rows.length, 1000);
    const byUid = new Map(rows.map((r) => [r.uid as string, r]));
    assert.equal(byUid.size, 1000);
    for (const e of events) {
      const row = byUid.get(e.metadata.uid!)!;
      assert.equal(row.value, eventJsonIndent(e));
      assert.equal(row.cluster_name, 'default');
      assert.equal(row.hostname, e.source?.host ?? null);
      assert.equal(row.pod_name, e.involvedObject.kind === 'Pod' ? e.involvedObject.name : null);
      const when = e.lastTimestamp ?? e.eventTime!;
      assert.equal(row.time, when, 'the event time in UTC');
    }
    const policies = await influx.query('k8s', 'SHOW RETENTION POLICIES ON "k8s"');
    assert.deepEqual(
      policies[0]!.values.map((v) => [v[0], v[1], v[4]]),
      [['default', '0s', true]],
      'created as kube-eventer creates it: WITH NAME "default", kept forever',
    );
  });

  test('an event InfluxDB cannot store (time before 1677) is refused and counted; the others of its write are stored', async () => {
    const events = Array.from({ length: 5 }, (_, i) => streamEvent(5000 + i));
    events[2] = { ...events[2]!, lastTimestamp: '1600-01-01T00:00:00Z' };
    const registry = await deliver('db=range', events);
    assert.equal(await metricSum(registry, 'eventer_sink_events_rejected_total'), 1);
    assert.equal(await metricSum(registry, 'eventer_sink_events_sent_total'), 4);
    const rows = await influx.rows('range', 'log/events');
    assert.deepEqual(rows.map((r) => r.uid).sort(), events.filter((_, i) => i !== 2).map((e) => e.metadata.uid).sort());
  });

  test('withfields=true, db and cluster_name; an existing database without a "default" policy gets one', async () => {
    await influx.query('', 'CREATE DATABASE "ops"', 'POST');
    const events = Array.from({ length: 50 }, (_, i) => streamEvent(i));
    await deliver('db=ops&withfields=true&cluster_name=east', events);
    const rows = await influx.rows('ops', 'events', 'default');
    assert.equal(rows.length, 50);
    const row = rows.find((r) => r.uid === 'uid-0')!;
    assert.deepEqual(
      { ...row, time: undefined },
      { time: undefined, cluster_name: 'east', component: 'kubelet', hostname: 'node-0', kind: 'Pod', message: events[0]!.message, namespace_name: 'prod', object_name: 'api-0', pod_id: 'pod-uid-0', reason: 'BackOff', type: 'Warning', uid: 'uid-0' },
    );
    const policies = (await influx.query('ops', 'SHOW RETENTION POLICIES ON "ops"'))[0]!.values.map((v) => v[0]);
    assert.deepEqual(policies.sort(), ['autogen', 'default']);
  });

  test('rp and retention: written to that policy, created with that duration', async () => {
    await deliver('db=short&rp=week&retention=168h', [streamEvent(1)]);
    const policies = (await influx.query('short', 'SHOW RETENTION POLICIES ON "short"'))[0]!.values;
    assert.deepEqual(policies.map((v) => [v[0], v[1]]), [['week', '168h0m0s']]);
    assert.equal((await influx.query('short', 'SELECT count(*) FROM "short"."week"."log/events"'))[0]!.values[0]![1], 1);
  });

  test('the database dropped while running: made again, nothing lost', async () => {
    const uri = sinkUri(`influxdb:${influx.url}?db=dropme`);
    const built = await createInfluxSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    await stream(lane, [streamEvent(1)]);
    await eventually('first', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 1, 10_000);
    await influx.query('', 'DROP DATABASE "dropme"', 'POST');
    await stream(lane, [streamEvent(2), streamEvent(3)]);
    await eventually('after drop', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 3, 10_000);
    assert.equal((await influx.rows('dropme', 'log/events')).length, 2);
    assert.ok((await metricSum(registry, 'eventer_sink_events_retried_total')) >= 1);
    await lane.drain(1000);
  });

  test('influxd stopped for 20 s during a 1,000-event stream: every event arrives', { timeout: 120_000 }, async (t) => {
    const uri = sinkUri(`influxdb:${influx.url}?db=outage`);
    const built = await createInfluxSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));
    await stream(lane, events.slice(0, 400));
    await eventually('first points', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) >= 200, 10_000);
    await influx.stopProcess();
    const downAt = Date.now();
    await stream(lane, events.slice(400), 50, 200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - downAt))));
    const sentBeforeRestart = await metricSum(registry, 'eventer_sink_events_sent_total');
    assert.ok(sentBeforeRestart < 1000);
    await influx.startProcess();
    await eventually('all sent', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 1000, 60_000);
    const rows = await influx.rows('outage', 'log/events');
    assert.equal(new Set(rows.map((r) => r.uid)).size, 1000);
    t.diagnostic(`points stored ${rows.length} for 1000 events (a resent point overwrites itself: same series and time); retries ${await metricSum(registry, 'eventer_sink_events_retried_total')}`);
    await lane.drain(1000);
  });

  test('a user who may only write to an existing database (no admin, no read) works, as with kube-eventer', async () => {
    await influx.query('', 'CREATE DATABASE "writeonly" WITH NAME "default"', 'POST');
    await influx.query('', `CREATE USER "writer" WITH PASSWORD 'Writer-pw-7'`, 'POST');
    await influx.query('', 'GRANT WRITE ON "writeonly" TO "writer"', 'POST');
    const events = Array.from({ length: 20 }, (_, i) => streamEvent(i));
    const registry = await deliver('db=writeonly&user=writer&pw=Writer-pw-7', events);
    assert.equal(await metricSum(registry, 'eventer_sink_events_sent_total'), events.length);
    assert.equal((await influx.rows('writeonly', 'log/events')).length, events.length);
  });

  test('bad input at startup: one message naming the option, password masked', async () => {
    await assert.rejects(createInfluxSink(sinkUri(`influxdb:${influx.url}?user=root&pw=Wr0ng-secret`), sinkContext()), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /refused the credentials \(HTTP 401; check options user and pw\)/);
      assert.ok(!e.message.includes('Wr0ng-secret'));
      return true;
    });
    await assert.rejects(createInfluxSink(sinkUri(`influxdb:${influx.url}?db=x&rp=r&retention=30m`), sinkContext()), /option retention="30m" is shorter than InfluxDB's minimum of 1h/);
    // A user without rights: the server refuses to create the database.
    await influx.query('', `CREATE USER "viewer" WITH PASSWORD 'Viewer-pw-7'`, 'POST');
    await assert.rejects(createInfluxSink(sinkUri(`influxdb:${influx.url}?db=denied&user=viewer&pw=Viewer-pw-7`), sinkContext()), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /cannot use database "denied" \(option db\): .*(admin|authoriz)/);
      assert.ok(!e.message.includes('Viewer-pw-7'));
      return true;
    });
  });
});

describe('bad input', () => {
  const cases: Array<[string, RegExp]> = [
    ['influxdb:ftp://h:8086', /scheme "ftp" is not supported/],
    ['influxdb:http://h:8086?withfields=maybe', /option withfields="maybe" is not a boolean/],
    ['influxdb:http://h:8086?retention=soon', /option retention="soon" must be a duration/],
    ['influxdb:http://h:8086?bucket=b&db=k8s', /option db is for InfluxDB 1\.x/],
    ['influxdb:http://h:8086?token=t&org=o', /needs option bucket/],
    ['influxdb:http://h:8086?databse=x', /unknown option "databse"/],
  ];
  for (const [value, expected] of cases) {
    test(value, async () => {
      await assert.rejects(createInfluxSink(sinkUri(value), sinkContext()), (e: Error) => e instanceof ConfigError && expected.test(e.message));
    });
  }

  test('unreachable at startup names the server, never the password', async () => {
    await assert.rejects(createInfluxSink(sinkUri('influxdb:http://127.0.0.1:9?pw=Very-secret-1'), sinkContext()), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /cannot reach InfluxDB at http:\/\/127\.0\.0\.1:9 at startup: .*ECONNREFUSED/);
      assert.ok(!e.message.includes('Very-secret-1'));
      return true;
    });
  });
});

describe('InfluxDB 2.x/3.x mode (fake /api/v2/write)', () => {
  test('org, bucket, token: one write per batch, the same points; errors become outcomes', async () => {
    const v2 = await new FakeInfluxV2('tok-123456', 'acme', ['events']).start();
    try {
      const uri = sinkUri(`influxdb:${v2.url}?org=acme&bucket=events&token=tok-123456`);
      const built = await createInfluxSink(uri, sinkContext());
      const { lane, registry } = startLane(uri, built, true);
      const events = Array.from({ length: 200 }, (_, i) => streamEvent(i));
      await stream(lane, events, 100);
      await eventually('200 sent', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 200, 10_000);
      assert.deepEqual(
        v2.lines.map((l) => `${l.line}\n`),
        events.map((e) => encodePoint(e, { withFields: false, clusterName: 'default' })),
      );
      const writes = v2.requests.filter((r) => r.url.startsWith('/api/v2/write'));
      assert.ok(writes.length <= 2);
      assert.equal(writes[0]!.url, '/api/v2/write?org=acme&bucket=events&precision=ns');
      assert.equal(writes[0]!.authorization, 'Token tok-123456');
      await lane.drain(1000);

      // A wrong token or bucket: retried (a person fixes it), reason from the server's JSON.
      const bad = sinkUri(`influxdb:${v2.url}?org=acme&bucket=nope&token=tok-123456`);
      const badLane = startLane(bad, await createInfluxSink(bad, sinkContext()), true);
      badLane.lane.offer({ change: 'ADDED', event: streamEvent(1), receivedAt: Date.now(), seq: 1 });
      await eventually('retried', async () => (await metricSum(badLane.registry, 'eventer_sink_events_retried_total')) > 0, 5000);
      await badLane.lane.drain(100);
    } finally {
      await v2.stop();
    }
  });
});

test('https: a self-signed certificate is refused at startup unless insecuressl=true', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'influx-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'pipe' });
  const v2 = await new FakeInfluxV2('t0ken-abc', 'acme', ['b'], { key: readFileSync(path.join(dir, 'k.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'c.pem'), 'utf8') }).start();
  rmSync(dir, { recursive: true, force: true });
  try {
    await assert.rejects(createInfluxSink(sinkUri(`influxdb:${v2.url}?org=acme&bucket=b&token=t0ken-abc`), sinkContext()), /cannot reach InfluxDB at https:\/\/127\.0\.0\.1:\d+ at startup: self-signed certificate/);
    const uri = sinkUri(`influxdb:${v2.url}?org=acme&bucket=b&token=t0ken-abc&insecuressl=true`);
    const { lane, registry } = startLane(uri, await createInfluxSink(uri, sinkContext()), true);
    await stream(lane, [streamEvent(1)]);
    await eventually('sent over https', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 1, 5000);
    assert.equal(v2.lines.length, 1);
    await lane.drain(1000);
  } finally {
    await v2.stop();
  }
});
