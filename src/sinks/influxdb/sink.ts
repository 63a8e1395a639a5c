// The influxdb sink: one line-protocol write per batch to InfluxDB 1.x (`/write`, database and retention
// policy made ready at startup and again if the database disappears) or 2.x/3.x (`/api/v2/write`).
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { redact } from '../../base/redact.js';
import { reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { bodyExcerpt, classifyFailure, retryAfterMs } from '../http/classify.js';
import { HttpClient, type HttpReply } from '../http/client.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { fillRequest, verdictForTaken } from '../fill-request.js';
import { describeNetworkError } from '../network-error.js';
import { encodePoint, REFUSED_POINT, type InfluxFormat } from './encoder.js';
import { parseInfluxOptions, type InfluxOptions } from './options.js';

/** kube-eventer wrote 1000 points per request. */
export const INFLUX_MAX_BATCH = 1000;
/** A write stops growing here (InfluxDB 1.x refuses bodies over 25 MB by default); the rest waits. */
export const MAX_WRITE_BYTES = 8 * 1024 * 1024;

/** An InfluxQL identifier in double quotes. */
function ident(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function errorText(reply: HttpReply): string {
  try {
    const body = JSON.parse(reply.body) as { error?: string; message?: string };
    return body.error ?? body.message ?? bodyExcerpt(reply.body);
  } catch {
    return bodyExcerpt(reply.body);
  }
}

function authHeaders(options: InfluxOptions): Array<[string, string]> {
  const t = options.target;
  if (t.api === 'v1') return [['Authorization', `Basic ${Buffer.from(`${t.user}:${t.password}`).toString('base64')}`]];
  return t.token === undefined ? [] : [['Authorization', `Token ${t.token}`]];
}

function writeUrl(options: InfluxOptions): URL {
  const t = options.target;
  if (t.api === 'v1') {
    const url = new URL('write', options.base);
    url.search = new URLSearchParams({ db: t.db, rp: t.rp, precision: 'ns' }).toString();
    return url;
  }
  const url = new URL('api/v2/write', options.base);
  const params = new URLSearchParams();
  if (t.org !== undefined) params.set('org', t.org);
  params.set('bucket', t.bucket);
  params.set('precision', 'ns');
  url.search = params.toString();
  return url;
}

class InfluxSink implements Sink {
  readonly name = 'InfluxDB Sink';
  private readonly format: InfluxFormat;
  /** 1.x: the database and retention policy exist (false again after "database not found"). */
  private ready = false;
  private readonly auth: ReadonlyArray<readonly [string, string]>;
  private readonly writeUrl: URL;

  constructor(
    private readonly options: InfluxOptions,
    private readonly client: HttpClient,
  ) {
    this.format = { withFields: options.withFields, clusterName: options.clusterName };
    this.auth = authHeaders(options);
    this.writeUrl = writeUrl(options);
  }

  private async query(q: string, signal: AbortSignal | undefined): Promise<{ error?: string; series?: Array<{ values?: unknown[][] }> }> {
    const url = new URL('query', this.options.base);
    const reply = await this.client.request({
      url,
      method: 'POST',
      headers: [...this.auth, ['Content-Type', 'application/x-www-form-urlencoded']],
      body: new URLSearchParams({ q }).toString(),
      ...(signal === undefined ? {} : { signal }),
    });
    if (reply.status === 401) {
      throw new ConfigError(`sink influxdb: ${this.options.base.origin} refused the credentials (HTTP 401; check options user and pw): ${redact(errorText(reply))}`);
    }
    // 403: a known user without the right for this statement.
    if (reply.status === 403) return { error: errorText(reply) };
    if (reply.status !== 200) throw new Error(`${q.split(' ', 2).join(' ')}: HTTP ${reply.status}: ${redact(errorText(reply))}`);
    const body = JSON.parse(reply.body) as { results?: Array<{ error?: string; series?: Array<{ values?: unknown[][] }> }>; error?: string };
    if (body.error !== undefined) return { error: body.error };
    return body.results?.[0] ?? {};
  }

  /**
   * Reachability, credentials, and for 1.x the database and retention policy: created as kube-eventer
   * creates them (`WITH NAME "default"`), or, when the database exists, the policy is added if missing.
   */
  async prepare(signal: AbortSignal | undefined): Promise<void> {
    const ping = await this.client.request({ url: new URL('ping', this.options.base), method: 'GET', headers: this.auth, ...(signal === undefined ? {} : { signal }) });
    if (ping.status >= 500) throw new Error(`GET /ping: HTTP ${ping.status}`);
    const t = this.options.target;
    if (t.api === 'v2') {
      this.ready = true;
      return;
    }
    const created = await this.query(`CREATE DATABASE ${ident(t.db)} WITH DURATION ${t.retention} NAME ${ident(t.rp)}`, signal);
    // An existing database with other policies answers with a conflict: then add ours if missing.
    if (created.error !== undefined) {
      const policies = await this.query(`SHOW RETENTION POLICIES ON ${ident(t.db)}`, signal);
      if (policies.error !== undefined) {
        // A user who may only write (kube-eventer ignored the refused CREATE): an empty write checks
        // the database, the policy and the right to write without storing anything.
        const probe = await this.client.request({ url: this.writeUrl, method: 'POST', headers: this.auth, body: '', ...(signal === undefined ? {} : { signal }) });
        if (probe.status === 204) {
          this.ready = true;
          return;
        }
        throw new ConfigError(`sink influxdb: cannot use database ${JSON.stringify(t.db)} (option db): ${redact(created.error)}; ${redact(policies.error)}; empty write: HTTP ${probe.status} ${redact(errorText(probe))}`);
      }
      const names = (policies.series?.[0]?.values ?? []).map((row) => row[0]);
      if (!names.includes(t.rp)) {
        const rp = await this.query(`CREATE RETENTION POLICY ${ident(t.rp)} ON ${ident(t.db)} DURATION ${t.retention} REPLICATION 1`, signal);
        if (rp.error !== undefined) {
          throw new ConfigError(`sink influxdb: cannot create retention policy ${JSON.stringify(t.rp)} on database ${JSON.stringify(t.db)} (options rp, retention): ${redact(rp.error)}`);
        }
      }
    }
    this.ready = true;
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    if (!this.ready) {
      try {
        await this.prepare(signal);
      } catch (err) {
        return retry(`influxdb not ready: ${redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
    const { taken: lines, outcomes } = fillRequest(batch, (event) => encodePoint(event, this.format), (line) => Buffer.byteLength(line), MAX_WRITE_BYTES, 'write request full');
    const url = this.writeUrl;
    const target = `POST ${url.origin}${url.pathname}`;
    let failure: Outcome | undefined;
    try {
      const reply = await this.client.request({ url, method: 'POST', headers: [...this.auth, ['Content-Type', 'text/plain; charset=utf-8']], body: lines.join(''), signal });
      failure = this.classify(reply, target);
    } catch (err) {
      failure = classifyFailure(err, target, signal);
    }
    // A point InfluxDB cannot store goes as kube-eventer's comment line (skipped, the rest is written); its event is refused, so logged and counted.
    const verdicts = outcomes.map((o, k) => (k < lines.length && lines[k]!.startsWith(REFUSED_POINT) ? reject(`influxdb cannot store this event's point: ${lines[k]!.slice(REFUSED_POINT.length).trim()}`) : o));
    return failure === undefined ? verdicts : verdictForTaken(verdicts, failure);
  }

  /** undefined when the write succeeded. */
  private classify(reply: HttpReply, target: string): Outcome | undefined {
    if (reply.status >= 200 && reply.status < 300) return undefined;
    const message = errorText(reply);
    const reason = redact(`${target}: HTTP ${reply.status}: ${message}`);
    if (/database not found/i.test(message)) {
      // Dropped behind our back: make it again before the next write.
      this.ready = false;
      return retry(reason);
    }
    if (reply.status === 408 || reply.status === 429 || reply.status >= 500 || reply.status === 401 || reply.status === 403 || reply.status === 404) {
      return retry(reason, retryAfterMs(reply.headers));
    }
    // 400 (unparsable, field type conflict, partial write) and 413/422: sending it again cannot help.
    return reject(reason);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createInfluxSink(uri: SinkUri, _ctx: SinkContext): Promise<SinkParts> {
  const options = parseInfluxOptions(uri);
  const client = new HttpClient({ connectionsPerOrigin: 4, verifyTls: options.verifyTls, maxRedirections: 0 });
  const sink = new InfluxSink(options, client);
  try {
    await sink.prepare(AbortSignal.timeout(10_000));
  } catch (err) {
    await client.destroy();
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(redact(`sink influxdb: cannot reach InfluxDB at ${options.base.origin} at startup: ${describeNetworkError(err)}`));
  }
  return { sink, tuning: { maxBatch: INFLUX_MAX_BATCH } };
}
