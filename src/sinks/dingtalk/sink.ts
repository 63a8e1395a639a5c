// The dingtalk sink: kube-eventer's DingTalk custom-robot messages, one message per batch (events
// that waited for the robot's rate limit share a message), signed when `sign` is set, and the
// robot's errcode read (kube-eventer only looked at the HTTP status).
import { createHmac } from 'node:crypto';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import { batchOutcomes, robotTuning } from '../chat/robot.js';
import type { SinkContext, SinkParts } from '../context.js';
import { HttpClient } from '../http/client.js';
import { encodeDingTalkEvents } from './encoder.js';
import { DINGTALK_ROBOT } from './robot.js';
import { parseDingTalkOptions, type DingTalkOptions } from './options.js';

/**
 * Events per message at most: about what 20000 bytes hold with typical messages (~200 bytes a line),
 * so that deferring the rest to the next message (which costs a retry backoff) stays rare.
 */
export const DINGTALK_MAX_BATCH = 80;

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
      DINGTALK_ROBOT.checkReply,
    );
    return batchOutcomes(batch.length, message.shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createDingTalkSink(uri: SinkUri, _ctx: SinkContext, now: () => number = Date.now): Promise<SinkParts> {
  const options = parseDingTalkOptions(uri);
  const sink = new DingTalkSink(options, new HttpClient({ connectionsPerOrigin: 1 }), now);
  const tuning = robotTuning(DINGTALK_ROBOT, DINGTALK_MAX_BATCH);
  return { sink, tuning };
}
