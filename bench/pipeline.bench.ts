// Throughput and memory of the core path: a watch stream (served by bench/firehose.ts in its own
// process) → EventWatcher → Router → Lane → a no-op sink.
//   node --import tsx bench/pipeline.bench.ts [events=100000]
// Prints events/s through the pipeline, and peak RSS with every event queued behind a blocked sink.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseUri } from '../src/base/uri.js';
import type { KubeEvent } from '../src/event/types.js';
import { KubeClient } from '../src/kube/client.js';
import { EventWatcher } from '../src/kube/watcher.js';
import { DEFAULT_LANE_SETTINGS, Lane } from '../src/pipeline/lane.js';
import { PipelineMetrics } from '../src/pipeline/metrics.js';
import { OK, type Outcome } from '../src/pipeline/outcome.js';
import { Router } from '../src/pipeline/router.js';
import type { Sink } from '../src/pipeline/sink.js';

const total = Number(process.argv[2] ?? 100_000);
const log = pino({ level: 'warn' });

async function startFirehose(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [...(import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : []), fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './firehose.ts' : './firehose.js', import.meta.url)), String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const url = /listening (\S+)/.exec(line.toString())![1]!;
  return { url, stop: () => child.kill() };
}

/** Runs one scenario; `sink` decides what delivery costs. Resolves when `done()` says so. */
async function run(sink: Sink, done: (delivered: number, routed: number) => boolean): Promise<{ ms: number; routed: number; maxRssMiB: number; settledRssMiB: number }> {
  const firehose = await startFirehose();
  const client = await KubeClient.fromUri(parseUri(`kubernetes:${firehose.url}?inClusterConfig=false`, '--source'));
  const registry = new Registry();
  const lane = new Lane('bench#1', { sink }, { ...DEFAULT_LANE_SETTINGS, maxBatch: 1000 }, new PipelineMetrics(registry), log);
  const router = new Router([lane], registry);
  const watcher = new EventWatcher({ client, logger: log });
  router.start();
  let routed = 0;
  let first = 0;
  let maxRss = 0;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 20);
  const finished = new Promise<number>((resolve) => {
    const check = setInterval(() => {
      if (done(delivered, routed)) {
        clearInterval(check);
        resolve(performance.now());
      }
    }, 5);
  });
  watcher.start((change, event) => {
    if (routed++ === 0) first = performance.now();
    router.dispatch(change, event);
  });
  const end = await finished;
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
  clearInterval(sampler);
  // Steady state: once the burst is over and V8 has collected its garbage.
  await new Promise((r) => setTimeout(r, 2000));
  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const settledRss = process.memoryUsage().rss;
  if (process.env.BENCH_DEBUG) {
        const m = process.memoryUsage();
    console.log(`settled: rss ${(m.rss / 2 ** 20).toFixed(1)} heapUsed ${(m.heapUsed / 2 ** 20).toFixed(1)} heapTotal ${(m.heapTotal / 2 ** 20).toFixed(1)} external ${(m.external / 2 ** 20).toFixed(1)} MiB`);
  }
  await watcher.stop();
  await router.drain(100);
  firehose.stop();
  return { ms: end - first, routed, maxRssMiB: maxRss / 2 ** 20, settledRssMiB: settledRss / 2 ** 20 };
}

let delivered = 0;
const noop: Sink = {
  name: 'noop',
  async send(batch: readonly KubeEvent[]): Promise<Outcome> {
    delivered += batch.length;
    return OK;
  },
  async close() {},
};

// BENCH_ONLY=memory runs the memory scenario alone, in a process whose heap the first did not grow.
const skipThroughput = process.env.BENCH_ONLY === 'memory';
const throughput = skipThroughput ? { ms: 1 } : await run(noop, (d) => d >= total);
if (!skipThroughput) console.log(`watch → pipeline → no-op sink: ${total} events in ${throughput.ms.toFixed(0)} ms = ${Math.round((total / throughput.ms) * 1000)} events/s`);

delivered = 0;
let unblock!: () => void;
const blocked = new Promise<void>((r) => (unblock = r));
const stuck: Sink = {
  name: 'stuck',
  async send(_batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome> {
    signal.addEventListener('abort', () => unblock());
    await blocked;
    return { status: 'retry', reason: 'shutdown' };
  },
  async close() {},
};
global.gc?.();
const memory = await run(stuck, (_d, routed) => routed >= total);
console.log(`${total} events queued behind a blocked sink: RSS ${memory.settledRssMiB.toFixed(1)} MiB once queued (peak ${memory.maxRssMiB.toFixed(1)} MiB while the burst arrived)`);
