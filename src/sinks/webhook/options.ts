// webhook sink options: kube-eventer's (method, header, custom_body_configmap[_namespace], the
// filters) with its defaults, plus ours. Everything is validated here, before anything starts.
import { ConfigError } from '../../base/errors.js';
import { goUnescape, option, options, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { isSecretName, looksLikeCredential, redact, registerSecret } from '../../base/redact.js';
import { isLaneOption, LANE_OPTION_NAMES } from '../../pipeline/lane-options.js';
import { endpointUrl } from '../http/endpoint.js';
import type { RobotKind } from '../chat/robot.js';
import { ROBOT_KINDS, robotForHost } from '../chat/robots.js';
import { choiceOption } from '../options.js';
import { isDnsLabel, isDnsSubdomain } from '../../kube/names.js';

/** How interpolated values are written into the body (see docs/sinks/webhook.md). */
export type BodyMode = 'raw' | 'json';
/** What a missing ConfigMap (or `content` key) does at startup. */
export type MissingConfigMap = 'fail' | 'default';

export interface ConfigMapRef {
  readonly namespace: string;
  readonly name: string;
}

export interface WebhookOptions {
  /** Where requests go: the URI without our options (its own query, e.g. `key=`, kept in order). */
  readonly endpoint: URL;
  readonly method: string;
  /** In order; a repeated name keeps only its last value (Go's Header.Set). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly configMap: ConfigMapRef | undefined;
  readonly bodyMode: BodyMode;
  readonly missingConfigMap: MissingConfigMap;
  /** `status`: the HTTP status decides; a robot kind: that robot's reply codes decide too, and its pace and merging apply. */
  readonly replyCheck: 'status' | RobotKind;
  /**
   * Requests in flight at once for this sink, and its keep-alive pool. The lane's `concurrency` counts
   * batches, not requests: docs/sinks/webhook.md explains why there are two.
   */
  readonly maxInFlight: number;
  /** Requests written at once on one connection (HTTP/1.1 pipelining); always 1 for a chat robot. */
  readonly pipeline: number;
  /** A body rendering past this many bytes fails (the event is rejected). */
  readonly maxBodyBytes: number;
  /** Query parameters forwarded to the endpoint whose names look like a misspelt option of ours. */
  readonly suspiciousParameters: readonly string[];
}

export const DEFAULT_METHOD = 'GET';
export const DEFAULT_CONFIGMAP_NAMESPACE = 'default';
/** The ConfigMap key kube-eventer reads the body template from. */
export const CONFIGMAP_KEY = 'content';
export const DEFAULT_MAX_IN_FLIGHT = 8;
const MAX_IN_FLIGHT_LIMIT = 64;
export const DEFAULT_PIPELINE = 16;
const PIPELINE_LIMIT = 256;
export const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const MAX_BODY_BYTES_LIMIT = 64 << 20;

/** Options this sink reads itself (besides the filter and lane options). */
export const WEBHOOK_OPTIONS = [
  'method',
  'header',
  'custom_body_configmap',
  'custom_body_configmap_namespace',
  'body_mode',
  'missing_configmap',
  'response_check',
  'max_in_flight',
  'pipeline',
  'max_body_bytes',
] as const;

const OWN_OPTIONS: ReadonlySet<string> = new Set<string>([...WEBHOOK_OPTIONS, ...FILTER_OPTIONS]);

/** True for the query parameters the webhook sink consumes (never sent to the endpoint). */
export function isWebhookOption(name: string): boolean {
  return OWN_OPTIONS.has(name) || isLaneOption(name);
}

/** RFC 9110 token: methods and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Header field value: visible characters, spaces and tabs (no CR, LF or NUL). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\uffff]*$/;

const SINK = 'sink webhook';

function parseMethod(uri: SinkUri): string {
  const method = option(uri, 'method') ?? DEFAULT_METHOD;
  if (!TOKEN.test(method) || method.toUpperCase() === 'CONNECT') {
    throw new ConfigError(`${SINK}: option method=${JSON.stringify(redact(method))} is not a valid HTTP method (e.g. GET, POST, PUT)`);
  }
  return method;
}

/** `header=Name=Value`: split on the first `=`, so values may contain `=` (base64, signatures). */
function parseHeaders(uri: SinkUri): Array<[string, string]> {
  const byName = new Map<string, [string, string]>();
  for (const text of options(uri, 'header')) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    const value = eq < 0 ? undefined : text.slice(eq + 1);
    const shown = value === undefined || !isSecretName(name) ? text : `${name}=***`;
    if (value === undefined || !TOKEN.test(name)) {
      throw new ConfigError(`${SINK}: option header=${JSON.stringify(redact(shown))} must be Name=Value with a valid header name (e.g. header=Content-Type=application/json)`);
    }
    if (!HEADER_VALUE.test(value)) {
      throw new ConfigError(`${SINK}: option header=${JSON.stringify(redact(shown))} has a control character in its value`);
    }
    byName.delete(name.toLowerCase());
    byName.set(name.toLowerCase(), [name, value]);
  }
  return [...byName.values()];
}

