// The honeycomb sink: Honeycomb's batch events API, gzip bodies, per-event statuses read so only
// the events Honeycomb refused for a passing reason are retried.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Logger } from '../../log/logger.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { bodyExcerpt, classifyFailure, failureReason, retryAfterMs } from '../http/classify.js';
import { HttpClient, type HttpReply } from '../http/client.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { isHostNotFound } from '../network-error.js';
import { batchBody, honeycombEvent, HONEYCOMB_MAX_EVENT_BYTES, planBatches } from './encoder.js';
import { parseHoneycombOptions, type HoneycombOptions } from './options.js';

const gzipAsync = promisify(gzip);

function isTransient(status: number): boolean {
  return status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
}

function errorText(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: unknown };
    if (typeof json.error === 'string') return json.error;
  } catch {
    // not JSON
  }
  return bodyExcerpt(body);
}

class HoneycombSink implements Sink {
  readonly name = 'Honeycomb Sink';

  constructor(
    private readonly options: HoneycombOptions,
    private readonly http: HttpClient,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome[]> {
    const outcomes = new Array<Outcome>(batch.length);
    const encoded: Array<{ index: number; json: string; size: number }> = [];
    batch.forEach((e, index) => {
      const json = honeycombEvent(e);
      const size = Buffer.byteLength(json);
      if (size > HONEYCOMB_MAX_EVENT_BYTES) outcomes[index] = reject(`event is ${size} bytes, over Honeycomb's ${HONEYCOMB_MAX_EVENT_BYTES}`);
      else encoded.push({ index, json, size });
    });
    for (const group of planBatches(encoded.map((x) => x.size))) {
      const members = group.map((g) => encoded[g]!);
      const results = await this.post(
        members.map((m) => m.json),
        signal,
      );
      members.forEach((m, k) => (outcomes[m.index] = results[k]!));
    }
    return outcomes;
  }

  private async post(events: readonly string[], signal: AbortSignal): Promise<Outcome[]> {
    const url = this.options.batchUrl;
    const target = `POST ${url.origin}${url.pathname}`;
    const all = (o: Outcome) => events.map(() => o);
    let reply: HttpReply;
    try {
      const body = await gzipAsync(Buffer.from(batchBody(events)));
      reply = await this.http.request({
        url,
        method: 'POST',
        headers: [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'gzip'],
          ['X-Honeycomb-Team', this.options.writeKey],
        ],
        body,
        signal,
      });
    } catch (err) {
      return all(classifyFailure(err, target, signal));
    }
    if (reply.status !== 200) {
      const reason = `${target}: HTTP ${reply.status}: ${errorText(reply.body)}`;
      return all(isTransient(reply.status) ? retry(reason, retryAfterMs(reply.headers)) : reject(reason));
    }
    let statuses: Array<{ status?: number; error?: string }>;
    try {
      statuses = JSON.parse(reply.body) as typeof statuses;
    } catch {
      return all(retry(`${target}: reply is not JSON: ${bodyExcerpt(reply.body)}`));
    }
    if (!Array.isArray(statuses) || statuses.length !== events.length) {
      return all(retry(`${target}: reply holds ${Array.isArray(statuses) ? statuses.length : 'no'} statuses for ${events.length} events`));
    }
    return statuses.map((s) => {
      const status = typeof s?.status === 'number' ? s.status : 0;
      if (status >= 200 && status < 300) return OK;
      const reason = `${target}: event refused with ${status}${s?.error ? `: ${s.error}` : ''}`;
      return isTransient(status) ? retry(reason) : reject(reason);
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** Asks Honeycomb whether the write key is valid (GET /1/auth); a refusal stops startup. */
async function checkWriteKey(options: HoneycombOptions, http: HttpClient, log: Logger): Promise<void> {
  let reply: HttpReply;
  try {
    reply = await http.request({ url: options.authUrl, method: 'GET', headers: [['X-Honeycomb-Team', options.writeKey]], signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    if (isHostNotFound(err)) throw new ConfigError(`sink honeycomb: option apihost: host ${options.apiHost.hostname} does not exist`);
    log.warn({ reason: failureReason(err, `GET ${options.authUrl.origin}/1/auth`) }, 'honeycomb: could not check the write key at startup; delivery will retry');
    return;
  }
  if (reply.status === 401) throw new ConfigError(`sink honeycomb: Honeycomb refused option writekey=*** (${errorText(reply.body)})`);
  if (reply.status !== 200) log.warn({ status: reply.status, reason: errorText(reply.body) }, 'honeycomb: the write key check at startup failed; delivery will go on');
}

export async function createHoneycombSink(uri: SinkUri, ctx: SinkContext, env: NodeJS.ProcessEnv = process.env): Promise<SinkParts> {
  const options = parseHoneycombOptions(uri, env);
  // No redirects: the write key header would follow them to another host.
  const http = new HttpClient({ connectionsPerOrigin: 4, maxRedirections: 0 });
  try {
    await checkWriteKey(options, http, ctx.log);
  } catch (err) {
    await http.close();
    throw err;
  }
  const sink = new HoneycombSink(options, http);
  const tuning = { maxBatch: 500 };
  return { sink, tuning };
}
