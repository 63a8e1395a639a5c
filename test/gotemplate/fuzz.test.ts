// Differential fuzzing against real Go with a fixed seed: 3000 generated templates (field chains,
// time methods and layouts, pipelines, variables, control flow, comparisons, printf verbs, escapers,
// define/block, trim markers, parse errors) over generated Events in four TZs, through the webhook
// encoder. Broader runs with other seeds: test/fixtures/go-template-oracle/fuzz.ts SEED [CASES].
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fuzzCases, runFuzz } from '../fixtures/go-template-oracle/fuzz-check.js';

test('3000 fuzzed templates and events (seed 1) render as Go renders them, errors included', async () => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    assert.fail('`go` is not on PATH: this test needs the Go toolchain to run the oracle');
  }
  const report = await runFuzz(fuzzCases(1, 3000));
  // The generator must keep producing templates that render, not only errors.
  assert.ok(report.rendered >= 900, `${report.rendered} cases rendered by Go`);
  assert.ok(report.skipped <= 30, `${report.skipped} cases skipped`);
  const shown = report.mismatches.slice(0, 5).map(({ c, go, ours }) => `${c.id} TZ=${c.tz}\n  template: ${JSON.stringify(c.template)}\n  go: ${JSON.stringify(go)}\n  ts: ${JSON.stringify(ours)}`);
  assert.equal(report.mismatches.length, 0, shown.join('\n'));
});
