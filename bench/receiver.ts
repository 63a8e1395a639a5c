// A webhook receiver for benchmarks, in its own process: answers every request with 200 (or, with
// `hang`, never answers). Prints "listening <url>", then "received <n> <ms>" each time it has another
// `expect` requests (<ms> = from the first request to the last), with "order-violations <k>": events of one
// involved object (the `... <namespace>/<pod> seq <n>` message bench/firehose.ts writes) that arrived out of order.
//   node bench/receiver.js <expect> [hang]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const expect = Number(process.argv[2] ?? 1);
const hang = process.argv[3] === 'hang';
let count = 0;
let first = 0;
let violations = 0;
const lastSeq = new Map<string, number>();
const seqPattern = /(\S+\/web-\d+) seq (\d+)/;

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (hang) return;
    if (count++ === 0) first = performance.now();
    const m = seqPattern.exec(Buffer.concat(chunks).toString('utf8'));
    if (m) {
      const seq = Number(m[2]);
      if ((lastSeq.get(m[1]!) ?? 0) > seq) violations++;
      lastSeq.set(m[1]!, seq);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"errcode":0,"errmsg":"ok"}');
    if (count % expect === 0) process.stdout.write(`received ${count} ${(performance.now() - first).toFixed(1)}\norder-violations ${violations}\n`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
