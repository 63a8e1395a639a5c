// The sink contract (docs/sinks/README.md), checked for every sink in the registry: a new sink gets
// these tests by adding one entry to CONTRACT. Each sink talks to a local HTTP receiver that answers
// like the service does.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { ConfigError } from '../../src/base/errors.js';
import { redact } from '../../src/base/redact.js';
import { parseUri, type SinkUri } from '../../src/base/uri.js';
import { registerUriSecrets } from '../../src/base/redact.js';
import type { KubeEvent } from '../../src/event/types.js';
import type { Outcome } from '../../src/pipeline/outcome.js';
import type { BuiltSink } from '../../src/pipeline/sink.js';
import type { SinkContext } from '../../src/sinks/context.js';
import { buildSink, SINKS } from '../../src/sinks/registry.js';
import { startHttpReceiver, type HttpReceiver, type Reply } from '../fixtures/http-receiver/server.js';
import { startRiemannPeer } from '../fixtures/riemann/peer.js';
import { startKafka, type KafkaBroker } from '../fixtures/kafka/index.js';
import { KAFKA_VERSIONS } from '../fixtures/kafka/versions.js';
import { startMariaDb, type MariaDb } from '../fixtures/mariadb/index.js';
import { HangProxy } from '../fixtures/mongo/hang-proxy.js';
import { MongoServer } from '../fixtures/mongo/server.js';
import { makeEvent } from '../helpers/events.js';
import { captureLog, type LogCapture } from '../helpers/log.js';

interface ContractFixture {
  /**
   * A `--sink` value that builds and delivers to `endpoint` (`http://127.0.0.1:PORT`), carrying each
   * of `secrets` (random per run) where the sink takes secrets.
   */
  readonly uri: (endpoint: string, secrets: readonly string[]) => string;
  /** How many secrets the URI carries. */
  readonly secretCount: number;
  /** The service's answer to a request that succeeds; `hang` for the request a send waits on. */
  readonly reply: (path: string, hang: boolean) => Reply;
  /**
   * What an unknown query parameter does: `rejected` stops startup naming it; `forwarded` (webhook:
   * the URL's own parameters are the endpoint's, as in kube-eventer) sends it on, and one that looks
   * like a misspelt option is named in a startup warning.
   */
  readonly unknownOptions: 'rejected' | 'forwarded';
  /** A server the sink talks to instead of the HTTP receiver (protocols other than HTTP). */
  readonly server?: () => Promise<ContractServer>;
}

/**
 * A real server one sink talks to instead of the HTTP receiver (data sinks): its endpoint, a switch that
 * makes it stop answering while keeping connections, and the credentials it accepts (used instead of
 * random ones) where it checks them.
 */
interface ContractServer {
  readonly endpoint: string;
  setHang(hang: boolean): void;
  stop(): Promise<void>;
  readonly secrets?: readonly string[];
}

let kafka: KafkaBroker | undefined;
let mariadb: MariaDb | undefined;

/** A real Kafka broker (the newest version tested) with SASL listeners and the contract's topic. */
async function kafkaServer(): Promise<ContractServer> {
  const broker = await startKafka({ version: KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!.version, sasl: true });
  kafka = broker;
  await broker.createTopics(['contract']);
  return {
    endpoint: broker.saslPlaintext,
    setHang: (on) => (on ? broker.pause() : broker.resume()),
    stop: () => broker.close(),
    secrets: [broker.users.scram512.password],
  };
}

/** A private MariaDB server (SIGSTOP makes it hang). */
async function mariadbServer(): Promise<ContractServer> {
  const db = await startMariaDb();
  mariadb = db;
  return {
    endpoint: `${db.host}:${db.port}`,
    setHang: (on) => (on ? db.pause() : db.resume()),
    stop: () => db.close(),
    secrets: [db.password],
  };
}

