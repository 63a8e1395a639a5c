// The feishu sink: a Feishu/Lark custom bot (`POST /open-apis/bot/v2/hook/<token>`), one text
// message or interactive card per batch, signed when the bot has a signing secret.
import { createHmac } from 'node:crypto';
import type { SinkUri } from '../../base/uri.js';
import { robotTuning } from '../chat/robot.js';
import { RobotSink } from '../chat/robot-sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { HttpClient } from '../http/client.js';
import { encodeFeishuEvents, type FeishuSignature } from './encoder.js';
import { FEISHU_ROBOT } from './robot.js';
import { parseFeishuOptions } from './options.js';

/** Events per message at most: about what 20 KB hold with typical messages (the rest waits for the next). */
export const FEISHU_MAX_BATCH = 80;

/** Feishu's signature: base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")), timestamp in seconds. */
export function feishuSignature(nowMs: number, secret: string): FeishuSignature {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64') };
}

export async function createFeishuSink(uri: SinkUri, _ctx: SinkContext, now: () => number = Date.now): Promise<SinkParts> {
  const { url, secret, format } = parseFeishuOptions(uri);
  const sink = new RobotSink('FeishuSink', FEISHU_ROBOT, new HttpClient({ connectionsPerOrigin: 1 }), (batch) => {
    const signature = secret === undefined ? undefined : feishuSignature(now(), secret);
    const message = encodeFeishuEvents(batch, format, signature);
    const headers = [['Content-Type', 'application/json; charset=utf-8']] as const;
    return { request: { url, method: 'POST', headers, body: message.body }, shown: message.shown };
  });
  return { sink, tuning: robotTuning(FEISHU_ROBOT, FEISHU_MAX_BATCH) };
}
