import { isIP, isIPv6 } from 'node:net';
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
  /** The text after `scheme:` when it does not start with `/` (`mailto:x`): Go keeps no host or path then. */
  readonly opaque: string;
  /** `user[:password]@` before the host, unescaped (the password is a secret). */
  readonly user: { readonly name: string; readonly password?: string } | undefined;
  /** `host[:port]`, unescaped as Go does (only non-ASCII bytes may be escaped in a host). */
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

type Escaping = 'path' | 'query' | 'host' | 'zone' | 'userinfo' | 'fragment';

const HOST_SUB_DELIMS = "!$&'()*+,;=:[]<>\"";

/** Go's shouldEscape for the modes unescape checks: a host or zone byte outside these is refused. */
function validInHost(c: string): boolean {
  return /[A-Za-z0-9\-_.~]/.test(c) || HOST_SUB_DELIMS.includes(c);
}

/** Go's EscapeError text: the three bytes from a `%`. */
function escapeError(from: string): { error: string } {
  const bytes = Buffer.from(from.slice(0, 3), 'utf8').subarray(0, 3);
  return { error: `invalid URL escape ${JSON.stringify(bytes.toString('utf8'))}` };
}

/** Go url's unescape: the decoded text, or the EscapeError/InvalidHostError message. */
function unescape(s: string, mode: Escaping): { text: string } | { error: string } {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return escapeError(s.slice(i));
      const byte = parseInt(hex, 16);
      // Hosts may escape only non-ASCII bytes (and a zone's %25); a zone only ASCII a host may hold, or a space.
      if (mode === 'host' && byte < 0x80 && hex !== '25') return escapeError(s.slice(i));
      if (mode === 'zone' && hex !== '25' && byte !== 0x20 && (byte >= 0x80 || !validInHost(String.fromCharCode(byte)))) {
        return escapeError(s.slice(i));
      }
      bytes.push(byte);
      i += 2;
    } else if (c === '+' && mode === 'query') {
      bytes.push(0x20);
    } else {
      if ((mode === 'host' || mode === 'zone') && c < '\x80' && !validInHost(c)) return { error: `invalid character ${JSON.stringify(c)} in host name` };
      // Whole code points: the two halves of a surrogate pair are one character.
      const char = String.fromCodePoint(s.codePointAt(i)!);
      for (const b of Buffer.from(char, 'utf8')) bytes.push(b);
      i += char.length - 1;
    }
  }
  return { text: Buffer.from(bytes).toString('utf8') };
}

/** Go url.QueryUnescape / PathUnescape; returns undefined on a bad `%` escape. */
export function goUnescape(s: string, plusIsSpace: boolean): string | undefined {
  const r = unescape(s, plusIsSpace ? 'query' : 'path');
  return 'text' in r ? r.text : undefined;
}

/** Go url.ParseQuery: pairs with `;` or bad escapes are dropped, and Go's error reported beside them. */
export function parseQuery(rawQuery: string): { pairs: Array<[string, string]>; error?: string } {
  const pairs: Array<[string, string]> = [];
  let error: string | undefined;
  for (const part of rawQuery.split('&')) {
    if (part.includes(';')) {
      // Go keeps the last semicolon error over any escape error.
      error = 'invalid semicolon separator in query';
      continue;
    }
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = unescape(eq < 0 ? part : part.slice(0, eq), 'query');
    const v = unescape(eq < 0 ? '' : part.slice(eq + 1), 'query');
    if ('error' in k || 'error' in v) {
      error ??= 'error' in k ? k.error : (v as { error: string }).error;
      continue;
    }
    pairs.push([k.text, v.text]);
  }
  return error === undefined ? { pairs } : { pairs, error };
}

/** The URL parts of a SinkUri. */
type GoUrl = Omit<SinkUri, 'key' | 'raw' | 'query'>;

class UrlError extends Error {}

/** `invalid port ":x" after host` → `invalid port after host`. */
function withoutQuotedText(message: string): string {
  return message.replace(/ "(?:[^"\\]|\\.)*"/g, '');
}

function orThrow(r: { text: string } | { error: string }): string {
  if ('error' in r) throw new UrlError(r.error);
  return r.text;
}

