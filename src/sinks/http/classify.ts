// Turns an HTTP reply or a transport failure into an Outcome the lane acts on.
import { redact } from '../../base/redact.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import { parseRetryAfter } from '../../base/retry-after.js';
import { networkErrorCode } from '../network-error.js';

/**
 * A robot's verdict on a 2xx reply body (chat robots refuse with HTTP 200); `retryAfterMs` is the
 * reply's Retry-After, if any.
 */
export type ReplyVerdict = (body: string, retryAfterMs: number | undefined) => Outcome;

/** What the classifier needs of a reply. */
export interface ReplySummary {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

function header(headers: ReplySummary['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Retry-After`, or Feishu's `x-ogw-ratelimit-reset` seconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: ReplySummary['headers'], now: number = Date.now()): number | undefined {
  return parseRetryAfter(header(headers, 'retry-after') ?? header(headers, 'x-ogw-ratelimit-reset'), now);
}

/** First part of a reply body on one line, for reasons (bodies can be pages of HTML). */
export function bodyExcerpt(body: string, max = 200): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Statuses worth retrying: the request may succeed later unchanged. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * 2xx → ok unless the robot's body says otherwise; 408/425/429/5xx → retry (honouring
 * Retry-After); any other status → reject. `target` names the endpoint without its query.
 */
export function classifyReply(reply: ReplySummary, verdict: ReplyVerdict | undefined, target: string, now: number = Date.now()): Outcome {
  const success = reply.status >= 200 && reply.status < 300;
  // Reply headers are parsed only when read: a plain 2xx does not need them.
  if (success && verdict === undefined) return OK;
  const after = retryAfterMs(reply.headers, now);
  if (success) {
    const outcome = verdict!(reply.body, after);
    return outcome.status === 'ok' ? OK : withTarget(outcome, target);
  }
  const body = bodyExcerpt(reply.body);
  const reason = redact(`${target}: HTTP ${reply.status}${body === '' ? '' : `: ${body}`}`);
  return isTransientStatus(reply.status) ? retry(reason, after) : reject(reason);
}

function withTarget(outcome: Exclude<Outcome, { status: 'ok' }>, target: string): Outcome {
  const reason = redact(`${target}: ${outcome.reason}`);
  return outcome.status === 'retry' ? retry(reason, outcome.retryAfterMs) : reject(reason);
}

/** Codes of requests that cannot succeed as built (retrying would not help). */
const PERMANENT_CODES = new Set(['INVALID_REQUEST', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  HEADERS_TIMEOUT: 'no response headers in time',
  BODY_TIMEOUT: 'response body stalled',
  CONNECT_TIMEOUT: 'connect timed out',
  SOCKET_CLOSED: 'connection closed by the server',
  STALE_CONNECTION: 'kept-alive connection closed by the server before replying',
  CLIENT_CLOSED: 'client closed',
  CLIENT_DESTROYED: 'client destroyed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection broken',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/**
 * A request that got no usable reply. Aborts (send deadline, shutdown) and network failures are
 * retried; requests that cannot be built (a method or header that cannot be sent) are rejected.
 */
export function classifyFailure(err: unknown, target: string, signal?: AbortSignal): Outcome {
  if (signal?.aborted || (err as { name?: string })?.name === 'AbortError') {
    return retry(redact(`${target}: request aborted (send deadline passed or shutting down)`));
  }
  const code = networkErrorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const what = code !== undefined && DESCRIPTIONS[code] !== undefined ? `${DESCRIPTIONS[code]} (${code})` : `${message}${code ? ` (${code})` : ''}`;
  const reason = redact(`${target}: ${what}`);
  return code !== undefined && PERMANENT_CODES.has(code) ? reject(reason) : retry(reason);
}

/** The reason text of a failed request, for log lines outside a send. */
export function failureReason(err: unknown, target: string): string {
  const outcome = classifyFailure(err, target);
  return outcome.status === 'ok' ? target : outcome.reason;
}
