// The HTTP client's pipelining (requestAll/exchangeAll) against a real TCP server that reads the
// requests off the socket itself: replies in order, and recovery when the server stops answering a
// pipeline part-way (closing, `Connection: close`, slow replies, aborts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { HttpClient, type PipelinedRequest } from '../../../src/sinks/http/client.js';

interface Received {
  /** The request's path. */
  readonly path: string;
  /** Which accepted connection it came on (0, 1, …). */
  readonly connection: number;
  /** Requests this connection had received when this one arrived (1 for the first). */
  readonly onConnection: number;
}

/** What the server does with one request: reply (after `delayMs`), then maybe close; or close at once. */
interface Answer {
  readonly status?: number;
  readonly headers?: string;
  readonly delayMs?: number;
  /** Reply only once this settles. */
  readonly after?: Promise<void>;
  /** Close the connection after this reply, without saying so. */
  readonly closeAfter?: boolean;
  /** Close the connection instead of replying. */
  readonly drop?: boolean;
}

/**
 * A TCP server that splits the byte stream into requests (Content-Length framed) and answers each in
 * order with `answer`, whose reply body is the request's path, so a reply shows which request it is for.
 */
async function pipelineServer(answer: (request: Received, all: readonly Received[]) => Answer) {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    const connection = connections++;
    let count = 0;
    let buffered = Buffer.alloc(0);
    // Replies go out in request order, each after the one before it.
    let replying = Promise.resolve();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.toString('latin1', 0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        const request: Received = { path: head.split(' ')[1]!, connection, onConnection: ++count };
        received.push(request);
        const reply = answer(request, received);
        replying = replying.then(async () => {
          if (socket.destroyed) return;
          await reply.after;
          if (reply.drop) return void socket.destroy();
          // Unreferenced: a reply still waiting when a test ends does not hold the process.
          if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs).unref());
          const text = `HTTP/1.1 ${reply.status ?? 200} X\r\nContent-Length: ${Buffer.byteLength(request.path)}\r\n${reply.headers ?? ''}\r\n${request.path}`;
          if (reply.closeAfter) socket.end(text);
          else socket.write(text);
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    connections: () => connections,
    requests: (count: number, from = 0): PipelinedRequest[] => Array.from({ length: count }, (_, i) => ({ url: new URL(`/${from + i}`, url), method: 'POST', body: `body ${from + i}` })),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function withClient(options: ConstructorParameters<typeof HttpClient>[0], body: (client: HttpClient) => Promise<void>): Promise<void> {
  const client = new HttpClient(options);
  try {
    await body(client);
  } finally {
    await client.destroy();
  }
}

/** The reply bodies (each the path of the request it answers), or the error messages. */
function bodies(results: ReadonlyArray<{ body: string } | Error>): string[] {
  return results.map((r) => (r instanceof Error ? `error: ${r.message}` : r.body));
}

const paths = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `/${from + i}`);

test('pipelined requests go out on one connection before any reply, and each gets its own reply, in order', async () => {
  // No reply before the whole pipeline has arrived: a client that waited for each reply would hang.
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => (release = resolve));
  const server = await pipelineServer((request) => {
    if (request.onConnection === 20) release();
    return { after: all };
  });
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const results = await client.requestAll(server.requests(20), undefined);
    assert.deepEqual(bodies(results), paths(0, 20));
    assert.equal(server.connections(), 1);
    assert.deepEqual(
      server.received.map((r) => r.path),
      paths(0, 20),
    );
  });
  await server.close();
});

test('a server that closes after 3 replies: the other requests go out again, in order, on a new connection', async () => {
  const server = await pipelineServer((request) => (request.connection === 0 && request.onConnection === 3 ? { closeAfter: true } : {}));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const results = await client.requestAll(server.requests(10), undefined);
    assert.deepEqual(bodies(results), paths(0, 10));
    assert.equal(server.connections(), 2);
    assert.deepEqual(
      server.received.filter((r) => r.connection === 1).map((r) => r.path),
      paths(3, 10),
      'the unanswered requests, in order',
    );
  });
  await server.close();
});