/** An IPv6 address (isIPv6 holds) as its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  const dotted = /([0-9]+)\.([0-9]+)\.([0-9]+)\.([0-9]+)$/.exec(address);
  const text = dotted ? `${address.slice(0, dotted.index)}${((+dotted[1]! << 8) | +dotted[2]!).toString(16)}:${((+dotted[3]! << 8) | +dotted[4]!).toString(16)}` : address;
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const first = groups(head);
  const last = tail === undefined ? [] : groups(tail);
  return [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last];
}

/** Go's netip.ParseAddr accepting the address of an IPv6 literal: IPv6 (a zone allowed), not IPv4-mapped. */
function ipLiteralProblem(text: string): string | undefined {
  const zone = text.indexOf('%');
  const address = zone < 0 ? text : text.slice(0, zone);
  if (isIP(address) === 4 && zone < 0) return 'invalid IPv6 host';
  if (!isIPv6(address) || zone === text.length - 1) return 'invalid host';
  const g = ipv6Groups(address);
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff ? 'invalid IPv6 host' : undefined;
}

export const INVALID_PORT = "invalid port after host (not shown, it may be a password: user:password needs '@host' after it)";

/** Go's parseHost: `host[:port]` or `[ipv6%25zone]:port`, unescaped. */
function parseHost(host: string): string {
  const validPort = (p: string) => p === '' || /^:[0-9]*$/.test(p);
  // Go quotes the port; not shown here: text after `user:` with no `@host` (a typo) is a password.
  const badPort = () => new UrlError(INVALID_PORT);
  const open = host.lastIndexOf('[');
  if (open >= 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validPort(colonPort)) throw badPort();
    const port = orThrow(unescape(colonPort, 'host'));
    const literal = host.slice(open + 1, close);
    const zone = literal.indexOf('%25');
    const name = zone < 0 ? orThrow(unescape(literal, 'host')) : orThrow(unescape(literal.slice(0, zone), 'host')) + orThrow(unescape(literal.slice(zone), 'zone'));
    const problem = ipLiteralProblem(name);
    if (problem !== undefined) throw new UrlError(problem);
    return `[${name}]${port}`;
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && !validPort(host.slice(colon))) throw badPort();
  return orThrow(unescape(host, 'host'));
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

/** Go's parseAuthority: `[userinfo@]host`. */
function parseAuthority(authority: string): Pick<GoUrl, 'user' | 'host'> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(authority.slice(at + 1));
  if (at < 0) return { user: undefined, host };
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) throw new UrlError('invalid userinfo');
  const colon = userinfo.indexOf(':');
  const name = orThrow(unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userinfo'));
  if (colon < 0) return { user: { name }, host };
  return { user: { name, password: orThrow(unescape(userinfo.slice(colon + 1), 'userinfo')) }, host };
}

/** Go's url.Parse (Go 1.25); throws UrlError with Go's message. */
function parseGoUrl(s: string): GoUrl {
  const hash = s.indexOf('#');
  const beforeFragment = hash < 0 ? s : s.slice(0, hash);
  // eslint-disable-next-line no-control-regex -- Go's url.Parse refuses ASCII control characters
  if (/[\x00-\x1f\x7f]/.test(beforeFragment)) throw new UrlError('invalid control character in URL');
  const url = parseBeforeFragment(beforeFragment);
  // The fragment is dropped (options after a `#` included), but a bad escape in it fails as in Go.
  if (hash >= 0) orThrow(unescape(s.slice(hash + 1), 'fragment'));
  return url;
}

function parseBeforeFragment(beforeFragment: string): GoUrl {
  const none = { scheme: '', opaque: '', user: undefined, host: '', path: '', rawPath: '', rawQuery: '' };
  if (beforeFragment === '*') return { ...none, path: '*', rawPath: '*' };
  let rest = beforeFragment;
  let scheme = '';
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(rest);
  if (m) {
    scheme = m[0].slice(0, -1).toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) {
    throw new UrlError('missing protocol scheme');
  }
  let rawQuery = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ...none, scheme, opaque: rest, rawQuery };
    if (rest.split('/', 1)[0]!.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  let authority: Pick<GoUrl, 'user' | 'host'> = { user: undefined, host: '' };
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    authority = parseAuthority(slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return { ...none, scheme, ...authority, path: orThrow(unescape(rest, 'path')), rawPath: rest, rawQuery };
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
  if (raw === '') return { key, raw, scheme: '', opaque: '', user: undefined, host: '', path: '', rawPath: '', rawQuery: '', query: [] };
  const expanded = expandEnv(raw, env);
  let parts: GoUrl;
  try {
    parts = parseGoUrl(expanded);
  } catch (err) {
    if (!(err instanceof UrlError)) throw err;
    // Text from the environment is often a Secret: then say what is wrong without quoting it.
    const unquoted = withoutQuotedText(err.message);
    const problem = expanded === raw || unquoted === err.message ? err.message : `${unquoted} (in text from the environment, not shown)`;
    throw new ConfigError(`${flagName}=${key}: ${problem}`);
  }
  return { key, raw, ...parts, query: parseQuery(parts.rawQuery).pairs };
}
