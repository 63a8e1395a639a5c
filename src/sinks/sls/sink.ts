// The sls sink: PutLogs to Alibaba Cloud Log Service. One protobuf LogGroup per request, deflate
// compressed, signed with signature v4; batches split under the service's size and count limits;
// STS credentials renewed before they expire and whenever the service says they have.
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Logger } from '../../log/logger.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { resolveCredentials, type AliyunCredentials, type AliyunEnvironment, type CredentialProvider } from '../aliyun/credentials.js';
import { maskAccessKeyId, processEnvironment } from '../aliyun/environment.js';
import { resolveRegion } from '../aliyun/region.js';
import { failureBeforeReply, renewExpired, serviceError } from '../aliyun/reply.js';
import { failureReason, retryAfterMs } from '../http/classify.js';
import { HttpClient, type HttpReply } from '../http/client.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { isHostNotFound } from '../network-error.js';
import { encodeLog, encodeLogGroup, planRequests, SLS_MAX_RAW_BYTES } from './encoder.js';
import { parseSlsOptions, regionEndpoint, type SlsOptions } from './options.js';
import { signSlsV4, slsDateTime } from './sign.js';

const deflateAsync = promisify(deflate);

export const SLS_USER_AGENT = 'ack-kube-eventer';
/** Events per lane batch: the sink splits them into requests under the service's limits. */
export const SLS_MAX_BATCH = 1000;

/** Where requests go: virtual-host style `<project>.<endpoint>`; an IP or localhost endpoint gets the project in Host only. */
export interface SlsTarget {
  readonly origin: URL;
  readonly host: string;
  readonly region: string;
}

export function slsTarget(endpoint: URL, project: string, region: string): SlsTarget {
  const host = `${project}.${endpoint.host}`;
  const direct = isIP(endpoint.hostname.replace(/^\[|\]$/g, '')) !== 0 || endpoint.hostname === 'localhost';
  return { origin: new URL(direct ? endpoint.origin : `${endpoint.protocol}//${host}`), host, region };
}

/** A Log Service error reply: `{"errorCode": "...", "errorMessage": "..."}`. */
function errorOf(reply: HttpReply): { code: string; message: string } {
  return serviceError(reply, 'errorCode', 'errorMessage');
}

/** The service's answers that mean "your STS token has expired". */
function isExpiredToken(code: string, message: string): boolean {
  return code === 'SecurityTokenExpired' || code === 'InvalidSecurityToken.Expired' || (code === 'Unauthorized' && /expired/i.test(message));
}

export class SlsClient {
  constructor(
    readonly options: SlsOptions,
    readonly target: SlsTarget,
    readonly credentials: CredentialProvider,
    private readonly http: HttpClient,
    private readonly now: () => number,
  ) {}

  private headersFor(creds: AliyunCredentials, extra: Record<string, string>): Record<string, string> {
    const headers: Record<string, string> = { host: this.target.host, 'x-log-apiversion': '0.6.0', 'x-log-date': slsDateTime(this.now()), ...extra };
    if (creds.securityToken !== '') headers['x-acs-security-token'] = creds.securityToken;
    return headers;
  }

