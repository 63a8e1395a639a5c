// Byte-for-byte comparison with real Go (text/template + k8s.io/api v0.17.16) over the
// committed corpus; regenerate with test/fixtures/go-template-oracle/regen-golden.sh.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { OracleCase } from '../fixtures/go-template-oracle/corpus.js';
import type { OracleResult } from '../fixtures/go-template-oracle/oracle.js';
import { describeMismatches, runCase } from './golden-cases.js';

const read = <T>(name: string): T[] =>
  readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

test('every corpus case renders exactly as Go renders it', () => {
  const cases = read<OracleCase>('corpus.jsonl');
  const expected = read<OracleResult>('expected.jsonl');
  assert.equal(cases.length, expected.length);
  assert.ok(cases.length >= 150, `corpus has ${cases.length} cases`);
  const actual = cases.map(runCase);
  const mismatches = describeMismatches(cases, expected, actual);
  assert.equal(mismatches.length, 0, `${mismatches.length}/${cases.length} cases differ:\n${mismatches.slice(0, 25).join('\n')}`);
});
