// Scans src/ for relative imports (static, type-only, re-exports and dynamic import()) and fails
// when files import each other in a cycle, or when top-level folders of src/ do.
// Files directly in src/ (main.ts, daemon.ts, ...) count as one folder, the top of the graph.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT = /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Strongly connected components with more than one member (Tarjan), each sorted. */
export function findCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Import edges between files, relative to `root` (the repository). */
export function importGraph(root: string, srcDir = 'src'): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(join(root, srcDir))) {
    const from = relative(root, file).split(sep).join('/');
    const targets = new Set<string>();
    const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!.replace(/\.js$/, '.ts');
      targets.add(relative(root, resolve(dirname(file), spec)).split(sep).join('/'));
    }
    graph.set(from, targets);
  }
  return graph;
}

/** `src/kube/client.ts` → `kube`; files directly in src/ → `(root)`. */
function topFolder(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : '(root)';
}

export function folderGraph(files: ReadonlyMap<string, ReadonlySet<string>>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [from, targets] of files) {
    const edges = graph.get(topFolder(from)) ?? new Set<string>();
    for (const to of targets) if (topFolder(to) !== topFolder(from)) edges.add(topFolder(to));
    graph.set(topFolder(from), edges);
  }
  return graph;
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const files = importGraph(root);
  const folders = folderGraph(files);
  const fileCycles = findCycles(files);
  const folderCycles = findCycles(folders);
  for (const c of fileCycles) console.error(`file cycle: ${c.join(' ↔ ')}`);
  for (const c of folderCycles) {
    console.error(`folder cycle: ${c.join(' ↔ ')}`);
    for (const [from, targets] of files) {
      for (const to of targets) {
        if (topFolder(from) !== topFolder(to) && c.includes(topFolder(from)) && c.includes(topFolder(to))) console.error(`  ${from} → ${to}`);
      }
    }
  }
  if (process.argv.includes('--print')) {
    for (const [folder, targets] of [...folders].sort()) console.log(`${folder} → ${[...targets].sort().join(', ') || '(nothing)'}`);
  }
  const edges = [...files.values()].reduce((n, t) => n + t.size, 0);
  if (fileCycles.length + folderCycles.length > 0) {
    console.error(`import-graph: ${fileCycles.length} file cycle(s), ${folderCycles.length} folder cycle(s)`);
    process.exit(1);
  }
  console.log(`import-graph: ${files.size} files, ${edges} imports, no cycle between files or top-level folders of src/`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
