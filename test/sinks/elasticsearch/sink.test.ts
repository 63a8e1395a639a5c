// The elasticsearch sink against the fake Elasticsearch/OpenSearch node (test/fixtures/elasticsearch),
// behind the real lane: payload bytes, every version's index/type/template rules, per-item outcomes,
// data streams, pipelines, auth, node failover, a 20 s outage, and startup errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../src/base/errors.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeDocument, indexName } from '../../../src/sinks/elasticsearch/encoder.js';
import { createElasticsearchSink } from '../../../src/sinks/elasticsearch/sink.js';
import { FakeElasticsearch, RELEASES } from '../../fixtures/elasticsearch/server.js';
import { metricSum, sinkContext, sinkUri, startLane, stream, streamEvent } from '../data/helpers.js';
import { eventually } from '../../helpers/eventually.js';

const FORMAT = { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false };

async function fake(release: keyof typeof RELEASES, extra: Partial<ConstructorParameters<typeof FakeElasticsearch>[0]> = {}): Promise<FakeElasticsearch> {
  return new FakeElasticsearch({ ...RELEASES[release], ...extra }).start();
}

async function deliver(es: FakeElasticsearch, query: string, events: readonly KubeEvent[], fastBackoff = false, offerAtOnce = 50) {
  const uri = sinkUri(`elasticsearch:${es.url}?${query}`);
  const ctx = sinkContext();
  const built = await createElasticsearchSink(uri, ctx);
  const { lane, registry } = startLane(uri, built, fastBackoff);
  await stream(lane, events, offerAtOnce);
  await eventually('all events settled', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) + (await metricSum(registry, 'eventer_sink_events_rejected_total')) >= events.length, 20_000);
  await lane.drain(5000);
  return { registry, sinkMetrics: ctx.metrics };
}

describe('every version: 1,000 events through the lane, read back', () => {
  const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));

  for (const release of Object.keys(RELEASES) as Array<keyof typeof RELEASES>) {
    test(`${release} (${RELEASES[release].distribution} ${RELEASES[release].version})`, async () => {
      const es = await fake(release);
      try {
        await deliver(es, 'index=heapster', events);
        const docs = es.documents('heapster-*');
        assert.equal(docs.length, 1000);
        const byUid = new Map(docs.map((d) => [(d.source.Metadata as { uid: string }).uid, d]));
        assert.equal(byUid.size, 1000, 'no event missing, none twice');
        for (const e of events) {
          const doc = byUid.get(e.metadata.uid!)!;
          assert.deepEqual(doc.source, JSON.parse(encodeDocument(e, FORMAT)));
          assert.equal(doc.index, indexName(e, FORMAT));
        }
        const types = new Set(docs.map((d) => d.type));
        const typed = release === 'es5' || release === 'es6';
        assert.deepEqual([...types], [typed ? 'events' : undefined], typed ? '_type events' : 'no _type from 7 on');
        // Templates: legacy before 7.8, composable after; every index behind kube-eventer's alias.
        const composable = !['es5', 'es6', 'es70'].includes(release);
        assert.deepEqual(composable ? es.indexTemplateNames() : es.legacyTemplateNames(), ['kube-eventer-heapster']);
        assert.deepEqual(es.aliasesOf('heapster-2026.12.05'), ['heapster-events']);
        // One request per batch, the bytes kube-eventer's document has.
        const bodies = es.bulkBodies.join('');
        assert.ok(bodies.includes(`\n${encodeDocument(events[0]!, FORMAT)}\n`));
        // The stream offers 50 events at a time: at most one request per offer.
        assert.ok(es.bulkBodies.length <= 20, `${es.bulkBodies.length} bulk requests for 1000 events`);
        assert.ok(es.requests.filter((r) => r.url.startsWith('/_bulk')).every((r) => r.contentType === 'application/x-ndjson'));
        // Read back over HTTP too, as a user would.
        const found = (await (await fetch(`${es.url}/heapster-events/_search?size=2000`)).json()) as { hits: { total: number | { value: number }; hits: Array<{ _source: unknown }> } };
        assert.equal(typeof found.hits.total === 'number' ? found.hits.total : found.hits.total.value, 1000);
      } finally {
        await es.stop();
      }
    });
  }
});

