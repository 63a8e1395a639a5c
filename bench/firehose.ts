// A minimal API server for benchmarks, run in its own process so it shares nothing with the daemon
// being measured. The whole watch stream is serialised once at start-up and served from memory: the
// list answers resourceVersion 1, the first watch is held open until the driver writes `go` on stdin,
// then gets every event as fast as the socket takes it, then a bookmark. Later watches stay idle.
//   node bench/firehose.js <events> [sentinel] [rounds=R]   → prints "listening <url>", "watching", "sent"
// With `sentinel`, the last event is in namespace `bench-sentinel` (a filter lets only it through,
// so its arrival at a receiver proves every event before it was decoded and filtered).
// With rounds=R, each `go` sends the next of R rounds of <events> (each ending with its sentinel).
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const perRound = Number(process.argv[2] ?? 100_000);
const sentinel = process.argv.includes('sentinel');
const rounds = Number(process.argv.find((arg) => arg.startsWith('rounds='))?.slice('rounds='.length) ?? 1);
const total = perRound * rounds;
export const SENTINEL_NAMESPACE = 'bench-sentinel';

/** A typical kubelet Event: about 900 bytes of JSON. `seq` is counted per involved object. */
function eventLine(i: number, namespace: string, seq: number): string {
  const pod = `web-${i % 500}`;
  const event = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: `${pod}.17b2c${i.toString(16)}`, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, resourceVersion: String(i + 2), creationTimestamp: '2026-11-25T10:00:00Z', managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-25T10:00:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {}, 'f:firstTimestamp': {}, 'f:involvedObject': {}, 'f:lastTimestamp': {}, 'f:message': {}, 'f:reason': {}, 'f:source': { 'f:component': {}, 'f:host': {} }, 'f:type': {} } }] },
    involvedObject: { kind: 'Pod', namespace, name: pod, uid: `pod-${i % 500}`, apiVersion: 'v1', resourceVersion: '12345', fieldPath: 'spec.containers{web}' },
    reason: i % 3 === 0 ? 'BackOff' : 'Pulled',
    message: `${i % 3 === 0 ? 'Back-off restarting failed container web in pod' : 'Successfully pulled image nginx:1.27 in 1.2s for pod'} ${namespace}/${pod} seq ${seq}`,
    source: { component: 'kubelet', host: `node-${i % 20}` },
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:00:05Z',
    count: 1 + (i % 9),
    type: i % 3 === 0 ? 'Warning' : 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: `node-${i % 20}`,
  };
  return JSON.stringify({ type: 'ADDED', object: event }) + '\n';
}

/** Each round's lines; the last round ends with a bookmark. */
function serialise(): Buffer[] {
  const seqs = new Map<string, number>();
  const streams: Buffer[] = [];
  for (let round = 0; round < rounds; round++) {
    const lines: string[] = [];
    for (let i = round * perRound; i < (round + 1) * perRound; i++) {
      const namespace = sentinel && i % perRound === perRound - 1 ? SENTINEL_NAMESPACE : `team-${i % 7}`;
      const key = `${namespace}/web-${i % 500}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      lines.push(eventLine(i, namespace, seq));
    }
    if (round === rounds - 1) lines.push(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: String(total + 1) } } }) + '\n');
    streams.push(Buffer.from(lines.join('')));
  }
  return streams;
}

const streams = serialise();
let watch: ServerResponse | undefined;

function pump(res: ServerResponse, stream: Buffer): void {
  const chunk = 64 * 1024;
  let offset = 0;
  const next = () => {
    while (offset < stream.length) {
      const part = stream.subarray(offset, offset + chunk);
      offset += part.length;
      if (!res.write(part)) return void res.once('drain', next);
    }
    process.stdout.write('sent\n');
  };
  next();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'go' || watch === undefined) return;
  const stream = streams.shift();
  if (stream !== undefined) pump(watch, stream);
});

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/api/v1/events') {
    res.writeHead(404).end();
    return;
  }
  if (url.searchParams.get('watch') !== 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'EventList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  if (watch !== undefined) return; // later watches stay open and idle
  watch = res;
  process.stdout.write('watching\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
