// The eventbridge sink: PutEvents to Alibaba Cloud EventBridge, CloudEvents as kube-eventer builds
// them, kube-eventer's requests of 4 events, the service's HMAC-SHA1 signature, per-event outcomes
// from the reply's entryList, STS credentials renewed before they expire.
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { resolveCredentials, type AliyunEnvironment, type CredentialProvider } from '../aliyun/credentials.js';
import { processEnvironment } from '../aliyun/environment.js';
import { resolveRegion } from '../aliyun/region.js';
import { failureBeforeReply, renewExpired, serviceError } from '../aliyun/reply.js';
import { retryAfterMs } from '../http/classify.js';
import { HttpClient, type HttpReply } from '../http/client.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { isHostNotFound } from '../network-error.js';
import { encodeCloudEvent, EVENTS_PER_REQUEST, putEventsBody, unsendable, type CloudEventContext } from './encoder.js';
import { eventBridgeEndpoint, parseEventBridgeOptions, type EventBridgeOptions } from './options.js';
import { eventBridgeAuthorization, eventBridgeStringToSign } from './sign.js';

const PUT_EVENTS_PATH = '/openapi/putEvents';
const CONTENT_TYPE = 'application/cloudevents-batch+json; charset=utf-8';
export const EVENTBRIDGE_USER_AGENT = 'kube-eventer aliyun-eventbridge-sdk/1.2.0';
/** PutEvents requests of one batch sent at the same time. */
const REQUESTS_IN_FLIGHT = 4;


/** Codes the account owner can fix without changing the events (credentials, permissions, clock): keep retrying. */
function isCredentialProblem(code: string): boolean {
  return /AccessKey|Signature|SecurityToken|Forbidden|NoPermission|Unauthorized|TimeStamp/i.test(code);
}

function isTransientEntry(code: string): boolean {
  return /Throttl|Internal|Timeout|Busy|Unavailable|Flow/i.test(code);
}

class EventBridgeSink implements Sink {
  readonly name = 'EventBridgeSink';
  private readonly putEventsUrl: URL;

