// The feishu sink: a Feishu/Lark custom bot (`POST /open-apis/bot/v2/hook/<token>`), one text
// message or interactive card per batch, signed when the bot has a signing secret.
import { createHmac } from 'node:crypto';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import { batchOutcomes, robotTuning } from '../chat/robot.js';
import type { SinkContext, SinkParts } from '../context.js';
import { HttpClient } from '../http/client.js';
import { encodeFeishuEvents, type FeishuSignature } from './encoder.js';
import { FEISHU_ROBOT } from './robot.js';
import { parseFeishuOptions, type FeishuOptions } from './options.js';

/** Events per message at most: about what 20 KB hold with typical messages (the rest waits for the next). */
export const FEISHU_MAX_BATCH = 80;

/** Feishu's signature: base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")), timestamp in seconds. */
export function feishuSignature(nowMs: number, secret: string): FeishuSignature {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { timestamp, sign: createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64') };
}

class FeishuSink implements Sink {
  readonly name = 'FeishuSink';

  constructor(
    private readonly options: FeishuOptions,
    private readonly client: HttpClient,
    private readonly now: () => number,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const { secret, format, url } = this.options;
    const signature = secret === undefined ? undefined : feishuSignature(this.now(), secret);
    const message = encodeFeishuEvents(batch, format, signature);
    const outcome = await this.client.exchange(
      { url, method: 'POST', headers: [['Content-Type', 'application/json; charset=utf-8']], body: message.body, signal },
      FEISHU_ROBOT.checkReply,
    );
    return batchOutcomes(batch.length, message.shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createFeishuSink(uri: SinkUri, _ctx: SinkContext, now: () => number = Date.now): Promise<SinkParts> {
  const options = parseFeishuOptions(uri);
  const sink = new FeishuSink(options, new HttpClient({ connectionsPerOrigin: 1 }), now);
  const tuning = robotTuning(FEISHU_ROBOT, FEISHU_MAX_BATCH);
  return { sink, tuning };
}
