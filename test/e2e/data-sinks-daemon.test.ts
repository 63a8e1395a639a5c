// The elasticsearch, influxdb and mongo sinks in the daemon as users run it: one process with all three
// (the fake Elasticsearch node, a real InfluxDB 1.x, FerretDB), events from the fake API server; and a
// data sink that cannot start stopping the daemon with one message and no secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeElasticsearch, RELEASES } from '../fixtures/elasticsearch/server.js';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { InfluxServer } from '../fixtures/influxdb/server.js';
import { MongoServer } from '../fixtures/mongo/server.js';
import { eventually } from '../helpers/eventually.js';
import { runDaemon, spawnDaemon, waitForOutput } from './daemon-process.js';

test('one daemon, three data sinks: 300 events reach Elasticsearch, InfluxDB and MongoDB', { timeout: 90_000 }, async () => {
  const [api, es, influx, mongo] = await Promise.all([
    startFakeApiServer({ bookmarkIntervalMs: 1000 }),
    new FakeElasticsearch({ ...RELEASES.es8, users: { elastic: 'Es-pass-123' } }).start(),
    InfluxServer.start(),
    MongoServer.start(),
  ]);
  const reader = mongo.client();
  const daemon = spawnDaemon([
    `--source=kubernetes:${api.url}?inClusterConfig=false`,
    '--healthz-ip=127.0.0.1',
    '--healthz-port=0',
    `--sink=elasticsearch:${es.url}?ver=8&esUserName=elastic&esUserSecret=Es-pass-123&use_namespace=true`,
    `--sink=influxdb:${influx.url}?db=e2e&withfields=true`,
    `--sink=mongo:?${mongo.url}?database=e2e`,
  ]);
  try {
    // Events listed at startup are history (as in kube-eventer): create them once the watch runs.
    await waitForOutput(daemon, /watching for new events/, 30_000);
    const uids = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const e = api.createEvent({ type: i % 2 ? 'Normal' : 'Warning', reason: 'BackOff', involvedObject: { kind: 'Pod', namespace: i % 3 ? 'default' : 'prod', name: `p-${i}` } });
      uids.add(e.metadata.uid!);
    }
    await eventually('elasticsearch', () => es.documents().length >= 300, 30_000);
    await eventually('influxdb', async () => (await influx.query('e2e', 'SELECT count(message) FROM "e2e"."default"."events"'))[0]?.values[0]?.[1] === 300, 30_000);
    await eventually('mongo', async () => (await reader.db('e2e').collection('event').countDocuments()) >= 300, 30_000);
    assert.deepEqual(new Set(es.documents().map((d) => (d.source.EventTags as { eventID: string }).eventID)), uids);
    assert.ok(es.indexNames().some((n) => n.startsWith('heapster-prod-')));
    assert.deepEqual(new Set((await reader.db('e2e').collection('event').find().toArray()).map((d) => d.event_id)), uids);
    const { stdout, stderr } = daemon.output();
    assert.ok(!(stdout + stderr).includes('Es-pass-123'), 'the password never shows');
  } finally {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGKILL');
    await exited;
    await reader.close();
    await Promise.all([api.close(), es.stop(), influx.stop(), mongo.stop()]);
  }
});

test('a data sink that cannot start stops the daemon: exit 255, the option named, the password masked', async () => {
  const r = await runDaemon(['--source=kubernetes:http://127.0.0.1:1?inClusterConfig=false', '--sink=elasticsearch:http://elastic:Hide-me-42@127.0.0.1:9?ver=8']);
  assert.equal(r.code, 255, r.stderr);
  assert.match(r.stdout + r.stderr, /sink elasticsearch: cannot reach the cluster at startup/);
  assert.ok(!(r.stdout + r.stderr).includes('Hide-me-42'));
  const m = await runDaemon(['--source=kubernetes:http://127.0.0.1:1?inClusterConfig=false', '--sink=influxdb:http://127.0.0.1:9?pw=Hide-me-43&withfields=perhaps']);
  assert.equal(m.code, 255);
  assert.match(m.stdout + m.stderr, /option withfields="perhaps" is not a boolean/);
  assert.ok(!(m.stdout + m.stderr).includes('Hide-me-43'));
});
