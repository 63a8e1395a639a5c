/** What a sink reports for one event (or a whole batch). The lane decides what happens next. */
export type Outcome =
  | { readonly status: 'ok' }
  | { readonly status: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly status: 'reject'; readonly reason: string }
  /** Not sent, not failed: the message had no room for it. Goes back to the head of the queue. */
  | { readonly status: 'defer'; readonly reason: string };

export const OK: Outcome = Object.freeze({ status: 'ok' });

export function retry(reason: string, retryAfterMs?: number): Outcome {
  return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
}

export function reject(reason: string): Outcome {
  return { status: 'reject', reason };
}

export function defer(reason: string): Outcome {
  return { status: 'defer', reason };
}
