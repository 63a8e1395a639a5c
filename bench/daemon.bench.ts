// Measures the daemon process itself (dist/src/entry.js, as bin/kube-eventer.js runs it), fed by
// bench/firehose.ts and delivering to bench/receiver.ts, each in its own process. CPU is the
// daemon's own user+system time (/proc/<pid>/stat), so the figures hold on a loaded machine.
//   npm run bench -- [scenario...] [--repeat N] [--flags with|without|both|'<V8 flags>'] [--node <path>] [--prof|--prof-first]
// Scenarios (default: all):
//   decode   50,000 events streamed, none delivered (a filter passes only a last sentinel event):
//            daemon CPU per event for watch → decode → filter, for a fresh process's first 50,000
//            (JIT compilation included) and for its next 50,000; --prof profiles the second
//   webhook  20,000 events burst into a webhook receiver: events/s, CPU per event, order per object;
//            a fresh process's first burst and the same daemon's next (--prof profiles the second)
//   idle     RSS 3 s after start with one webhook sink, the watch open
//   backlog  100,000 events queued behind an endpoint that never answers: peak and settled RSS
//   stored   a cluster already holding 200,000 Events (listed 500 a page): from spawn to watching,
//            wall and CPU seconds, peak RSS and RSS after; then one new event must reach the receiver
// --flags: run the daemon with bin/kube-eventer.js's V8 flags, without them, or both (default both);
//          or with the V8 flags given (`--flags '--max-semi-space-size=4'`), to try others.
// --node: the Node binary that runs the daemon (default: the one running the bench), e.g. the image's
//         Node 24; the API server and the receiver stay on the bench's own.
// --prof: profile the daemon (--cpu-prof) and print its top functions by self time.
// --prof-first: the same for a fresh process's first round instead of the next.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const compiled = import.meta.url.endsWith('.js');
const root = join(here, compiled ? '../..' : '..');
const entry = join(root, 'dist/src/entry.js');
/** The Node binary that runs the daemon (`--node`). */
let daemonNode = process.execPath;
const clockTicks = 100; // USER_HZ on Linux: /proc/<pid>/stat counts CPU time in 1/100 s

/** The V8 flags of bin/kube-eventer.js's shebang line, so the bench follows what users run. */
function binFlags(): string[] {
  const shebang = readFileSync(join(root, 'bin/kube-eventer.js'), 'utf8').split('\n')[0]!;
  return shebang.split(/\s+/).filter((word) => word.startsWith('--'));
}

interface Lines {
  /** Resolves with the first line (after any already seen) that matches; rejects if the process ends first. */
  next(pattern: RegExp): Promise<RegExpExecArray>;
  /** When the line next() last matched arrived (performance.now()). */
  readonly matchedAt: number;
}

function lines(child: ChildProcess, name: string, stream: NodeJS.ReadableStream): Lines {
  const seen: Array<{ line: string; at: number }> = [];
  let matchedAt = 0;
  let waiter: { pattern: RegExp; resolve: (m: RegExpExecArray) => void; reject: (err: Error) => void } | undefined;
  let ended: string | undefined;
  const check = () => {
    if (waiter === undefined) return;
    for (let i = 0; i < seen.length; i++) {
      const m = waiter.pattern.exec(seen[i]!.line);
      if (m) {
        matchedAt = seen[i]!.at;
        seen.splice(0, i + 1);
        const { resolve } = waiter;
        waiter = undefined;
        resolve(m);
        return;
      }
    }
    if (ended !== undefined) {
      const { pattern, reject } = waiter;
      waiter = undefined;
      reject(new Error(`${ended} while waiting for ${pattern}`));
    }
  };
  createInterface({ input: stream }).on('line', (line) => {
    seen.push({ line, at: performance.now() });
    check();
  });
  // 'close' comes after the process ended and its output was read to the end.
  child.once('close', (code, signal) => {
    ended = `${name} exited (${code ?? signal})`;
    check();
  });
  return {
    next: (pattern) =>
      new Promise((resolve, reject) => {
        waiter = { pattern, resolve, reject };
        check();
      }),
    get matchedAt() {
      return matchedAt;
    },
  };
}

function script(name: string): string[] {
  return compiled ? [join(here, `${name}.js`)] : ['--import', 'tsx', join(here, `${name}.ts`)];
}

/** `out` reads the child's stdout, or its log (stderr) when `log` is set; the other goes to ours. */
/** Processes this bench started and that still run: ended if the bench fails. */
const children = new Set<ChildProcess>();