/** FerretDB (MongoDB wire protocol) behind a proxy that can stop answering. */
async function mongoServer(): Promise<ContractServer> {
  const mongo = await MongoServer.start();
  const proxy = await HangProxy.start(mongo.port);
  return {
    endpoint: `127.0.0.1:${proxy.port}`,
    setHang: (h) => (proxy.hang = h),
    stop: async () => {
      await proxy.stop();
      await mongo.stop();
    },
  };
}

/** A Riemann protocol peer that can stop answering. */
async function riemannServer(): Promise<ContractServer> {
  let hold = false;
  const peer = await startRiemannPeer(0, () => hold);
  return { endpoint: `127.0.0.1:${peer.port}`, setHang: (h) => (hold = h), stop: () => peer.stop() };
}

const ES_INFO = JSON.stringify({ name: 'n', cluster_name: 'c', version: { number: '8.15.3', build_flavor: 'default' }, tagline: 'You Know, for Search' });
/** The bulk reply for the contract's batches (3 events), every item indexed. */
const ES_BULK = JSON.stringify({ took: 1, errors: false, items: Array.from({ length: 3 }, (_, i) => ({ index: { _index: 'heapster', _id: String(i), status: 201 } })) });

const ok = (body: string) => (_path: string, hang: boolean): Reply => (hang ? { hang: true } : { status: 200, body });

