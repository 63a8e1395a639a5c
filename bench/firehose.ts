// A minimal API server for benchmarks: the first list returns resourceVersion 1, and the watch
// streams N pre-serialised ADDED events as fast as the socket takes them, then a bookmark.
// Runs in its own process so it does not share the event loop being measured.
//   node --import tsx bench/firehose.ts <events>   → prints "listening <url>"
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const total = Number(process.argv[2] ?? 100_000);
let watchesServed = 0;

function eventLine(i: number): string {
  const rv = String(i + 2);
  const event = {
    metadata: { name: `web-${i % 500}.17b2c${i.toString(16)}`, namespace: `team-${i % 7}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, resourceVersion: rv, creationTimestamp: '2026-11-25T10:00:00Z' },
    involvedObject: { kind: 'Pod', namespace: `team-${i % 7}`, name: `web-${i % 500}`, uid: `pod-${i % 500}`, apiVersion: 'v1', resourceVersion: '12345', fieldPath: 'spec.containers{web}' },
    reason: i % 3 === 0 ? 'BackOff' : 'Pulled',
    message: i % 3 === 0 ? 'Back-off restarting failed container web in pod web' : 'Successfully pulled image "nginx:1.27" in 1.2s',
    source: { component: 'kubelet', host: `node-${i % 20}` },
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:00:05Z',
    count: 1 + (i % 9),
    type: i % 3 === 0 ? 'Warning' : 'Normal',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: `node-${i % 20}`,
  };
  return JSON.stringify({ type: 'ADDED', object: { kind: 'Event', apiVersion: 'v1', ...event } }) + '\n';
}

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
  if (watchesServed++ > 0) return; // later watches stay open and idle
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  let i = 0;
  const pump = () => {
    while (i < total) {
      let chunk = '';
      for (let j = 0; j < 200 && i < total; j++, i++) chunk += eventLine(i);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: String(total + 1) } } }) + '\n');
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
