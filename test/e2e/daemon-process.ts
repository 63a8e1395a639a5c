import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers/eventually.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The daemon as users run it, from source (tsx), in its own process. */
export function spawnDaemon(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { output(): { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/entry.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

export function runDaemon(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<RunResult> {
  const child = spawnDaemon(args, env);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`daemon did not exit within ${timeoutMs} ms: ${JSON.stringify(child.output())}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // 'exit' may fire before the pipes are drained; 'close' guarantees all output.
      child.on('close', () => resolve({ code, signal, ...child.output() }));
    });
  });
}

/** Resolves when the child's combined output matches, or rejects at the deadline. */
export function waitForOutput(child: ReturnType<typeof spawnDaemon>, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const { stdout, stderr } = child.output();
      const m = pattern.exec(stdout + stderr);
      if (m) {
        cleanup();
        resolve(m[0]);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms: ${JSON.stringify(child.output())}`));
    }, timeoutMs);
    const onExit = () => {
      check();
      cleanup();
      reject(new Error(`daemon exited before output matched ${pattern}: ${JSON.stringify(child.output())}`));
    };
    function cleanup() {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
    }
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/**
 * Waits for the daemon's start line and for its /readyz to answer 200; returns the health server's
 * `http://127.0.0.1:PORT` (the daemon is started with `--healthz-port=0`).
 */
export async function waitUntilReady(child: ReturnType<typeof spawnDaemon>, timeoutMs = 30_000): Promise<string> {
  const started = await waitForOutput(child, /"port":\d+[^\n]*"msg":"Starting eventer"/, timeoutMs);
  const base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
  const ready = async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200;
  await eventually('daemon ready', ready, 15_000, () => child.output().stderr.slice(-2000));
  return base;
}

/** Ends the daemon with `signal` unless it has already exited; resolves on `until` (`close`: its output is read too). */
export async function stopDaemon(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', until: 'exit' | 'close' = 'exit'): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise((resolve) => child.once(until, resolve));
  child.kill(signal);
  await ended;
}
