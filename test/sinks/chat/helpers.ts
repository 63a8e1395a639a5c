// Shared by the chat sink tests: URIs, a sink context with a captured log, ConfigError checks.
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri, type SinkUri } from '../../../src/base/uri.js';
import type { Outcome } from '../../../src/pipeline/outcome.js';
import type { SinkContext } from '../../../src/sinks/context.js';
import { captureLog } from '../../helpers/log.js';

export function sinkUri(value: string): SinkUri {
  return parseUri(value, '--sink', {});
}

export interface TestContext extends SinkContext {
  /** Every log line written through `log`, parsed. */
  readonly lines: Array<Record<string, unknown>>;
}

export function testContext(): TestContext {
  const { log, lines } = captureLog({});
  return { log, metrics: new Registry(), shutdown: new AbortController().signal, lines };
}

/** Asserts that `build` throws a ConfigError whose message matches `pattern` and shows no `secret`. */
export async function assertConfigError(build: () => Promise<unknown>, pattern: RegExp, secret?: string): Promise<void> {
  let error: unknown;
  try {
    await build();
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError, `expected a ConfigError matching ${pattern}, got ${String(error)}`);
  assert.match(error.message, pattern);
  if (secret !== undefined) assert.ok(!error.message.includes(secret), `the message shows the secret: ${error.message}`);
}

/** The outcomes of a send as one list, one per event. */
export function perEvent(result: Outcome | readonly Outcome[], size: number): Outcome[] {
  return Array.isArray(result) ? [...(result as readonly Outcome[])] : new Array<Outcome>(size).fill(result as Outcome);
}

export const noAbort = new AbortController().signal;
