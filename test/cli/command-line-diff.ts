// Compares how we read the command line with what Go gives (test/fixtures/uri-oracle), case by case,
// and shrinks a failing case to a small one that still fails.
import { ConfigError } from '../../src/base/errors.js';
import { parseGoBool } from '../../src/base/go-bool.js';
import { parseGoDuration, parseGoDurationNs } from '../../src/base/go-duration.js';
import { parseGoFloat } from '../../src/base/go-float.js';
import { parseGoInt } from '../../src/base/go-int.js';
import { expandEnv, parseQuery, parseUri, INVALID_PORT } from '../../src/base/uri.js';
import { FLAG_SPECS, parseCommandLine } from '../../src/cli/flags.js';
import { FlagError } from '../../src/cli/goflag.js';
import { rejectMalformedQuery } from '../../src/sinks/options.js';
import { goAnswers, type GoFlagKind, type GoFlags, type GoQuery, type GoRequest, type GoScalar, type GoUri } from '../fixtures/uri-oracle/oracle.js';
import { FUZZ_ENV } from './random-command-lines.js';

/** Our flags as Go defines them: klog reads -v in base 10 into 32 bits. */
export const GO_FLAGS: ReadonlyArray<{ name: string; kind: GoFlagKind }> = FLAG_SPECS.map((s) => ({ name: s.name, kind: s.name === 'v' ? 'level' : s.kind }));

export interface Mismatch {
  readonly request: GoRequest;
  readonly go: unknown;
  readonly ours: unknown;
}

type Grouped = Record<string, string[]>;

/**
 * Values by key in order. A key holding bytes that are not UTF-8 (U+FFFD once decoded) has its values
 * sorted: Go keeps `%FF` and `%82` apart, and the oracle merges them as we do.
 */
function grouped(pairs: ReadonlyArray<readonly [string, string]>): Grouped {
  const out: Grouped = {};
  for (const [k, v] of pairs) (out[k.replace(/\uFFFD+/g, '\uFFFD')] ??= []).push(v);
  for (const [k, list] of Object.entries(out)) if (k.includes('\uFFFD')) list.sort();
  return out;
}

/** The part of a URL error that names the problem, without Go's `parse "<url>": ` or our flag prefix. */
function urlProblem(message: string, ours: boolean): string {
  const tail = ours ? message.slice(message.indexOf(': ') + 2) : message.replace(/^parse ".*?": /s, '');
  return tail.replace(/^net\/url: /, '').replace(/^invalid host: .*/s, 'invalid host');
}

function withEnv<T>(env: Readonly<Record<string, string>>, f: () => T): T {
  const saved = { ...process.env };
  for (const name of ['UNSET', ...Object.keys(env)]) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return f();
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

function ourUri(value: string, env: Readonly<Record<string, string>>) {
  try {
    const u = parseUri(value, '--sink', env);
    if (u.raw === '') return { key: u.key, empty: true };
    return { key: u.key, empty: false, expanded: expandEnv(u.raw, env), scheme: u.scheme, opaque: u.opaque, user: u.user?.name ?? null, password: u.user?.password ?? null, host: u.host, path: u.path, rawQuery: u.rawQuery, query: grouped(u.query) };
  } catch (err) {
    const message = (err as Error).message;
    if (message.includes(FUZZ_ENV.TOKEN!.slice(0, 6))) return { leaked: message };
    return { error: /missing uri key/.test(message) ? 'missing uri key' : urlProblem(message, true) };
  }
}

function goUri(g: GoUri, value: string) {
  if (g.error !== null) {
    if (/^missing uri key/.test(g.error)) return { error: 'missing uri key' };
    // We do not quote text that came from the environment.
    const fromEnv = g.expanded !== value.slice(value.indexOf(':') + 1);
    // Nor the invalid port, which may be a password.
    const problem = /^invalid port ".*" after host$/s.test(urlProblem(g.error, false)) ? INVALID_PORT : urlProblem(g.error, false);
    const unquoted = problem.replace(/ "(?:[^"\\]|\\.)*"/g, '');
    return { error: fromEnv && unquoted !== problem ? `${unquoted} (in text from the environment, not shown)` : problem };
  }
  if (g.empty) return { key: g.key, empty: true };
  return { key: g.key, empty: false, expanded: g.expanded, scheme: g.scheme, opaque: g.opaque, user: g.user, password: g.password, host: g.host, path: g.path, rawQuery: g.rawQuery, query: g.query ?? {} };
}