/** One entry per registered sink. */
const CONTRACT: Readonly<Record<string, ContractFixture>> = {
  log: { uri: () => 'log:?format=json', secretCount: 0, reply: ok(''), unknownOptions: 'rejected' },
  dingtalk: {
    uri: (url, [token, sign]) => `dingtalk:${url}/robot/send?access_token=${token}&sign=${sign}`,
    secretCount: 2,
    reply: ok('{"errcode":0,"errmsg":"ok"}'),
    unknownOptions: 'rejected',
  },
  wechat: {
    uri: (url, [secret]) => `wechat:?corp_id=ww1&corp_secret=${secret}&agent_id=1000002&api_base=${url}`,
    secretCount: 1,
    reply: (path, hang) =>
      path === '/cgi-bin/gettoken' ? { status: 200, body: '{"errcode":0,"access_token":"contract-token","expires_in":7200}' } : ok('{"errcode":0,"errmsg":"ok"}')(path, hang),
    unknownOptions: 'rejected',
  },
  feishu: {
    uri: (url, [token, secret]) => `feishu:${url}/open-apis/bot/v2/hook/${token}?secret=${secret}`,
    secretCount: 2,
    reply: ok('{"code":0,"msg":"success"}'),
    unknownOptions: 'rejected',
  },
  slack: { uri: (url, [hook]) => `slack:${url}/services/T0CONTRACT/B0CONTRACT/${hook}`, secretCount: 1, reply: ok('ok'), unknownOptions: 'rejected' },
  elasticsearch: {
    uri: (url, [secret]) => `elasticsearch:${url}?esUserName=elastic&esUserSecret=${secret}&pipeline=p&index=heapster`,
    secretCount: 1,
    reply: (path, hang) =>
      hang ? { hang: true } : { status: 200, headers: { 'x-elastic-product': 'Elasticsearch' }, body: path === '/' ? ES_INFO : path === '/_bulk' ? ES_BULK : '{"acknowledged":true}' },
    unknownOptions: 'rejected',
  },
  influxdb: {
    uri: (url, [pw]) => `influxdb:${url}?user=kube&pw=${pw}&db=k8s`,
    secretCount: 1,
    reply: (path, hang) => (hang ? { hang: true } : path === '/query' ? { status: 200, body: '{"results":[{"statement_id":0}]}' } : { status: 204 }),
    unknownOptions: 'rejected',
  },
  kafka: {
    uri: (_url, [password]) =>
      `kafka:?brokers=${kafka!.saslPlaintext}&eventstopic=contract&mechanism=SCRAM-SHA-512&user=${kafka!.users.scram512.user}&password=${password}`,
    secretCount: 1,
    reply: ok(''),
    unknownOptions: 'rejected',
    server: kafkaServer,
  },
  mysql: {
    // Unknown DSN parameters are session variables (Go driver): one the server does not know stops startup.
    uri: (_url, [password]) => `mysql:?root:${password}@tcp(${mariadb!.host}:${mariadb!.port})/${mariadb!.database}?charset=utf8mb4&table=contract`,
    secretCount: 1,
    reply: ok(''),
    unknownOptions: 'rejected',
    server: mariadbServer,
  },
  mongo: {
    uri: (endpoint, [pw]) => `mongo:?mongodb://kube:${pw}@${endpoint}/?authMechanism=PLAIN&database=contract`,
    secretCount: 1,
    reply: ok(''),
    unknownOptions: 'rejected',
    server: mongoServer,
  },
  webhook: {
    uri: (url, [token, password]) => `webhook:http://user:${password}@${url.slice('http://'.length)}/hook/${token}?method=POST&header=Authorization=Bearer%20${token}`,
    secretCount: 2,
    reply: ok('{}'),
    unknownOptions: 'forwarded',
  },
  sls: {
    uri: (url, [id, secret]) => `sls:?project=contract-proj&logStore=contract-store&regionId=cn-hangzhou&accessKeyId=${id}&accessKeySecret=${secret}&endpoint=${url}`,
    secretCount: 2,
    // GetLogStore at startup, then PutLogs: both answer 200.
    reply: ok('{}'),
    unknownOptions: 'rejected',
  },
  eventbridge: {
    uri: (url, [id, secret]) => `eventbridge:?clusterId=contract&regionId=cn-hangzhou&accountId=1234567890&accessKeyId=${id}&accessKeySecret=${secret}&endpoint=${url}`,
    secretCount: 2,
    reply: ok('{"requestId":"contract","failedEntryCount":0}'),
    unknownOptions: 'rejected',
  },
  honeycomb: {
    uri: (url, [key]) => `honeycomb:?writekey=${key}&apihost=${url}`,
    secretCount: 1,
    // GET /1/auth, then the batch: one status per event (the contract sends 3).
    reply: (path, hang) => (path === '/1/auth' ? { status: 200, body: '{}' } : ok('[{"status":202},{"status":202},{"status":202}]')(path, hang)),
    unknownOptions: 'rejected',
  },
  riemann: {
    // Riemann speaks protobuf over TCP: its own peer, not the HTTP receiver.
    uri: (endpoint) => `riemann:tcp://${endpoint}`,
    secretCount: 0,
    reply: ok(''),
    unknownOptions: 'rejected',
    server: riemannServer,
  },
};

/** The longest an aborted send may take to end: the signal aborts 100 ms in (≥ 20× what it takes here). */
const ABORT_BOUND_MS = 3000;

let receiver: HttpReceiver;
let hang = false;

before(async () => {
  receiver = await startHttpReceiver();
  receiver.respond((req) => CONTRACT[currentKey]!.reply(req.path, hang));
});

after(async () => {
  await receiver.close();
});

let currentKey = '';

/** Builds through the registry and the daemon's secret registration, as the daemon does. */
async function build(key: string, uri: SinkUri, log: LogCapture = captureLog({ sink: `${key}#1` })): Promise<BuiltSink> {
  currentKey = key;
  registerUriSecrets(uri);
  const ctx: SinkContext = { log: log.log, metrics: new Registry(), shutdown: new AbortController().signal };
  return buildSink(uri, ctx);
}

function secretsFor(fixture: ContractFixture, server?: ContractServer): string[] {
  if (server?.secrets) return [...server.secrets];
  // Letters and digits, long enough to look like a credential in a URL path.
  return Array.from({ length: fixture.secretCount }, () => `S${randomBytes(12).toString('hex')}`);
}

