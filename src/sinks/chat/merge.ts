// Merging robot messages rendered one per event (webhook templates) into one message, so that a
// rate-limited robot gets fewer, fuller messages instead of refusing most of them.
import type { RobotKind } from './robot.js';

/** One message made of several rendered bodies. */
export interface MergedMessage {
  readonly body: string;
  /** Positions of the bodies it carries: always a prefix 0..n−1 of the input, n ≥ 1. */
  readonly merged: readonly number[];
}

type Json = Record<string, unknown>;

interface Shape {
  /** The message type, which every merged body must share. */
  readonly type: string;
  /** Where the text lives, e.g. ['text', 'content']. */
  readonly path: readonly string[];
  readonly separator: string;
  /** True when the merged message is within the robot's limit. */
  readonly fits: (message: Json, text: string) => boolean;
}

const bytes = (s: string) => Buffer.byteLength(s);
const bodyBytes = (limit: number) => (message: Json) => bytes(JSON.stringify(message)) <= limit;

/** WeChat Work group robot: content limits in UTF-8 bytes. */
const WECHAT_SHAPES: Readonly<Record<string, Omit<Shape, 'type'>>> = {
  text: { path: ['text', 'content'], separator: '\n\n', fits: (_m, t) => bytes(t) <= 2048 },
  markdown: { path: ['markdown', 'content'], separator: '\n\n', fits: (_m, t) => bytes(t) <= 4096 },
  markdown_v2: { path: ['markdown_v2', 'content'], separator: '\n\n', fits: (_m, t) => bytes(t) <= 4096 },
};
/** DingTalk custom robot: request bodies up to 20000 bytes. */
const DINGTALK_SHAPES: Readonly<Record<string, Omit<Shape, 'type'>>> = {
  text: { path: ['text', 'content'], separator: '\n\n', fits: bodyBytes(20_000) },
  markdown: { path: ['markdown', 'text'], separator: '\n\n', fits: bodyBytes(20_000) },
};
/** Feishu/Lark custom bot: text messages, request bodies up to 20 KB. */
const FEISHU_SHAPES: Readonly<Record<string, Omit<Shape, 'type'>>> = {
  text: { path: ['content', 'text'], separator: '\n\n', fits: bodyBytes(20 * 1024) },
};

function get(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Json)[key] : undefined;
  return v;
}

/** A copy of `obj` with the string at `path` replaced. */
function withText(obj: Json, path: readonly string[], text: string): Json {
  const [key, ...rest] = path;
  return { ...obj, [key!]: rest.length === 0 ? text : withText(obj[key!] as Json, rest, text) };
}

function parse(body: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function shapeOf(robot: RobotKind, message: Json): Shape | undefined {
  const table = robot === 'wechat' ? WECHAT_SHAPES : robot === 'dingtalk' ? DINGTALK_SHAPES : robot === 'feishu' ? FEISHU_SHAPES : undefined;
  const type = message[robot === 'feishu' ? 'msg_type' : 'msgtype'];
  if (table === undefined || typeof type !== 'string') return undefined;
  const shape = table[type];
  return shape === undefined || typeof get(message, shape.path) !== 'string' ? undefined : { type, ...shape };
}

/** Union of two string lists (mention lists), first-seen order. */
function union(a: unknown, b: unknown): unknown {
  if (!Array.isArray(a) && !Array.isArray(b)) return a;
  return [...new Set([...(Array.isArray(a) ? a : []), ...(Array.isArray(b) ? b : [])])];
}

/** Who a message mentions, merged: WeChat's mentioned lists, DingTalk's `at`. */
function mergeMentions(robot: RobotKind, into: Json, from: Json, shape: Shape): Json {
  if (robot === 'wechat' && shape.type === 'text') {
    const a = into.text as Json;
    const b = from.text as Json;
    const text: Json = { ...a };
    for (const key of ['mentioned_list', 'mentioned_mobile_list']) {
      const merged = union(a[key], b[key]);
      if (merged !== undefined) text[key] = merged;
    }
    return { ...into, text };
  }
  if (robot === 'dingtalk' && (into.at !== undefined || from.at !== undefined)) {
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
  return into;
}

/** Slack: texts joined, blocks and attachments appended within Slack's counts. */
function mergeSlack(into: Json, from: Json): Json | undefined {
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

function slackMergeable(m: Json): boolean {
  return (m.text === undefined || typeof m.text === 'string') && (m.blocks === undefined || Array.isArray(m.blocks)) && (m.attachments === undefined || Array.isArray(m.attachments));
}

/**
 * Merges rendered robot bodies (one per event, e.g. from a webhook template) into one message:
 * the first body, then each following body of the same message type, texts joined by a blank line,
 * mention lists combined, while the robot's size limit allows. Stops at the first body that is of
 * another type or does not fit, so what is left keeps its order for the next message. A first
 * body that cannot be merged (not JSON, a card, an unknown type) is returned alone and unchanged.
 */
export function mergeRobotBodies(bodies: readonly string[], robot: RobotKind): MergedMessage {
  if (bodies.length === 0) throw new Error('mergeRobotBodies: no bodies');
  const alone: MergedMessage = { body: bodies[0]!, merged: [0] };
  const first = parse(bodies[0]!);
  if (first === undefined) return alone;
  let message: Json = first;
  const merged = [0];
  if (robot === 'slack') {
    if (!slackMergeable(message)) return alone;
    for (let i = 1; i < bodies.length; i++) {
      const next = parse(bodies[i]!);
      const combined: Json | undefined = next !== undefined && slackMergeable(next) ? mergeSlack(message, next) : undefined;
      if (combined === undefined) break;
      message = combined;
      merged.push(i);
    }
    return merged.length === 1 ? alone : { body: JSON.stringify(message), merged };
  }
  const shape = shapeOf(robot, message);
  if (shape === undefined) return alone;
  let text = get(message, shape.path) as string;
  for (let i = 1; i < bodies.length; i++) {
    const next = parse(bodies[i]!);
    const nextShape = next === undefined ? undefined : shapeOf(robot, next);
    if (next === undefined || nextShape?.type !== shape.type) break;
    const joined = `${text}${shape.separator}${get(next, shape.path) as string}`;
    const candidate = mergeMentions(robot, withText(message, shape.path, joined), next, shape);
    if (!shape.fits(candidate, joined)) break;
    message = candidate;
    text = joined;
    merged.push(i);
  }
  return merged.length === 1 ? alone : { body: JSON.stringify(message), merged };
}
