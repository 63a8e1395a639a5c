// Webhook sink through the real lane to a local HTTP receiver (in a worker thread):
//   1. throughput: events/s for a burst of events offered at once;
//   2. latency: event offered → request received, at a steady 1,000 events/s.
// Run: node --import tsx bench/webhook.bench.ts [--events N] [--seconds S] [--rate R]
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseUri } from '../src/base/uri.js';
import type { EventRecord, KubeEvent } from '../src/event/types.js';
import { Lane } from '../src/pipeline/lane.js';
import { laneSettingsFor } from '../src/pipeline/lane-options.js';
import { PipelineMetrics } from '../src/pipeline/metrics.js';
import { createWebhookSink } from '../src/sinks/webhook/sink.js';

/** Milliseconds on a clock shared by the threads of this process. */
const clock = () => performance.timeOrigin + performance.now();

type ReceiverMessage = { port: number } | { ids: number[]; at: number[] };

/**
 * The receiver, run in a worker thread (plain JS so the worker needs no TypeScript loader):
 * answers 200 and reports, per request, the event id in its body and when it arrived.
 */
const RECEIVER = `
const { createServer } = require('node:http');
const { parentPort } = require('node:worker_threads');
const clock = () => performance.timeOrigin + performance.now();
let ids = [];
let at = [];
setInterval(() => {
  if (ids.length === 0) return;
  parentPort.postMessage({ ids, at });
  ids = [];
  at = [];
}, 5).unref();
const server = createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const m = /"EventMessage": "event (\\d+)"/.exec(body);
    ids.push(m ? Number(m[1]) : -1);
    at.push(clock());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"errcode":0,"errmsg":"ok"}');
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

function event(i: number): KubeEvent {
  return {
    metadata: { name: `web-${i}.17b2c3d4`, namespace: 'team', uid: `uid-${i}`, resourceVersion: String(1000 + i) },
    involvedObject: { kind: 'Pod', namespace: 'team', name: `web-${i % 50}`, apiVersion: 'v1' },
    reason: 'BackOff',
    message: `event ${i}`,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-03-05T06:07:09Z',
    lastTimestamp: '2024-03-05T06:07:09Z',
    count: 1,
    type: 'Warning',
    eventTime: null,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const burst = arg('events', 20_000);
  const seconds = arg('seconds', 10);
  const rate = arg('rate', 1000);

  const worker = new Worker(RECEIVER, { eval: true });
  const received = new Map<number, number>();
  let waiter: { count: number; resolve: () => void } | undefined;
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (msg: ReceiverMessage) => {
      if ('port' in msg) return resolve(msg.port);
      msg.ids.forEach((id, k) => received.set(id, msg.at[k]!));
      if (waiter && received.size >= waiter.count) waiter.resolve();
    });
  });
  const receivedAll = (count: number) =>
    new Promise<void>((resolve) => {
      waiter = { count, resolve };
      if (received.size >= count) resolve();
    });

  const log = pino({ level: 'silent' });
  const registry = new Registry();
  const uri = parseUri(`webhook:http://127.0.0.1:${port}/cgi-bin/webhook/send?key=bench&method=POST&header=Content-Type=application/json&queue_size=1000000`, '--sink', {});
  const built = await createWebhookSink(uri, { log, metrics: registry, shutdown: new AbortController().signal });
  const lane = new Lane('webhook#1', built, laneSettingsFor(uri, built.tuning), new PipelineMetrics(registry), log);
  lane.start();
  let seq = 0;
  const offer = (i: number) => lane.offer({ change: 'ADDED', event: event(i), receivedAt: Date.now(), seq: seq++ } satisfies EventRecord);

  // Warm-up: connections, JIT.
  for (let i = 0; i < 2000; i++) offer(1_000_000 + i);
  await receivedAll(2000);
  received.clear();

  // 1. Throughput.
  const t0 = clock();
  for (let i = 0; i < burst; i++) offer(i);
  await receivedAll(burst);
  const elapsed = (clock() - t0) / 1000;
  console.log(`throughput: ${burst} events in ${elapsed.toFixed(2)} s = ${Math.round(burst / elapsed)} events/s (lane defaults: batch ${lane.settings.maxBatch}, concurrency ${lane.settings.concurrency}; max_in_flight 8)`);
  received.clear();

  // 2. Latency at a steady rate: a tick every 10 ms offers rate/100 events.
  const offeredAt = new Map<number, number>();
  const total = rate * seconds;
  const perTick = rate / 100;
  let next = burst;
  const first = next;
  await new Promise<void>((resolve) => {
    const start = clock();
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((clock() - start) / 1000) * rate) + perTick);
      while (next - first < due) {
        offeredAt.set(next, clock());
        offer(next++);
      }
      if (next - first >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await receivedAll(total);
  const latencies = [...offeredAt].map(([id, at]) => received.get(id)! - at).sort((a, b) => a - b);
  console.log(
    `latency at ${rate} events/s for ${seconds} s (${latencies.length} events): ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`,
  );

  await lane.drain(5000);
  await worker.terminate();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
