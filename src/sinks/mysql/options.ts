// mysql:?<Go MySQL DSN>[&table=name] → a validated config. kube-eventer reads the whole raw query
// as the DSN; our own options (table, schema, create_table and the lane options) are taken out of
// the DSN's parameters, every other parameter stays with the connection.
import { ConfigError } from '../../base/errors.js';
import { parseGoDuration } from '../../base/go-duration.js';
import { parseGoBool } from '../../base/go-bool.js';
import type { SinkUri } from '../../base/uri.js';
import { registerSecret } from '../../base/redact.js';
import { isLaneOption } from '../../pipeline/lane-options.js';
import { DsnError, maskedDsn, parseGoMySqlDsn, type GoMySqlDsn } from './dsn.js';

export const SCHEMAS = ['kube-eventer', 'typed'] as const;
export type Schema = (typeof SCHEMAS)[number];

export interface MySqlConnection {
  host?: string;
  port?: number;
  socketPath?: string;
  user: string;
  password: string;
  database: string;
  charset: string;
  connectTimeout: number;
  ssl?: { rejectUnauthorized: boolean };
  /** DSN parameters the Go driver sends as session variables (`SET name=value` on connect). */
  sessionVariables: Array<[string, string]>;
}

export interface MySqlOptions {
  connection: MySqlConnection;
  table: string;
  schema: Schema;
  createTable: boolean;
  /** The DSN with the password masked, for messages. */
  shown: string;
}

const SINK_OPTIONS = new Set(['table', 'schema', 'create_table']);

/** Go driver parameters that have no counterpart here (behaviour already as they ask, or client-side only). */
const ACCEPTED_DRIVER_PARAMS = new Set([
  'allowAllFiles', 'allowCleartextPasswords', 'allowFallbackToPlaintext', 'allowNativePasswords', 'allowOldPasswords',
  'checkConnLiveness', 'clientFoundRows', 'columnsWithAlias', 'interpolateParams', 'loc', 'timeTruncate',
  'maxAllowedPacket', 'serverPubKey', 'multiStatements', 'parseTime', 'readTimeout', 'rejectReadOnly', 'strict',
  'writeTimeout', 'connectionAttributes',
]);

function fail(message: string): never {
  throw new ConfigError(`sink mysql: ${message}`);
}

/** A table name, optionally `database.table`; quoted with backticks later, so only its length and emptiness matter to MySQL. */
export function quoteTable(table: string): string {
  return table.split('.').map((part) => '`' + part.replace(/`/g, '``') + '`').join('.');
}

function checkTable(table: string): void {
  const parts = table.split('.');
  if (parts.length > 2 || parts.some((p) => p === '' || p.length > 64 || p.includes('\0') || /\s$/.test(p))) {
    fail(`option table=${JSON.stringify(table)} is not a table name (table or database.table, each at most 64 characters, no trailing space)`);
  }
}

function connectionFrom(dsn: GoMySqlDsn, driverParams: Array<[string, string]>): MySqlConnection {
  const conn: MySqlConnection = { user: dsn.user, password: dsn.password, database: dsn.dbName, charset: 'utf8mb4', connectTimeout: 10_000, sessionVariables: [] };
  if (dsn.net === 'unix') conn.socketPath = dsn.addr;
  else {
    const m = /^(?:\[(.*)\]|(.*)):(\d+)$/.exec(dsn.addr)!;
    conn.host = m[1] ?? m[2]!;
    conn.port = Number(m[3]);
    if (conn.port < 1 || conn.port > 65535) fail(`DSN address ${dsn.addr}: the port is out of range`);
  }
  for (const [name, value] of driverParams) {
    switch (name) {
      case 'charset':
        // Go tries each charset of a comma list in turn; the first is what a working server gets.
        conn.charset = value.split(',')[0]!.trim() || 'utf8mb4';
        break;
      case 'collation':
        conn.charset = value;
        break;
      case 'timeout': {
        const ns = parseGoDuration(value);
        if (ns === undefined || ns <= 0) fail(`DSN parameter timeout=${JSON.stringify(value)} is not a positive Go duration such as 10s`);
        conn.connectTimeout = Math.max(1, Math.round(ns / 1e6));
        break;
      }
      case 'tls': {
        const b = parseGoBool(value);
        if (value === 'skip-verify' || value === 'preferred') conn.ssl = { rejectUnauthorized: false };
        else if (b === true) conn.ssl = { rejectUnauthorized: true };
        else if (b !== false) fail(`DSN parameter tls=${JSON.stringify(value)}: use true, false, skip-verify or preferred (custom TLS configs need code in kube-eventer too)`);
        break;
      }
      default:
        if (ACCEPTED_DRIVER_PARAMS.has(name)) break;
        if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) fail(`DSN parameter ${JSON.stringify(name)} is not a MySQL system variable name`);
        conn.sessionVariables.push([name, value]);
    }
  }
  return conn;
}

export function parseMySqlOptions(uri: SinkUri): MySqlOptions {
  // kube-eventer: the raw query is the DSN (not URL-decoded: a password keeps its '%' and '+').
  if (uri.rawQuery === '') fail('no DSN given: use mysql:?user:password@tcp(host:3306)/database?charset=utf8');
  let dsn: GoMySqlDsn;
  try {
    dsn = parseGoMySqlDsn(uri.rawQuery);
  } catch (err) {
    if (err instanceof DsnError) {
      // The raw text may hold the password: show only what parsing could not take.
      fail(`the DSN is not valid (${err.message}); the form is user:password@tcp(host:3306)/database?param=value`);
    }
    throw err;
  }
  registerSecret(dsn.password);
  const ours = new Map<string, string>();
  const driver: Array<[string, string]> = [];
  for (const [name, value] of dsn.params) {
    // `timeout` is both the Go driver's dial timeout and the lane's send deadline: it serves both.
    if (name === 'timeout') driver.push([name, value]);
    else if (SINK_OPTIONS.has(name) || isLaneOption(name)) {
      if (!ours.has(name)) ours.set(name, value);
    } else driver.push([name, value]);
  }
  for (const name of ours.keys()) {
    // The lane reads its options from the URI's query, where the DSN's first parameter is glued to
    // the DSN ("…/db?batch_size"): there it would be silently ignored.
    if (isLaneOption(name) && !uri.query.some(([k]) => k === name)) {
      fail(`option ${name} directly after the DSN's '?' is not seen by the lane: put it after another parameter (…/${dsn.dbName}?charset=utf8mb4&${name}=…)`);
    }
  }
  dsn.params = driver;
  if (dsn.dbName === '') fail(`the DSN ${maskedDsn(dsn)} names no database (…/database?…)`);

  const table = ours.get('table') || 'kube_event';
  checkTable(table);
  const schemaText = ours.get('schema') ?? 'kube-eventer';
  if (!(SCHEMAS as readonly string[]).includes(schemaText)) fail(`option schema=${JSON.stringify(schemaText)} must be kube-eventer or typed`);
  const createText = ours.get('create_table');
  const createTable = createText === undefined ? true : parseGoBool(createText);
  if (createTable === undefined) fail(`option create_table=${JSON.stringify(createText)} is not a boolean (use true or false)`);

  return { connection: connectionFrom(dsn, driver), table, schema: schemaText as Schema, createTable, shown: maskedDsn(dsn) };
}
