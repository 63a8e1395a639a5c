// The mysql sink against a real MariaDB server (test/fixtures/mariadb, one server for the file):
// 1,000 events behind the real lane read back as kube-eventer writes them, the typed schema, safe
// table quoting, bad startup input, and the server stopped for 20 s in mid-stream.
process.env.TZ = 'Asia/Shanghai';

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { RowDataPacket } from 'mysql2/promise';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri, type SinkUri } from '../../../src/base/uri.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { Lane } from '../../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import { encodeRow, kubeEventerDdl } from '../../../src/sinks/mysql/encoder.js';
import { createMySqlSink } from '../../../src/sinks/mysql/sink.js';
import type { BuiltSink } from '../../../src/pipeline/sink.js';
import type { SinkContext } from '../../../src/sinks/context.js';
import { startMariaDb, type MariaDb } from '../../fixtures/mariadb/index.js';
import { makeEvents } from '../kafka/events.js';

const silent = pino({ level: 'silent' });
const ctx = (): SinkContext => ({ log: silent, metrics: new Registry(), shutdown: new AbortController().signal });

let seq = 0;
function startLane(u: SinkUri, built: BuiltSink): Lane {
  const lane = new Lane(`mysql#${++seq}`, built, laneSettingsFor(u, built.tuning), new PipelineMetrics(new Registry()), silent);
  lane.start();
  return lane;
}
function offerAll(lane: Lane, events: readonly KubeEvent[]): void {
  for (const event of events) lane.offer({ change: 'ADDED', event, receivedAt: Date.now(), seq: ++seq });
}