/** `http://user:password@host/…`: Go's client sends these as Basic credentials unless an Authorization header is set. */
function basicAuth(uri: SinkUri): [string, string] | undefined {
  if (uri.user === undefined) return undefined;
  const password = uri.user.password ?? '';
  registerSecret(password);
  const credentials = Buffer.from(`${uri.user.name}:${password}`).toString('base64');
  registerSecret(credentials);
  return ['Authorization', `Basic ${credentials}`];
}

function parseConfigMap(uri: SinkUri): ConfigMapRef | undefined {
  const name = option(uri, 'custom_body_configmap');
  const namespace = option(uri, 'custom_body_configmap_namespace');
  if (namespace !== undefined && (name === undefined || name === '')) {
    throw new ConfigError(`${SINK}: option custom_body_configmap_namespace=${JSON.stringify(namespace)} is given without custom_body_configmap`);
  }
  // kube-eventer treats an empty name as "no ConfigMap" (default body).
  if (name === undefined || name === '') return undefined;
  if (!isDnsSubdomain(name)) {
    throw new ConfigError(`${SINK}: option custom_body_configmap=${JSON.stringify(name)} is not a valid ConfigMap name (lower-case letters, digits, '-' and '.')`);
  }
  const ns = namespace === undefined || namespace === '' ? DEFAULT_CONFIGMAP_NAMESPACE : namespace;
  if (!isDnsLabel(ns)) {
    throw new ConfigError(`${SINK}: option custom_body_configmap_namespace=${JSON.stringify(ns)} is not a valid namespace name`);
  }
  return { namespace: ns, name };
}

function parseCount(uri: SinkUri, name: string, fallback: number, max: number): number {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^[0-9]+$/.test(text) || n < 1 || n > max) {
    throw new ConfigError(`${SINK}: option ${name}=${JSON.stringify(text)} must be an integer from 1 to ${max}`);
  }
  return n;
}

/** Chat robots are paced one message at a time: never pipelined. */
function parsePipeline(uri: SinkUri, replyCheck: 'status' | RobotKind): number {
  if (replyCheck === 'status') return parseCount(uri, 'pipeline', DEFAULT_PIPELINE, PIPELINE_LIMIT);
  if (option(uri, 'pipeline') !== undefined && option(uri, 'pipeline') !== '1') {
    throw new ConfigError(`${SINK}: option pipeline applies to plain webhooks only; a chat robot (response_check=${replyCheck}) gets one message at a time at its pace`);
  }
  return 1;
}

/** What a body size limit may be (the sink's `max_body_bytes`, `render --max-body-bytes`). */
export const BODY_LIMIT_RANGE = `a number of bytes from 1 to ${MAX_BODY_BYTES_LIMIT} (default ${DEFAULT_MAX_BODY_BYTES})`;

