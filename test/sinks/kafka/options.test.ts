import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri } from '../../../src/base/uri.js';
import { parseKafkaOptions } from '../../../src/sinks/kafka/options.js';

const parse = (q: string) => parseKafkaOptions(parseUri(`kafka:?${q}`, '--sink', {}));

test("kube-eventer's defaults: topic heapster-events, no compression, no TLS or SASL, no key, acks 1", () => {
  const o = parse('brokers=k1:9092');
  assert.deepEqual(o, { brokers: ['k1:9092'], topic: 'heapster-events', compression: 'none', key: 'none', clientId: 'kafka-sink', acks: 1, maxRequestBytes: 900_000 });
});

test('brokers: repeated keys and comma lists, spaces trimmed', () => {
  assert.deepEqual(parse('brokers=a:9092,b:9093&brokers=%20c:9094&brokers=[::1]:9092').brokers, ['a:9092', 'b:9093', 'c:9094', '[::1]:9092']);
});

test("timeseriestopic, the Heapster option kube-eventer's kafka doc shows in its example, is accepted and has no effect", () => {
  assert.deepEqual(parse('brokers=localhost:9092&brokers=localhost:9093&timeseriestopic=testseries'), parse('brokers=localhost:9092&brokers=localhost:9093'));
});

test('SASL mechanisms (any case), TLS files read at startup, insecuressl alone enables TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-opts-'));
  const pem = join(dir, 'ca.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const o = parse(`brokers=a:1&user=u&password=p&mechanism=SCRAM-SHA-512&cacert=${pem}&cert=${pem}&key=${pem}`);
  assert.deepEqual(o.sasl, { mechanism: 'scram-sha-512', user: 'u', password: 'p' });
  assert.equal(o.tls?.insecure, false);
  assert.ok(o.tls?.ca?.startsWith('-----BEGIN'));
  assert.deepEqual(parse('brokers=a:1&insecuressl=true').tls, { insecure: true });
  assert.equal(parse('brokers=a:1&user=u&password=p').sasl?.mechanism, 'plain');
});

test('bad options stop startup with the option named and the password never shown', () => {
  const cases: Array<[string, RegExp]> = [
    ['eventstopic=x', /There is no broker assigned for connecting kafka/],
    ['brokers=a', /option brokers="a" is not host:port/],
    ['brokers=a:1&compression=brotli', /option compression="brotli": Compression 'brotli' is illegal. Use none, gzip, snappy, lz4 or zstd/],
    ['brokers=a:1&cert=/x', /options cert and key go together.*only cert/],
    ['brokers=a:1&cacert=/no/such/file', /option cacert="\/no\/such\/file": cannot read the file \(ENOENT\)/],
    ['brokers=a:1&user=u&password=hunter22&mechanism=GSSAPI', /option mechanism="GSSAPI" must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/],
    ['brokers=a:1&password=hunter22', /SASL needs both user and password; got no user/],
    ['brokers=a:1&eventstopic=a/b', /option eventstopic="a\/b" is not a valid topic name/],
    ['brokers=a:1&acks=2', /option acks="2"/],
    ['brokers=a:1&max_request_bytes=1000', /sink kafka: option max_request_bytes="1000" must be an integer from 1024 to 100000000/],
    ['brokers=a:1&topic=x', /unknown option "topic"/],
    ['brokers=a:1&insecuressl=maybe', /option insecuressl="maybe" is not a boolean/],
  ];
  for (const [q, message] of cases) {
    assert.throws(() => parse(q), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, message);
      assert.ok(!err.message.includes('hunter22'));
      return true;
    }, q);
  }
});
