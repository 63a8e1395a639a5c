/** The longest a `Retry-After` may delay a retry: one odd answer must not park a sink for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * A `Retry-After` value as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in milliseconds,
 * capped at MAX_RETRY_AFTER_MS; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
