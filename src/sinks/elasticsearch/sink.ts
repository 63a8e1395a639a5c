// The elasticsearch sink: one `_bulk` request per batch to Elasticsearch 5–9 or OpenSearch 1–3, spoken
// directly over HTTP (the official clients refuse servers without their product header and differ per
// major). Per-item results: only the failed items are retried; the ones the server calls bad are rejected.
import type { Gauge } from 'prom-client';
import { Gauge as PromGauge } from 'prom-client';
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
import { encodeBulkItem, supportsDataStreams, templateName, templateRequest, type EsDialect, type EsFormat } from './encoder.js';
import { parseEsOptions, type EsFlavor, type EsOptions } from './options.js';

/** A bulk request stops growing here; the rest of the batch waits for the next one (servers cap bodies at 100 MB). */
export const MAX_BULK_BYTES = 8 * 1024 * 1024;
/** kube-eventer's bulk processor committed every 1000 actions. */
export const ES_MAX_BATCH = 1000;

/**
 * Per-item failures worth sending again unchanged: overload and server errors, an index that cannot be
 * auto-created yet, and a write block (disk flood stage) an operator will lift.
 */
function isTransientItem(status: number, type: string | undefined): boolean {
  return status === 408 || status === 429 || status >= 500 || type === 'index_not_found_exception' || type === 'cluster_block_exception';
}

interface BulkReply {
  errors?: boolean;
  items?: Array<Record<string, { status?: number; error?: { type?: string; reason?: string } | string }>>;
}

/** The server's version line from its info API. */
export function dialectFromInfo(body: string): EsDialect & { readonly number: string } {
  let info: { version?: { number?: unknown; distribution?: unknown }; tagline?: unknown };
  try {
    info = JSON.parse(body) as typeof info;
  } catch {
    throw new Error(`the info API answered with something that is not JSON: ${bodyExcerpt(body, 100)}`);
  }
  const number = typeof info.version?.number === 'string' ? info.version.number : '';
  const m = /^(\d+)\.(\d+)/.exec(number);
  if (m === null) throw new Error(`the info API reports no version number (is this Elasticsearch or OpenSearch?)`);
  const distribution = info.version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  return { distribution, major: Number(m[1]), minor: Number(m[2]), number };
}

function flavorName(f: EsFlavor): string {
  return f.distribution === 'opensearch' ? `opensearch${f.major}` : String(f.major);
}

function describeServer(d: EsDialect & { number: string }): string {
  return `${d.distribution === 'opensearch' ? 'OpenSearch' : 'Elasticsearch'} ${d.number}`;
}

/** Does the server's major fit `ver`? Elasticsearch 5..9 and OpenSearch 1..3 only. */
function checkVersion(flavor: EsFlavor | undefined, d: EsDialect & { number: string }): void {
  const supported = d.distribution === 'opensearch' ? d.major >= 1 && d.major <= 3 : d.major >= 5 && d.major <= 9;
  if (!supported) throw new ConfigError(`sink elasticsearch: the server is ${describeServer(d)}, which this sink does not support (Elasticsearch 5–9, OpenSearch 1–3)`);
  if (flavor === undefined) return;
  // OpenSearch forked Elasticsearch 7.10 and keeps its typeless API: kube-eventer users ran it with ver=7.
  const openSearchAsSeven = flavor.distribution === 'elasticsearch' && flavor.major === 7 && d.distribution === 'opensearch';
  if (!openSearchAsSeven && (flavor.distribution !== d.distribution || flavor.major !== d.major)) {
    const fit = d.distribution === 'opensearch' ? `opensearch${d.major}` : String(d.major);
    throw new ConfigError(`sink elasticsearch: option ver=${flavorName(flavor)} but the server is ${describeServer(d)} (use ver=${fit}, or leave ver out to follow the server)`);
  }
}

class ElasticsearchSink implements Sink {
  readonly name = 'ElasticSearch Sink';
  private current = 0;
  private dialect: EsDialect | undefined;
  private readonly format: EsFormat;

  constructor(
    private readonly options: EsOptions,
    private readonly client: HttpClient,
    private readonly failedItems: Gauge | undefined,
  ) {
    this.format = { index: options.index, clusterName: options.clusterName, useNamespace: options.useNamespace, dataStream: options.dataStream };
  }

