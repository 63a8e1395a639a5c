import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri } from '../../../src/base/uri.js';
import { parseGoMySqlDsn } from '../../../src/sinks/mysql/dsn.js';
import { columns, encodeRow, insertSql } from '../../../src/sinks/mysql/encoder.js';
import { parseMySqlOptions, quoteTable } from '../../../src/sinks/mysql/options.js';

const parse = (q: string) => parseMySqlOptions(parseUri(`mysql:?${q}`, '--sink', {}));

test("Go driver DSN rules: last '/' ends the address, last '@' the credentials, first ':' splits user and password", () => {
  assert.deepEqual(parseGoMySqlDsn('root:p@ss:w/rd@tcp(10.0.0.1:3306)/kube_eventer?charset=utf8&loc=Asia%2FShanghai'), {
    user: 'root', password: 'p@ss:w/rd', net: 'tcp', addr: '10.0.0.1:3306', dbName: 'kube_eventer', params: [['charset', 'utf8'], ['loc', 'Asia/Shanghai']],
  });
  assert.deepEqual(parseGoMySqlDsn('/db'), { user: '', password: '', net: 'tcp', addr: '127.0.0.1:3306', dbName: 'db', params: [] });
  assert.equal(parseGoMySqlDsn('u@tcp(db.example)/x').addr, 'db.example:3306');
  assert.equal(parseGoMySqlDsn('u@unix(/run/mysqld.sock)/x').addr, '/run/mysqld.sock');
  assert.throws(() => parseGoMySqlDsn('root:pw@tcp(h:3306)'), /missing the slash/);
  assert.throws(() => parseGoMySqlDsn('u@tcp(h:3306/db'), /network address not terminated/);
});

test("kube-eventer's URI: table from the query (default kube_event); our options and the lane's leave the DSN, the driver's stay", () => {
  const o = parse('root:pw@tcp(10.0.0.1:3306)/kube_eventer?charset=utf8mb4&table=events&batch_size=200&timeout=5s&tls=skip-verify&sql_mode=%27ANSI%27');
  assert.equal(o.table, 'events');
  assert.equal(o.schema, 'kube-eventer');
  assert.equal(o.createTable, true);
  assert.deepEqual(o.connection, {
    user: 'root', password: 'pw', database: 'kube_eventer', charset: 'utf8mb4', connectTimeout: 5000, host: '10.0.0.1', port: 3306,
    ssl: { rejectUnauthorized: false }, sessionVariables: [['sql_mode', "'ANSI'"]],
  });
  assert.equal(o.shown, "root:***@tcp(10.0.0.1:3306)/kube_eventer?charset=utf8mb4&timeout=5s&tls=skip-verify&sql_mode='ANSI'");
  assert.equal(parse('u:p@tcp(h:1)/d').table, 'kube_event');
});

test('bad DSNs and options: one ConfigError, password masked', () => {
  for (const [q, message] of [
    ['', /no DSN given/],
    ['root:secret99@tcp(h:3306)', /the DSN is not valid \(invalid DSN: missing the slash/],
    ['root:secret99@tcp(h:3306)/', /names no database/],
    ['root:secret99@tcp(h:3306)/d?schema=wide', /option schema="wide" must be kube-eventer or typed/],
    ['root:secret99@tcp(h:3306)/d?tls=custom', /DSN parameter tls="custom"/],
    ['root:secret99@tcp(h:3306)/d?table=a.b.c', /option table="a.b.c" is not a table name/],
    ['root:secret99@tcp(h:3306)/d?create_table=yes', /option create_table="yes" is not a boolean/],
    ['root:secret99@tcp(h:3306)/d?batch_size=10&charset=utf8', /option batch_size directly after the DSN's '\?' is not seen by the lane/],
  ] as const) {
    assert.throws(() => parse(q), (err: Error) => {
      assert.ok(err instanceof ConfigError, q);
      assert.match(err.message, message);
      assert.ok(!err.message.includes('secret99'), err.message);
      return true;
    });
  }
});

test('identifiers are quoted with backticks (doubled inside); one multi-row INSERT per batch', () => {
  assert.equal(quoteTable('a`b'), '`a``b`');
  assert.equal(quoteTable('db.t'), '`db`.`t`');
  assert.equal(
    insertSql('kube_event', 'kube-eventer', 2),
    'INSERT INTO `kube_event` (`namespace`,`kind`,`name`,`type`,`reason`,`message`,`event_id`,`first_occurrence_time`,`last_occurrence_time`) VALUES (?,?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?,?)',
  );
  assert.equal(columns('typed').length, 12);
});

test("kube-eventer's row: involvedObject fields, Go's Time.String() in the local zone, zero time for no firstTimestamp", () => {
  const prev = process.env.TZ;
  const row = encodeRow({ metadata: { uid: 'u1' }, involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web' }, type: 'Warning', reason: 'BackOff', message: 'm', lastTimestamp: '2026-12-06T03:00:05Z' }, 'kube-eventer');
  assert.deepEqual(row.slice(0, 7), ['prod', 'Pod', 'web', 'Warning', 'BackOff', 'm', 'u1']);
  assert.equal(row[7], '0001-01-01 00:00:00 +0000 UTC');
  assert.match(row[8] as string, /^2026-12-06 \d\d:00:05 [+-]\d{4} \S+$/);
  assert.equal(prev, process.env.TZ);
});