describe('the fake checks what the server checks', () => {
  test('8 and OpenSearch 2 reject _type in bulk; 7 warns; 5/6 require it; info API per version', async () => {
    for (const [release, expectStatus] of [['es8', 400], ['os2', 400], ['es7', 200], ['es5', 200]] as const) {
      const es = await fake(release);
      try {
        const body = '{"index":{"_index":"x","_type":"events","_id":"1"}}\n{"a":1}\n';
        const res = await fetch(`${es.url}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        assert.equal(res.status, expectStatus, release);
        if (release === 'es7') assert.match(res.headers.get('warning') ?? '', /types removal/);
        const info = (await (await fetch(es.url)).json()) as { version: { number: string; distribution?: string }; tagline: string };
        assert.equal(info.version.number, RELEASES[release].version);
        assert.equal(info.tagline, release.startsWith('os') ? 'The OpenSearch Project: https://opensearch.org/' : 'You Know, for Search');
        assert.equal((await fetch(es.url)).headers.get('x-elastic-product'), release === 'es8' || release === 'es7' ? 'Elasticsearch' : null);
      } finally {
        await es.stop();
      }
    }
    const es6 = await fake('es6');
    try {
      const res = await fetch(`${es6.url}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{"index":{"_index":"x"}}\n{"a":1}\n' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /type is missing/);
      const legacyString = await fetch(`${es6.url}/_template/t`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ index_patterns: ['a-*'], mappings: { events: { properties: { m: { type: 'string' } } } } }) });
      assert.equal(legacyString.status, 400, "kube-eventer's `string` mapping is refused from 6 on");
    } finally {
      await es6.stop();
    }
  });
});

describe('per-item outcomes', () => {
  test('items refused with 429 are retried alone; nothing lost, nothing twice', async () => {
    const es = await fake('es8');
    try {
      const uri = sinkUri(`elasticsearch:${es.url}?ver=8`);
      const built = await createElasticsearchSink(uri, sinkContext());
      es.rejectNextItems(7);
      const { lane, registry } = startLane(uri, built, true);
      const events = Array.from({ length: 100 }, (_, i) => streamEvent(i));
      await stream(lane, events, 100);
      await eventually('100 sent', async () => (await metricSum(registry, 'eventer_sink_events_sent_total')) === 100, 10_000);
      assert.equal(await metricSum(registry, 'eventer_sink_events_retried_total'), 7);
      assert.equal(es.documents().length, 100);
      const items = es.bulkBodies.map((b) => b.split('\n').length / 2 - 0.5);
      assert.equal(items[0], 100);
      assert.equal(items.slice(1).reduce((a, b) => a + b, 0), 7, 'only the refused items are sent again');
      await lane.drain(1000);
    } finally {
      await es.stop();
    }
  });

  test('a batch larger than 8 MiB: the request stops at 8 MiB, the rest follows in the next one', async () => {
    const es = await fake('es8');
    try {
      const events = Array.from({ length: 600 }, (_, i) => ({ ...streamEvent(i), message: `${i} ${'x'.repeat(20_000)}` }));
      await deliver(es, 'bulkWorkers=1', events, false, 600);
      assert.equal(es.documents().length, 600);
      const sizes = es.bulkBodies.map((b) => Buffer.byteLength(b));
      assert.ok(sizes.every((n) => n <= 8 * 1024 * 1024), `${sizes}`);
      assert.ok(sizes[0]! > 7 * 1024 * 1024, `the first request is full: ${sizes}`);
    } finally {
      await es.stop();
    }
  });

  test('index_not_found_exception (auto-create off) is retried until the index can be made', async () => {
    const es = await fake('es8');
    try {
      const uri = sinkUri(`elasticsearch:${es.url}`);
      const built = await createElasticsearchSink(uri, sinkContext());
      es.autoCreateIndex = false;
      const { lane, registry } = startLane(uri, built, true);
      await stream(lane, [streamEvent(1), streamEvent(2)]);
      await eventually('retried', async () => (await metricSum(registry, 'eventer_sink_events_retried_total')) >= 2, 5000);
      assert.equal(es.documents().length, 0);
      es.autoCreateIndex = true;
      await eventually('delivered', () => es.documents().length === 2, 10_000);
      assert.equal(await metricSum(registry, 'eventer_sink_events_rejected_total'), 0);
      await lane.drain(1000);
    } finally {
      await es.stop();
    }
  });

  test('items the server calls bad (mapper_parsing_exception) are rejected, the rest delivered', async () => {
    const es = await fake('es7');
    try {
      // An operator's template that maps Reason as a number: text reasons fail to parse.
      const res = await fetch(`${es.url}/_index_template/ops`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ index_patterns: ['heapster-*'], priority: 900, template: { mappings: { properties: { Reason: { type: 'long' } } } } }),
      });
      assert.equal(res.status, 200);
      const events = Array.from({ length: 30 }, (_, i) => ({ ...streamEvent(i), reason: i % 3 === 0 ? 'BackOff' : String(i) }));
      const { registry, sinkMetrics } = await deliver(es, 'ver=7', events);
      assert.equal(await metricSum(registry, 'eventer_sink_events_rejected_total'), 10);
      assert.equal(await metricSum(registry, 'eventer_sink_events_retried_total'), 0);
      assert.equal(es.documents().length, 20);
      assert.equal(await metricSum(sinkMetrics, 'eventer_elasticsearch_errors'), 10, "kube-eventer's error gauge");
    } finally {
      await es.stop();
    }
  });
});