describe('mysql sink against MariaDB', { timeout: 300_000 }, () => {
  let db: MariaDb;
  const dsn = (extra = '', password?: string) => `root:${password ?? db.password}@tcp(${db.host}:${db.port})/${db.database}?charset=utf8${extra}`;
  const uri = (extra = '', password?: string) => parseUri(`mysql:?${dsn(extra, password)}`, '--sink', {});
  async function rows(table: string): Promise<RowDataPacket[]> {
    const c = await db.connect();
    try {
      const [r] = await c.query<RowDataPacket[]>(`SELECT * FROM ${table} ORDER BY id`);
      return r;
    } finally {
      await c.end();
    }
  }

  before(async () => {
    db = await startMariaDb();
  });
  after(async () => {
    await db?.close();
  });

  test('1,000 events through the lane: one row each, in kube-eventer\'s columns and text forms', async () => {
    const events = makeEvents('mysql', 1000);
    const u = uri('&table=kube_event');
    const lane = startLane(u, await createMySqlSink(u, ctx()));
    offerAll(lane, events);
    assert.deepEqual(await lane.drain(60_000), { delivered: true, remaining: 0 });

    const got = await rows('kube_event');
    assert.equal(got.length, 1000);
    const byUid = new Map(events.map((e) => [e.metadata.uid!, e]));
    for (const r of got) {
      const e = byUid.get(r['event_id'] as string)!;
      assert.ok(e, `unknown row ${r['event_id']}`);
      const expected = encodeRow(e, 'kube-eventer');
      assert.deepEqual([r['namespace'], r['kind'], r['name'], r['type'], r['reason'], r['message'], r['event_id'], r['first_occurrence_time'], r['last_occurrence_time']], expected);
    }
    // kube-eventer's text forms: Go's Time.String() in the local zone; a zero time for a missing firstTimestamp.
    const first = got.find((r) => r['event_id'] === 'ev-mysql-0')!;
    assert.equal(first['first_occurrence_time'], '2026-12-06 11:00:00 +0800 CST');
    assert.equal(first['last_occurrence_time'], '2026-12-06 11:00:00 +0800 CST');
    assert.equal(first['namespace'], 'prod');
    assert.equal(first['kind'], 'Pod');
    const eventTimeOnly = got.find((r) => r['event_id'] === 'ev-mysql-3')!;
    assert.equal(eventTimeOnly['first_occurrence_time'], '0001-01-01 00:00:00 +0000 UTC');
    assert.equal(eventTimeOnly['last_occurrence_time'], '2026-12-06 11:00:03.000123 +0800 CST');
    const escaped = got.find((r) => r['event_id'] === 'ev-mysql-11')!;
    assert.equal(escaped['message'], 'probe <failed> & "quoted" \u2028 日本語 #11');
  });

  test('schema=typed: UTC DATETIME(6) times, whole messages, count and source; a long message in kube-eventer\'s schema is cut at 255 characters, not lost', async () => {
    const long = 'x'.repeat(300) + '✓';
    const events = makeEvents('typed', 10).map((e, i) => (i === 0 ? { ...e, message: long } : e));
    const typed = await createMySqlSink(uri('&table=typed_events&schema=typed'), ctx());
    assert.equal((await typed.sink.send(events, new AbortController().signal) as { status: string }).status, 'ok');
    await typed.sink.close();
    const got = await rows('typed_events');
    assert.equal(got.length, 10);
    assert.equal(got[0]!['message'], long);
    assert.equal(got[0]!['count'], 1);
    assert.equal(got[0]!['source_host'], 'node-0');
    const c = await db.connect();
    const [[t]] = await c.query<RowDataPacket[]>(`SELECT CAST(first_occurrence_time AS CHAR) f, CAST(last_occurrence_time AS CHAR) l FROM typed_events WHERE event_id='ev-typed-3'`);
    await c.end();
    assert.deepEqual([t!['f'], t!['l']], [null, '2026-12-06 03:00:03.000123']);

    const legacy = await createMySqlSink(uri('&table=long_messages'), ctx());
    assert.equal((await legacy.sink.send([events[0]!], new AbortController().signal) as { status: string }).status, 'ok');
    await legacy.sink.close();
    assert.equal((await rows('long_messages'))[0]!['message'], 'x'.repeat(255));
  });

  test('table names are quoted: backticks, spaces and database.table work and cannot inject SQL', async () => {
    for (const [table, select] of [['odd` name; DROP TABLE kube_event; --', '`odd`` name; DROP TABLE kube_event; --`'], [`${'kube_eventer'}.dotted`, '`kube_eventer`.`dotted`']] as const) {
      const built = await createMySqlSink(uri(`&table=${encodeURIComponent(table)}`), ctx());
      assert.equal((await built.sink.send(makeEvents('odd', 3), new AbortController().signal) as { status: string }).status, 'ok');
      await built.sink.close();
      assert.equal((await rows(select)).length, 3);
    }
    assert.equal((await rows('kube_event')).length, 1000, 'kube_event untouched');
  });

  test("a user granted only INSERT on kube-eventer's existing table (enough for kube-eventer) starts and writes", async () => {
    const c = await db.connect();
    await c.query(kubeEventerDdl('insert_only'));
    await c.query(`CREATE USER 'inserter'@'127.0.0.1' IDENTIFIED BY 'inserter-pass-1'`);
    await c.query(`GRANT INSERT ON ${db.database}.insert_only TO 'inserter'@'127.0.0.1'`);
    await c.end();
    const u = parseUri(`mysql:?inserter:inserter-pass-1@tcp(127.0.0.1:${db.port})/${db.database}?table=insert_only`, '--sink', {});
    const events = makeEvents('inserter', 5);
    const lane = startLane(u, await createMySqlSink(u, ctx()));
    offerAll(lane, events);
    assert.deepEqual(await lane.drain(60_000), { delivered: true, remaining: 0 });
    assert.equal((await rows('insert_only')).length, events.length);
  });

  test('bad startup input: one ConfigError naming what is wrong, the password masked', async () => {
    const c = await db.connect();
    await c.query('CREATE TABLE wrong_columns (id int, msg text)');
    await c.query(`CREATE USER 'reader'@'127.0.0.1' IDENTIFIED BY 'reader-pass-1'`);
    await c.query(`GRANT SELECT, INSERT ON ${db.database}.* TO 'reader'@'127.0.0.1'`);
    await c.end();
    const cases: Array<[SinkUri, RegExp]> = [
      [uri('', 'not-the-password'), /cannot open a connection for mysql .*root:\*\*\*@tcp\(127\.0\.0\.1:\d+\).*ER_ACCESS_DENIED_ERROR/],
      [parseUri(`mysql:?root:${db.password}@tcp(127.0.0.1:1)/x`, '--sink', {}), /cannot open a connection .*ECONNREFUSED/],
      [parseUri(`mysql:?root:${db.password}@tcp(127.0.0.1:${db.port})`, '--sink', {}), /the DSN is not valid \(invalid DSN: missing the slash/],
      [parseUri(`mysql:?root:${db.password}@tcp(127.0.0.1:${db.port}/db`, '--sink', {}), /network address not terminated/],
      [uri('&table=wrong_columns'), /option table=wrong_columns does not fit schema=kube-eventer .*ER_BAD_FIELD_ERROR/],
      [parseUri(`mysql:?reader:reader-pass-1@tcp(127.0.0.1:${db.port})/${db.database}?table=new_table`, '--sink', {}), /option table=new_table \(schema=kube-eventer\): the server refused CREATE TABLE: ER_TABLEACCESS_DENIED_ERROR/],
      [uri('&schema=fancy'), /option schema="fancy" must be kube-eventer or typed/],
    ];
    for (const [u, message] of cases) {
      await assert.rejects(createMySqlSink(u, ctx()), (err: Error) => {
        assert.ok(err instanceof ConfigError, err.stack);
        assert.match(err.message, message);
        assert.ok(!err.message.includes(db.password) && !err.message.includes('reader-pass-1'), err.message);
        return true;
      });
    }
  });

  test('server stopped for 20 s during a stream: every event arrives after it returns (duplicates counted)', async () => {
    const events = makeEvents('outage', 1000);
    const u = uri('&table=outage&batch_size=50');
    const lane = startLane(u, await createMySqlSink(u, ctx()));
    offerAll(lane, events.slice(0, 300));
    await db.stop();
    offerAll(lane, events.slice(300, 700));
    await new Promise((r) => setTimeout(r, 20_000));
    await db.start();
    offerAll(lane, events.slice(700));
    const drained = await lane.drain(120_000);
    assert.deepEqual(drained, { delivered: true, remaining: 0 });
    const got = await rows('outage');
    const uids = new Set(got.map((r) => r['event_id'] as string));
    const missing = events.filter((e) => !uids.has(e.metadata.uid!)).length;
    console.log(`# mariadb outage: ${got.length} rows for 1000 events, ${got.length - uids.size} duplicates, ${missing} missing`);
    assert.equal(missing, 0);
    assert.ok(got.length - uids.size <= 100, `${got.length - uids.size} duplicates`);
  });
});
