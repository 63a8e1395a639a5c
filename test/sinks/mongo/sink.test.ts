// The mongo sink against a real MongoDB wire-protocol server (FerretDB with SQLite, one private instance
// for this file) through the official driver: documents as kube-eventer writes them, 1,000 events read
// back, database/collection options, a resend stored once, a 20 s outage, startup errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Int32, type MongoClient } from 'mongodb';
import { ConfigError } from '../../../src/base/errors.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeDocument } from '../../../src/sinks/mongo/encoder.js';
import { createMongoSink } from '../../../src/sinks/mongo/sink.js';
import { MongoServer } from '../../fixtures/mongo/server.js';
import { metricSum, sinkContext, sinkUri, startLane, stream, streamEvent } from '../data/helpers.js';
import { eventually } from '../../helpers/eventually.js';

describe('FerretDB (MongoDB wire protocol)', () => {
  let server: MongoServer;
  let reader: MongoClient;
  before(async () => {
    server = await MongoServer.start();
    reader = server.client();
  });
  after(async () => {
    await reader?.close();
    await server?.stop();
  });

  async function deliver(query: string, events: readonly KubeEvent[]) {
    const uri = sinkUri(`mongo:?${server.url}${query}`);
    const built = await createMongoSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    await stream(lane, events);
    await eventually('all settled', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) + (await metricSum(registry, 'eventer_sink_events_rejected_total')) >= events.length, 30_000);
    await lane.drain(5000);
    return registry;
  }

  test('1,000 events into k8s.event, read back: every field and time as documented, count an int32', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));
    await deliver('', events);
    const docs = await reader.db('k8s').collection('event').find({}, { promoteValues: false }).toArray();
    assert.equal(docs.length, 1000);
    const byId = new Map(docs.map((d) => [String(d.event_id), d]));
    assert.equal(byId.size, 1000);
    for (const e of events) {
      const stored = byId.get(e.metadata.uid!)!;
      const expected = encodeDocument(e);
      assert.ok(stored.count instanceof Int32, 'count is a BSON int32, as the Go struct declares');
      assert.equal(Number(stored.count), expected.count);
      assert.equal(String(stored.message), e.message);
      assert.equal(String(stored.namespace), e.involvedObject.namespace ?? 'undefined');
      assert.equal((stored.last_occurrence_time as Date).toISOString(), expected.last_occurrence_time!.toISOString());
      assert.equal(stored.first_occurrence_time === undefined, e.firstTimestamp === null);
      assert.ok(stored._id.equals(expected._id));
    }
  });

  test('database and collection options; a batch sent twice is stored once', async () => {
    const events = Array.from({ length: 30 }, (_, i) => streamEvent(i));
    await deliver('?database=kube&collection=events', events);
    const registry = await deliver('?database=kube&collection=events', events.slice(0, 10));
    assert.equal(await metricSum(registry, 'eventer_sink_events_sent_total'), 10, 'duplicates of stored events count as delivered');
    assert.equal(await reader.db('kube').collection('events').countDocuments(), 30);
  });

  test('a send stops waiting when its signal aborts (the driver would wait 5 s for a server that is gone)', async () => {
    const built = await createMongoSink(sinkUri(`mongo:?${server.url}?database=abort`), sinkContext());
    await server.stopProcess();
    try {
      const started = Date.now();
      const outcomes = await built.sink.send([streamEvent(1), streamEvent(2)], AbortSignal.timeout(100));
      assert.ok(Date.now() - started < 3000, `ended ${Date.now() - started} ms after the start`);
      assert.deepEqual([outcomes].flat().map((o) => o.status), ['retry', 'retry']);
    } finally {
      await server.startProcess();
      await built.sink.close();
    }
  });

  test('the server stopped for 20 s during a 1,000-event stream: every event arrives', { timeout: 120_000 }, async (t) => {
    const uri = sinkUri(`mongo:?${server.url}?database=outage`);
    const built = await createMongoSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));
    await stream(lane, events.slice(0, 400));
    await eventually('first documents', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) >= 200, 10_000);
    await server.stopProcess();
    const downAt = Date.now();
    await stream(lane, events.slice(400), 50, 200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - downAt))));
    assert.ok((await metricSum(registry, 'eventer_sink_events_sent_total')) < 1000);
    await server.startProcess();
    await eventually('all sent', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 1000, 60_000);
    const stored = await reader.db('outage').collection('event').find({}, { projection: { event_id: 1 } }).toArray();
    assert.equal(stored.length, 1000, 'no event missing, none twice');
    assert.equal(new Set(stored.map((d) => d.event_id)).size, 1000);
    t.diagnostic(`documents stored ${stored.length} for 1000 events; retries ${await metricSum(registry, 'eventer_sink_events_retried_total')} (resends hit the same _id)`);
    await lane.drain(1000);
  });
});

describe('bad input stops startup with one message', () => {
  const cases: Array<[string, RegExp]> = [
    ['mongo:?', /must start with mongodb:\/\//],
    ['mongo:mongodb://h:27017', /give the connection string after "\?"/],
    ['mongo:?mongodb://h:27017/?database=a.b', /option database="a\.b" is not a valid MongoDB database name/],
    ['mongo:?mongodb://h:27017/?collection=', /option collection="" is not a valid/],
    ['mongo:?mongodb://u:Secret-pw1@h:notaport/', /connection string is not valid/],
    ['mongo:?mongodb://u:Secret-pw1@h:27017/?databse=x', /connection string is not valid \(mongodb:\/\/u:\*\*\*@h:27017\): unknown option "databse"/],
  ];
  for (const [value, expected] of cases) {
    test(value, async () => {
      await assert.rejects(createMongoSink(sinkUri(value), sinkContext()), (e: Error) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(e.message, expected);
        assert.ok(!e.message.includes('Secret-pw1'));
        return true;
      });
    });
  }

  test('unreachable at startup: names the server, masks the password', { timeout: 30_000 }, async () => {
    await assert.rejects(createMongoSink(sinkUri('mongo:?mongodb://kube:Hidden-pw9@127.0.0.1:9/?authSource=admin'), sinkContext()), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /sink mongo: cannot reach the server at startup \(mongodb:\/\/kube:\*\*\*@127\.0\.0\.1:9\): .*ECONNREFUSED/);
      assert.ok(!e.message.includes('Hidden-pw9'));
      return true;
    });
  });
});