test('a `Connection: close` reply part-way: the requests behind it go out again on a new connection', async () => {
  const server = await pipelineServer((request) => (request.connection === 0 && request.onConnection === 5 ? { headers: 'Connection: close\r\n' } : {}));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const results = await client.requestAll(server.requests(8), undefined);
    assert.deepEqual(bodies(results), paths(0, 8));
    assert.deepEqual(
      server.received.filter((r) => r.connection === 1).map((r) => r.path),
      paths(5, 8),
    );
  });
  await server.close();
});

test('a server that closes after every reply without saying so: every request is answered once, one per connection', async () => {
  const server = await pipelineServer(() => ({ closeAfter: true }));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const outcomes = await client.exchangeAll(server.requests(6), undefined);
    assert.deepEqual(outcomes, new Array(6).fill({ status: 'ok' }));
    assert.equal(server.connections(), 6);
  });
  await server.close();
});

test('a connection dropped part-way without a reply: the requests not answered go out again, in order, on a new connection', async () => {
  const server = await pipelineServer((request) => (request.connection === 0 && request.onConnection === 2 ? { drop: true } : {}));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const outcomes = await client.exchangeAll(server.requests(5), undefined);
    assert.deepEqual(outcomes, new Array(5).fill({ status: 'ok' }));
    assert.deepEqual(
      server.received.filter((r) => r.connection > 0).map((r) => r.path),
      paths(1, 5),
    );
  });
  await server.close();
});

test('slow replies are each awaited in order; an error status concerns only its own request', async () => {
  const server = await pipelineServer((request) => ({ delayMs: 30, status: request.path === '/2' ? 503 : 200 }));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const outcomes = await client.exchangeAll(server.requests(4), undefined);
    assert.deepEqual(outcomes.map((o) => o.status), ['ok', 'ok', 'retry', 'ok']);
    assert.equal(server.connections(), 1);
  });
  await server.close();
});

test('a reply that never comes: the headers timeout fails that request, the ones behind it go out again', async () => {
  const server = await pipelineServer((request) => (request.connection === 0 && request.onConnection === 2 ? { delayMs: 60_000 } : {}));
  await withClient({ connectionsPerOrigin: 1, headersTimeoutMs: 200 }, async (client) => {
    const results = await client.requestAll(server.requests(4), undefined);
    assert.deepEqual(bodies(results), ['/0', 'error: no response headers in time', '/2', '/3']);
  });
  await server.close();
});

test('an abort part-way: requests answered before it keep their replies, the rest fail as aborted and are not sent again', async () => {
  const abort = new AbortController();
  const server = await pipelineServer((request) => {
    if (request.onConnection === 3) setImmediate(() => abort.abort());
    return request.onConnection >= 3 ? { delayMs: 60_000 } : {};
  });
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const outcomes = await client.exchangeAll(server.requests(5), abort.signal);
    // Whether the first two replies were read before the abort depends on the scheduler.
    const answered = outcomes.findIndex((o) => o.status !== 'ok');
    assert.ok(answered >= 0 && answered <= 2, `${answered} answered`);
    for (const outcome of outcomes.slice(answered)) {
      assert.equal(outcome.status, 'retry');
      assert.match((outcome as { reason: string }).reason, /request aborted/);
    }
    assert.equal(server.connections(), 1);
    assert.equal(server.received.length, 5, 'nothing sent again');
  });
  await server.close();
});

test('a server that refuses to answer anything: every request fails, each tried on its own connection', async () => {
  const server = await pipelineServer(() => ({ drop: true }));
  await withClient({ connectionsPerOrigin: 1 }, async (client) => {
    const outcomes = await client.exchangeAll(server.requests(3), undefined);
    assert.deepEqual(outcomes.map((o) => o.status), ['retry', 'retry', 'retry']);
    assert.equal(server.connections(), 3);
  });
  await server.close();
});
