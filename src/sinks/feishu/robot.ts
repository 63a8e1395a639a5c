// The Feishu/Lark custom bot's service: its hosts, pace, reply codes and how its messages merge.
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { bodyWithin, mergeTextBodies } from '../chat/merge.js';
import { numberField, parseJsonObject, SYSTEM_BUSY, textField } from '../chat/reply.js';
import type { Robot } from '../chat/robot.js';

/**
 * 11232 is the custom bot's "frequency limited" (100/min, 5/s, and at busy hours); 99991400 is the
 * OpenAPI "request trigger frequency limit". 9499 is a generic "Bad Request", a rate limit only
 * when its message says so.
 */
const RATE_LIMITED: ReadonlyMap<number, number> = new Map([
  [11232, 5_000],
  [99991400, 5_000],
]);
const BAD_REQUEST = 9499;
const SAYS_TOO_MANY = /too many request|frequen|rate limit/i;

/** v2 hooks answer `{"code":0,"msg":"success"}`; v1 hooks `{"StatusCode":0,"StatusMessage":"success"}`. */
function checkReply(body: string, retryAfterMs: number | undefined): Outcome {
  const reply = parseJsonObject(body);
  if (reply === undefined) return OK;
  const code = numberField(reply, 'code') ?? numberField(reply, 'StatusCode');
  if (code === undefined || code === 0) return OK;
  const message = textField(reply, 'msg', 'StatusMessage');
  const reason = `feishu refused the message: code ${code} ${JSON.stringify(message)}`;
  const wait = RATE_LIMITED.get(code);
  if (wait !== undefined) return retry(`${reason} (rate limited)`, retryAfterMs ?? wait);
  if (code === BAD_REQUEST && SAYS_TOO_MANY.test(message)) return retry(`${reason} (rate limited)`, retryAfterMs ?? 5_000);
  if (code === SYSTEM_BUSY) return retry(reason);
  return reject(reason);
}

export const FEISHU_ROBOT: Robot = {
  kind: 'feishu',
  hosts: ['open.feishu.cn', 'open.larksuite.com'],
  // 100 a minute and 5 a second → one per 0.61 s (98 a minute).
  paceMs: 610,
  checkReply,
  // Text messages only (cards are not merged); request bodies up to 20 KB.
  mergeBodies: (bodies) =>
    mergeTextBodies(bodies, { typeField: 'msg_type', shapes: { text: { path: ['content', 'text'], separator: '\n\n', fits: bodyWithin(20 * 1024) } } }),
};
