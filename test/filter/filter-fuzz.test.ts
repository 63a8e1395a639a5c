// Differential fuzzing of the event filters against real Go (test/fixtures/filter-oracle): 6000 seeded
// cases of webhook, dingtalk and wechat filter options (RE2 patterns at the JavaScript/Go boundary, lists
// with blanks, empty items and repeats, raw URI characters) over generated events, through each sink's
// option parser and the filter the sink registry builds. Go's regexp and net/url decide, with the
// divergences docs/filters.md documents. Broader runs: test/fixtures/filter-oracle/fuzz.ts SEED [SEEDS] [CASES].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describe, minimise, runFuzz } from '../fixtures/filter-oracle/fuzz-check.js';
import { filterCases } from '../fixtures/filter-oracle/fuzz-gen.js';

test('6000 fuzzed filter options and events (seed 1): accepted, refused and let through as Go decides', () => {
  const report = runFuzz(filterCases(1, 6000));
  // The generator must keep producing options Go accepts and events they let through, not only errors.
  assert.ok(report.accepted >= 2000, `${report.accepted} cases accepted by Go`);
  assert.ok(report.passed >= 2500, `${report.passed} events let through by Go`);
  const first = report.mismatches[0];
  assert.equal(report.mismatches.length, 0, first && `first mismatch, minimised:\n${describe(minimise(first))}`);
});
