// Reading a chat robot's verdict: robots answer HTTP 200 even when they refuse a message, and say
// so in the body. Each robot's codes live in its folder (e.g. dingtalk/robot.ts).
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';

export type Json = Record<string, unknown>;

/** The body as a JSON object, or undefined when it is not one. */
export function parseJsonObject(body: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

export function numberField(obj: Json, name: string): number | undefined {
  const v = obj[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

export function textField(obj: Json, ...names: string[]): string {
  for (const name of names) {
    const v = obj[name];
    if (typeof v === 'string') return v;
  }
  return '';
}

export const MINUTE_MS = 60_000;
/** "System busy", in DingTalk's, WeChat Work's and Feishu's replies alike: worth a retry. */
export const SYSTEM_BUSY = -1;

/**
 * DingTalk and WeChat Work share the `{"errcode":0,"errmsg":"ok"}` shape; `rateLimited` maps their
 * rate-limit codes to how long to wait. A body without an errcode counts as success.
 */
export function checkErrcode(robot: string, body: string, rateLimited: ReadonlyMap<number, number>): Outcome {
  const reply = parseJsonObject(body);
  const code = reply && numberField(reply, 'errcode');
  if (reply === undefined || code === undefined || code === 0) return OK;
  const reason = `${robot} refused the message: errcode ${code} ${JSON.stringify(textField(reply, 'errmsg'))}`;
  const wait = rateLimited.get(code);
  if (wait !== undefined) return retry(`${reason} (rate limited)`, wait);
  if (code === SYSTEM_BUSY) return retry(reason);
  return reject(reason);
}
