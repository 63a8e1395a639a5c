/** What a sink reports for one event (or a whole batch). The lane decides what happens next. */
export type Outcome =
  | { readonly status: 'ok' }
  | { readonly status: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly status: 'reject'; readonly reason: string };

export const OK: Outcome = Object.freeze({ status: 'ok' });

export function retry(reason: string, retryAfterMs?: number): Outcome {
  return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
}

export function reject(reason: string): Outcome {
  return { status: 'reject', reason };
}