function outcomesOf(result: Outcome | readonly Outcome[]): readonly Outcome[] {
  return Array.isArray(result) ? result : [result as Outcome];
}

function events(n: number): KubeEvent[] {
  return Array.from({ length: n }, (_, i) => makeEvent({ reason: `Contract${i}` }));
}

test('every registered sink has a contract entry', () => {
  assert.deepEqual(Object.keys(CONTRACT).sort(), Object.keys(SINKS).sort());
});

for (const [key, fixture] of Object.entries(CONTRACT)) {
  describe(`sink ${key}`, { timeout: 180_000 }, () => {
    let server: ContractServer | undefined;
    if (fixture.server !== undefined) {
      before(async () => {
        server = await fixture.server!();
      });
      after(async () => {
        await server?.stop();
      });
    }
    const value = (secrets: readonly string[]) => fixture.uri(server?.endpoint ?? receiver.url, secrets);
    const setHang = (on: boolean) => {
      hang = on;
      server?.setHang(on);
    };

    test('builds from its URI', async () => {
      const built = await build(key, parseUri(value(secretsFor(fixture, server)), '--sink', {}));
      assert.equal(typeof built.sink.name, 'string');
      await built.sink.close();
    });

    if (fixture.unknownOptions === 'rejected') {
      test('an unknown option stops startup with a message naming it', async () => {
        const text = value(secretsFor(fixture, server));
        const uri = parseUri(`${text}${text.includes('?') ? '&' : '?'}contract_unknown=1`, '--sink', {});
        await assert.rejects(build(key, uri), (err: unknown) => err instanceof ConfigError && /contract_unknown/.test(err.message));
      });
    } else {
      test('an unknown parameter is forwarded; one that looks like a misspelt option is named in a warning', async () => {
        const log = captureLog({ sink: `${key}#1` });
        const text = value(secretsFor(fixture, server));
        const built = await build(key, parseUri(`${text}${text.includes('?') ? '&' : '?'}levle=Warning`, '--sink', {}), log);
        await built.sink.close();
        assert.match(log.text(), /levle/);
      });
    }

    test('every secret in its URI is registered for redaction', async () => {
      const secrets = secretsFor(fixture, server);
      const built = await build(key, parseUri(value(secrets), '--sink', {}));
      await built.sink.close();
      for (const secret of secrets) assert.equal(redact(`seen: ${secret}.`).includes(secret), false, `secret #${secrets.indexOf(secret) + 1} is not masked`);
    });

    test('send returns one outcome for the batch or one per event, and close() may be called twice', async () => {
      const built = await build(key, parseUri(value(secretsFor(fixture, server)), '--sink', {}));
      setHang(false);
      const batch = events(3);
      const outcomes = outcomesOf(await built.sink.send(batch, new AbortController().signal));
      assert.ok(outcomes.length === 1 || outcomes.length === batch.length, `${outcomes.length} outcomes for ${batch.length} events`);
      assert.deepEqual(
        outcomes.map((o) => o.status),
        outcomes.map(() => 'ok'),
        JSON.stringify(outcomes),
      );
      await built.sink.close();
      await built.sink.close();
    });

    test('an aborted signal ends a send promptly', async () => {
      const built = await build(key, parseUri(value(secretsFor(fixture, server)), '--sink', {}));
      setHang(true);
      try {
        const signal = AbortSignal.timeout(100);
        const started = performance.now();
        const outcomes = outcomesOf(await built.sink.send(events(2), signal));
        const tookMs = performance.now() - started;
        assert.ok(tookMs < ABORT_BOUND_MS, `the send took ${Math.round(tookMs)} ms after an abort at 100 ms`);
        // A sink that had nothing to wait for (log) is done; one that waited reports a retry.
        for (const o of outcomes) assert.ok(o.status === 'ok' || o.status === 'retry', JSON.stringify(o));
      } finally {
        setHang(false);
        await built.sink.close();
      }
    });
  });
}