  private headers(contentType?: string): Array<[string, string]> {
    const h: Array<[string, string]> = [];
    if (contentType !== undefined) h.push(['Content-Type', contentType]);
    if (this.options.authorization !== undefined) h.push(['Authorization', this.options.authorization]);
    return h;
  }

  private node(): URL {
    return this.options.nodes[this.current % this.options.nodes.length]!;
  }

  /** The next request goes to the next node in the list (the current one failed). */
  private failover(): void {
    this.current = (this.current + 1) % this.options.nodes.length;
  }

  private async call(method: string, path: string, body: string | undefined, signal: AbortSignal | undefined, contentType = 'application/json'): Promise<HttpReply> {
    const url = new URL(path, this.node());
    return this.client.request({ url, method, headers: this.headers(body === undefined ? undefined : contentType), ...(body === undefined ? {} : { body }), ...(signal === undefined ? {} : { signal }) });
  }

  /**
   * Learns the server's version (info API), checks `ver`, installs the index template and checks the
   * ingest pipeline. Tries every node once. Throws ConfigError for what a person must fix.
   */
  async prepare(signal: AbortSignal | undefined): Promise<void> {
    if (this.dialect !== undefined) return;
    const failures: string[] = [];
    let info: (EsDialect & { number: string }) | undefined;
    for (let tried = 0; tried < this.options.nodes.length && info === undefined; tried++) {
      const node = this.node().origin;
      try {
        const reply = await this.call('GET', '', undefined, signal);
        if (reply.status === 401 || reply.status === 403) {
          throw new ConfigError(`sink elasticsearch: ${node} refused the credentials (HTTP ${reply.status}${this.options.authorization === undefined ? '; no esUserName/esUserSecret or apiKey given' : '; check esUserName/esUserSecret or apiKey'}): ${redact(bodyExcerpt(reply.body))}`);
        }
        if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${bodyExcerpt(reply.body)}`);
        info = dialectFromInfo(reply.body);
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        failures.push(`${node}: ${describeNetworkError(err)}`);
        this.failover();
      }
    }
    if (info === undefined) throw new Error(redact(`no Elasticsearch node answered (${failures.join('; ')})`));
    checkVersion(this.options.flavor, info);
    if (this.options.dataStream && !supportsDataStreams(info)) {
      throw new ConfigError(`sink elasticsearch: option data_stream=true needs Elasticsearch 7.9+ or OpenSearch; the server is ${describeServer(info)}`);
    }
    if (this.options.template) {
      const t = templateRequest(this.format, info);
      const reply = await this.call('PUT', t.path, t.body, signal);
      if (reply.status < 200 || reply.status >= 300) {
        const what = `sink elasticsearch: the server (${describeServer(info)}) refused the index template ${templateName(this.format)} for option index=${this.options.index}: HTTP ${reply.status}: ${redact(bodyExcerpt(reply.body, 300))}`;
        if (reply.status >= 500 || reply.status === 429) throw new Error(what);
        throw new ConfigError(`${what} (grant manage_index_templates, or set template=false and create it yourself)`);
      }
    }
    if (this.options.pipeline !== undefined) {
      const reply = await this.call('GET', `_ingest/pipeline/${encodeURIComponent(this.options.pipeline)}`, undefined, signal);
      if (reply.status === 404) throw new ConfigError(`sink elasticsearch: option pipeline=${JSON.stringify(this.options.pipeline)}: no ingest pipeline of that name on the server`);
      if (reply.status !== 200) throw new Error(`checking ingest pipeline ${this.options.pipeline}: HTTP ${reply.status}: ${redact(bodyExcerpt(reply.body))}`);
    }
    this.dialect = info;
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    if (this.dialect === undefined) {
      try {
        await this.prepare(signal);
      } catch (err) {
        return retry(`elasticsearch not ready: ${redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
    const dialect = this.dialect!;
    const { taken, outcomes } = fillRequest(
      batch,
      (event) => encodeBulkItem(event, this.format, dialect),
      (item) => Buffer.byteLength(item.lines),
      MAX_BULK_BYTES,
      'bulk request full',
    );
    const ops = taken.map((item) => item.op);
    const body = taken.map((item) => item.lines).join('');
    const path = this.options.pipeline === undefined ? '_bulk' : `_bulk?pipeline=${encodeURIComponent(this.options.pipeline)}`;
    const target = `POST ${this.node().origin}/_bulk`;
    const sentAll = (o: Outcome) => verdictForTaken(outcomes, o);
    let reply: HttpReply;
    try {
      reply = await this.call('POST', path, body, signal, 'application/x-ndjson');
    } catch (err) {
      this.failover();
      return sentAll(classifyFailure(err, target, signal));
    }
    const whole = this.wholeRequestOutcome(reply, target);
    if (whole !== undefined) return sentAll(whole);
    let parsed: BulkReply;
    try {
      parsed = JSON.parse(reply.body) as BulkReply;
    } catch {
      return sentAll(retry(`${target}: reply is not JSON${reply.truncated ? ' (too large)' : ''}`));
    }
    const items = parsed.items ?? [];
    if (items.length !== ops.length) return sentAll(retry(`${target}: ${items.length} results for ${ops.length} actions`));
    let failed = 0;
    items.forEach((item, i) => {
      const result = item[ops[i]!] ?? Object.values(item)[0];
      const status = result?.status ?? 0;
      if (status >= 200 && status < 300) return;
      // A `create` of a document that exists: an earlier send got through.
      if (status === 409 && ops[i] === 'create') return;
      failed++;
      const error = result?.error;
      const why = typeof error === 'string' ? error : `${error?.type ?? 'error'}: ${error?.reason ?? ''}`;
      const reason = redact(`${target}: item ${status} ${why}`);
      outcomes[i] = isTransientItem(status, typeof error === 'string' ? undefined : error?.type) ? retry(reason) : reject(reason);
    });
    if (failed > 0) this.failedItems?.inc(failed);
    return outcomes;
  }

  /** Outcome for the whole batch when the request itself failed; undefined when items must be read. */
  private wholeRequestOutcome(reply: HttpReply, target: string): Outcome | undefined {
    if (reply.status >= 200 && reply.status < 300) return undefined;
    const reason = redact(`${target}: HTTP ${reply.status}: ${bodyExcerpt(reply.body)}`);
    // Overloaded, failing over, or credentials not (yet) accepted: the same request may pass later.
    if (reply.status === 408 || reply.status === 429 || reply.status >= 500 || reply.status === 401 || reply.status === 403) {
      if (reply.status >= 502) this.failover();
      return retry(reason, retryAfterMs(reply.headers));
    }
    return reject(reason);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** kube-eventer's gauge of failed bulk items; one per process even with several elasticsearch sinks. */
function errorsGauge(ctx: SinkContext): Gauge | undefined {
  const existing = ctx.metrics.getSingleMetric('eventer_elasticsearch_errors');
  if (existing !== undefined) return existing as Gauge;
  return new PromGauge({ name: 'eventer_elasticsearch_errors', help: 'Bulk items the Elasticsearch server failed, since start.', registers: [ctx.metrics] });
}

export async function createElasticsearchSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  const options = parseEsOptions(uri);
  const client = new HttpClient({ connectionsPerOrigin: options.bulkWorkers, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000, maxReplyBytes: 32 * 1024 * 1024, maxRedirections: 0 });
  const sink = new ElasticsearchSink(options, client, errorsGauge(ctx));
  if (options.healthCheck) {
    const timeout = AbortSignal.timeout(options.startupTimeoutMs);
    try {
      await sink.prepare(timeout);
    } catch (err) {
      await client.destroy();
      if (err instanceof ConfigError) throw err;
      const why = timeout.aborted ? `no answer within startupHealthcheckTimeout=${options.startupTimeoutMs / 1000}s` : err instanceof Error ? err.message : String(err);
      throw new ConfigError(redact(`sink elasticsearch: cannot reach the cluster at startup (nodes=${options.nodes.map((n) => n.origin).join(',')}): ${why} (healthCheck=false starts without it and connects on the first send)`));
    }
  }
  return { sink, tuning: { maxBatch: ES_MAX_BATCH, concurrency: options.bulkWorkers, sendTimeoutMs: 60_000 } };
}
