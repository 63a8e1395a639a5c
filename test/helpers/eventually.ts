/**
 * Polls `check` until it holds (tests never sleep a fixed time to synchronise); fails after
 * `timeoutMs` naming `what`, with `details()` appended when given.
 */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000, details?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${details ? `\n${details()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