function start(args: string[], name: string, stdin: 'pipe' | 'ignore' = 'ignore', log = false, node = process.execPath): { child: ChildProcess; out: Lines } {
  const child = spawn(node, args, { stdio: [stdin, log ? 'inherit' : 'pipe', log ? 'pipe' : 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, out: lines(child, name, log ? child.stderr! : child.stdout!) };
}

/** The daemon's CPU time so far, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** CPU seconds so far by thread: `main` (JavaScript), the others by name (V8's GC and compiler helpers, libuv's pool). */
function cpuByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const name = task === String(pid) ? 'main' : `${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))} thread`;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / clockTicks);
  }
  return byName;
}

/** Where the CPU time between two cpuByThread readings went, e.g. `main 0.52 s, node thread 0.20 s`. */
function threadShare(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([name, seconds]) => [name, seconds - (before.get(name) ?? 0)] as const)
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`)
    .join(', ');
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
function rss(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)![1]) / 1024;
  return { now: kib('VmRSS'), peak: kib('VmHWM') };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

interface Setup {
  readonly events: number;
  /** The firehose sends this many rounds of `events`, one per go(). */
  readonly rounds?: number;
  readonly sentinel: boolean;
  /** Events the cluster already holds, served by the list. */
  readonly stored?: number;
  /** Receiver: requests to wait for, or hang. */
  readonly expect: number;
  readonly hang?: boolean;
  /** Sink options after the receiver URL. */
  readonly sinkQuery: string;
  readonly v8Flags: string[];
  readonly profileDir?: string;
}

interface Running {
  readonly daemon: ChildProcess;
  /** The daemon's log, after its `Starting eventer` line. */
  readonly log: Lines;
  /** When the daemon was spawned and when its `Starting eventer` line came (performance.now()), and the API server's CPU seconds at spawn. */
  readonly spawnedAt: number;
  readonly startingAt: number;
  readonly firehoseCpuAtSpawn: number;
  readonly firehose: ChildProcess;
  readonly receiver: { child: ChildProcess; out: Lines };
  readonly metricsUrl: string;
  finish(): Promise<void>;
}

async function launch(setup: Setup): Promise<Running> {
  const firehose = start([...script('firehose'), String(setup.events), ...(setup.sentinel ? ['sentinel'] : []), `rounds=${setup.rounds ?? 1}`, `stored=${setup.stored ?? 0}`], 'firehose', 'pipe');
  const receiver = start([...script('receiver'), String(setup.expect), ...(setup.hang ? ['hang'] : [])], 'receiver');
  const apiUrl = (await firehose.out.next(/^listening (\S+)/))[1]!;
  const receiverUrl = (await receiver.out.next(/^listening (\S+)/))[1]!;
  const profile = setup.profileDir ? ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${setup.profileDir}`] : [];
  const firehoseCpuAtSpawn = cpuSeconds(firehose.child.pid!);
  const spawnedAt = performance.now();
  const daemon = start(
    [...setup.v8Flags, ...profile, entry, `--source=kubernetes:${apiUrl}?inClusterConfig=false`, `--sink=webhook:${receiverUrl}/hook?method=POST&${setup.sinkQuery}`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--log-format=json'],
    'daemon',
    'ignore',
    true,
    daemonNode,
  );
  const port = (await daemon.out.next(/"port":(\d+).*"msg":"Starting eventer"/))[1];
  const startingAt = daemon.out.matchedAt;
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // The watch opens after the daemon's list, which it may not survive.
  const daemonEnded = once(daemon.child, 'exit').then(([code, signal]) => {
    throw new Error(`daemon exited (${String(code ?? signal)}) before its watch opened`);
  });
  await Promise.race([firehose.out.next(/^watching$/), daemonEnded]);
  return {
    daemon: daemon.child,
    log: daemon.out,
    spawnedAt,
    startingAt,
    firehoseCpuAtSpawn,
    firehose: firehose.child,
    receiver,
    metricsUrl,
    async finish() {
      await stop(daemon.child);
      await Promise.all([stop(firehose.child), stop(receiver.child)]);
    },
  };
}

