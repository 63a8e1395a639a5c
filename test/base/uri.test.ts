import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandEnv, option, options, parseQuery, parseUri, INVALID_PORT } from '../../src/base/uri.js';
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
  assert.throws(() => parseUri('kubernetes:https://host:abc', '--source'), /invalid port after host \(not shown/);
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
  assert.match(q.error!, /semicolon/);
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

// Differences the command-line fuzzer (test/cli/command-line-fuzz.test.ts) found against Go 1.25's url.Parse.

test('characters outside the BMP in options survive decoding (a surrogate pair is one character)', () => {
  assert.deepEqual(parseQuery('label=🔥prod&x=%F0%9F%94%A5').pairs, [['label', '🔥prod'], ['x', '🔥']]);
  assert.equal(option(parseUri('dingtalk:https://h/send?label=🔥prod', '--sink'), 'label'), '🔥prod');
});

test('a value without ? whose first segment has a colon is refused, as Go does (kafka:brokers=a:9092)', () => {
  assert.throws(() => parseUri('kafka:brokers=a:9092', '--sink'), /--sink=kafka: first path segment in URL cannot contain colon/);
});

test('scheme: then no slash is opaque: no host, no path, no escape check', () => {
  const u = parseUri('webhook:http:h/send%zz?a=1', '--sink');
  assert.deepEqual([u.scheme, u.opaque, u.host, u.path, u.rawQuery], ['http', 'h/send%zz', '', '', 'a=1']);
});

test('hosts are checked and unescaped as Go does', () => {
  assert.throws(() => parseUri('webhook:http://ex%41mple.com/', '--sink'), /invalid URL escape "%41"/);
  assert.throws(() => parseUri('webhook:http://a b/', '--sink'), /invalid character " " in host name/);
  assert.equal(parseUri('webhook:http://h<x>/', '--sink').host, 'h<x>');
  assert.equal(parseUri('webhook:http://%C3%A9.example/', '--sink').host, 'é.example');
});

test('IPv6 literals: a valid IPv6 address, a zone after %25, not IPv4', () => {
  assert.equal(parseUri('influxdb:http://[::1]:8086', '--sink').host, '[::1]:8086');
  assert.equal(parseUri('influxdb:http://[fe80::1%25en0]:8086', '--sink').host, '[fe80::1%en0]:8086');
  assert.throws(() => parseUri('influxdb:http://[::1', '--sink'), /missing '\]' in host/);
  assert.throws(() => parseUri('influxdb:http://[1.2.3.4]:8086', '--sink'), /invalid IPv6 host/);
  assert.throws(() => parseUri('influxdb:http://[::ffff:1.2.3.4]', '--sink'), /invalid IPv6 host/);
  assert.throws(() => parseUri('influxdb:http://[h]:8086', '--sink'), /invalid host/);
  // A zone may escape a space, not a byte beyond ASCII.
  assert.equal(parseUri('influxdb:http://[fe80::1%25en%200]:8086', '--sink').host, '[fe80::1%en 0]:8086');
  assert.throws(() => parseUri('influxdb:http://[fe80::1%25%C3%A9]:8086', '--sink'), /invalid URL escape "%C3"/);
});

test('userinfo: split on the last @ and the first :, unescaped, checked', () => {
  const u = parseUri('elasticsearch:http://el%40stic:p@ss:w@h:9200', '--sink');
  assert.deepEqual([u.user, u.host], [{ name: 'el@stic', password: 'p@ss:w' }, 'h:9200']);
  assert.throws(() => parseUri('elasticsearch:http://u%zz@h', '--sink'), /invalid URL escape "%zz"/);
  assert.throws(() => parseUri('elasticsearch:http://u{x}@h', '--sink'), /invalid userinfo/);
});

test('the fragment is dropped, options included, but a bad escape in it fails; it may hold what the URL may not', () => {
  assert.throws(() => parseUri('log:?a=1#%zz', '--sink'), /invalid URL escape "%zz"/);
  const u = parseUri('log:?a=1#x\u0001y&b=2', '--sink');
  assert.deepEqual([u.rawQuery, u.query], ['a=1', [['a', '1']]]);
});

test("ParseQuery's error: the last semicolon error over any escape error, a bad escape shown by its 3 bytes", () => {
  assert.equal(parseQuery('a=%zz&b=1').error, 'invalid URL escape "%zz"');
  assert.equal(parseQuery('a=%7f%&b;c').error, 'invalid semicolon separator in query');
  assert.equal(parseQuery('a=%é1').error, 'invalid URL escape "%é"');
});

test('a parse error in text from the environment is named without quoting it (it may be a Secret)', () => {
  const env = { PW: 's3cretpw', TOKEN: 'ab%zzcd' };
  assert.throws(() => parseUri('webhook:https://user:$PW/send', '--sink', env), (e: Error) => e.message === `--sink=webhook: ${INVALID_PORT}` && !e.message.includes('s3cretpw'));
  assert.throws(() => parseUri('webhook:https://h/$TOKEN', '--sink', env), (e: Error) => e.message === '--sink=webhook: invalid URL escape (in text from the environment, not shown)');
  // Typed in the flag, a password where the port goes (no @host) is not shown either.
  assert.throws(() => parseUri('webhook:https://user:hunter2/send', '--sink', env), (e: Error) => e.message === `--sink=webhook: ${INVALID_PORT}`);
});
