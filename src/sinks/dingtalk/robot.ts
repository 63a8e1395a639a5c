// The DingTalk custom robot's service: its hosts, pace, reply codes and how its messages merge.
import { union, bodyWithin, mergeTextBodies } from '../chat/merge.js';
import { checkErrcode, MINUTE_MS, type Json } from '../chat/reply.js';
import type { Robot } from '../chat/robot.js';

/**
 * 20 messages per minute, then throttled for 10 minutes. 130101 ("send too fast, exceed 20 times per
 * minute") and 410100 (发送速度太快而限流, as DingTalk's robot error codes name it; not checked against
 * its page from here) mean that; 660026 is reported for the same condition (not in the public error
 * list). -1 is "system busy".
 */
const RATE_LIMITED: ReadonlyMap<number, number> = new Map([
  [410100, MINUTE_MS],
  [130101, MINUTE_MS],
  [660026, MINUTE_MS],
]);

/** Request bodies up to 20000 bytes. */
const MAX_BODY_BYTES = 20_000;

/** Who a message mentions (`at`), merged. */
function mergeAt(into: Json, from: Json): Json {
  if (into.at === undefined && from.at === undefined) return into;
  const a = (into.at ?? {}) as Json;
  const b = (from.at ?? {}) as Json;
  const at: Json = { ...a };
  for (const key of ['atMobiles', 'atUserIds']) {
    const merged = union(a[key], b[key]);
    if (merged !== undefined) at[key] = merged;
  }
  if (a.isAtAll === true || b.isAtAll === true) at.isAtAll = true;
  return { ...into, at };
}

export const DINGTALK_ROBOT: Robot = {
  kind: 'dingtalk',
  hosts: ['oapi.dingtalk.com', 'api.dingtalk.com'],
  // 20 a minute → one per 3.2 s (18.75 a minute).
  paceMs: 3200,
  checkReply: (body) => checkErrcode('dingtalk', body, RATE_LIMITED),
  mergeBodies: (bodies) =>
    mergeTextBodies(bodies, {
      typeField: 'msgtype',
      shapes: {
        text: { path: ['text', 'content'], separator: '\n\n', fits: bodyWithin(MAX_BODY_BYTES) },
        markdown: { path: ['markdown', 'text'], separator: '\n\n', fits: bodyWithin(MAX_BODY_BYTES) },
      },
      mergeMentions: mergeAt,
    }),
};
