// Go encoding/json output for the chat sinks' bodies, so they match kube-eventer byte for byte.
// JSON.stringify already writes what Go does for control characters (\b \f \n \r \t, else \u00xx);
// Go also escapes <, >, & and U+2028/U+2029 and turns invalid UTF-16 (lone surrogates) into U+FFFD.

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** json.Marshal of a value built from plain objects, arrays, strings, numbers and booleans. */
export function goJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v,
  ).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
}

/** Bytes a string adds inside a Go-encoded JSON string literal (without the quotes). */
export function goJsonStringBytes(s: string): number {
  return Buffer.byteLength(goJson(s)) - 2;
}
