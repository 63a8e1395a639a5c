import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandEnv, option, options, parseQuery, parseUri } from '../../src/base/uri.js';
import { ConfigError } from '../../src/base/errors.js';

test('splits on the first colon and parses a Go URL', () => {
  const u = parseUri('influxdb:http://h:8086?key=val', '--sink');
  assert.equal(u.key, 'influxdb');
  assert.equal(u.scheme, 'http');
  assert.equal(u.host, 'h:8086');
  assert.equal(u.rawQuery, 'key=val');
  assert.deepEqual(u.query, [['key', 'val']]);
});

test('a bare query keeps everything after the first ? (mongo, mysql DSNs)', () => {
  const mysql = parseUri('mysql:?root:pw@tcp(10.0.0.1:3306)/db?charset=utf8&table=t', '--sink');
  assert.equal(mysql.rawQuery, 'root:pw@tcp(10.0.0.1:3306)/db?charset=utf8&table=t');
  assert.equal(option(mysql, 'table'), 't');
  const kafka = parseUri('kafka:?brokers=a:9092&brokers=b:9092', '--sink');
  assert.deepEqual(options(kafka, 'brokers'), ['a:9092', 'b:9092']);
  assert.equal(kafka.host, '');
});

test('key only, or key with an empty rest, gives an empty URL', () => {
  assert.equal(parseUri('log', '--sink').key, 'log');
  assert.equal(parseUri('log:', '--sink').rawQuery, '');
});

test('empty key is an error naming the flag', () => {
  for (const bad of ['', ':', ':foo']) {
    assert.throws(() => parseUri(bad, '--sink'), (e: Error) => e instanceof ConfigError && /missing uri key/.test(e.message));
  }
});

test('a bad escape in the path fails like Go url.Parse', () => {
  assert.throws(() => parseUri('key:incorrecturl/%gh&%ij', '--sink'), /invalid URL escape "%gh"/);
});

test('non-numeric port fails', () => {
  assert.throws(() => parseUri('kubernetes:https://host:abc', '--source'), /invalid port ":abc"/);
});

test('query decoding follows Go: + is space, %XX decoded, ; and bad escapes dropped, order kept', () => {
  const q = parseQuery('a=1+2&b=%41&c;d=3&e=%zz&a=second&header=Content-Type=application/json&flag');
  assert.deepEqual(q.pairs, [
    ['a', '1 2'],
    ['b', 'A'],
    ['a', 'second'],
    ['header', 'Content-Type=application/json'],
    ['flag', ''],
  ]);
  assert.match(q.firstError!, /semicolon/);
});

test('a fragment truncates the query', () => {
  assert.equal(parseUri('webhook:http://h/p?a=1#frag&b=2', '--sink').rawQuery, 'a=1');
});

test('env expansion is Go os.ExpandEnv', () => {
  const env = { TOKEN: 'abc', A_1: 'x', '1': 'one' };
  assert.equal(expandEnv('k=$TOKEN&j=${A_1}', env), 'k=abc&j=x');
  assert.equal(expandEnv('$UNSET-', env), '-');
  assert.equal(expandEnv('a${}b', env), 'ab');
  assert.equal(expandEnv('a${unterminated', env), 'aunterminated');
  assert.equal(expandEnv('cost$', env), 'cost$');
  assert.equal(expandEnv('$1x', env), 'onex');
  assert.equal(expandEnv('a$/b', env), 'a$/b');
});

test('env expansion happens before URL parsing', () => {
  const u = parseUri('webhook:https://$HOSTNAME_X/send?key=${KEY}', '--sink', { HOSTNAME_X: 'robot.example', KEY: 's3cr3t' });
  assert.equal(u.host, 'robot.example');
  assert.equal(option(u, 'key'), 's3cr3t');
});
