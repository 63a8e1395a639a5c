// Runs the Go template oracle (test/fixtures/go-template-oracle: real text/template and
// k8s.io/api v0.17.16, kube-eventer's two data changes) to get the bytes kube-eventer would send.
// Needs the Go toolchain; fails loudly without it.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { KubeEvent } from '../../../src/event/types.js';

const ORACLE_DIR = resolve(import.meta.dirname, '../../fixtures/go-template-oracle');

export interface OracleCase {
  readonly id: string;
  readonly template: string;
  readonly event: KubeEvent;
  /** RFC3339 "now" for the LastTimestamp fallback. */
  readonly now: string;
}

export interface OracleResult {
  readonly output?: string;
  readonly error?: string;
}

let binary: Promise<string> | undefined;

/** Builds the oracle once per source version (cached in the temp dir across runs). */
function oracleBinary(): Promise<string> {
  binary ??= (async () => {
    const hash = createHash('sha256');
    for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(ORACLE_DIR, f)));
    const out = join(tmpdir(), `kube-eventer-go-template-oracle-${hash.digest('hex').slice(0, 16)}`);
    if (!existsSync(out)) {
      try {
        await promisify(execFile)('go', ['build', '-o', out, '.'], { cwd: ORACLE_DIR, timeout: 240_000 });
      } catch (err) {
        throw new Error(`building the Go template oracle failed (is Go ≥ 1.25 installed?): ${(err as Error).message}`);
      }
    }
    return out;
  })();
  return binary;
}

/** Renders every case with Go in time zone `tz`. */
export async function renderWithGo(cases: readonly OracleCase[], tz: string): Promise<Map<string, OracleResult>> {
  const bin = await oracleBinary();
  const child = spawn(bin, [], { env: { ...process.env, TZ: tz }, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  const errors: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => errors.push(c));
  const exited = new Promise<number | null>((done) => child.on('close', done));
  child.stdin.end(cases.map((c) => JSON.stringify({ id: c.id, kind: 'template', template: c.template, event: c.event, now: c.now })).join('\n') + '\n');
  const code = await exited;
  if (code !== 0) throw new Error(`Go template oracle exited with ${code}: ${Buffer.concat(errors).toString()}`);
  const results = new Map<string, OracleResult>();
  for (const line of Buffer.concat(chunks).toString('utf8').split('\n')) {
    if (line === '') continue;
    const { id, ...result } = JSON.parse(line) as { id: string } & OracleResult;
    results.set(id, result);
  }
  return results;
}
