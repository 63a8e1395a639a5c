// The wechat sink: WeChat Work application messages (`/cgi-bin/message/send`), one message per
// batch to every recipient at once, with the access token cached until it expires.
import type { Logger } from 'pino';
import { redact } from '../../base/redact.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import { batchOutcomes, robotTuning } from '../chat/robot.js';
import type { SinkContext, SinkParts } from '../context.js';
import { classifyFailure, classifyReply } from '../http/classify.js';
import { describeTarget, HttpClient, type HttpReply } from '../http/client.js';
import { encodeWeChatEvents } from './encoder.js';
import { WECHAT_ROBOT } from './robot.js';
import { parseWeChatOptions, type WeChatOptions } from './options.js';
import { AccessTokenCache, TOKEN_ERRCODES } from './token.js';

/** Events per message at most: about what WeChat's 2048 bytes hold with typical messages (the rest waits for the next). */
export const WECHAT_MAX_BATCH = 10;

function errcodeOf(body: string): number | undefined {
  try {
    const code = (JSON.parse(body) as { errcode?: unknown }).errcode;
    return typeof code === 'number' ? code : undefined;
  } catch {
    return undefined;
  }
}

class WeChatSink implements Sink {
  readonly name = 'WechatSink';
  private readonly sendUrl: URL;
  private readonly reportedInvalid = new Set<string>();

  constructor(
    private readonly options: WeChatOptions,
    private readonly client: HttpClient,
    private readonly tokens: AccessTokenCache,
    private readonly log: Logger,
  ) {
    this.sendUrl = new URL(`${options.apiBase}/cgi-bin/message/send`);
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const message = encodeWeChatEvents(batch, this.options.format);
    return batchOutcomes(batch.length, message.shown, await this.deliver(message.body, signal));
  }

  /** Sends one message; a token the service no longer accepts is replaced once, within this send. */
  private async deliver(body: string, signal: AbortSignal): Promise<Outcome> {
    const target = describeTarget('POST', this.sendUrl);
    for (let attempt = 1; ; attempt++) {
      const got = await this.tokens.get(signal);
      if ('outcome' in got) return got.outcome;
      const url = new URL(this.sendUrl);
      url.searchParams.set('access_token', got.token);
      let reply: HttpReply;
      try {
        reply = await this.client.request({ url, method: 'POST', headers: [['Content-Type', 'application/json']], body, signal });
      } catch (err) {
        return classifyFailure(err, target, signal);
      }
      const code = reply.status === 200 ? errcodeOf(reply.body) : undefined;
      if (code !== undefined && TOKEN_ERRCODES.has(code)) {
        this.tokens.invalidate(got.token);
        if (attempt === 1) continue;
        return retry(`${target}: the access token was refused again after a refresh (errcode ${code})`);
      }
      const outcome = classifyReply(reply, WECHAT_ROBOT.checkReply, target);
      if (outcome.status === 'ok') this.reportInvalidUsers(reply.body);
      return outcome;
    }
  }

  /** Delivered, but not to everyone: say so once per distinct list. */
  private reportInvalidUsers(body: string): void {
    let invalid: unknown;
    try {
      invalid = (JSON.parse(body) as { invaliduser?: unknown }).invaliduser;
    } catch {
      return;
    }
    if (typeof invalid !== 'string' || invalid === '' || this.reportedInvalid.has(invalid)) return;
    if (this.reportedInvalid.size < 100) this.reportedInvalid.add(invalid);
    this.log.warn({ invalidUsers: redact(invalid) }, 'wechat: some to_user members are unknown to WeChat Work and got nothing');
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createWeChatSink(uri: SinkUri, ctx: SinkContext, now: () => number = Date.now): Promise<SinkParts> {
  const options = parseWeChatOptions(uri);
  if (uri.host !== '' || uri.path !== '') {
    ctx.log.warn('wechat: the URL before "?" is not used (as in kube-eventer); set api_base to reach WeChat Work through a proxy');
  }
  const client = new HttpClient({ connectionsPerOrigin: 1 });
  const tokenUrl = new URL(`${options.apiBase}/cgi-bin/gettoken`);
  tokenUrl.searchParams.set('corpid', options.corpId);
  tokenUrl.searchParams.set('corpsecret', options.corpSecret);
  const sink = new WeChatSink(options, client, new AccessTokenCache(client, tokenUrl, now), ctx.log);
  const tuning = robotTuning(WECHAT_ROBOT, WECHAT_MAX_BATCH);
  return { sink, tuning };
}
