// Sink option values read as kube-eventer's Go reads them (found by the command-line fuzzer,
// test/cli/command-line-fuzz.test.ts): integers with strconv.Atoi, numbers with strconv.ParseFloat,
// and kafka's and elasticsearch's strict url.ParseQuery.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/base/errors.js';
import { parseUri } from '../../src/base/uri.js';
import { laneSettingsFor } from '../../src/pipeline/lane-options.js';
import { parseEsOptions } from '../../src/sinks/elasticsearch/options.js';
import { parseInfluxOptions } from '../../src/sinks/influxdb/options.js';
import { parseKafkaOptions } from '../../src/sinks/kafka/options.js';
import { parseRiemannOptions } from '../../src/sinks/riemann/options.js';
import { parseWeChatOptions } from '../../src/sinks/wechat/options.js';

const sink = (value: string) => parseUri(value, '--sink', {});

test('integer options take what strconv.Atoi takes: a sign (%2B: a raw + is a space), leading zeros', () => {
  assert.equal(parseRiemannOptions(sink('riemann:tcp://r:5555?batchsize=%2B500')).batchSize, 500);
  assert.equal(parseRiemannOptions(sink('riemann:tcp://r:5555?batchsize=0500')).batchSize, 500);
  assert.equal(laneSettingsFor(sink('influxdb:http://i:8086?concurrency=%2B4')).concurrency, 4);
  assert.equal(parseWeChatOptions(sink('wechat:?corp_id=c&corp_secret=s&agent_id=%2B1000002')).format.agentId, 1000002);
  for (const bad of ['5_00', '0x10', ' 5', '5.0', '']) {
    assert.throws(() => parseRiemannOptions(sink(`riemann:tcp://r:5555?batchsize=${encodeURIComponent(bad)}`)), ConfigError, bad);
  }
});

test("wechat to_user takes kube-eventer's `alice|bob` (WeChat Work's own separator) as well as `alice,bob`", () => {
  for (const users of ['alice|bob', 'alice,bob', ' alice | bob ,']) {
    assert.deepEqual(parseWeChatOptions(sink(`wechat:?corp_id=c&corp_secret=s&agent_id=1&to_user=${encodeURIComponent(users)}`)).format.toUsers, ['alice', 'bob'], users);
  }
});

test("influxdb retention takes Heapster's documented days and weeks (7d) as well as Go durations", () => {
  const retention = (text: string) => {
    const { target } = parseInfluxOptions(sink(`influxdb:http://i:8086?retention=${text}`));
    return target.api === 'v1' ? target.retention : undefined;
  };
  assert.deepEqual(['7d', '2w', '720h', '0'].map(retention), ['604800s', '1209600s', '2592000s', 'INF']);
  for (const bad of ['7days', '1d2h', '30m']) assert.throws(() => retention(bad), /option retention=/, bad);
});

test('number options take what strconv.ParseFloat takes, and nothing else', () => {
  assert.equal(parseRiemannOptions(sink('riemann:tcp://r:5555?ttl=1_0')).ttl, 10);
  assert.equal(parseRiemannOptions(sink('riemann:tcp://r:5555?ttl=0x1p-2')).ttl, 0.25);
  for (const bad of ['%2060', '0x10', '0b1', 'Infinity']) {
    assert.throws(() => parseRiemannOptions(sink(`riemann:tcp://r:5555?ttl=${bad}`)), /option ttl=/, bad);
  }
  assert.throws(() => parseEsOptions(sink('elasticsearch:http://e:9200?startupHealthcheckTimeout=0o7')), /startupHealthcheckTimeout/);
});

test('kafka and elasticsearch stop on what url.ParseQuery refuses, naming the option but not its value', () => {
  assert.throws(() => parseKafkaOptions(sink('kafka:?brokers=k:9092&user=u;x')), /^ConfigError: sink kafka: failed to parse url's query string: invalid semicolon separator in query/);
  assert.throws(
    () => parseKafkaOptions(sink('kafka:?brokers=k:9092&user=u&password=s3cr%zzet')),
    (e: Error) => e.message === "sink kafka: failed to parse url's query string: invalid URL escape in the value of option password",
  );
  assert.throws(() => parseEsOptions(sink('elasticsearch:http://e:9200?index=a;b')), /sink elasticsearch: failed to parse url's query string: invalid semicolon/);
  assert.throws(() => parseEsOptions(sink('elasticsearch:http://e:9200?ind%x=a')), /invalid URL escape in the option name "ind%x"/);
});

test('an option name or value that a $VAR brought (a Secret with & or %) is not quoted in the error', () => {
  const env = { KPASS: 'Xy7&Qz%9Lm', TOKEN: 'abc123&SECRETTAIL99' };
  const fromEnv = (value: string) => parseUri(value, '--sink', env);
  const shown = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return (err as Error).message;
    }
    assert.fail('accepted');
  };
  const kafka = shown(() => parseKafkaOptions(fromEnv('kafka:?brokers=k:9092&user=u&password=$KPASS')));
  assert.match(kafka, /invalid URL escape in the option name \(text from the environment, not shown/);
  assert.ok(!kafka.includes('Qz'), kafka);
  const es = shown(() => parseEsOptions(fromEnv('elasticsearch:http://e:9200?esUserName=u&esUserSecret=$KPASS')));
  assert.ok(!es.includes('Qz'), es);
  const unknown = shown(() => parseRiemannOptions(fromEnv('riemann:tcp://r:5555?ttl=$TOKEN')));
  assert.match(unknown, /unknown option \(text from the environment, not shown/);
  assert.ok(!unknown.includes('SECRETTAIL'), unknown);
  // Typed in the flag, the option is named as before.
  assert.match(shown(() => parseRiemannOptions(fromEnv('riemann:tcp://r:5555?tll=5'))), /unknown option "tll"/);
});

test("the URI's user information is Go's: split on the last @ and the first :, unescaped", () => {
  const o = parseEsOptions(sink('elasticsearch:http://elastic:p@ss:w%2Fd@h:9200'));
  assert.deepEqual([o.nodes[0]!.host, o.authorization], ['h:9200', `Basic ${Buffer.from('elastic:p@ss:w/d').toString('base64')}`]);
});
