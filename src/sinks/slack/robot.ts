// Slack's incoming webhooks: host, pace, replies and how messages merge.
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { mergeJsonBodies } from '../chat/merge.js';
import { MINUTE_MS, parseJsonObject, type Json } from '../chat/reply.js';
import type { Robot } from '../chat/robot.js';

/**
 * Slack and Mattermost answer the text `ok`, Rocket.Chat `{"success":true}` (`false` with an
 * `error` when it refuses); anything else names the problem.
 */
function checkReply(body: string): Outcome {
  const text = body.trim();
  if (text === 'ok' || parseJsonObject(text)?.success === true) return OK;
  const reason = `slack refused the message: ${JSON.stringify(text.slice(0, 200))}`;
  return text === 'rate_limited' ? retry(reason, MINUTE_MS) : reject(reason);
}

function mergeable(m: Json): boolean {
  return (m.text === undefined || typeof m.text === 'string') && (m.blocks === undefined || Array.isArray(m.blocks)) && (m.attachments === undefined || Array.isArray(m.attachments));
}

/** Texts joined, blocks and attachments appended within Slack's counts. */
function combine(into: Json, from: Json): Json | undefined {
  const blocks = [...((into.blocks as unknown[]) ?? []), ...((from.blocks as unknown[]) ?? [])];
  const attachments = [...((into.attachments as unknown[]) ?? []), ...((from.attachments as unknown[]) ?? [])];
  if (blocks.length > 50 || attachments.length > 100) return undefined;
  const texts = [into.text, from.text].filter((t): t is string => typeof t === 'string' && t !== '');
  const text = texts.join('\n\n');
  if (text.length > 40_000) return undefined;
  return {
    ...into,
    ...(texts.length > 0 ? { text } : {}),
    ...(blocks.length > 0 ? { blocks } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

export const SLACK_ROBOT: Robot = {
  kind: 'slack',
  hosts: ['hooks.slack.com'],
  // About 1 a second with short bursts → one per 1.1 s.
  paceMs: 1100,
  checkReply,
  mergeBodies: (bodies) => mergeJsonBodies(bodies, mergeable, combine),
};
