import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findCycles, folderGraph, importGraph } from '../../scripts/import-graph.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('finds file cycles through type-only, multi-line and dynamic imports', (t) => {
  const root = tree({
    'src/a/one.ts': "import type { B } from './two.js';\n",
    'src/a/two.ts': "import {\n  C,\n} from '../b/three.js';\n",
    'src/b/three.ts': "export const load = () => import('../a/one.js');\n",
    'src/b/alone.ts': "// import { x } from './three.js'\n",
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = importGraph(root);
  assert.deepEqual(findCycles(files), [['src/a/one.ts', 'src/a/two.ts', 'src/b/three.ts']]);
  assert.deepEqual([...files.get('src/b/alone.ts')!], [], 'imports in comments do not count');
  assert.deepEqual(findCycles(folderGraph(files)), [['a', 'b']]);
});

test('folders that import each other without a file cycle are still a cycle', (t) => {
  const root = tree({
    'src/kube/client.ts': "import { x } from '../pipeline/backoff.js';\n",
    'src/pipeline/backoff.ts': 'export const x = 1;\n',
    'src/pipeline/lane.ts': "import type { C } from '../kube/other.js';\n",
    'src/kube/other.ts': 'export type C = 1;\n',
    'src/main.ts': "import { x } from './pipeline/backoff.js';\n",
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const files = importGraph(root);
  assert.deepEqual(findCycles(files), []);
  assert.deepEqual(findCycles(folderGraph(files)), [['kube', 'pipeline']]);
});

test('this repository has no cycle', () => {
  const files = importGraph(join(dirname(fileURLToPath(import.meta.url)), '../..'));
  assert.ok(files.size > 50);
  assert.deepEqual(findCycles(files), []);
  assert.deepEqual(findCycles(folderGraph(files)), []);
});
