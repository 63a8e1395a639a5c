// Checks every tracked text file against .editorconfig: line endings, final newline, trailing
// whitespace, and no tab indentation where indent_style = space (gofmt owns the Go files).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync, type Props } from 'editorconfig';

/** Problems in `text` under `props`, as `line N: what` (at most a few per file). */
export function editorconfigProblems(text: string, props: Props): string[] {
  const problems: string[] = [];
  if (text === '') return problems;
  if (props.end_of_line === 'lf' && text.includes('\r')) problems.push('CR line endings (end_of_line = lf)');
  if (props.insert_final_newline === true && !text.endsWith('\n')) problems.push('no newline at the end (insert_final_newline)');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (problems.length >= 5) return;
    if (props.trim_trailing_whitespace === true && /[ \t]+\r?$/.test(line)) problems.push(`line ${i + 1}: trailing whitespace`);
    if (props.indent_style === 'space' && line.startsWith('\t')) problems.push(`line ${i + 1}: indented with a tab (indent_style = space)`);
  });
  return problems;
}

function isText(buffer: Buffer): boolean {
  return !buffer.subarray(0, 8000).includes(0);
}

function main(): void {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  let bad = 0;
  for (const file of files) {
    const path = join(root, file);
    let buffer: Buffer;
    try {
      buffer = readFileSync(path);
    } catch {
      continue; // deleted in the work tree
    }
    if (!isText(buffer)) continue;
    const problems = editorconfigProblems(buffer.toString('utf8'), parseSync(path));
    if (problems.length === 0) continue;
    bad++;
    console.error(`${file}: ${problems.join('; ')}`);
  }
  if (bad > 0) {
    console.error(`editorconfig: ${bad} file(s) break .editorconfig`);
    process.exit(1);
  }
  console.log(`editorconfig: ${files.length} files follow .editorconfig`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