/** A body size limit in bytes, or undefined when `text` is not in BODY_LIMIT_RANGE. */
export function parseBodyLimit(text: string): number | undefined {
  const n = Number(text);
  return /^[0-9]+$/.test(text) && n >= 1 && n <= MAX_BODY_BYTES_LIMIT ? n : undefined;
}

function parseMaxBodyBytes(uri: SinkUri): number {
  const text = option(uri, 'max_body_bytes');
  if (text === undefined) return DEFAULT_MAX_BODY_BYTES;
  const n = parseBodyLimit(text);
  if (n === undefined) throw new ConfigError(`${SINK}: option max_body_bytes=${JSON.stringify(text)} must be ${BODY_LIMIT_RANGE}`);
  return n;
}

function parseReplyCheck(uri: SinkUri, endpoint: URL): 'status' | RobotKind {
  const choice = choiceOption(uri, 'response_check', ['auto', 'status', ...ROBOT_KINDS], 'auto');
  return choice === 'auto' ? (robotForHost(endpoint.host)?.kind ?? 'status') : choice;
}

/** Levenshtein distance up to a small bound (typo detection only). */
function closeTo(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]! <= 2;
}

/**
 * The URI's own parameters are the endpoint's (WeChat's `key=`, a signature…) and are forwarded,
 * so they cannot be rejected as unknown; those that look like a misspelt option are reported.
 */
function suspicious(uri: SinkUri): string[] {
  const ours = [...OWN_OPTIONS, ...LANE_OPTION_NAMES].filter((n) => n.length >= 4);
  const names = new Set(uri.query.map(([name]) => name).filter((name) => !isWebhookOption(name)));
  return [...names].filter((name) => ours.some((own) => closeTo(name.toLowerCase(), own)));
}

/**
 * Go's query parsing drops a pair containing `;` (kube-eventer then silently loses e.g.
 * `header=Content-Type=application/json;charset=utf-8`); for our own options that is an error.
 */
function rejectSemicolons(uri: SinkUri): void {
  for (const part of uri.rawQuery.split('&')) {
    if (!part.includes(';')) continue;
    const eq = part.indexOf('=');
    const name = goUnescape(eq < 0 ? part : part.slice(0, eq), true) ?? '';
    if (!isWebhookOption(name)) continue;
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const header = /^([^=]*)=/.exec(value)?.[1];
    const shown = isSecretName(name) || (header !== undefined && isSecretName(header)) ? `${header === undefined ? '' : `${header}=`}***` : value;
    throw new ConfigError(`${SINK}: option ${name}=${JSON.stringify(redact(shown))} contains ";", which URL query parsing drops; write it as %3B`);
  }
}

export function parseWebhookOptions(uri: SinkUri): WebhookOptions {
  const endpoint = endpointUrl(uri, isWebhookOption, SINK);
  // Hook ids and tokens in the path (Feishu, Slack) are credentials: mask them wherever they appear.
  for (const segment of uri.path.split('/')) if (looksLikeCredential(segment)) registerSecret(segment);
  rejectSemicolons(uri);
  const headers = parseHeaders(uri);
  const credentials = basicAuth(uri);
  if (credentials !== undefined && !headers.some(([name]) => name.toLowerCase() === 'authorization')) headers.push(credentials);
  const replyCheck = parseReplyCheck(uri, endpoint);
  return {
    endpoint,
    method: parseMethod(uri),
    headers,
    configMap: parseConfigMap(uri),
    bodyMode: choiceOption(uri, 'body_mode', ['raw', 'json'] as const, 'raw'),
    missingConfigMap: choiceOption(uri, 'missing_configmap', ['fail', 'default'] as const, 'fail'),
    replyCheck,
    maxInFlight: parseCount(uri, 'max_in_flight', DEFAULT_MAX_IN_FLIGHT, MAX_IN_FLIGHT_LIMIT),
    pipeline: parsePipeline(uri, replyCheck),
    maxBodyBytes: parseMaxBodyBytes(uri),
    suspiciousParameters: suspicious(uri),
  };
}