function go(run: Running): void {
  run.firehose.stdin!.write('go\n');
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/** The daemon's heap used and external memory, from its /metrics. */
async function heapFigures(url: string): Promise<string> {
  const mib = async (name: string) => ((await metric(url, name)) / 2 ** 20).toFixed(1);
  return `heap used ${await mib('nodejs_heap_size_used_bytes')} MiB, external ${await mib('nodejs_external_memory_bytes')} MiB`;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Monotonic microseconds, the clock V8's CPU profiles stamp their samples with. */
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** The measured part of the last run (monotonic µs): the profile is read only between these. */
let measuredWindow: { from: number; to: number } | undefined;
/** --prof-first: profile a fresh process's first round instead of its next. */
const profileFirstRound = process.argv.includes('--prof-first');

/** Prints the profile's top functions by self time (like `node --prof-process`'s bottom-up view). */
function printProfile(dir: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) return void console.log('    (no profile written)');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    startTime: number;
    samples: number[];
    timeDeltas: number[];
  };
  const keys = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : ` ${url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    keys.set(node.id, `${functionName || '(anonymous)'}${where}`);
  }
  const self = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  const window = measuredWindow ?? { from: -Infinity, to: Infinity };
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i]!;
    if (at < window.from || at > window.to) return;
    const key = keys.get(id)!;
    self.set(key, (self.get(key) ?? 0) + 1);
    total++;
  });
  console.log(`  ${total} samples${measuredWindow ? ' in the measured part' : ''}:`);
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 20);
  for (const [key, hits] of top) console.log(`    ${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  // The same self time summed by where the code lives (our folders, each package, Node itself).
  const areas = new Map<string, number>();
  for (const [key, hits] of self) {
    const where = /(dist\/src\/[^/ :]+|node_modules\/(?:@[^/]+\/)?[^/ :]+|node:[^/ :]+)/.exec(key)?.[1] ?? key.split(' ')[0]!;
    areas.set(where, (areas.get(where) ?? 0) + hits);
  }
  const byArea = [...areas].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`  by area: ${byArea.map(([area, hits]) => `${area} ${((hits / total) * 100).toFixed(1)}%`).join(', ')}`);
}

