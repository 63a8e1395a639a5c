// ObjectMeta's int64 fields (generation, deletionGracePeriodSeconds) as Go decodes them: exact. JSON.parse
// rounds an integer beyond ±2^53 to the nearest double; such a value is re-read from the JSON text as
// its digits (a string), which the Go JSON encoder and the template view write exactly. Only the rare
// object holding one pays for the re-read; the others cost two property reads.
import { randomBytes } from 'node:crypto';
import type { ObjectMeta } from './types.js';

const INT64_FIELDS = ['generation', 'deletionGracePeriodSeconds'] as const;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/** The exact decimal digits of an int64 beyond ±2^53, as `keepExactInt64s` stores them. */
export function isInt64Digits(value: unknown): value is string {
  return typeof value === 'string' && INTEGER.test(value);
}

/** Where an object's ObjectMeta is: an object's own, a watch notification's object's. */
export const OWN_METADATA: readonly string[] = ['metadata'];
export const WATCHED_METADATA: readonly string[] = ['object', 'metadata'];

/** Marks int64 digits in JSON.stringify's output; no text can hold it by chance (random per process). */
const MARK = `\u0000${randomBytes(8).toString('hex')}:`;
const MARKED = new RegExp(`"\\\\u0000${MARK.slice(1)}(-?\\d+)"`, 'g');

/** JSON.stringify of an object with ObjectMeta: int64 digits in its `metadata` are written as the numbers they are. */
export function stringifyExact(object: { readonly metadata?: ObjectMeta }): string {
  const md = object.metadata;
  if (md === undefined || md === null || (!isInt64Digits(md.generation) && !isInt64Digits(md.deletionGracePeriodSeconds))) return JSON.stringify(object);
  const marked = JSON.stringify(object, function (this: unknown, key: string, value: unknown) {
    return this === md && (INT64_FIELDS as readonly string[]).includes(key) && isInt64Digits(value) ? MARK + value : value;
  });
  return marked.replace(MARKED, '$1');
}

/**
 * After `JSON.parse(text)` gave `parsed`: the ObjectMeta at `path` (member names from the top-level
 * object; `['metadata']` for an Event, `['object', 'metadata']` for a watch notification) gets the
 * exact digits of each int64 field that JSON.parse rounded. A number Go would refuse (a fraction, an
 * exponent, beyond int64) stays as JSON.parse gave it.
 */
export function keepExactInt64s(parsed: unknown, text: string, path: readonly string[]): void {
  let meta = parsed;
  for (let i = 0; i < path.length && typeof meta === 'object' && meta !== null; i++) meta = (meta as Record<string, unknown>)[path[i]!];
  if (typeof meta !== 'object' || meta === null) return;
  const md = meta as ObjectMeta;
  // Most Events have neither field.
  if (md.generation === undefined && md.deletionGracePeriodSeconds === undefined) return;
  for (const field of INT64_FIELDS) {
    const value = md[field];
    if (typeof value !== 'number' || Number.isSafeInteger(value)) continue;
    const literal = numberLiteral(text, [...path, field]);
    if (literal === undefined || !INTEGER.test(literal)) continue;
    const exact = BigInt(literal);
    if (exact >= INT64_MIN && exact <= INT64_MAX) md[field] = literal;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const MINUS = 45;

const isDigit = (c: number) => c >= 48 && c <= 57;
/** Digits, sign, point and exponent: what follows a number's first byte (a minus or a digit). */
const isNumberByte = (c: number) => isDigit(c) || c === MINUS || c === 43 || c === 46 || c === 69 || c === 101;

/** The literal of the last number member at `path` in valid JSON text (later duplicates win, as in Go and JSON.parse). */
function numberLiteral(text: string, path: readonly string[]): string | undefined {
  // Per open container, the member name it is the value of ('' for the top level and array elements).
  const containers: string[] = [];
  let key = '';
  let found: string | undefined;
  const at = (depth: number, name: string) => depth === path.length && name === path[depth - 1] && containers.every((k, i) => i === 0 || k === path[i - 1]);
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      while (end < text.length && text.charCodeAt(end) !== QUOTE) {
        if (text.charCodeAt(end) === BACKSLASH) {
          escaped = true;
          end++;
        }
        end++;
      }
      end++;
      let next = end;
      while (text.charCodeAt(next) <= 32) next++;
      const isKey = text.charCodeAt(next) === COLON;
      key = isKey ? (escaped ? (JSON.parse(text.slice(i, end)) as string) : text.slice(i + 1, end - 1)) : '';
      i = isKey ? next + 1 : end;
    } else if (c === 123 || c === 91) {
      // `{` or `[`: an array's elements have no member name.
      containers.push(key);
      key = '';
      i++;
    } else if (c === 125 || c === 93) {
      containers.pop();
      key = '';
      i++;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      while (end < text.length && isNumberByte(text.charCodeAt(end))) end++;
      if (at(containers.length, key)) found = text.slice(i, end);
      key = '';
      i = end;
    } else {
      i++;
    }
  }
  return found;
}
