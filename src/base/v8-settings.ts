// V8 settings applied in code, so a daemon started without bin/kube-eventer.js's flags (plain
// `node dist/src/entry.js`, a custom image, NODE_OPTIONS replaced) keeps the same small footprint.
// A setting the user chose on the command line or in NODE_OPTIONS is left alone.
import { setFlagsFromString } from 'node:v8';

function userChose(flagPart: string, execArgv: readonly string[], nodeOptions: string): boolean {
  return execArgv.some((arg) => arg.includes(flagPart)) || nodeOptions.includes(flagPart);
}

/**
 * Keeps the young generation at its initial size (1 MiB semi-spaces), as `--max-semi-space-size=1`
 * does: without it V8 grows the semi-spaces to 16 MiB each under a burst, and a backlog of queued
 * events keeps them there (tens of MiB of RSS). `--max-semi-space-size` is read only when the heap
 * is created; the growth factor is read at each growth, so it still works here.
 */
export function limitYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (userChose('semi-space', execArgv, nodeOptions)) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
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