  /** One signed request; rejects on transport failure. */
  async request(method: string, path: string, body: Buffer, extra: Record<string, string>, signal?: AbortSignal): Promise<HttpReply> {
    const creds = await this.credentials.current();
    const headers = this.headersFor(creds, extra);
    signSlsV4({ method, path, headers, body, accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, region: this.target.region });
    headers['user-agent'] = SLS_USER_AGENT;
    return this.http.request({
      url: new URL(path, this.target.origin),
      method,
      headers: Object.entries(headers),
      ...(body.length > 0 ? { body } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  get logStorePath(): string {
    return `/logstores/${this.options.logStore}`;
  }

  /** PutLogs of one LogGroup. */
  async putLogs(rawGroup: Buffer, signal: AbortSignal): Promise<Outcome> {
    const target = `POST ${this.target.origin.origin}${this.logStorePath}/shards/lb (project ${this.options.project})`;
    let reply: HttpReply;
    try {
      const body = await deflateAsync(rawGroup);
      reply = await this.request(
        'POST',
        `${this.logStorePath}/shards/lb`,
        body,
        { 'content-type': 'application/x-protobuf', 'x-log-bodyrawsize': String(rawGroup.length), 'x-log-compresstype': 'deflate' },
        signal,
      );
    } catch (err) {
      return failureBeforeReply(err, target, signal);
    }
    if (reply.status === 200) return OK;
    const { code, message } = errorOf(reply);
    const reason = `${target}: HTTP ${reply.status} ${code}${message === '' ? '' : `: ${message}`}`;
    const renewed = reply.status === 401 && isExpiredToken(code, message) ? renewExpired(this.credentials, reason) : undefined;
    if (renewed !== undefined) return renewed;
    // 401/403: credentials, permissions or write quota; a skewed clock — all fixable without changing the events.
    if (reply.status === 401 || reply.status === 403 || reply.status === 429 || reply.status >= 500 || code === 'RequestTimeTooSkewed') {
      return retry(reason, retryAfterMs(reply.headers));
    }
    return reject(reason);
  }
}

class SlsSink implements Sink {
  readonly name = 'SLSSink';

  constructor(
    private readonly client: SlsClient,
    private readonly http: HttpClient,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome[]> {
    const { labels, topic } = this.client.options;
    const logs = batch.map((e) => encodeLog(e, labels));
    const plan = planRequests(
      logs.map((l) => l.length),
      topic,
    );
    const outcomes = new Array<Outcome>(batch.length);
    for (const i of plan.oversized) outcomes[i] = reject(`event too large for Log Service: ${logs[i]!.length} bytes (PutLogs takes at most ${SLS_MAX_RAW_BYTES})`);
    for (const request of plan.requests) {
      const outcome = await this.client.putLogs(
        encodeLogGroup(
          request.map((i) => logs[i]!),
          topic,
        ),
        signal,
      );
      for (const i of request) outcomes[i] = outcome;
    }
    return outcomes;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/**
 * Asks for the Logstore (GetLogStore) once at startup, so wrong credentials, project or logStore
 * stop startup. A refusal of permission (403) or an unreachable endpoint only warns: a policy may
 * allow PutLogs alone, and the lane retries delivery.
 */
async function checkAccess(client: SlsClient, log: Logger): Promise<void> {
  const { options, target, credentials } = client;
  let reply: HttpReply;
  try {
    reply = await client.request('GET', client.logStorePath, Buffer.alloc(0), { 'x-log-bodyrawsize': '0' }, AbortSignal.timeout(10_000));
  } catch (err) {
    if (isHostNotFound(err)) throw new ConfigError(`sink sls: endpoint host ${target.origin.hostname} does not exist (check regionId, internal or endpoint)`);
    log.warn({ endpoint: target.origin.origin, reason: failureReason(err, `GET ${target.origin.origin}${client.logStorePath}`) }, 'sls: could not check the Logstore at startup; delivery will retry');
    return;
  }
  if (reply.status === 200) return;
  const { code, message } = errorOf(reply);
  const who = `${credentials.describe()} (accessKeyId ${maskAccessKeyId((await credentials.current()).accessKeyId)})`;
  if (reply.status === 401) throw new ConfigError(`sink sls: Log Service refused the credentials from ${who}: ${code}: ${message} (check accessKeyId and accessKeySecret)`);
  if (code === 'ProjectNotExist') throw new ConfigError(`sink sls: option project=${JSON.stringify(options.project)} does not exist in region ${target.region}: ${message}`);
  if (code === 'LogStoreNotExist') throw new ConfigError(`sink sls: option logStore=${JSON.stringify(options.logStore)} does not exist in project ${options.project}: ${message}`);
  log.warn({ status: reply.status, code, message }, 'sls: the Logstore check at startup failed; delivery will go on');
}

export async function buildSlsSink(uri: SinkUri, ctx: SinkContext, envir: AliyunEnvironment): Promise<SinkParts> {
  const options = parseSlsOptions(uri, envir.env);
  const { region } = await resolveRegion('sls', options.regionId, envir.env, envir.metadata, options.endpoint !== undefined);
  const endpoint = options.endpoint?.url ?? regionEndpoint(region, options.internal);
  const credentials = await resolveCredentials('sls', options.accessKey, envir);
  const http = new HttpClient({ connectionsPerOrigin: 4, userAgent: SLS_USER_AGENT, maxRedirections: 0 });
  const client = new SlsClient(options, slsTarget(endpoint, options.project, region), credentials, http, envir.now);
  try {
    await checkAccess(client, ctx.log);
  } catch (err) {
    await http.close();
    throw err;
  }
  ctx.log.info({ endpoint: client.target.origin.origin, project: options.project, logStore: options.logStore, credentials: credentials.source }, 'sls sink ready');
  const sink = new SlsSink(client, http);
  const tuning = { maxBatch: SLS_MAX_BATCH };
  return { sink, tuning };
}

export function createSlsSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  return buildSlsSink(uri, ctx, processEnvironment());
}
