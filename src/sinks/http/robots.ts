// Chat robots answer HTTP 200 even when they refuse a message; the verdict is in the body.
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';

/**
 * How a 2xx reply is judged: `status` trusts the status code alone; the robot kinds also read
 * the robot's JSON (or text) verdict.
 */
export type ReplyCheck = 'status' | 'dingtalk' | 'wechat' | 'feishu' | 'slack';

export const REPLY_CHECKS: readonly ReplyCheck[] = ['status', 'dingtalk', 'wechat', 'feishu', 'slack'];

/** The robot a well-known webhook host belongs to (`status` for any other host). */
export function replyCheckForHost(host: string): ReplyCheck {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  if (name === 'oapi.dingtalk.com' || name === 'api.dingtalk.com') return 'dingtalk';
  if (name === 'qyapi.weixin.qq.com') return 'wechat';
  if (name === 'open.feishu.cn' || name === 'open.larksuite.com') return 'feishu';
  if (name === 'hooks.slack.com') return 'slack';
  return 'status';
}

const MINUTE = 60_000;

/**
 * DingTalk custom robot: 20 messages per minute, then throttled for 10 minutes. 130101 is the
 * documented "send too fast, exceed 20 times per minute"; 660026 is reported for the same
 * condition (not in the public error list). -1 is "system busy".
 */
const DINGTALK_RATE_LIMITED: ReadonlyMap<number, number> = new Map([
  [130101, MINUTE],
  [660026, MINUTE],
]);
/** WeChat Work group robot: 20 messages per minute; 45009 is "api freq out of limit". */
const WECHAT_RATE_LIMITED: ReadonlyMap<number, number> = new Map([[45009, MINUTE]]);
/**
 * Feishu/Lark: 11232 is the custom robot's "frequency limited" (100/min, 5/s, and at busy hours);
 * 99991400 is the OpenAPI "request trigger frequency limit". 9499 is a generic "Bad Request",
 * a rate limit only when its message says so.
 */
const FEISHU_RATE_LIMITED: ReadonlyMap<number, number> = new Map([
  [11232, 5_000],
  [99991400, 5_000],
]);
const FEISHU_BAD_REQUEST = 9499;
const SYSTEM_BUSY = -1;
const SAYS_TOO_MANY = /too many request|frequen|rate limit/i;

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function numberField(obj: Record<string, unknown>, name: string): number | undefined {
  const v = obj[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

function textField(obj: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const v = obj[name];
    if (typeof v === 'string') return v;
  }
  return '';
}

/** DingTalk and WeChat Work share the `{"errcode":0,"errmsg":"ok"}` shape. */
function checkErrcode(robot: string, body: string, rateLimited: ReadonlyMap<number, number>): Outcome {
  const reply = parseJsonObject(body);
  const code = reply && numberField(reply, 'errcode');
  if (reply === undefined || code === undefined || code === 0) return OK;
  const reason = `${robot} refused the message: errcode ${code} ${JSON.stringify(textField(reply, 'errmsg'))}`;
  const wait = rateLimited.get(code);
  if (wait !== undefined) return retry(`${reason} (rate limited)`, wait);
  if (code === SYSTEM_BUSY) return retry(reason);
  return reject(reason);
}

/** Feishu v2 hooks answer `{"code":0,"msg":"success"}`; v1 hooks `{"StatusCode":0,"StatusMessage":"success"}`. */
function checkFeishu(body: string, retryAfterMs: number | undefined): Outcome {
  const reply = parseJsonObject(body);
  if (reply === undefined) return OK;
  const code = numberField(reply, 'code') ?? numberField(reply, 'StatusCode');
  if (code === undefined || code === 0) return OK;
  const message = textField(reply, 'msg', 'StatusMessage');
  const reason = `feishu refused the message: code ${code} ${JSON.stringify(message)}`;
  const wait = FEISHU_RATE_LIMITED.get(code);
  if (wait !== undefined) return retry(`${reason} (rate limited)`, retryAfterMs ?? wait);
  if (code === FEISHU_BAD_REQUEST && SAYS_TOO_MANY.test(message)) return retry(`${reason} (rate limited)`, retryAfterMs ?? 5_000);
  if (code === SYSTEM_BUSY) return retry(reason);
  return reject(reason);
}

/** Slack incoming webhooks answer the text `ok`; anything else names the problem. */
function checkSlack(body: string): Outcome {
  const text = body.trim();
  if (text === 'ok') return OK;
  const reason = `slack refused the message: ${JSON.stringify(text.slice(0, 200))}`;
  return text === 'rate_limited' ? retry(reason, MINUTE) : reject(reason);
}

/**
 * The robot's verdict on a 2xx reply. A body the robot kind does not recognise (not JSON, no
 * error field) counts as success: the status already said so.
 */
export function checkRobotReply(check: ReplyCheck, body: string, retryAfterMs?: number): Outcome {
  switch (check) {
    case 'status':
      return OK;
    case 'dingtalk':
      return checkErrcode('dingtalk', body, DINGTALK_RATE_LIMITED);
    case 'wechat':
      return checkErrcode('wechat', body, WECHAT_RATE_LIMITED);
    case 'feishu':
      return checkFeishu(body, retryAfterMs);
    case 'slack':
      return checkSlack(body);
  }
}
