// The dingtalk sink: kube-eventer's DingTalk custom-robot messages, one message per batch (events
// that waited for the robot's rate limit share a message), signed when `sign` is set, and the
// robot's errcode read (kube-eventer only looked at the HTTP status).
import { createHmac } from 'node:crypto';
import { ConfigError } from '../../base/errors.js';
import { option, type SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { buildEventFilter, FILTER_OPTIONS } from '../../filter/filter.js';
import { registerSecret } from '../../base/redact.js';
import type { Outcome } from '../../pipeline/outcome.js';
import { batchOutcomes, labelOptions, rejectRepeated, requiredOption, robotTuning } from '../chat/robot.js';
import { HttpClient } from '../http/client.js';
import { endpointUrl } from '../http/endpoint.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import type { BuiltSink, Sink } from '../../pipeline/sink.js';
import type { SinkContext } from '../context.js';
import { encodeDingTalkEvents, type DingTalkFormat } from './encoder.js';

export const DINGTALK_OPTIONS = ['access_token', 'sign', 'msg_type', 'label', 'cluster_id', 'region'] as const;

/**
 * Events per message at most: about what 20000 bytes hold with typical messages (~200 bytes a line),
 * so that deferring the rest to the next message (which costs a retry backoff) stays rare.
 */
export const DINGTALK_MAX_BATCH = 80;

export interface DingTalkOptions {
  /** Scheme, host and path of the robot URL; the query is built per request. */
  readonly endpoint: URL;
  readonly accessToken: string;
  /** The robot's signing secret (`SEC…`), when it has one. */
  readonly secret: string | undefined;
  readonly format: DingTalkFormat;
}

/** The scheme kube-eventer forced, now only the default: `dingtalk:oapi.dingtalk.com/robot/send?…` works as before. */
function robotEndpoint(uri: SinkUri): URL {
  let { scheme, host, path } = uri;
  if (host === '' && scheme === '' && path !== '' && !path.startsWith('/')) {
    const slash = path.indexOf('/');
    host = slash < 0 ? path : path.slice(0, slash);
    path = slash < 0 ? '' : path.slice(slash);
  }
  return endpointUrl({ ...uri, scheme: scheme || 'https', host, path, rawQuery: '' }, () => true, 'sink dingtalk');
}

export function parseDingTalkOptions(uri: SinkUri): DingTalkOptions {
  rejectUnknownOptions(uri, [...DINGTALK_OPTIONS, ...FILTER_OPTIONS]);
  rejectRepeated(uri, ['access_token', 'sign', 'msg_type', 'cluster_id', 'region']);
  const accessToken = requiredOption(uri, 'access_token', 'you must provide dingtalk bot access_token');
  registerSecret(accessToken);
  const secret = option(uri, 'sign');
  if (secret === '') throw new ConfigError('sink dingtalk: option sign is empty (give the robot\'s signing secret, or leave sign out)');
  registerSecret(secret);
  // kube-eventer sent any other msg_type verbatim with a text body, which DingTalk refuses.
  const msgType = choiceOption(uri, 'msg_type', ['text', 'markdown'] as const, 'text');
  return {
    endpoint: robotEndpoint(uri),
    accessToken,
    secret,
    format: { msgType, labels: labelOptions(uri), clusterId: option(uri, 'cluster_id') ?? '', region: option(uri, 'region') ?? '' },
  };
}

/** Go's url.QueryEscape: everything but letters, digits and `-_.~` is %-escaped; space is `+`. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** DingTalk's signature: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)). */
export function dingTalkSignature(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** The request URL: kube-eventer's query, keys sorted as Go's url.Values.Encode writes them. */
export function dingTalkRequestUrl(o: DingTalkOptions, nowMs: number): URL {
  const pairs: Array<[string, string]> = [['access_token', o.accessToken]];
  if (o.secret !== undefined) {
    pairs.push(['sign', dingTalkSignature(nowMs, o.secret)], ['timestamp', String(nowMs)]);
  }
  const url = new URL(o.endpoint);
  url.search = pairs.map(([k, v]) => `${k}=${goQueryEscape(v)}`).join('&');
  return url;
}

class DingTalkSink implements Sink {
  readonly name = 'DingTalkSink';

  constructor(
    private readonly options: DingTalkOptions,
    private readonly client: HttpClient,
    private readonly now: () => number,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const message = encodeDingTalkEvents(batch, this.options.format);
    const outcome = await this.client.exchange(
      {
        url: dingTalkRequestUrl(this.options, this.now()),
        method: 'POST',
        headers: [['Content-Type', 'application/json;charset=utf-8']],
        body: message.body,
        signal,
      },
      'dingtalk',
    );
    return batchOutcomes(batch.length, message.shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createDingTalkSink(uri: SinkUri, _ctx: SinkContext, now: () => number = Date.now): Promise<BuiltSink> {
  const options = parseDingTalkOptions(uri);
  const accepts = buildEventFilter(uri, 'robot');
  const sink = new DingTalkSink(options, new HttpClient({ connectionsPerOrigin: 1 }), now);
  const tuning = robotTuning('dingtalk', DINGTALK_MAX_BATCH);
  return accepts === undefined ? { sink, tuning } : { sink, accepts, tuning };
}