function queryRefused(rawQuery: string): boolean {
  try {
    rejectMalformedQuery({ ...parseUri('kafka:', '--sink', {}), rawQuery });
    return false;
  } catch (err) {
    if (err instanceof ConfigError) return true;
    throw err;
  }
}

function scalar(value: string | undefined): { value: string } | { error: true } {
  return value === undefined ? { error: true } : { value };
}

function goInt(text: string, options: Parameters<typeof parseGoInt>[1]): { value: string } | { error: true } {
  const r = parseGoInt(text, options);
  return 'value' in r ? { value: r.value.toString() } : { error: true };
}

/** strconv.FormatFloat(f, 'g', -1, 64): shortest digits, %e when the exponent is below -4 or from 6. */
function goFloatText(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (Object.is(f, -0)) return '-0';
  const [mantissa, exponent] = f.toExponential().split('e') as [string, string];
  const exp = Number(exponent);
  if (exp >= -4 && exp < 6) return String(f);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function goScalar(g: GoScalar): { value: string } | { error: true } {
  return g.error === null ? { value: g.value } : { error: true };
}

/** Go's flag error as we word it: a bad URI's value is not echoed (it may hold secrets). */
function goFlagError(message: string): string {
  return message.replace(/^invalid value ".*" for flag -(source|sink): .*$/s, 'invalid value for flag -$1');
}

function ourCommandLine(argv: readonly string[], env: Readonly<Record<string, string>>) {
  try {
    const command = withEnv(env, () => parseCommandLine(argv));
    if (command.kind !== 'run') return { outcome: command.kind };
    const c = command.config;
    return {
      outcome: 'run',
      sinks: c.sinks.map((s) => s.key),
      frequencyMs: c.frequencyMs,
      healthzPort: c.healthzPort,
      healthzIp: c.healthzIp,
      eventMetrics: c.eventMetrics,
      verbosity: c.verbosity,
    };
  } catch (err) {
    if (err instanceof FlagError) return { outcome: 'flag error', message: goFlagError(err.message.replace(/^(invalid value for flag -\w+): .*$/s, '$1')) };
    if (err instanceof ConfigError) {
      const message = err.message.startsWith('Source not recognized: ') ? 'Requires exactly 1 source' : err.message;
      return { outcome: 'fatal', message };
    }
    throw err;
  }
}

function goCommandLine(g: GoFlags) {
  if (g.help) return { outcome: 'help' };
  if (g.error !== null) return { outcome: 'flag error', message: goFlagError(g.error) };
  if (g.outcome.startsWith('fatal: ')) return { outcome: 'fatal', message: g.outcome.slice('fatal: '.length) };
  if (g.outcome !== 'run') return { outcome: g.outcome };
  const lastOf = (name: string, fallback: string) => g.sets.filter((s) => s.name === name).at(-1)?.value ?? fallback;
  return {
    outcome: 'run',
    sinks: g.sets.filter((s) => s.name === 'sink').map((s) => s.raw.split(':')[0]),
    frequencyMs: Number(parseGoDuration(lastOf('frequency', '30s'))) / 1e6,
    healthzPort: Number(lastOf('healthz-port', '8084')),
    healthzIp: g.sets.filter((s) => s.name === 'healthz-ip').at(-1)?.raw ?? '0.0.0.0',
    eventMetrics: lastOf('event-metrics', 'true') === 'true',
    verbosity: Number(lastOf('v', '0')),
  };
}

/** Ours and Go's answer to one request, each in the same comparable form. */
function compared(request: GoRequest, go: unknown): { ours: unknown; go: unknown } {
  switch (request.op) {
    case 'uri':
      return { ours: ourUri(request.value, request.env), go: goUri(go as GoUri, request.value) };
    case 'query': {
      const q = parseQuery(request.value);
      const g = go as GoQuery;
      // kafka and elasticsearch refuse exactly what ParseQuery reports.
      const strict = queryRefused(request.value);
      return { ours: { values: grouped(q.pairs), error: q.error ?? null, strict }, go: { values: g.values, error: g.error, strict: g.error !== null } };
    }
    case 'atoi':
      return { ours: goInt(request.value, { base: 10 }), go: goScalar(go as GoScalar) };
    case 'int':
    case 'uint':
      return { ours: goInt(request.value, { base: 0, unsigned: request.op === 'uint' }), go: goScalar(go as GoScalar) };
    case 'bool':
      return { ours: scalar(parseGoBool(request.value)?.toString()), go: goScalar(go as GoScalar) };
    case 'duration':
      return { ours: scalar(parseGoDurationNs(request.value)?.toString()), go: goScalar(go as GoScalar) };
    case 'float': {
      const f = parseGoFloat(request.value);
      return { ours: scalar(f === undefined ? undefined : goFloatText(f)), go: goScalar(go as GoScalar) };
    }
    case 'flags':
      return { ours: ourCommandLine(request.argv, request.env), go: goCommandLine(go as GoFlags) };
  }
}

/** JSON with object keys sorted (Go writes url.Values sorted; we keep them in order of appearance). */
/**
 * Messages quote text Go's way (%q: `\x7f`, `\u00a0`) or JSON's (`\u0001`, DEL as is): compare the
 * characters quoted, bytes that are not UTF-8 (`\xf0`) as U+FFFD.
 */
function sameQuoting(s: string): string {
  return s
    .replace(/\\x([0-9a-f]{2})/g, (_, h: string) => (parseInt(h, 16) < 0x80 ? String.fromCharCode(parseInt(h, 16)) : '\uFFFD'))
    .replace(/\\u([0-9a-f]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

// Bytes that are not UTF-8 become U+FFFD on both sides, Go's JSON one per byte and Node one per
// maximal subpart: compare runs of U+FFFD as one.
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) => {
    if (typeof x === 'string') return sameQuoting(x).replace(/\uFFFD+/g, '\uFFFD');
    if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
    return Object.fromEntries(Object.entries(x).map(([k, y]) => [k.replace(/\uFFFD+/g, '\uFFFD'), y]).sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0)));
  });
}

