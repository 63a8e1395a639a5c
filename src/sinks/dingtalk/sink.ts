// The dingtalk sink: kube-eventer's DingTalk custom-robot messages, one message per batch (events
// that waited for the robot's rate limit share a message), signed when `sign` is set, and the
// robot's errcode read (kube-eventer only looked at the HTTP status).
import { createHmac } from 'node:crypto';
import type { SinkUri } from '../../base/uri.js';
import { robotTuning } from '../chat/robot.js';
import { RobotSink } from '../chat/robot-sink.js';
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

export async function createDingTalkSink(uri: SinkUri, _ctx: SinkContext, now: () => number = Date.now): Promise<SinkParts> {
  const options = parseDingTalkOptions(uri);
  const sink = new RobotSink('DingTalkSink', DINGTALK_ROBOT, new HttpClient({ connectionsPerOrigin: 1 }), (batch) => {
    const message = encodeDingTalkEvents(batch, options.format);
    const headers = [['Content-Type', 'application/json;charset=utf-8']] as const;
    return { request: { url: dingTalkRequestUrl(options, now()), method: 'POST', headers, body: message.body }, shown: message.shown };
  });
  return { sink, tuning: robotTuning(DINGTALK_ROBOT, DINGTALK_MAX_BATCH) };
}
