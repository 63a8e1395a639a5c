// The kafka sink against a real broker of one version (one JVM for the whole file): a 1,000-event
// stream behind the real lane, every compression codec, TLS with a client certificate, SASL PLAIN
// and SCRAM-SHA-256/512, bad startup input, and the broker stopped for 20 s in mid-stream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri, type SinkUri } from '../../../src/base/uri.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { rfc3339NanoUTC } from '../../../src/gotime/index.js';
import { lastTimestamp } from '../../../src/event/last-timestamp.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { Lane } from '../../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import { encodeValue } from '../../../src/sinks/kafka/encoder.js';
import { createKafkaSink, type KafkaSink } from '../../../src/sinks/kafka/sink.js';
import type { BuiltSink } from '../../../src/pipeline/sink.js';
import type { SinkContext } from '../../../src/sinks/context.js';
import { startKafka, type KafkaBroker, type ReadMessage } from '../../fixtures/kafka/index.js';
import { makeEvents } from './events.js';

const silent = pino({ level: 'silent' });

function ctx(): SinkContext {
  return { log: silent, metrics: new Registry(), shutdown: new AbortController().signal };
}

function uri(query: string): SinkUri {
  return parseUri(`kafka:?${query}`, '--sink', {});
}

let seq = 0;
function startLane(u: SinkUri, built: BuiltSink): Lane {
  const lane = new Lane(`kafka#${++seq}`, built, laneSettingsFor(u, built.tuning), new PipelineMetrics(new Registry()), silent);
  lane.start();
  return lane;
}

function offerAll(lane: Lane, events: readonly KubeEvent[]): void {
  for (const event of events) lane.offer({ change: 'ADDED', event, receivedAt: Date.now(), seq: ++seq });
}

interface Payload {
  EventValue: string;
  EventTimestamp: string;
  EventTags: Record<string, string>;
}

