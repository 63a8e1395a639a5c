import { ConfigError } from '../../base/errors.js';
import { goUnescape, type SinkUri } from '../../base/uri.js';

/** Go's escape(path, encodePath): all but unreserved and `$&+,/:;=@` escaped. */
function escapePath(path: string): string {
  let out = '';
  for (const byte of Buffer.from(path, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's validEncoded for a path: only bytes a path may hold unescaped, and escapes. */
const VALID_ENCODED_PATH = /^[A-Za-z0-9\-_.~!$&'()*+,;=:@[\]%/]*$/;

/** Go's url.EscapedPath: the path as written when it is a valid encoding of the decoded one, else escaped anew. */
function escapedPath(rawPath: string, path: string): string {
  return VALID_ENCODED_PATH.test(rawPath) && goUnescape(rawPath, false) === path ? rawPath : escapePath(path);
}

/** The URI's query pairs, as written, except those whose decoded name `isOwnOption` claims. */
export function forwardedQuery(rawQuery: string, isOwnOption: (name: string) => boolean): string {
  const kept: string[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = goUnescape(eq < 0 ? part : part.slice(0, eq), true);
    if (name !== undefined && isOwnOption(name)) continue;
    kept.push(part);
  }
  return kept.join('&');
}

/**
 * The URL an HTTP sink sends to: the URI's scheme, host and path, and its own query (e.g. a
 * robot's `key=` or `access_token=`) in order, without the sink's options. `what` prefixes errors.
 */
export function endpointUrl(uri: SinkUri, isOwnOption: (name: string) => boolean, what = `sink ${uri.key}`): URL {
  if (uri.host === '') throw new ConfigError(`${what}: uri host is not valid (expected ${uri.key}:http(s)://host/path?options)`);
  if (uri.scheme !== 'http' && uri.scheme !== 'https') {
    throw new ConfigError(`${what}: scheme ${JSON.stringify(uri.scheme)} is not supported (use http or https)`);
  }
  const query = forwardedQuery(uri.rawQuery, isOwnOption);
  try {
    return new URL(`${uri.scheme}://${uri.host}${escapedPath(uri.rawPath, uri.path)}${query === '' ? '' : `?${query}`}`);
  } catch {
    throw new ConfigError(`${what}: host ${JSON.stringify(uri.host)} is not a valid URL host`);
  }
}
