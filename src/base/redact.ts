// The one place where secrets are masked: log lines, error messages and the startup command line.

const SECRET_OPTION =
  /(token|secret|password|passwd|pwd|^pw$|key|sign|signature|credential|auth|dsn)/i;

/** True for option and header names whose values must never be shown. */
export function isSecretName(name: string): boolean {
  return SECRET_OPTION.test(name);
}

const knownSecrets = new Set<string>();

/**
 * Remembers a secret value seen at startup (a token in a URL path, an env-expanded key) so it is
 * masked wherever it shows up, even where no pattern would recognise it.
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 4) knownSecrets.add(value);
}

/** host → URL paths that are secret as a whole (a webhook's path): shown as `host/***`. */
const secretPaths = new Map<string, Set<string>>();

/**
 * Remembers that the path of URLs on `host` is a credential (generic webhooks carry their token in
 * the path, however short): `host/path…` is shown as `host/***` wherever it shows up.
 */
export function registerSecretPath(host: string, path: string): void {
  if (host === '' || path === '' || path === '/') return;
  let paths = secretPaths.get(host);
  if (paths === undefined) secretPaths.set(host, (paths = new Set()));
  paths.add(path);
  pathPattern = undefined;
}

let pathPattern: RegExp | undefined;

function secretPathPattern(): RegExp | undefined {
  if (secretPaths.size === 0) return undefined;
  if (pathPattern === undefined) {
    const alternatives: string[] = [];
    for (const [host, paths] of secretPaths) {
      for (const path of paths) {
        for (const p of new Set([path, encodeURI(path)])) alternatives.push(`${host}${p}`.replace(ESCAPES, '\\$&'));
      }
    }
    alternatives.sort((a, b) => b.length - a.length);
    // The path up to the query, fragment or end of the token, so longer paths on that host go too.
    pathPattern = new RegExp(`(${alternatives.join('|')})[^\\s?#"'&]*`, 'g');
  }
  return pathPattern;
}

const ESCAPES = /[.*+?^${}()|[\]\\]/g;
let knownPattern: RegExp | undefined;
let knownCount = 0;

function knownSecretPattern(): RegExp | undefined {
  if (knownSecrets.size === 0) return undefined;
  if (knownPattern === undefined || knownCount !== knownSecrets.size) {
    // Each secret also as escaped inside a JSON log line (quotes, backslashes) and URL-encoded.
    const forms = new Set([...knownSecrets].flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]));
    const alternatives = [...forms].sort((a, b) => b.length - a.length).map((s) => s.replace(ESCAPES, '\\$&'));
    knownPattern = new RegExp(alternatives.join('|'), 'g');
    knownCount = knownSecrets.size;
  }
  return knownPattern;
}

/**
 * Masks secrets in free text: registered secret values, userinfo passwords (`//user:pw@`),
 * values of secret-looking query keys (`access_token=…`, `header=Authorization=…`) and Go MySQL
 * DSN credentials (`user:pw@tcp(…)`).
 */
export function redact(text: string): string {
  let out = text;
  const paths = secretPathPattern();
  if (paths !== undefined) {
    out = out.replace(paths, (match: string) => {
      for (const host of secretPaths.keys()) if (match.startsWith(`${host}/`)) return `${host}/***`;
      return '***';
    });
  }
  const known = knownSecretPattern();
  if (known !== undefined) out = out.replace(known, '***');
  return out
    .replace(/(\/\/[^/\s:@?#"]*:)[^@\s/?#"]*@/g, '$1***@')
    .replace(
      /((?:^|[?&\s"'])([A-Za-z0-9_.-]+)=)((?:[A-Za-z0-9_-]+=)?)([^&\s#"']*)/g,
      (m, prefix: string, name: string, headerName: string, value: string) => {
        if (value === '') return m;
        if (isSecretName(name)) return `${prefix}${headerName === '' ? '' : headerName}***`;
        if (headerName !== '' && isSecretName(headerName.slice(0, -1))) return `${prefix}${headerName}***`;
        return m;
      },
    )
    .replace(/([?\s=:"]|^)([^\s:@?/&="]+):[^@\s/&"?]*@(tcp|unix)\(/g, '$1$2:***@$3(');
}

/**
 * Path segments that carry a credential (Feishu's hook id, Slack's and Discord's tokens): long and
 * mixing letters with digits, or a UUID. Names such as `send` or `webhook` never qualify.
 */
export function looksLikeCredential(segment: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment)) return true;
  return segment.length >= 16 && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}

/** A URL path with credential-looking segments replaced by `***` (for logs and reasons). */
export function maskPath(path: string): string {
  return path
    .split('/')
    .map((segment) => (looksLikeCredential(segment) ? '***' : segment))
    .join('/');
}

/** Path segments that name an API rather than hold a credential. */
const COMMON_PATH_WORDS = /^(api|apis|v\d+|hooks?|webhooks?|send|robot|bot|services|open-apis|cgi-bin|notify|alerts?|events?|messages?|incoming)$/i;

/** The parts of a parsed `--sink`/`--source` URI (base/uri.ts SinkUri) that can hold secrets. */
export interface SinkUriParts {
  readonly key: string;
  readonly raw: string;
  readonly host: string;
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string]>;
}

/** Secrets in option values and URL paths are registered so no log line can show them. */
export function registerUriSecrets(uri: SinkUriParts): void {
  for (const [name, value] of uri.query) {
    if (isSecretName(name)) registerSecret(value);
    const header = /^([^=]+)=(.*)$/.exec(value);
    if (name === 'header' && header && isSecretName(header[1]!)) registerSecret(header[2]);
  }
  const segments = uri.path.split('/');
  for (const segment of segments) if (looksLikeCredential(segment)) registerSecret(segment);
  // Known secret segments, whatever they look like: Slack's three after /services/, Feishu's hook id.
  const after = (marker: string, count: number) => {
    const at = segments.indexOf(marker);
    if (at >= 0) for (const segment of segments.slice(at + 1, at + 1 + count)) registerSecret(segment);
  };
  if (uri.key === 'slack') after('services', 3);
  if (uri.key === 'feishu') after('hook', 1);
  // A generic webhook may carry its token anywhere in the path: the whole path is hidden in logs, next
  // to its host and, unless made only of common words (an endpoint may echo it), on its own too.
  if (uri.key === 'webhook') {
    registerSecretPath(uri.host, uri.path);
    if (segments.some((s) => s !== '' && !COMMON_PATH_WORDS.test(s))) registerSecret(uri.path);
  }
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]*)@/i.exec(uri.raw);
  if (userinfo) registerSecret(userinfo[1]);
}
