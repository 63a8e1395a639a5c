// V8 settings applied in code, so a daemon started without bin/kube-eventer.js's flags (plain
// `node dist/src/entry.js`, a custom image, NODE_OPTIONS replaced) keeps the same small footprint.
// A setting the user chose on the command line or in NODE_OPTIONS is left alone.
import { setFlagsFromString } from 'node:v8';

function userChose(flagPart: string, execArgv: readonly string[], nodeOptions: string): boolean {
  return execArgv.some((arg) => arg.includes(flagPart)) || nodeOptions.includes(flagPart);
}

/**
 * Heap growth as with bin/kube-eventer.js's flags, each unless the user set it (matched by the part
 * of the flag name given). `--max-semi-space-size` and `--max-old-space-size` are read only when the
 * heap is created, so these use the growth settings V8 reads at each collection instead:
 * - the young generation stays at its initial 1 MiB semi-spaces (`--max-semi-space-size=1`); V8
 *   would grow them to 16 MiB each under a burst, and a backlog of queued events keeps them there;
 * - the old generation grows by a quarter between full collections. On a machine with much memory
 *   V8 lets it grow up to 4× (2× with `--max-old-space-size=256`): 100,000 queued events then peak
 *   about 40 MiB higher.
 */
const HEAP_GROWTH: ReadonlyArray<readonly [userFlag: string, setting: string]> = [
  ['semi-space', '--semi-space-growth-factor=1'],
  ['heap-growing-percent', '--heap-growing-percent=25'],
];

/** Applies HEAP_GROWTH's settings the user did not choose; returns those applied. */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const applied = HEAP_GROWTH.filter(([userFlag]) => !userChose(userFlag, execArgv, nodeOptions)).map(([, setting]) => setting);
  for (const setting of applied) setFlagsFromString(setting);
  return applied;
}

const OPTIMIZER_FLAGS = ['turbofan', 'maglev', 'jitless', '--opt', '--no-opt', 'max-opt'];
/** Maglev is on by default from V8 12 (Node 22) and off in Node 20's V8 11. */
const maglevByDefault = Number(process.versions.v8.split('.')[0]) >= 12;
let compilersPaused = false;

/**
 * Start-up runs module loading code (path and URL resolution for every file) just often enough for
 * V8 to optimize it, which maps about 4 MiB of the optimizing compiler's machine code into the
 * process for code that never runs again. The optimizers are off until `resumeOptimizingCompilers`.
 */
export function pauseOptimizingCompilers(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (OPTIMIZER_FLAGS.some((flag) => userChose(flag, execArgv, nodeOptions))) return false;
  setFlagsFromString('--no-turbofan');
  if (maglevByDefault) setFlagsFromString('--no-maglev');
  compilersPaused = true;
  return true;
}

/** Turns the optimizers back on (to their defaults) once the daemon runs; a no-op unless paused. */
export function resumeOptimizingCompilers(): void {
  if (!compilersPaused) return;
  compilersPaused = false;
  setFlagsFromString('--turbofan');
  if (maglevByDefault) setFlagsFromString('--maglev');
}