describe('options', () => {
  test('data_stream: create into <index>[-<namespace>], @timestamp, a resend is not a duplicate', async () => {
    const es = await fake('es9');
    try {
      const events = Array.from({ length: 60 }, (_, i) => streamEvent(i));
      await deliver(es, 'data_stream=true&use_namespace=true&index=kube-events', events);
      assert.deepEqual(es.dataStreamNames(), ['kube-events-default', 'kube-events-kube-system', 'kube-events-prod']);
      assert.equal(es.documents('kube-events-*').length, 60);
      assert.ok(es.documents().every((d) => typeof d.source['@timestamp'] === 'string'));
      assert.ok(es.bulkBodies[0]!.startsWith('{"create":'));
      // The same events again (a lost reply): 409 on create counts as delivered.
      const { registry } = await deliver(es, 'data_stream=true&use_namespace=true&index=kube-events', events.slice(0, 10));
      assert.equal(await metricSum(registry, 'eventer_sink_events_sent_total'), 10);
      assert.equal(es.documents().length, 60);
    } finally {
      await es.stop();
    }
  });

  test('pipeline: sent with every bulk request; a missing pipeline stops startup naming the option', async () => {
    const es = await fake('os2');
    try {
      await fetch(`${es.url}/_ingest/pipeline/add-env`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processors: [{ set: { field: 'env', value: 'prod' } }] }) });
      await deliver(es, 'pipeline=add-env', [streamEvent(1), streamEvent(2)]);
      assert.ok(es.documents().every((d) => d.source.env === 'prod'));
      assert.ok(es.requests.some((r) => r.url === '/_bulk?pipeline=add-env'));
      await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?pipeline=nope`), sinkContext()), (e: Error) => e instanceof ConfigError && /option pipeline="nope"/.test(e.message));
    } finally {
      await es.stop();
    }
  });

  test('basic auth and API keys; wrong credentials stop startup without showing them', async () => {
    const es = await fake('es8', { users: { elastic: 'S3cret-pass' }, apiKeys: { VuaCfGcBCdbkQm: 'ui2lp2axTNmsyakw9tvNnw' } });
    try {
      await deliver(es, 'esUserName=elastic&esUserSecret=S3cret-pass', [streamEvent(1)]);
      await deliver(es, 'apiKey=VuaCfGcBCdbkQm:ui2lp2axTNmsyakw9tvNnw', [streamEvent(2)]);
      const encoded = Buffer.from('VuaCfGcBCdbkQm:ui2lp2axTNmsyakw9tvNnw').toString('base64');
      await deliver(es, `apiKey=${encodeURIComponent(encoded)}`, [streamEvent(3)]);
      // user:password@ in the URL: basic auth, as with kube-eventer's URL form.
      const withUserinfo = sinkUri(`elasticsearch:http://elastic:S3cret-pass@127.0.0.1:${es.port}`);
      const built = await createElasticsearchSink(withUserinfo, sinkContext());
      await built.sink.close();
      assert.equal(es.documents().length, 3);
      assert.ok(es.requests.some((r) => r.authorization === `ApiKey ${encoded}`));
      await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?esUserName=elastic&esUserSecret=Wr0ng-pass`), sinkContext()), (e: Error) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /refused the credentials \(HTTP 401; check esUserName\/esUserSecret or apiKey\)/);
        assert.ok(!e.message.includes('Wr0ng-pass'));
        return true;
      });
    } finally {
      await es.stop();
    }
  });

  test('nodes: a dead node in the list is skipped at startup and on send', async () => {
    const es = await fake('es7');
    const dead = await fake('es7');
    await dead.stop();
    try {
      await deliver(es, `nodes=${dead.url}&nodes=${es.url}`, Array.from({ length: 20 }, (_, i) => streamEvent(i)), true);
      assert.equal(es.documents().length, 20);
      await deliver(es, `nodes=${es.url},${dead.url}`, Array.from({ length: 20 }, (_, i) => streamEvent(i + 20)), true);
      assert.equal(es.documents().length, 40);
    } finally {
      await es.stop();
    }
  });
});

describe('outage', () => {
  test('the node is down for 20 s during a 1,000-event stream: every event arrives once', { timeout: 90_000 }, async (t) => {
    const es = await fake('es8');
    try {
      const uri = sinkUri(`elasticsearch:${es.url}?ver=8`);
      const built = await createElasticsearchSink(uri, sinkContext());
      const { lane, registry } = startLane(uri, built, true);
      const events = Array.from({ length: 1000 }, (_, i) => streamEvent(i));
      await stream(lane, events.slice(0, 400));
      await eventually('first events stored', () => es.documents().length >= 200, 10_000);
      await es.stop();
      const downAt = Date.now();
      await stream(lane, events.slice(400), 50, 200);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - downAt))));
      assert.ok(es.documents().length < 1000, 'events waited for the node');
      await es.start();
      await eventually('all 1000 stored', () => es.documents().length === 1000, 30_000);
      const sentItems = es.bulkBodies.reduce((n, b) => n + (b.split('\n').length - 1) / 2, 0);
      t.diagnostic(`bulk items received ${sentItems} for 1000 events: ${sentItems - 1000} sent twice (same _id, stored once)`);
      assert.equal(new Set(es.documents().map((d) => (d.source.Metadata as { uid: string }).uid)).size, 1000);
      assert.ok((await metricSum(registry, 'eventer_sink_events_retried_total')) > 0);
      await lane.drain(2000);
    } finally {
      await es.stop();
    }
  });
});

describe('bad input stops startup with one message naming the option', () => {
  const cases: Array<[string, RegExp]> = [
    ['elasticsearch:?index=heapster', /There is no node assigned for connecting ES cluster/],
    ['elasticsearch:?nodes=ftp://x:9200', /option nodes="ftp:\/\/x:9200" must be an http\(s\):\/\/host:port URL/],
    ['elasticsearch:?nodes=not a url', /option nodes="not a url" is not a URL/],
    ['elasticsearch:http://127.0.0.1:9?ver=3', /Unsupported ElasticSearch Client Version: option ver="3"/],
    ['elasticsearch:http://127.0.0.1:9?ver=2', /ver="2".*end-of-life/],
    ['elasticsearch:http://127.0.0.1:9?ver=constructor', /Unsupported ElasticSearch Client Version: option ver="constructor"/],
    ['elasticsearch:http://127.0.0.1:9?index=Heap', /option index="Heap" is not a valid index name/],
    ['elasticsearch:http://127.0.0.1:9?esUserName=bob', /needs both esUserName and esUserSecret/],
    ['elasticsearch:http://127.0.0.1:9?sigv4=true', /option sigv4 .* is not supported/],
    ['elasticsearch:http://127.0.0.1:9?bulkWorkers=0', /option bulkWorkers="0" must be an integer/],
    ['elasticsearch:http://127.0.0.1:9?startupHealthcheckTimeout=x', /option startupHealthcheckTimeout="x"/],
    ['elasticsearch:http://127.0.0.1:9?indx=a', /unknown option "indx"/],
  ];
  for (const [value, expected] of cases) {
    test(value, async () => {
      await assert.rejects(createElasticsearchSink(sinkUri(value), sinkContext()), (e: Error) => e instanceof ConfigError && expected.test(e.message));
    });
  }

  test('unreachable at startup; version mismatch; a refused template; data streams on 6 — password masked', async () => {
    const dead = await fake('es7');
    await dead.stop();
    await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:http://elastic:Hidden-pw@127.0.0.1:${dead.port}?ver=7`), sinkContext()), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /cannot reach the cluster at startup \(nodes=http:\/\/127\.0\.0\.1:\d+\): no Elasticsearch node answered \(.*ECONNREFUSED/);
      assert.ok(!e.message.includes('Hidden-pw'));
      return true;
    });
    const es = await fake('es8');
    try {
      await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?ver=7`), sinkContext()), /option ver=7 but the server is Elasticsearch 8\.15\.3 \(use ver=8/);
      await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?ver=opensearch2`), sinkContext()), /option ver=opensearch2 but the server is Elasticsearch 8\.15\.3 \(use ver=8/);
      es.refuseTemplatesWith = 403;
      await assert.rejects(
        createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?esUserName=u&esUserSecret=Pw-masked-1`), sinkContext()),
        (e: Error) => e instanceof ConfigError && /refused the index template kube-eventer-heapster for option index=heapster: HTTP 403/.test(e.message) && !e.message.includes('Pw-masked-1'),
      );
      // template=false: the operator owns the template; startup passes.
      const built = await createElasticsearchSink(sinkUri(`elasticsearch:${es.url}?template=false`), sinkContext());
      await built.sink.close();
    } finally {
      await es.stop();
    }
    // OpenSearch speaks Elasticsearch 7's typeless API: kube-eventer users ran it with ver=7, which keeps working.
    const os2 = await fake('os2');
    try {
      await (await createElasticsearchSink(sinkUri(`elasticsearch:${os2.url}?ver=7`), sinkContext())).sink.close();
    } finally {
      await os2.stop();
    }
    const es6 = await fake('es6');
    try {
      await assert.rejects(createElasticsearchSink(sinkUri(`elasticsearch:${es6.url}?data_stream=true`), sinkContext()), /option data_stream=true needs Elasticsearch 7\.9\+/);
    } finally {
      await es6.stop();
    }
  });

  test('healthCheck=false: starts without the server, connects on the first send', async () => {
    const es = await fake('es7');
    const port = es.port;
    await es.stop();
    const uri = sinkUri(`elasticsearch:http://127.0.0.1:${port}?healthCheck=false`);
    const built = await createElasticsearchSink(uri, sinkContext());
    const { lane, registry } = startLane(uri, built, true);
    await stream(lane, [streamEvent(1), streamEvent(2)]);
    await eventually('a failed attempt', async () => (await metricSum(registry, 'eventer_sink_events_retried_total')) > 0, 5000);
    await es.start();
    await eventually('delivered', () => es.documents().length === 2, 10_000);
    await lane.drain(1000);
    await es.stop();
  });
});
