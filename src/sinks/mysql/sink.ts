// The mysql sink: one multi-row INSERT per batch through a mysql2 pool (which reconnects by
// itself); the lane retries failed batches. Rows follow kube-eventer's table by default (encoder.ts).
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { redact } from '../../base/redact.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { columns, ddl, encodeRow, insertSql, type Row } from './encoder.js';
import { parseMySqlOptions, type MySqlOptions } from './options.js';
import { isAborted, untilAborted } from '../until-aborted.js';

/** Errors about a row's values: the same row fails again, so it is rejected, not retried. */
const BAD_ROW_ERRORS = new Set([
  'ER_DATA_TOO_LONG', 'ER_TRUNCATED_WRONG_VALUE', 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD', 'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_BAD_NULL_ERROR', 'ER_DUP_ENTRY', 'ER_INVALID_CHARACTER_STRING', 'WARN_DATA_TRUNCATED',
]);

interface SqlError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

/** Privilege errors (table/column/database access denied). */
function isAccessDenied(err: unknown): boolean {
  const code = (err as SqlError).code;
  return code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_COLUMNACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR';
}

function describe(err: unknown): string {
  const e = err as SqlError;
  return redact(e.code ? `${e.code}: ${e.sqlMessage ?? e.message}` : String(e.message ?? err));
}

export class MySqlSink implements Sink {
  readonly name = 'MySQL Sink';

  constructor(
    private readonly opts: MySqlOptions,
    /** The mysql2 pool (20 connections, 5 kept idle, as kube-eventer's database/sql settings). */
    readonly pool: Pool,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | readonly Outcome[]> {
    if (signal.aborted) return retry('send deadline passed before the INSERT');
    const rows = batch.map((e) => encodeRow(e, this.opts.schema));
    try {
      await untilAborted(this.insert(rows), signal);
      return OK;
    } catch (err) {
      if (isAborted(err)) return retry('send deadline passed while the INSERT ran (it may still commit: a duplicate)');
      const code = (err as SqlError).code;
      if (code === undefined || !BAD_ROW_ERRORS.has(code)) return retry(`INSERT into ${this.opts.table} failed: ${describe(err)}`);
      if (batch.length === 1) return reject(`the server refused the row: ${describe(err)}`);
    }
    // A value the server refuses fails the whole statement: find the row(s), keep the rest.
    const outcomes: Outcome[] = [];
    for (const row of rows) {
      if (signal.aborted) {
        outcomes.push(retry('send deadline passed'));
        continue;
      }
      try {
        await this.insert([row]);
        outcomes.push(OK);
      } catch (err) {
        const code = (err as SqlError).code;
        outcomes.push(code !== undefined && BAD_ROW_ERRORS.has(code) ? reject(`the server refused the row: ${describe(err)}`) : retry(`INSERT into ${this.opts.table} failed: ${describe(err)}`));
      }
    }
    return outcomes;
  }

  private async insert(rows: readonly Row[]): Promise<void> {
    await this.pool.query(insertSql(this.opts.table, this.opts.schema, rows.length), rows.flat());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private closed = false;
}

function sessionVariablesSql(opts: MySqlOptions): string | undefined {
  const vars = opts.connection.sessionVariables;
  if (vars.length === 0) return undefined;
  return `SET ${vars.map(([k, v]) => `${k.split('.').map((p) => '`' + p + '`').join('.')}=${v}`).join(', ')}`;
}

export function createPool(opts: MySqlOptions): Pool {
  const c = opts.connection;
  const pool = mysql.createPool({
    ...(c.socketPath !== undefined ? { socketPath: c.socketPath } : { host: c.host!, port: c.port! }),
    user: c.user,
    password: c.password,
    database: c.database,
    charset: c.charset,
    connectTimeout: c.connectTimeout,
    ...(c.ssl ? { ssl: c.ssl } : {}),
    connectionLimit: 20,
    maxIdle: 5,
    idleTimeout: 60_000,
    enableKeepAlive: true,
    // Times are written as text the encoder made; nothing is converted by the driver.
    timezone: 'Z',
  });
  const sql = sessionVariablesSql(opts);
  if (sql !== undefined) {
    // The Go driver sends unknown DSN parameters as session variables on every new connection
    // (checked at startup; a later failure shows up as the INSERT's error).
    pool.pool.on('connection', (conn) => {
      conn.query(sql, () => undefined);
    });
  }
  return pool;
}

export async function createMySqlSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  const opts = parseMySqlOptions(uri);
  const pool = createPool(opts);
  const fail = async (message: string): Promise<never> => {
    await pool.end().catch(() => undefined);
    throw new ConfigError(`sink mysql: ${redact(message)}`);
  };
  let conn: PoolConnection;
  try {
    conn = await pool.getConnection();
  } catch (err) {
    return fail(`cannot open a connection for mysql according jdbc url string ${opts.shown}: ${describe(err)}`);
  }
  try {
    const sql = sessionVariablesSql(opts);
    if (sql !== undefined) {
      try {
        await conn.query(sql);
      } catch (err) {
        const names = opts.connection.sessionVariables.map(([k]) => k).join(', ');
        return await fail(`DSN parameters ${names} are not session variables the server accepts (the Go driver sends unknown parameters as SET): ${describe(err)}`);
      }
    }
    let createRefused: string | undefined;
    if (opts.createTable) {
      try {
        await conn.query(ddl(opts.schema, opts.table));
      } catch (err) {
        // A user granted only INSERT (all kube-eventer needs) may not run CREATE TABLE even for a table that exists.
        if (!isAccessDenied(err)) return await fail(`option table=${opts.table} (schema=${opts.schema}): the server refused CREATE TABLE: ${describe(err)}`);
        createRefused = describe(err);
      }
    }
    // Preparing the INSERT checks the table, its columns and the right to insert, without writing.
    try {
      await (await conn.prepare(insertSql(opts.table, opts.schema, 1))).close();
    } catch (err) {
      if (createRefused !== undefined) return await fail(`option table=${opts.table} (schema=${opts.schema}): the server refused CREATE TABLE: ${createRefused}; INSERT: ${describe(err)}`);
      return await fail(`option table=${opts.table} does not fit schema=${opts.schema} (columns ${columns(opts.schema).join(', ')}): ${describe(err)}`);
    }
  } finally {
    conn.release();
  }
  ctx.log.info(`mysql sink writes to table ${opts.table} of ${opts.shown} (schema ${opts.schema})`);
  return { sink: new MySqlSink(opts, pool), tuning: { maxBatch: 500 } };
}
