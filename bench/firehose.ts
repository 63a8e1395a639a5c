// A minimal API server for benchmarks, run in its own process so it shares nothing with the daemon
// being measured. The whole watch stream is serialised once at start-up and served from memory: the
// list answers resourceVersion 1, the first watch is held open until the driver writes `go` on stdin,
// then gets every event as fast as the socket takes it, then a bookmark. Later watches stay idle.
//   node bench/firehose.js <events> [sentinel] [rounds=R] [stored=N]   → prints "listening <url>", "watching", "sent"
// With `sentinel`, the last event is in namespace `bench-sentinel` (a filter lets only it through,
// so its arrival at a receiver proves every event before it was decoded and filtered).
// With rounds=R, each `go` sends the next of R rounds of <events> (each ending with its sentinel).
// With stored=N, the cluster already holds N Events (about 1.2 KB each, over 500 namespaces): the list
// serves them page by page (`limit`, `continue`) from items serialised once at start-up, and answers
// resourceVersion N+1; the watch's events follow them.
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

const perRound = Number(process.argv[2] ?? 100_000);
const sentinel = process.argv.includes('sentinel');
const rounds = Number(process.argv.find((arg) => arg.startsWith('rounds='))?.slice('rounds='.length) ?? 1);
const stored = Number(process.argv.find((arg) => arg.startsWith('stored='))?.slice('stored='.length) ?? 0);
const total = perRound * rounds;
export const SENTINEL_NAMESPACE = 'bench-sentinel';

/** A typical kubelet Event: about 900 bytes of JSON (1.2 KB with `message` an image pull's failure). `i` numbers it. */
function eventObject(i: number, namespace: string, message: string, uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`): object {
  const pod = `web-${i % 500}`;
  return {
    metadata: { name: `${pod}.17b2c${i.toString(16)}`, namespace, uid, resourceVersion: String(i + 2), creationTimestamp: '2026-11-25T10:00:00Z', managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-25T10:00:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {}, 'f:firstTimestamp': {}, 'f:involvedObject': {}, 'f:lastTimestamp': {}, 'f:message': {}, 'f:reason': {}, 'f:source': { 'f:component': {}, 'f:host': {} }, 'f:type': {} } }] },
    involvedObject: { kind: 'Pod', namespace, name: pod, uid: `pod-${i % 500}`, apiVersion: 'v1', resourceVersion: '12345', fieldPath: 'spec.containers{web}' },
    reason: i % 3 === 0 ? 'BackOff' : 'Pulled',
    message,
    source: { component: 'kubelet', host: `node-${i % 20}` },
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:00:05Z',
    count: 1 + (i % 9),
    type: i % 3 === 0 ? 'Warning' : 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: `node-${i % 20}`,
  };
}

/** A watch line; `seq` is counted per involved object (the receiver checks their order). */
function eventLine(i: number, namespace: string, seq: number): string {
  const message = `${i % 3 === 0 ? 'Back-off restarting failed container web in pod' : 'Successfully pulled image nginx:1.27 in 1.2s for pod'} ${namespace}/web-${i % 500} seq ${seq}`;
  return JSON.stringify({ type: 'ADDED', object: { kind: 'Event', apiVersion: 'v1', ...eventObject(i, namespace, message) } }) + '\n';
}

/** Stored Event `i` (0 ≤ i < stored) as a list item (no kind or apiVersion, as the API server writes them), with a random uid as a cluster's. */
function storedItem(i: number): string {
  const namespace = `team-${i % 500}`;
  const image = `registry.example.com/${namespace}/web:1.${i % 97}`;
  const message = `Failed to pull image "${image}": rpc error: code = Unknown desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": unexpected status from HEAD request to https://registry.example.com/v2/${namespace}/web/manifests/1.${i % 97}: 401 Unauthorized`;
  return JSON.stringify(eventObject(i, namespace, message, randomUUID()));
}

/** Each round's lines; the last round ends with a bookmark. */
function serialise(): Buffer[] {
  const seqs = new Map<string, number>();
  const streams: Buffer[] = [];
  for (let round = 0; round < rounds; round++) {
    const lines: string[] = [];
    for (let i = stored + round * perRound; i < stored + (round + 1) * perRound; i++) {
      const namespace = sentinel && (i - stored) % perRound === perRound - 1 ? SENTINEL_NAMESPACE : `team-${i % 7}`;
      const key = `${namespace}/web-${i % 500}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      lines.push(eventLine(i, namespace, seq));
    }
    if (round === rounds - 1) lines.push(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: String(stored + total + 1) } } }) + '\n');
    streams.push(Buffer.from(lines.join('')));
  }
  return streams;
}

const streams = serialise();
let watch: ServerResponse | undefined;

/** The stored Events' list items, serialised once: comma-separated in `items`, item i from offsets[i] to offsets[i + 1] - 1. */
function serialiseStored(): { items: Buffer; offsets: Uint32Array } {
  const offsets = new Uint32Array(stored + 1);
  const blocks: Buffer[] = [];
  let length = 0;
  for (let from = 0; from < stored; from += 1000) {
    const parts: string[] = [];
    for (let i = from; i < Math.min(stored, from + 1000); i++) {
      const item = storedItem(i) + ',';
      offsets[i] = length;
      length += Buffer.byteLength(item);
      parts.push(item);
    }
    blocks.push(Buffer.from(parts.join('')));
  }
  offsets[stored] = length;
  return { items: Buffer.concat(blocks, length), offsets };
}

const storedItems = serialiseStored();

/** A page of the stored Events from the `continue` token's index (all the rest without `limit`). */
function listPage(query: URLSearchParams, res: ServerResponse): void {
  const token = query.get('continue');
  const from = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  const limit = Number(query.get('limit') ?? 0);
  if (!Number.isInteger(from) || from < 0 || from > stored || !Number.isInteger(limit) || limit < 0) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'BadRequest', code: 400 }));
    return;
  }
  const to = limit === 0 ? stored : Math.min(stored, from + limit);
  const metadata: Record<string, unknown> = { resourceVersion: String(stored + 1) };
  if (to < stored) Object.assign(metadata, { continue: Buffer.from(String(to)).toString('base64url'), remainingItemCount: stored - to });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(`{"kind":"EventList","apiVersion":"v1","metadata":${JSON.stringify(metadata)},"items":[`);
  const { items, offsets } = storedItems;
  // Without the last item's trailing comma.
  const page = to > from ? items.subarray(offsets[from]!, offsets[to]! - 1) : Buffer.alloc(0);
  pump(res, page, () => res.end(']}'));
}

/** Writes `stream` as fast as the socket takes it, then calls `done`. */
function pump(res: ServerResponse, stream: Buffer, done: () => void): void {
  const chunk = 64 * 1024;
  let offset = 0;
  const next = () => {
    while (offset < stream.length) {
      const part = stream.subarray(offset, offset + chunk);
      offset += part.length;
      if (!res.write(part)) return void res.once('drain', next);
    }
    done();
  };
  next();
}

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'go' || watch === undefined) return;
  const stream = streams.shift();
  if (stream !== undefined) pump(watch, stream, () => process.stdout.write('sent\n'));
});

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname !== '/api/v1/events') {
    res.writeHead(404).end();
    return;
  }
  if (url.searchParams.get('watch') !== 'true') {
    listPage(url.searchParams, res);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  res.flushHeaders();
  if (watch !== undefined) return; // later watches stay open and idle
  watch = res;
  process.stdout.write('watching\n');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
