import { ConfigError } from './errors.js';
import { redact } from './redact.js';

/**
 * A `--source`/`--sink` value parsed as kube-eventer does: `KEY[:REST]`, split on the first `:`,
 * REST env-expanded like Go's os.ExpandEnv, then parsed like Go's url.Parse.
 */
export interface SinkUri {
  readonly key: string;
  /** The text after `KEY:` as given, before env expansion (never logged: may hold secrets). */
  readonly raw: string;
  readonly scheme: string;
  /** `host[:port]` as written. */
  readonly host: string;
  /** Decoded. */
  readonly path: string;
  /** The path as written (escaped): Go sends it as written when it encodes `path` (`%2F` stays). */
  readonly rawPath: string;
  /** Everything after the first `?` up to a `#` (not decoded). */
  readonly rawQuery: string;
  /** Decoded query pairs in order, repeated keys kept (Go url.ParseQuery rules). */
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** First value of an option, or undefined when absent. */
export function option(uri: SinkUri, name: string): string | undefined {
  for (const [k, v] of uri.query) if (k === name) return v;
  return undefined;
}

/** Every value of a repeatable option, in order. */
export function options(uri: SinkUri, name: string): string[] {
  const out: string[] = [];
  for (const [k, v] of uri.query) if (k === name) out.push(v);
  return out;
}

const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-']);
const isAlnum = (c: string) => /[A-Za-z0-9_]/.test(c);

/** Go os.Expand's name scanner: returns [name, width]. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && (SPECIAL.has(s[1]!) || /[0-9]/.test(s[1]!)) && s[2] === '}') return [s[1]!, 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (SPECIAL.has(s[0]!) || /[0-9]/.test(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && isAlnum(s[i]!)) i++;
  return [s.slice(0, i), i];
}

/** Go's os.ExpandEnv: `$NAME`, `${NAME}`; unset → empty; bad `${` swallowed; lone `$` kept. */
export function expandEnv(s: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, w] = shellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // invalid syntax: Go eats the characters
      } else if (name === '') {
        out += '$';
      } else {
        out += env[name] ?? '';
      }
      j += w;
      i = j + 1;
    }
  }
  return out + s.slice(i);
}

/** The variables `expandEnv` would replace by nothing because `env` lacks them, in order of use. */
export function unsetEnvNames(s: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const unset: string[] = [];
  const recording = new Proxy(env, {
    get: (target, name) => {
      const value = target[name as string];
      if (value === undefined && typeof name === 'string' && !unset.includes(name)) unset.push(name);
      return value;
    },
  });
  expandEnv(s, recording);
  return unset;
}

function unhex(c: string): number {
  return parseInt(c, 16);
}

/** Go url.QueryUnescape / PathUnescape; returns undefined on a bad `%` escape. */
export function goUnescape(s: string, plusIsSpace: boolean): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) return undefined;
      bytes.push(unhex(h));
      i += 2;
    } else if (c === '+' && plusIsSpace) {
      bytes.push(0x20);
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go url.ParseQuery: pairs with `;` or bad escapes are dropped (Go reports but keeps going). */
export function parseQuery(rawQuery: string): { pairs: Array<[string, string]>; firstError?: string } {
  const pairs: Array<[string, string]> = [];
  let firstError: string | undefined;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) {
      firstError ??= 'invalid semicolon separator in query';
      continue;
    }
    const eq = part.indexOf('=');
    const k = goUnescape(eq < 0 ? part : part.slice(0, eq), true);
    const v = goUnescape(eq < 0 ? '' : part.slice(eq + 1), true);
    if (k === undefined || v === undefined) {
      firstError ??= `invalid URL escape in ${JSON.stringify(part.replace(/=.*/, '=…'))}`;
      continue;
    }
    pairs.push([k, v]);
  }
  return firstError === undefined ? { pairs } : { pairs, firstError };
}

/** Splits a Go-style URL into scheme, host, path, query; throws ConfigError like url.Parse fails. */
function parseGoUrl(s: string, what: string): Omit<SinkUri, 'key' | 'raw' | 'query'> {
  // eslint-disable-next-line no-control-regex -- Go's url.Parse refuses ASCII control characters
  if (/[\x00-\x1f\x7f]/.test(s)) throw new ConfigError(`${what}: invalid control character in URL`);
  const hash = s.indexOf('#');
  const rest0 = hash >= 0 ? s.slice(0, hash) : s;
  let rest = rest0;
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) {
    throw new ConfigError(`${what}: missing protocol scheme`);
  }
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
    rest = slash >= 0 ? rest.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    host = at >= 0 ? authority.slice(at + 1) : authority;
    const port = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(host);
    if (port?.[2] !== undefined && !/^[0-9]*$/.test(port[2])) {
      throw new ConfigError(`${what}: invalid port ":${port[2]}" after host`);
    }
    if (/[\s<>"{}|\\^`]/.test(host)) throw new ConfigError(`${what}: invalid character in host name`);
  }
  const path = goUnescape(rest, false);
  if (path === undefined) {
    const bad = /%(?![0-9A-Fa-f]{2}).{0,2}/.exec(rest)?.[0] ?? '%';
    throw new ConfigError(`${what}: invalid URL escape ${JSON.stringify(bad)}`);
  }
  return { scheme, host, path, rawPath: rest, rawQuery };
}

/**
 * Parses `KEY[:REST]`. `flagName` is `--sink` or `--source` for messages. Messages never echo
 * the query (it may hold tokens); they name the key and the part that is wrong.
 */
export function parseUri(value: string, flagName: string, env: NodeJS.ProcessEnv = process.env): SinkUri {
  const colon = value.indexOf(':');
  const key = colon < 0 ? value : value.slice(0, colon);
  const raw = colon < 0 ? '' : value.slice(colon + 1);
  if (key === '') throw new ConfigError(`${flagName}: missing uri key in '${redact(value)}'`);
  if (raw === '') return { key, raw, scheme: '', host: '', path: '', rawPath: '', rawQuery: '', query: [] };
  const expanded = expandEnv(raw, env);
  const parts = parseGoUrl(expanded, `${flagName}=${key}`);
  return { key, raw, ...parts, query: parseQuery(parts.rawQuery).pairs };
}