function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** Every request on which we and Go disagree. */
export async function commandLineMismatches(requests: readonly GoRequest[]): Promise<Mismatch[]> {
  const answers = await goAnswers(requests);
  const out: Mismatch[] = [];
  requests.forEach((request, i) => {
    const c = compared(request, answers[i]);
    if (!same(c.ours, c.go)) out.push({ request, ...c });
  });
  return out;
}

/** Smaller variants of a request: a piece of a string or an argument left out. */
function smaller(request: GoRequest): GoRequest[] {
  const cut = (s: string): string[] => {
    const out: string[] = [];
    for (let size = Math.max(1, s.length >> 1); size >= 1; size >>= 1) {
      for (let at = 0; at + size <= s.length; at += size) out.push(s.slice(0, at) + s.slice(at + size));
    }
    return out;
  };
  if (request.op === 'flags') {
    const out: GoRequest[] = request.argv.map((_, i) => ({ ...request, argv: request.argv.filter((__, j) => j !== i) }));
    request.argv.forEach((arg, i) => {
      for (const shorter of cut(arg)) out.push({ ...request, argv: request.argv.map((a, j) => (j === i ? shorter : a)) });
    });
    return out;
  }
  return cut(request.value).map((value) => ({ ...request, value }));
}

/** The mismatch made as small as possible while it still mismatches. */
export async function minimised(m: Mismatch): Promise<Mismatch> {
  let current = m;
  for (let round = 0; round < 200; round++) {
    const candidates = smaller(current.request);
    if (candidates.length === 0) break;
    const found = await commandLineMismatches(candidates);
    if (found.length === 0) break;
    current = found[0]!;
  }
  return current;
}

export function describeMismatch(m: Mismatch): string {
  const { op } = m.request;
  const input = m.request.op === 'flags' ? m.request.argv : m.request.value;
  return `${op} ${JSON.stringify(input)}\n  go:   ${canonical(m.go)}\n  ours: ${canonical(m.ours)}`;
}
