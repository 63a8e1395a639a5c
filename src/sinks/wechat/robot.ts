// The WeChat Work group robot's service (webhook/send): its host, pace, reply codes and how its
// messages merge. The wechat sink's application messages share the host and the codes.
import { union, mergeTextBodies, utf8Bytes } from '../chat/merge.js';
import { checkErrcode, MINUTE_MS, type Json } from '../chat/reply.js';
import type { Robot } from '../chat/robot.js';

/** 20 messages per minute; 45009 is "api freq out of limit". */
const RATE_LIMITED: ReadonlyMap<number, number> = new Map([[45009, MINUTE_MS]]);

/** Who a text message mentions, merged. */
function mergeMentionLists(into: Json, from: Json, type: string): Json {
  if (type !== 'text') return into;
  const a = into.text as Json;
  const b = from.text as Json;
  const text: Json = { ...a };
  for (const key of ['mentioned_list', 'mentioned_mobile_list']) {
    const merged = union(a[key], b[key]);
    if (merged !== undefined) text[key] = merged;
  }
  return { ...into, text };
}

export const WECHAT_ROBOT: Robot = {
  kind: 'wechat',
  hosts: ['qyapi.weixin.qq.com'],
  // 20 a minute → one per 3.2 s (18.75 a minute).
  paceMs: 3200,
  checkReply: (body) => checkErrcode('wechat', body, RATE_LIMITED),
  mergeBodies: (bodies) =>
    mergeTextBodies(bodies, {
      typeField: 'msgtype',
      // Content limits in UTF-8 bytes.
      shapes: {
        text: { path: ['text', 'content'], separator: '\n\n', fits: (_m, t) => utf8Bytes(t) <= 2048 },
        markdown: { path: ['markdown', 'content'], separator: '\n\n', fits: (_m, t) => utf8Bytes(t) <= 4096 },
        markdown_v2: { path: ['markdown_v2', 'content'], separator: '\n\n', fits: (_m, t) => utf8Bytes(t) <= 4096 },
      },
      mergeMentions: mergeMentionLists,
    }),
};
