// Node's network errors carry their code (ECONNREFUSED, ENOTFOUND …) on the error itself or, when a
// client library wraps them, on its `cause`: startup checks read it from either place.

interface Coded {
  code?: unknown;
  cause?: { code?: unknown };
}

function codes(err: unknown): string[] {
  if (typeof err !== 'object' || err === null) return [];
  const e = err as Coded;
  return [e.code, e.cause?.code].filter((c): c is string => typeof c === 'string');
}

/** The error's code (its own, else its cause's). */
export function networkErrorCode(err: unknown): string | undefined {
  return codes(err)[0];
}

/** The error's code, for messages: `connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)`. */
export function describeNetworkError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = networkErrorCode(err);
  return code === undefined ? message : `${message} (${code})`;
}

/** The host name does not resolve: a wrong option, not an outage, so startup stops. */
export function isHostNotFound(err: unknown): boolean {
  return codes(err).includes('ENOTFOUND');
}
