// Confirms the committed golden files are current: runs real Go (needs `go` on PATH and the
// Go module proxy the first time) over the corpus and compares with expected.jsonl and with us.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildCorpus } from '../fixtures/go-template-oracle/corpus.js';
import { runOracle, type OracleResult } from '../fixtures/go-template-oracle/oracle.js';
import { describeMismatches, runCase } from './golden-cases.js';

test('golden files match a live run of the Go oracle', async () => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    assert.fail('`go` is not on PATH: this test needs the Go toolchain to run the oracle');
  }
  const cases = buildCorpus();
  const committed = readFileSync(new URL('./golden/corpus.jsonl', import.meta.url), 'utf8');
  assert.equal(committed, cases.map((c) => JSON.stringify(c)).join('\n') + '\n', 'corpus.jsonl is stale: run regen-golden.sh');
  const live = await runOracle(cases);
  const expected = readFileSync(new URL('./golden/expected.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as OracleResult);
  assert.deepEqual(live, expected, 'expected.jsonl differs from Go: run regen-golden.sh');
  const mismatches = describeMismatches(cases, live, cases.map(runCase));
  assert.equal(mismatches.length, 0, mismatches.slice(0, 10).join('\n'));
});
