// The webhook encoder over the shared golden corpus (real Go output committed by the template
// engine's tests): every case with kube-eventer's webhook data, in every zone, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { OracleCase, TemplateCase } from '../../fixtures/go-template-oracle/corpus.js';
import type { OracleResult } from '../../fixtures/go-template-oracle/oracle.js';
import { renderWithEncoder } from '../../fixtures/go-template-oracle/webhook.js';

const read = <T>(name: string): T[] =>
  readFileSync(new URL(`../../gotemplate/golden/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

test('every golden case with webhook data renders as Go renders it, upstream templates included', () => {
  const cases = read<OracleCase>('corpus.jsonl');
  const expected = new Map(read<OracleResult>('expected.jsonl').map(({ id, ...r }) => [id, r]));
  const webhook = cases.filter((c): c is TemplateCase => c.kind === 'template' && c.data === 'kube-eventer');
  assert.ok(webhook.length >= 1000, `${webhook.length} webhook cases`);
  assert.ok(webhook.filter((c) => c.id.startsWith('upstream_')).length >= 9 * 10, 'every upstream template is in the corpus');
  const mismatches: string[] = [];
  for (const c of webhook) {
    const want = expected.get(c.id);
    assert.ok(want, `expected output for ${c.id}`);
    const got = renderWithEncoder(c);
    if (got.output !== want.output || got.error !== want.error) mismatches.push(`${c.id}\n  go: ${JSON.stringify(want)}\n  ts: ${JSON.stringify(got)}`);
  }
  assert.equal(mismatches.length, 0, mismatches.slice(0, 10).join('\n'));
});