async function withProfile<T>(prof: boolean, body: (profileDir: string | undefined) => Promise<T>): Promise<T> {
  if (!prof) return body(undefined);
  measuredWindow = undefined;
  const dir = mkdtempSync(join(tmpdir(), 'kube-eventer-prof-'));
  try {
    const result = await body(dir);
    console.log('  profile of the daemon, top self time:');
    printProfile(dir);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Scenario = (v8Flags: string[], prof: boolean) => Promise<string>;

/** Sends the next round of the stream and waits for the receiver's next `received`: the daemon's CPU (in all, and by thread) and wall time. */
async function measureRound(run: Running): Promise<{ cpu: number; threads: string; wall: number }> {
  const before = cpuSeconds(run.daemon.pid!);
  const threadsBefore = cpuByThread(run.daemon.pid!);
  const started = performance.now();
  const from = monotonicMicros();
  go(run);
  await run.receiver.out.next(/^received/);
  if (!(profileFirstRound && measuredWindow)) measuredWindow = { from, to: monotonicMicros() };
  const wall = performance.now() - started;
  return { cpu: cpuSeconds(run.daemon.pid!) - before, threads: threadShare(threadsBefore, cpuByThread(run.daemon.pid!)), wall };
}

const scenarios: Record<string, Scenario> = {
  async decode(v8Flags, prof) {
    const events = 50_000;
    return withProfile(prof, async (profileDir) => {
      const run = await launch({ events, rounds: 2, sentinel: true, expect: 1, sinkQuery: 'namespaces=bench-sentinel', v8Flags, ...(profileDir ? { profileDir } : {}) });
      // The first round is a fresh process's (JIT compilation included); the second, the same process's next 50,000.
      const round = async () => {
        const { cpu, threads, wall } = await measureRound(run);
        return `${((cpu / events) * 1e6).toFixed(1)} µs CPU/event (${cpu.toFixed(2)} s CPU: ${threads}; ${(wall / 1000).toFixed(2)} s wall)`;
      };
      const first = await round();
      const next = await round();
      const peak = rss(run.daemon.pid!).peak;
      await run.finish();
      return `${events} events, none delivered: first ${first}; next ${events}: ${next}; peak RSS ${peak.toFixed(0)} MiB`;
    });
  },
  async webhook(v8Flags, prof) {
    const events = 20_000;
    return withProfile(prof, async (profileDir) => {
      const run = await launch({ events, rounds: 2, sentinel: false, expect: events, sinkQuery: 'queue_size=100000', v8Flags, ...(profileDir ? { profileDir } : {}) });
      // As for decode: a fresh process's first burst (JIT compilation included), then the same daemon's next.
      const burst = async () => {
        const { cpu, threads, wall } = await measureRound(run);
        const violations = Number((await run.receiver.out.next(/^order-violations (\d+)/))[1]);
        return { text: `${Math.round(events / (wall / 1000))} events/s (${(wall / 1000).toFixed(2)} s wall), ${((cpu / events) * 1e6).toFixed(1)} µs CPU/event (${threads})`, violations };
      };
      const first = await burst();
      const next = await burst();
      const peak = rss(run.daemon.pid!).peak;
      await run.finish();
      return `${events} events: first ${first.text}; next ${events}: ${next.text}; per-object order violations ${next.violations} (both bursts), peak RSS ${peak.toFixed(0)} MiB`;
    });
  },
  async idle(v8Flags) {
    const run = await launch({ events: 1, sentinel: false, expect: 1, sinkQuery: '', v8Flags });
    await settle(3000);
    const m = rss(run.daemon.pid!);
    await run.finish();
    return `idle after start, one webhook sink: RSS ${m.now.toFixed(1)} MiB (peak ${m.peak.toFixed(1)} MiB)`;
  },
  async backlog(v8Flags) {
    const events = 100_000;
    const run = await launch({ events, sentinel: false, expect: events, hang: true, sinkQuery: 'queue_size=100000', v8Flags });
    go(run);
    // Accepted = queued (one send hangs with its batch); poll the daemon's own counter.
    while ((await metric(run.metricsUrl, 'eventer_sink_events_accepted_total')) < events) await settle(250);
    const queued = await metric(run.metricsUrl, 'eventer_sink_events_queued');
    await settle(2000);
    const m = rss(run.daemon.pid!);
    const heap = await heapFigures(run.metricsUrl);
    await run.finish();
    return `${events} events behind an endpoint that never answers (${queued} in the queue): peak RSS ${m.peak.toFixed(1)} MiB, RSS after 2 s ${m.now.toFixed(1)} MiB (${heap})`;
  },
  async stored(v8Flags, prof) {
    const stored = 200_000;
    return withProfile(prof, async (profileDir) => {
      const from = monotonicMicros();
      // launch() returns once the watch is open, after the list: the log line is in, and CPU and RSS are read a round trip after it.
      const run = await launch({ events: 1, stored, sentinel: false, expect: 1, sinkQuery: '', v8Flags, ...(profileDir ? { profileDir } : {}) });
      await run.log.next(new RegExp(`"existing":${stored}[^\\n]*watching for new events`));
      const wall = (run.log.matchedAt - run.spawnedAt) / 1000;
      if (!(profileFirstRound && measuredWindow)) measuredWindow = { from, to: monotonicMicros() };
      const cpu = cpuSeconds(run.daemon.pid!);
      const threads = threadShare(new Map(), cpuByThread(run.daemon.pid!));
      const atWatching = rss(run.daemon.pid!);
      const serverCpu = cpuSeconds(run.firehose.pid!) - run.firehoseCpuAtSpawn;
      // One new event through the watch to the receiver: the watch is live.
      const sent = performance.now();
      go(run);
      await run.receiver.out.next(/^received/);
      const delivered = performance.now() - sent;
      await settle(2000);
      const after = rss(run.daemon.pid!);
      const heap = await heapFigures(run.metricsUrl);
      // What exists is remembered, not forwarded: the new event is the only one sent.
      const sentInAll = await metric(run.metricsUrl, 'eventer_sink_events_sent_total');
      await run.finish();
      if (sentInAll !== 1) throw new Error(`the daemon sent ${sentInAll} events, not just the new one`);
      return `${stored} stored events: watching after ${wall.toFixed(1)} s wall (${((run.startingAt - run.spawnedAt) / 1000).toFixed(1)} s to start, the list the rest), ${cpu.toFixed(2)} s CPU (${threads}; the API server's ${serverCpu.toFixed(2)} s), peak RSS ${atWatching.peak.toFixed(1)} MiB (RSS then ${atWatching.now.toFixed(1)} MiB); a new event delivered ${delivered.toFixed(0)} ms later; RSS 2 s after it ${after.now.toFixed(1)} MiB (peak ${after.peak.toFixed(1)} MiB, ${heap})`;
    });
  },
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args.splice(i, 2)[1]! : fallback;
  };
  const repeat = Number(value('repeat', '3'));
  const flags = value('flags', 'both');
  daemonNode = value('node', process.execPath);
  const prof = args.includes('--prof') || args.includes('--prof-first');
  const chosen = args.filter((a) => !a.startsWith('--'));
  for (const name of chosen) if (!(name in scenarios)) throw new Error(`unknown scenario ${name} (known: ${Object.keys(scenarios).join(', ')})`);
  const variants: Array<[string, string[]]> = [];
  if (flags.startsWith('--')) variants.push([`with ${flags}`, flags.split(/\s+/)]);
  else {
    if (flags !== 'without') variants.push([`with ${binFlags().join(' ')}`, binFlags()]);
    if (flags !== 'with') variants.push(['without V8 flags', []]);
  }
  const daemonVersion = daemonNode === process.execPath ? process.version : execFileSync(daemonNode, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`node ${process.version}, daemon ${entry} on node ${daemonVersion}`);
  for (const name of chosen.length > 0 ? chosen : Object.keys(scenarios)) {
    for (const [label, v8Flags] of variants) {
      console.log(`${name} (${label}):`);
      for (let i = 0; i < repeat; i++) console.log(`  ${await scenarios[name]!(v8Flags, prof && i === 0)}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
});
