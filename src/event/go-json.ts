// Go's encoding/json string rules, the one implementation every Go-compatible encoder uses.
// JSON.stringify already writes what Go writes for `"`, `\` and control characters (\b \f \n \r \t,
// else \u00xx in lower-case hex). Go also escapes <, >, & and U+2028/U+2029, and writes U+FFFD for
// invalid UTF-8, which in a JS string is a lone surrogate (JSON.stringify writes those as \udxxx).

const NEEDS_FIX = /[<>&\u2028\u2029]|\\ud[89a-f]/;
// An escaped backslash is matched first so `\\ud800` (a literal backslash) is never read as a surrogate escape.
const FIXES = /\\\\|\\ud[89a-f][0-9a-f]{2}|[<>&\u2028\u2029]/g;

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function fix(match: string): string {
  if (match.length === 1) return GO_ESCAPES[match]!;
  return match === '\\\\' ? match : '\uFFFD';
}

/** json.Marshal of a string: the quoted Go JSON literal. */
export function goJsonString(s: string): string {
  return goJson(s);
}

/** Go's JSON string contents, without the quotes. */
export function jsonEscape(s: string): string {
  return goJsonString(s).slice(1, -1);
}

/** Bytes a string adds inside a Go-encoded JSON string literal (without the quotes). */
export function goJsonStringBytes(s: string): number {
  return Buffer.byteLength(goJsonString(s)) - 2;
}

/**
 * json.Marshal of a value built from plain objects (keys in insertion order, as a Go struct's
 * fields), arrays, strings, finite numbers, booleans and null.
 */
export function goJson(value: unknown): string {
  const out = JSON.stringify(value);
  return NEEDS_FIX.test(out) ? out.replace(FIXES, fix) : out;
}

/** ES2024 String methods (Node ≥ 20) that the ES2022 lib this project compiles against lacks. */
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * The string Go's JSON decoder gives for what JSON.parse gave: Go decodes a lone surrogate escape as
 * U+FFFD, JSON.parse keeps it.
 */
export function goDecodedString(value: string): string {
  const text = value as unknown as WellFormedString;
  return text.isWellFormed() ? value : text.toWellFormed();
}
