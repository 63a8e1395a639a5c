// For sinks whose client library takes no AbortSignal (kafkajs, mysql2, the mongodb driver's writes).

const ABORTED = Symbol('aborted');

/**
 * The request itself cannot be cancelled; the send stops waiting for it when
 * the lane's deadline or shutdown aborts, and the lane retries.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(ABORTED);
  }
  return new Promise<T>((resolve, rejectWith) => {
    const onAbort = (): void => rejectWith(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        rejectWith(e);
      },
    );
  });
}

export function isAborted(err: unknown): boolean {
  return err === ABORTED;
}
