// Issue 9 item 1: a cluster that already holds 200,000 Events (about 1.2 KB each). Under the shipped heap
// flags the daemon must be watching within 30 s, with a peak RSS of at most 150 MiB, and deliver what
// happens next. The first list keeps only each Event's uid and resourceVersion, one page at a time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { ROOT, stopDaemon, waitForOutput } from './daemon-process.js';

const STORED = 200_000;
/** The heap flags bin/kube-eventer.js and the image's /kube-eventer run with. */
const SHIPPED_HEAP_FLAGS = ['--max-semi-space-size=1', '--max-old-space-size=256'];

/** Peak resident set size of a process so far (Linux VmHWM), in MiB. */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

test(`${STORED.toLocaleString('en')} stored Events: watching within 30 s, peak RSS at most 150 MiB, new events delivered`, async (t) => {
  const api = await startFakeApiServer();
  // ~1.2 KB of JSON per Event, spread over 500 namespaces.
  api.seedEvents(STORED, (i) => ({
    metadata: { namespace: `team-${i % 500}` },
    involvedObject: { kind: 'Pod', namespace: `team-${i % 500}`, name: `web-${i}` },
    type: i % 3 === 0 ? 'Warning' : 'Normal',
    reason: i % 3 === 0 ? 'BackOff' : 'Pulled',
    message: `Container image "registry.example.com/team-${i % 500}/web:1.${i % 97}" already present on machine; ${'detail '.repeat(80)}`,
  }));
  const size = JSON.stringify(api.listObjects('events')[0]).length;
  t.diagnostic(`stored ${STORED} Events of about ${size} bytes each`);
  assert.ok(size >= 1100 && size <= 1400, `event size ${size}`);

  const { toWatching, peak } = await measureStart(api, STORED);
  t.diagnostic(`time to watching: ${toWatching.toFixed(1)} s; peak RSS: ${peak.toFixed(0)} MiB (heap flags ${SHIPPED_HEAP_FLAGS.join(' ')}; tsx loader included)`);
  assert.ok(toWatching < 30, `watching after ${toWatching.toFixed(1)} s`);
  assert.ok(peak <= 150, `peak RSS ${peak.toFixed(0)} MiB`);
});

test('a server that ignores limit sends 60,000 Events (72 MB) in one body: read as a stream, no crash, RSS within 150 MiB', async (t) => {
  const api = await startFakeApiServer({ ignoreListLimit: true });
  api.seedEvents(60_000, (i) => ({ metadata: { namespace: `team-${i % 50}` }, message: `one body ${'detail '.repeat(140)}` }));
  const { toWatching, peak } = await measureStart(api, 60_000);
  t.diagnostic(`one unpaginated body: time to watching ${toWatching.toFixed(1)} s; peak RSS ${peak.toFixed(0)} MiB`);
  assert.ok(peak <= 150, `peak RSS ${peak.toFixed(0)} MiB`);
});

/** Starts the daemon under the shipped heap flags on `api` (closed at the end); time to watching and peak RSS. */
async function measureStart(api: Awaited<ReturnType<typeof startFakeApiServer>>, stored: number): Promise<{ toWatching: number; peak: number }> {
  const started = Date.now();
  const daemon = Object.assign(
    spawn(process.execPath, [...SHIPPED_HEAP_FLAGS, '--import', 'tsx', 'src/entry.ts', `--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    { output: () => ({ stdout, stderr }) },
  );
  let stdout = '';
  let stderr = '';
  daemon.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  daemon.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForOutput(daemon, new RegExp(`"existing":${stored}[^\\n]*watching for new events`), 120_000);
    const toWatching = (Date.now() - started) / 1000;
    api.createEvent({ reason: 'AfterTheBigList', message: 'the watch is live' });
    await waitForOutput(daemon, /AfterTheBigList/, 30_000);
    assert.doesNotMatch(stderr, /heap out of memory/);
    return { toWatching, peak: peakRssMiB(daemon.pid!) };
  } finally {
    await stopDaemon(daemon, 'SIGTERM', 'close');
    await api.close();
  }
}
