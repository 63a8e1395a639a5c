// Merging robot messages rendered one per event (webhook templates) into one message, so that a
// rate-limited robot gets fewer, fuller messages instead of refusing most of them. Each robot says
// how its messages merge (e.g. dingtalk/robot.ts); the loop is here.
import { parseJsonObject, type Json } from './reply.js';

/** One message made of several rendered bodies. */
export interface MergedMessage {
  readonly body: string;
  /** Positions of the bodies it carries: always a prefix 0..n−1 of the input, n ≥ 1. */
  readonly merged: readonly number[];
}

/**
 * The first body, then each following one while `combine` can take it (it returns undefined when
 * the next body does not fit or is of another kind), so what is left keeps its order for the next
 * message. A first body that is not a `mergeable` JSON object is returned alone and unchanged.
 */
export function mergeJsonBodies(bodies: readonly string[], mergeable: (message: Json) => boolean, combine: (into: Json, next: Json) => Json | undefined): MergedMessage {
  if (bodies.length === 0) throw new Error('mergeJsonBodies: no bodies');
  const alone: MergedMessage = { body: bodies[0]!, merged: [0] };
  const first = parseJsonObject(bodies[0]!);
  if (first === undefined || !mergeable(first)) return alone;
  let message: Json = first;
  const merged = [0];
  for (let i = 1; i < bodies.length; i++) {
    const next = parseJsonObject(bodies[i]!);
    const combined = next !== undefined && mergeable(next) ? combine(message, next) : undefined;
    if (combined === undefined) break;
    message = combined;
    merged.push(i);
  }
  return merged.length === 1 ? alone : { body: JSON.stringify(message), merged };
}

/** Where a message type keeps its text, and whether a merged message is within the robot's limit. */
export interface TextShape {
  /** e.g. ['text', 'content']. */
  readonly path: readonly string[];
  readonly separator: string;
  readonly fits: (message: Json, text: string) => boolean;
}

/** How a robot's text messages merge. */
export interface TextMergeRules {
  /** The field naming the message type (`msgtype`, `msg_type`); merged bodies share it. */
  readonly typeField: string;
  /** The message types whose texts can be joined. */
  readonly shapes: Readonly<Record<string, TextShape>>;
  /** Combines who the two messages mention (into is the merged message so far). */
  readonly mergeMentions?: (into: Json, from: Json, type: string) => Json;
}

export const utf8Bytes = (s: string) => Buffer.byteLength(s);
/** A `fits` for robots that limit the whole request body. */
export const bodyWithin = (limit: number) => (message: Json) => utf8Bytes(JSON.stringify(message)) <= limit;

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

function shapeOf(rules: TextMergeRules, message: Json): (TextShape & { type: string }) | undefined {
  const type = message[rules.typeField];
  if (typeof type !== 'string' || !Object.hasOwn(rules.shapes, type)) return undefined;
  const shape = rules.shapes[type]!;
  return typeof get(message, shape.path) !== 'string' ? undefined : { type, ...shape };
}

/** Union of two string lists (mention lists), first-seen order. */
export function union(a: unknown, b: unknown): unknown {
  if (!Array.isArray(a) && !Array.isArray(b)) return a;
  return [...new Set([...(Array.isArray(a) ? a : []), ...(Array.isArray(b) ? b : [])])];
}

/**
 * The bodies with the first one's text cut to the longest prefix (ending in `…`) the robot's limit
 * allows, when it is over that limit: the robot would refuse it whole. Bodies within it stay as rendered.
 */
function withFirstFitted(bodies: readonly string[], rules: TextMergeRules): readonly string[] {
  const first = bodies.length === 0 ? undefined : parseJsonObject(bodies[0]!);
  const shape = first === undefined ? undefined : shapeOf(rules, first);
  if (first === undefined || shape === undefined || shape.fits(first, get(first, shape.path) as string)) return bodies;
  const chars = [...(get(first, shape.path) as string)];
  const cutTo = (length: number): Json | undefined => {
    const text = `${chars.slice(0, length).join('')}…`;
    const message = withText(first, shape.path, text);
    return shape.fits(message, text) ? message : undefined;
  };
  if (cutTo(0) === undefined) return bodies;
  let [fits, tooLong] = [0, chars.length];
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2);
    if (cutTo(middle) === undefined) tooLong = middle;
    else fits = middle;
  }
  return [JSON.stringify(cutTo(fits)), ...bodies.slice(1)];
}

/**
 * Text messages of one type joined by the type's separator, mentions combined, while the robot's
 * limit allows; cards and unknown types are never merged. A first text over the limit is cut to fit.
 */
export function mergeTextBodies(bodies: readonly string[], rules: TextMergeRules): MergedMessage {
  return mergeJsonBodies(
    withFirstFitted(bodies, rules),
    (message) => shapeOf(rules, message) !== undefined,
    (into, next) => {
      const shape = shapeOf(rules, into)!;
      if (shapeOf(rules, next)?.type !== shape.type) return undefined;
      const joined = `${get(into, shape.path) as string}${shape.separator}${get(next, shape.path) as string}`;
      const merged = withText(into, shape.path, joined);
      const candidate = rules.mergeMentions ? rules.mergeMentions(merged, next, shape.type) : merged;
      return shape.fits(candidate, joined) ? candidate : undefined;
    },
  );
}
