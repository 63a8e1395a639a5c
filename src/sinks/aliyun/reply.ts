// What the Alibaba Cloud sinks (sls, eventbridge) make of a failed request: both sign with STS
// credentials that can expire, and both answer errors as JSON `{<code>, <message>}`.
import { retry, type Outcome } from '../../pipeline/outcome.js';
import { bodyExcerpt, classifyFailure } from '../http/classify.js';
import type { HttpReply } from '../http/client.js';
import { CredentialRenewalError, type CredentialProvider } from './credentials.js';

/** A request that got no reply: credentials that could not be renewed are retried like an outage. */
export function failureBeforeReply(err: unknown, target: string, signal: AbortSignal): Outcome {
  if (!signal.aborted && err instanceof CredentialRenewalError) return retry(`${target}: ${err.message}`);
  return classifyFailure(err, target, signal);
}

/** The service said the STS token expired: reload before the lane's retry; undefined when nothing can be reloaded. */
export function renewExpired(credentials: CredentialProvider, reason: string): Outcome | undefined {
  if (!credentials.renewable) return undefined;
  credentials.invalidate();
  return retry(`${reason} (renewing credentials)`);
}

/** The service's error reply, read from the fields it names them by; a proxy's non-JSON page as `HTTP <status>`. */
export function serviceError(reply: HttpReply, codeField: string, messageField: string): { code: string; message: string } {
  try {
    const json = JSON.parse(reply.body) as Record<string, unknown>;
    const code = json[codeField];
    const message = json[messageField];
    if (typeof code === 'string') return { code, message: typeof message === 'string' ? message : '' };
  } catch {
    // not JSON
  }
  return { code: `HTTP ${reply.status}`, message: bodyExcerpt(reply.body) };
}