  constructor(
    private readonly options: EventBridgeOptions,
    private readonly ctx: CloudEventContext,
    endpoint: URL,
    private readonly credentials: CredentialProvider,
    private readonly http: HttpClient,
    private readonly now: () => number,
  ) {
    this.putEventsUrl = new URL(PUT_EVENTS_PATH, endpoint);
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome[]> {
    const outcomes = new Array<Outcome>(batch.length);
    const ready: Array<{ index: number; json: string }> = [];
    batch.forEach((e, index) => {
      const { attributes, json } = encodeCloudEvent(e, this.ctx);
      const why = unsendable(attributes, json);
      if (why !== undefined) outcomes[index] = reject(why);
      else ready.push({ index, json });
    });
    const chunks: Array<typeof ready> = [];
    for (let i = 0; i < ready.length; i += EVENTS_PER_REQUEST) chunks.push(ready.slice(i, i + EVENTS_PER_REQUEST));
    // Requests of 4 are small: a few in flight at once keep a batch from costing one round trip per 4 events.
    for (let i = 0; i < chunks.length; i += REQUESTS_IN_FLIGHT) {
      await Promise.all(
        chunks.slice(i, i + REQUESTS_IN_FLIGHT).map(async (chunk) => {
          const results = await this.putEvents(
            chunk.map((c) => c.json),
            signal,
          );
          chunk.forEach((c, k) => (outcomes[c.index] = results[k]!));
        }),
      );
    }
    return outcomes;
  }

  private async putEvents(events: readonly string[], signal: AbortSignal): Promise<Outcome[]> {
    const url = this.putEventsUrl;
    const target = `POST ${url.origin}${PUT_EVENTS_PATH} (bus ${this.options.eventBusName})`;
    const all = (o: Outcome) => events.map(() => o);
    let reply: HttpReply;
    try {
      const creds = await this.credentials.current();
      const headers: Record<string, string> = {
        date: new Date(this.now()).toUTCString(),
        host: url.host,
        accept: 'application/json',
        'x-acs-signature-nonce': randomUUID(),
        'x-acs-signature-method': 'HMAC-SHA1',
        'x-acs-signature-version': '1.0',
        'x-eventbridge-version': '2015-06-06',
        'content-type': CONTENT_TYPE,
      };
      if (creds.securityToken !== '') {
        headers['x-acs-accesskey-id'] = creds.accessKeyId;
        headers['x-acs-security-token'] = creds.securityToken;
      }
      headers.authorization = eventBridgeAuthorization(creds.accessKeyId, creds.accessKeySecret, eventBridgeStringToSign('POST', PUT_EVENTS_PATH, headers));
      headers['user-agent'] = EVENTBRIDGE_USER_AGENT;
      reply = await this.http.request({ url, method: 'POST', headers: Object.entries(headers), body: putEventsBody(events), signal });
    } catch (err) {
      return all(failureBeforeReply(err, target, signal));
    }
    if (reply.status >= 200 && reply.status < 300) return this.entryOutcomes(reply, events.length, target);
    const { code, message } = serviceError(reply, 'code', 'message');
    const reason = `${target}: HTTP ${reply.status} ${code}${message === '' ? '' : `: ${message}`}`;
    const renewed = /SecurityToken\.Expired/i.test(code) ? renewExpired(this.credentials, reason) : undefined;
    if (renewed !== undefined) return all(renewed);
    if (isCredentialProblem(code) || reply.status === 408 || reply.status === 429 || reply.status >= 500) return all(retry(reason, retryAfterMs(reply.headers)));
    return all(reject(reason));
  }

  /** `entryList` holds one entry per event, in order; failed ones carry errorCode/errorMessage. */
  private entryOutcomes(reply: HttpReply, count: number, target: string): Outcome[] {
    let entries: Array<{ errorCode?: string; errorMessage?: string }> | undefined;
    try {
      const json = JSON.parse(reply.body) as { entryList?: unknown };
      if (Array.isArray(json.entryList) && json.entryList.length === count) entries = json.entryList as typeof entries;
    } catch {
      // an empty or unexpected body: the request as a whole was accepted
    }
    if (entries === undefined) return new Array<Outcome>(count).fill(OK);
    return entries.map((entry) => {
      const code = entry?.errorCode ?? '';
      if (code === '') return OK;
      const reason = `${target}: event refused: ${code}${entry.errorMessage ? `: ${entry.errorMessage}` : ''}`;
      return isTransientEntry(code) ? retry(reason) : reject(reason);
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The account id: option accountId, else env OwnerAccountId, else ECS metadata. */
async function accountId(given: string | undefined, envir: AliyunEnvironment): Promise<string> {
  let id = given ?? '';
  if (id === '') {
    try {
      id = await envir.metadata.ownerAccountId();
    } catch (err) {
      throw new ConfigError(`sink eventbridge: no account id: give option accountId or env OwnerAccountId; ECS metadata did not answer (${(err as Error).message})`);
    }
  }
  if (!/^[0-9]{6,20}$/.test(id)) throw new ConfigError(`sink eventbridge: account id ${JSON.stringify(id)} (${given ? 'option accountId or env OwnerAccountId' : 'ECS metadata'}) is not an Alibaba Cloud account id (digits)`);
  return id;
}

export async function buildEventBridgeSink(uri: SinkUri, ctx: SinkContext, envir: AliyunEnvironment): Promise<SinkParts> {
  const options = parseEventBridgeOptions(uri, envir.env);
  const account = await accountId(options.accountId, envir);
  const { region } = await resolveRegion('eventbridge', options.regionId, envir.env, envir.metadata, options.endpoint !== undefined);
  const credentials = await resolveCredentials('eventbridge', options.accessKey, envir);
  const endpoint = options.endpoint ?? eventBridgeEndpoint(account, region, options.internal);
  // EventBridge has no cheap read-only call to check credentials; at least the host must exist.
  try {
    await lookup(endpoint.hostname.replace(/^\[|\]$/g, ''));
  } catch (err) {
    if (isHostNotFound(err)) throw new ConfigError(`sink eventbridge: endpoint host ${endpoint.hostname} does not exist (check regionId, internal or endpoint)`);
    ctx.log.warn({ endpoint: endpoint.origin, reason: (err as Error).message }, 'eventbridge: could not resolve the endpoint at startup; delivery will retry');
  }
  const cloudCtx: CloudEventContext = { region, accountId: account, clusterId: options.clusterId, eventBusName: options.eventBusName };
  ctx.log.info({ endpoint: endpoint.origin, bus: options.eventBusName, credentials: credentials.source }, 'eventbridge sink ready');
  const sink = new EventBridgeSink(options, cloudCtx, endpoint, credentials, new HttpClient({ connectionsPerOrigin: 4, userAgent: EVENTBRIDGE_USER_AGENT, maxRedirections: 0 }), envir.now);
  const tuning = { maxBatch: 100 };
  return { sink, tuning };
}

export function createEventBridgeSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  return buildEventBridgeSink(uri, ctx, processEnvironment());
}