/** Reads until every one of `uids` is present (messages may repeat after an outage). */
async function readUntilAll(broker: KafkaBroker, topic: string, uids: ReadonlySet<string>, timeoutMs: number): Promise<ReadMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Just after a restart the partitions have no leader yet for a moment.
    const got = await broker.readAll(topic).catch(() => []);
    const seen = new Set(got.map((m) => (JSON.parse(m.value!.toString('utf8')) as Payload).EventTags['eventID']!));
    const missing = [...uids].filter((u) => !seen.has(u));
    if (missing.length === 0) return got;
    if (Date.now() > deadline) throw new Error(`${missing.length} of ${uids.size} events never arrived in ${topic} (first: ${missing.slice(0, 3).join(', ')})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Compression codec of the first record batch in a partition's log segment (attributes & 7). */
function storedCodec(broker: KafkaBroker, topic: string): number {
  const dir = join(broker.dataDir, `${topic}-0`);
  const segment = readdirSync(dir).find((f) => f.endsWith('.log'))!;
  const bytes = readFileSync(join(dir, segment));
  assert.ok(bytes.length > 61, `no record batch in ${dir}`);
  assert.equal(bytes[16], 2, 'record batch magic 2');
  return bytes.readInt16BE(21) & 7;
}

export function brokerSuite(version: string): void {
  describe(`kafka sink against Apache Kafka ${version}`, { timeout: 600_000 }, () => {
    let broker: KafkaBroker;

    before(async () => {
      broker = await startKafka({ version, tls: true, sasl: true });
      await broker.createTopics(['stream', 'outage'], 3);
      await broker.createTopics(['gzip', 'snappy', 'lz4', 'zstd', 'mtls', 'plain', 'scram-256', 'scram-512', 'insecure', 'split']);
    });
    after(async () => {
      await broker?.close();
    });

    test('1,000 events through the lane: each once, the value byte-equal to the encoder (kube-eventer\'s payload), one produce request per batch', async () => {
      const events = makeEvents('stream', 1000);
      const u = uri(`brokers=${broker.plaintext}&eventstopic=stream&message_key=uid`);
      const built = await createKafkaSink(u, ctx());
      let produceRequests = 0;
      const producer = (built.sink as KafkaSink).producer;
      producer.on(producer.events.REQUEST, (e) => {
        if (e.payload.apiName === 'Produce') produceRequests++;
      });
      const lane = startLane(u, built);
      offerAll(lane, events);
      const drained = await lane.drain(60_000);
      assert.deepEqual(drained, { delivered: true, remaining: 0 });

      const got = await broker.readAll('stream');
      assert.equal(got.length, 1000, 'every event exactly once');
      const byUid = new Map(events.map((e) => [e.metadata.uid!, e]));
      for (const m of got) {
        const value = m.value!.toString('utf8');
        const payload = JSON.parse(value) as Payload;
        const e = byUid.get(payload.EventTags['eventID']!)!;
        assert.ok(e, `unknown event ${payload.EventTags['eventID']}`);
        assert.equal(value, encodeValue(e), 'value bytes as encoded');
        assert.equal(m.key?.toString('utf8'), e.metadata.uid, 'key = the Event uid (message_key=uid)');
        assert.equal(payload.EventTimestamp, rfc3339NanoUTC(lastTimestamp(e)));
        assert.match(payload.EventTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/, 'UTC RFC 3339');
        assert.deepEqual(Object.keys(m.headers), [], 'no headers, as kube-eventer');
      }
      assert.equal(new Set(got.map((m) => m.partition)).size, 3, 'spread over the 3 partitions');
      // Batches of up to 500: at least 2 produce requests, never one per event.
      assert.ok(produceRequests >= 2 && produceRequests <= 10, `${produceRequests} produce requests for 1,000 events`);
    });

    test('max_request_bytes: a batch split into several produce requests, a message larger than the limit rejected alone', async () => {
      const events = makeEvents('split', 20);
      events[7] = { ...events[7]!, message: 'x'.repeat(8000) };
      const built = await createKafkaSink(uri(`brokers=${broker.plaintext}&eventstopic=split&max_request_bytes=4096`), ctx());
      const producer = (built.sink as KafkaSink).producer;
      let produceRequests = 0;
      producer.on(producer.events.REQUEST, (e) => {
        if (e.payload.apiName === 'Produce') produceRequests++;
      });
      try {
        const outcomes = (await built.sink.send(events, new AbortController().signal)) as Array<{ status: string; reason?: string }>;
        assert.deepEqual(
          outcomes.map((o) => o.status),
          events.map((_, i) => (i === 7 ? 'reject' : 'ok')),
        );
        assert.match(outcomes[7]!.reason!, /exceeds max_request_bytes=4096/);
        assert.ok(produceRequests >= 3, `${produceRequests} produce requests for 19 messages of about 1 KB under 4 KB each`);
        const got = await broker.readAll('split');
        assert.deepEqual(
          new Set(got.map((m) => (JSON.parse(m.value!.toString('utf8')) as Payload).EventTags['eventID'])),
          new Set(events.filter((_, i) => i !== 7).map((e) => e.metadata.uid)),
        );
        assert.equal(got.length, 19, 'each once');
      } finally {
        await built.sink.close();
      }
    });

    for (const [codec, attribute] of [['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
      test(`compression=${codec}: the broker stores ${codec} batches and they read back intact`, async () => {
        const events = makeEvents(codec, 50);
        const built = await createKafkaSink(uri(`brokers=${broker.plaintext}&eventstopic=${codec}&compression=${codec}`), ctx());
        const outcomes = await built.sink.send(events, new AbortController().signal);
        await built.sink.close();
        assert.ok((outcomes as Array<{ status: string }>).every((o) => o.status === 'ok'), JSON.stringify(outcomes));
        assert.equal(storedCodec(broker, codec), attribute);
        const got = await broker.readAll(codec);
        assert.deepEqual(got.map((m) => m.value!.toString('utf8')), events.map((e) => encodeValue(e)));
      });
    }

    const secure: Array<[string, () => string]> = [
      ['TLS with a client certificate (cacert, cert, key)', () => `brokers=${broker.ssl}&eventstopic=mtls&cacert=${broker.tls.caFile}&cert=${broker.tls.certFile}&key=${broker.tls.keyFile}`],
      ['SASL PLAIN over TLS', () => `brokers=${broker.saslSsl}&eventstopic=plain&cacert=${broker.tls.caFile}&user=${broker.users.plain.user}&password=${broker.users.plain.password}`],
      ['SASL SCRAM-SHA-256 over TLS', () => `brokers=${broker.saslSsl}&eventstopic=scram-256&cacert=${broker.tls.caFile}&mechanism=SCRAM-SHA-256&user=${broker.users.scram256.user}&password=${broker.users.scram256.password}`],
      ['SASL SCRAM-SHA-512 without TLS', () => `brokers=${broker.saslPlaintext}&eventstopic=scram-512&mechanism=scram-sha-512&user=${broker.users.scram512.user}&password=${broker.users.scram512.password}`],
      ['insecuressl=true alone turns TLS on without verifying (kube-eventer ignored it)', () => `brokers=${broker.saslSsl}&eventstopic=insecure&insecuressl=true&user=${broker.users.plain.user}&password=${broker.users.plain.password}`],
    ];
    for (const [name, query] of secure) {
      test(name, async () => {
        const u = uri(query());
        const built = await createKafkaSink(u, ctx());
        const topic = /eventstopic=([^&]+)/.exec(query())![1]!;
        const events = makeEvents(topic, 20);
        const outcomes = await built.sink.send(events, new AbortController().signal);
        await built.sink.close();
        assert.ok((outcomes as Array<{ status: string }>).every((o) => o.status === 'ok'), JSON.stringify(outcomes));
        assert.equal((await broker.readAll(topic)).length, 20);
      });
    }

    test('bad startup input: one ConfigError naming the option, password never shown', async () => {
      const wrong = `wrong-${broker.users.scram256.password}`;
      const cases: Array<[string, RegExp]> = [
        [`brokers=${broker.saslSsl}&cacert=${broker.tls.caFile}&mechanism=scram-sha-256&user=${broker.users.scram256.user}&password=${wrong}`, /cannot connect to brokers=.* as user=bob256 mechanism=SCRAM-SHA-256/],
        [`brokers=${broker.ssl}&cacert=${broker.tls.caFile}`, /cannot connect to brokers=.*\(TLS\)/],
        [`brokers=${broker.saslSsl}&user=${broker.users.plain.user}&password=${broker.users.plain.password}&tls=true`, /cannot connect to brokers=.*\(TLS\).*certificate/i],
        ['brokers=127.0.0.1:1', /cannot connect to brokers=127\.0\.0\.1:1/],
        [`brokers=${broker.plaintext}&compression=brotli`, /option compression="brotli": Compression 'brotli' is illegal/],
        ['eventstopic=x', /There is no broker assigned/],
      ];
      for (const [query, message] of cases) {
        await assert.rejects(createKafkaSink(uri(query), ctx()), (err: Error) => {
          assert.ok(err instanceof ConfigError, `${query}: ${err.stack}`);
          assert.match(err.message, message);
          assert.doesNotMatch(err.message, new RegExp(broker.users.scram256.password));
          assert.doesNotMatch(err.message, new RegExp(broker.users.plain.password));
          return true;
        });
      }
    });

    test('broker stopped for 20 s during a stream: every event arrives after it returns (duplicates counted)', async () => {
      const events = makeEvents('outage', 1000);
      const u = uri(`brokers=${broker.plaintext}&eventstopic=outage&batch_size=50`);
      const lane = startLane(u, await createKafkaSink(u, ctx()));
      offerAll(lane, events.slice(0, 300));
      const stopped = (async () => {
        await broker.stop();
        offerAll(lane, events.slice(300, 700));
        await new Promise((r) => setTimeout(r, 20_000));
        await broker.start();
      })();
      await stopped;
      offerAll(lane, events.slice(700));
      const got = await readUntilAll(broker, 'outage', new Set(events.map((e) => e.metadata.uid!)), 180_000);
      const drained = await lane.drain(60_000);
      assert.equal(drained.remaining, 0);
      const final = await readUntilAll(broker, 'outage', new Set(events.map((e) => e.metadata.uid!)), 30_000);
      const eventIds = (messages: readonly ReadMessage[]) => messages.map((m) => (JSON.parse(m.value!.toString('utf8')) as Payload).EventTags['eventID']!);
      const uids = new Set(events.map((e) => e.metadata.uid!));
      assert.ok(eventIds(got).every((id) => uids.has(id)), 'only this stream\'s events in the topic');
      const finalIds = eventIds(final);
      assert.ok(finalIds.length >= got.length, 'nothing disappeared from the topic after the drain');
      const duplicates = finalIds.length - new Set(finalIds).size;
      console.log(`# kafka ${version} outage: ${final.length} messages for 1000 events, ${duplicates} duplicates`);
      assert.equal(new Set(finalIds).size, 1000);
      assert.ok(duplicates <= 100, `${duplicates} duplicates (at most two batches may be resent)`);
    });
  });
}
