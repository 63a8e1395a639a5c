import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const settings = fileURLToPath(new URL('../../src/base/v8-settings.ts', import.meta.url));

/** Runs `body` (ESM, `s` = the settings module) in a fresh node and returns what it prints. */
function inFreshNode(body: string, nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): string {
  const script = `const s = await import(${JSON.stringify(settings)});\n${body}`;
  return execFileSync(process.execPath, [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Prints the new space's size (MiB) before and after an allocation burst that keeps some objects. */
const newSpaceBeforeAndAfterBurst = `
const { getHeapSpaceStatistics } = await import('node:v8');
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 2 ** 20;
const before = newSpace();
const keep = [];
for (let i = 0; i < 2_000_000; i++) { const o = { i, s: 'x' + i }; if (i % 20 === 0) keep.push(o); }
console.log(before, newSpace(), keep.length);`;

test('the young generation keeps its size under an allocation burst', () => {
  const [before, after] = inFreshNode(`s.limitHeapGrowth();${newSpaceBeforeAndAfterBurst}`).split(' ');
  assert.equal(after, before);
  // Without the setting the same burst grows it: the check above can fail.
  const [beforeUnlimited, afterUnlimited] = inFreshNode(newSpaceBeforeAndAfterBurst).split(' ').map(Number);
  assert.ok(afterUnlimited! > beforeUnlimited!, `new space ${beforeUnlimited} → ${afterUnlimited} MiB without the setting`);
});

test('heap growth settings chosen on the command line or in NODE_OPTIONS are left alone', () => {
  const applied = (execArgv: string[], nodeOptions = '') => inFreshNode(`console.log(s.limitHeapGrowth().join(' '))`, execArgv, { NODE_OPTIONS: nodeOptions });
  assert.equal(applied([]), '--semi-space-growth-factor=1 --heap-growing-percent=25');
  assert.equal(applied([], '--max-semi-space-size=8'), '--heap-growing-percent=25');
  assert.equal(applied(['--semi-space-growth-factor=3', '--heap-growing-percent=50']), '');
});

// Bit 4 of %GetOptimizationStatus: optimized code is installed. Rounds, not time: V8 optimizes a
// function after enough calls (compiling on this thread, so a loaded machine does not delay it).
const natives = ['--allow-natives-syntax', '--no-concurrent-recompilation'];
const hotFunction = `
function add(a, b) { return a + b; }
const optimizedWithin = (rounds) => {
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    for (let i = 0; i < 100_000; i++) n = add(n, i);
    if ((%GetOptimizationStatus(add) & 16) !== 0) return true;
  }
  return false;
};
%NeverOptimizeFunction(optimizedWithin); // so add is called, not inlined into an optimized loop`;

test('optimizing compilers are off between pause and resume, then optimize hot code again', () => {
  const out = inFreshNode(`${hotFunction}
console.log(s.pauseOptimizingCompilers());
console.log(optimizedWithin(20));
s.resumeOptimizingCompilers();
console.log(optimizedWithin(1000));`, natives);
  assert.deepEqual(out.split('\n'), ['true', 'false', 'true']);
  // The same code without the pause is optimized within those 20 rounds: the check above can fail.
  assert.equal(inFreshNode(`${hotFunction}\nconsole.log(optimizedWithin(20));`, natives), 'true');
});

test('optimizer flags chosen by the user are left alone', () => {
  assert.equal(inFreshNode('console.log(s.pauseOptimizingCompilers())', ['--no-turbofan']), 'false');
  assert.equal(inFreshNode('console.log(s.pauseOptimizingCompilers())', [], { NODE_OPTIONS: '--jitless' }), 'false');
});
