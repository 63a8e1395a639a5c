// A fixed-seed differential run: how we read 3,000 generated command-line inputs (test/cli/random-command-lines.ts:
// --sink/--source values, query strings, Go numbers, booleans, durations, whole argv lists) equals what
// Go gives (test/fixtures/uri-oracle). Broad runs: test/cli/fuzz-command-line.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandLineGenerator } from './random-command-lines.js';
import { commandLineMismatches, describeMismatch, GO_FLAGS, minimised } from './command-line-diff.js';

const SEED = 20261206;

test(`3000 generated command-line inputs (seed ${SEED}) read as Go reads them`, async () => {
  const found = await commandLineMismatches(new CommandLineGenerator(SEED).requests(3000, GO_FLAGS));
  if (found.length > 0) assert.fail(`${found.length} mismatches; the first, minimised:\n${describeMismatch(await minimised(found[0]!))}`);
});
