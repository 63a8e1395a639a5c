import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseUri } from '../../src/base/uri.js';
import { KubeApiError } from '../../src/kube/api.js';
import { KubeClient, LineTooLongError, WatchLineDecoder, type ConfigMap, type KubeList, type Lease, type WatchEvent } from '../../src/kube/client.js';
import type { KubeEvent } from '../../src/event/types.js';
import { startFakeApiServer, waitUntil, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';

const TOKEN = 'test-token-7f3a9c';

async function clientFor(server: FakeApiServer | string, token?: string, options = {}): Promise<KubeClient> {
  const url = typeof server === 'string' ? server : server.url;
  const client = await KubeClient.fromUri(parseUri(`kubernetes:${url}?inClusterConfig=false`, '--source', {}), { env: {}, homeDir: '/nonexistent' }, options);
  if (token === undefined) return client;
  // Same connection with a bearer token, as a kubeconfig or service account would give.
  return new KubeClient({ server: url, description: 'test', warnings: [], tls: { rejectUnauthorized: true }, authHeaders: async () => ({ Authorization: `Bearer ${token}` }) }, options);
}

async function rejectsApi(promise: Promise<unknown>, status: number, reason: string): Promise<KubeApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KubeApiError, `expected KubeApiError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.equal(err.reason, reason, err.message);
    return err;
  }
  assert.fail('expected a KubeApiError');
}

describe('requests', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startFakeApiServer({ token: TOKEN });
    client = await clientFor(api, TOKEN);
  });
  after(async () => {
    client.close();
    await api.close();
  });

  test('GET list returns the parsed body; server keeps the URL given', async () => {
    api.createEvent({ reason: 'BackOff', type: 'Warning' });
    const list = await client.requestJson<KubeList<KubeEvent>>('GET', '/api/v1/events', { query: { limit: 10 } });
    assert.equal(client.server, api.url);
    assert.equal(list.kind, 'EventList');
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]!.reason, 'BackOff');
    assert.equal(list.metadata.resourceVersion, api.resourceVersion);
  });

  test('pagination: limit + continue walk one consistent snapshot', async () => {
    for (let i = 0; i < 24; i++) api.createEvent({ metadata: { namespace: 'paging' } });
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let firstRv: string | undefined;
    do {
      const page = await client.requestJson<KubeList<KubeEvent>>('GET', '/api/v1/namespaces/paging/events', { query: { limit: 10, continue: token } });
      firstRv ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, firstRv);
      names.push(...page.items.map((e) => e.metadata.name!));
      token = page.metadata.continue;
      pages++;
      // Changes made while paging are not part of the snapshot.
      api.createEvent({ metadata: { namespace: 'paging' } });
    } while (token);
    assert.equal(pages, 3);
    assert.equal(names.length, 24);
    assert.equal(new Set(names).size, 24);
  });

  test('a continue token older than the compacted history → 410 Expired', async () => {
    for (let i = 0; i < 3; i++) api.createEvent({ metadata: { namespace: 'expire' } });
    const page = await client.requestJson<KubeList<KubeEvent>>('GET', '/api/v1/namespaces/expire/events', { query: { limit: 1 } });
    api.createEvent({ metadata: { namespace: 'expire' } });
    api.compact();
    await rejectsApi(client.requestJson('GET', '/api/v1/namespaces/expire/events', { query: { limit: 1, continue: page.metadata.continue } }), 410, 'Expired');
  });

  test('404 → KubeApiError with the Status reason and message; getConfigMap → undefined', async () => {
    const err = await rejectsApi(client.requestJson('GET', '/api/v1/namespaces/default/configmaps/nope'), 404, 'NotFound');
    assert.match(err.message, /GET \/api\/v1\/namespaces\/default\/configmaps\/nope: HTTP 404 NotFound: configmaps "nope" not found/);
    assert.equal(await client.getConfigMap('default', 'nope'), undefined);
  });

  test('ConfigMap create/get/update; a stale resourceVersion → 409 Conflict', async () => {
    const created = await client.createConfigMap('default', { metadata: { name: 'tpl' }, data: { body: 'v1' } });
    assert.ok(created.metadata.uid, 'the server set a uid');
    const got = (await client.getConfigMap('default', 'tpl'))!;
    assert.equal(got.data?.body, 'v1');
    const updated = await client.updateConfigMap('default', { ...got, data: { body: 'v2' } });
    assert.notEqual(updated.metadata.resourceVersion, got.metadata.resourceVersion);
    await rejectsApi(client.updateConfigMap('default', { ...got, data: { body: 'v3' } }), 409, 'Conflict');
    await rejectsApi(client.createConfigMap('default', { metadata: { name: 'tpl' } }), 409, 'AlreadyExists');
  });

  test('Lease create/get/update with optimistic concurrency', async () => {
    assert.equal(await client.getLease('kube-system', 'kube-eventer'), undefined);
    const lease: Lease = { metadata: { name: 'kube-eventer', namespace: 'kube-system' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: '2024-01-02T03:04:05.000000Z' } };
    const created = await client.createLease('kube-system', lease);
    assert.equal(created.kind, 'Lease');
    const renewed = await client.updateLease('kube-system', { ...created, spec: { ...created.spec, renewTime: '2024-01-02T03:04:07.000000Z' } });
    assert.equal(renewed.spec?.renewTime, '2024-01-02T03:04:07.000000Z');
    await rejectsApi(client.updateLease('kube-system', { ...created, spec: { ...created.spec, holderIdentity: 'pod-b' } }), 409, 'Conflict');
    assert.equal((await client.getLease('kube-system', 'kube-eventer'))?.spec?.holderIdentity, 'pod-a');
  });

  test('PATCH sends a merge patch', async () => {
    await client.createConfigMap('default', { metadata: { name: 'patched' }, data: { a: '1', b: '2' } });
    const patched = await client.requestJson<ConfigMap>('PATCH', '/api/v1/namespaces/default/configmaps/patched', { body: { data: { a: null, c: '3' } } });
    assert.deepEqual(patched.data, { b: '2', c: '3' });
  });

  test('injected 500 and 429 carry the HTTP status and Retry-After', async () => {
    api.failNext(1, 500);
    await rejectsApi(client.requestJson('GET', '/api/v1/events'), 500, 'InternalError');
    api.failNext(1, 429, { retryAfterSeconds: 3 });
    const err = await rejectsApi(client.requestJson('GET', '/api/v1/events'), 429, 'TooManyRequests');
    assert.equal(err.retryAfterMs, 3000);
  });

  test('a wrong or missing token → 401 with a clear message that never shows the token', async () => {
    const wrong = await clientFor(api, 'wrong-token-5e1d');
    const err = await rejectsApi(wrong.requestJson('GET', '/api/v1/events'), 401, 'Unauthorized');
    assert.equal(err.message, 'GET /api/v1/events: HTTP 401 Unauthorized: Unauthorized');
    assert.ok(!err.message.includes('wrong-token-5e1d') && !err.stack?.includes('wrong-token-5e1d'), 'token not in the error');
    wrong.close();
    const none = await clientFor(api);
    await rejectsApi(none.requestJson('GET', '/api/v1/events'), 401, 'Unauthorized');
    none.close();
  });
});

describe('transport failures', () => {
  let hanging: Server;
  let hangingUrl: string;
  before(async () => {
    hanging = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  after(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  test('a server that never answers → Timeout after timeoutMs', async () => {
    const client = await clientFor(hangingUrl);
    const started = Date.now();
    const err = await rejectsApi(client.requestJson('GET', '/api/v1/events', { timeoutMs: 150 }), 0, 'Timeout');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.match(err.message, /GET \/api\/v1\/events: Timeout/);
    client.close();
  });

  test('a watch whose headers never come → Timeout after the request timeout', async () => {
    const client = await clientFor(hangingUrl, undefined, { requestTimeoutMs: 150 });
    await rejectsApi((async () => {
      for await (const _ of client.watch('/api/v1/events')) assert.fail('no events expected');
    })(), 0, 'Timeout');
    client.close();
  });

  test('connection refused → NetworkError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const client = await clientFor(url);
    const err = await rejectsApi(client.requestJson('GET', '/version'), 0, 'NetworkError');
    assert.match(err.message, /ECONNREFUSED/);
    client.close();
  });

  test('bodies are capped: an endless error body and an oversized JSON body end with a clear error', async () => {
    const flood = createServer((req, res) => {
      // Streams far more than any cap, in 1 MiB chunks, until the client hangs up.
      res.writeHead(req.url?.startsWith('/error') ? 500 : 200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      pump();
    });
    await new Promise<void>((resolve) => flood.listen(0, '127.0.0.1', resolve));
    const client = await clientFor(`http://127.0.0.1:${(flood.address() as AddressInfo).port}`);
    try {
      const error = await rejectsApi(client.requestJson('GET', '/error'), 500, 'ResponseTooLarge');
      assert.match(error.message, /exceeds 64 KiB/);
      const big = await rejectsApi(client.requestJson('GET', '/big', { maxBytes: 4 * 1024 * 1024 }), 200, 'ResponseTooLarge');
      assert.match(big.message, /exceeds 4 MiB/);
    } finally {
      client.close();
      flood.closeAllConnections();
      await new Promise((resolve) => flood.close(resolve));
    }
  });

  test('the caller aborting rejects with the abort reason', async () => {
    const client = await clientFor(hangingUrl);
    const controller = new AbortController();
    const pending = client.requestJson('GET', '/api/v1/events', { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await assert.rejects(pending, /caller gave up/);
    client.close();
  });
});

describe('watch streams', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startFakeApiServer();
    client = await clientFor(api);
  });
  after(async () => {
    client.close();
    await api.close();
  });

  async function collect(stream: AsyncGenerator<Array<WatchEvent<unknown>>>, into: Array<WatchEvent<unknown>>): Promise<unknown> {
    try {
      for await (const events of stream) into.push(...events);
      return undefined;
    } catch (err) {
      return err;
    }
  }

  test('events arrive in order; a dropped connection is an error', async () => {
    const rv = api.resourceVersion;
    const a = api.createEvent({ reason: 'Pulled' });
    const events: Array<WatchEvent<unknown>> = [];
    let opened = false;
    const done = collect(client.watch('/api/v1/events', { query: { resourceVersion: rv }, onOpen: () => (opened = true) }), events);
    await waitUntil(() => events.length === 1, 'replayed event');
    assert.ok(opened, 'onOpen called');
    api.updateEvent(a);
    api.deleteEvent(a);
    await waitUntil(() => events.length === 3, 'live events');
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal((events[1]!.object as KubeEvent).count, 2);
    api.dropWatches();
    const err = await done;
    assert.ok(err instanceof KubeApiError && err.reason === 'NetworkError', String(err));
  });

  test('a server-side timeout ends the stream cleanly', async () => {
    const events: Array<WatchEvent<unknown>> = [];
    const err = await collect(client.watch('/api/v1/events', { query: { resourceVersion: api.resourceVersion, timeoutSeconds: 0.05 } }), events);
    assert.equal(err, undefined);
  });

  test('a too-old resourceVersion yields an ERROR event with a 410 Status', async () => {
    const old = api.resourceVersion;
    api.createEvent();
    api.compact();
    const events: Array<WatchEvent<unknown>> = [];
    assert.equal(await collect(client.watch('/api/v1/events', { query: { resourceVersion: old } }), events), undefined);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    assert.equal((events[0]!.object as { code: number }).code, 410);
  });

  test('an HTTP error starting the watch → KubeApiError', async () => {
    api.failNext(1, 503, { verb: 'watch' });
    const err = await collect(client.watch('/api/v1/events'), []);
    assert.ok(err instanceof KubeApiError && err.status === 503, String(err));
  });

  test('a silent stream is abandoned after idleTimeoutMs', async () => {
    const err = await collect(client.watch('/api/v1/events', { query: { resourceVersion: api.resourceVersion }, idleTimeoutMs: 100 }), []);
    assert.ok(err instanceof KubeApiError && err.reason === 'Timeout', String(err));
    await waitUntil(() => api.openWatches === 0, 'server sees the watch closed');
  });

  test('aborting ends the watch and closes the connection', async () => {
    const controller = new AbortController();
    let opened = false;
    const done = collect(client.watch('/api/v1/events', { query: { resourceVersion: api.resourceVersion }, signal: controller.signal, onOpen: () => (opened = true) }), []);
    await waitUntil(() => opened && api.openWatches === 1, 'watch open');
    controller.abort();
    const err = await done;
    assert.equal((err as Error).name, 'AbortError');
    await waitUntil(() => api.openWatches === 0, 'server sees the watch closed');
  });

  test('a consumer that breaks out early closes the connection', async () => {
    api.createEvent();
    for await (const _ of client.watch('/api/v1/events')) break;
    await waitUntil(() => api.openWatches === 0, 'server sees the watch closed');
  });
});

describe('watch line decoding', () => {
  const line = (reason: string) => `${JSON.stringify({ type: 'ADDED', object: { reason } })}\n`;

  test('lines split anywhere across chunks, a character split between chunks, blank and CRLF lines', () => {
    const bytes = Buffer.from(`${line('Pulled')}\n\r\n${line('Zurückgesetzt').replace('\n', '\r\n')}  \n${line('Done')}`);
    for (let cut = 1; cut < bytes.length; cut++) {
      const decoder = new WatchLineDecoder(1024);
      const events: Array<WatchEvent<unknown>> = [];
      decoder.push(bytes.subarray(0, cut), events);
      decoder.push(bytes.subarray(cut), events);
      assert.deepEqual(events.map((e) => (e.object as { reason: string }).reason), ['Pulled', 'Zurückgesetzt', 'Done'], `cut at ${cut}`);
      assert.equal(decoder.pending, 0);
    }
  });

  test('a line over the cap (in bytes) is refused before more of it is buffered', () => {
    const decoder = new WatchLineDecoder(64);
    const events: Array<WatchEvent<unknown>> = [];
    decoder.push(Buffer.from(`${line('First')}${'x'.repeat(40)}`), events);
    assert.throws(() => decoder.push(Buffer.from('y'.repeat(30)), events), LineTooLongError);
    assert.equal(events.length, 1);
    // Within one chunk: the line is 48 characters but 66 bytes.
    const whole = new WatchLineDecoder(64);
    assert.throws(() => whole.push(Buffer.from(`${line('Ok')}${line('€'.repeat(9))}${line('Never')}`), events), LineTooLongError);
    const fits = new WatchLineDecoder(64);
    fits.push(Buffer.from(`${line('Ok')}${line('€'.repeat(8))}${line('Fits')}`), events);
    assert.deepEqual(events.slice(1).map((e) => (e.object as { reason: string }).reason), ['Ok', '€'.repeat(8), 'Fits']);
  });

  test('a line that is not JSON throws after the events before it', () => {
    const decoder = new WatchLineDecoder(1024);
    const events: Array<WatchEvent<unknown>> = [];
    assert.throws(() => decoder.push(Buffer.from(`${line('Good')}{"type":\n${line('Never')}`), events), SyntaxError);
    assert.deepEqual(events.map((e) => (e.object as { reason: string }).reason), ['Good']);
  });

  test('omitTypeMeta: the expected kind and apiVersion are dropped while parsing; anything else is parsed as it is', () => {
    const decoder = new WatchLineDecoder(4096, { kind: 'Event', apiVersion: 'v1' });
    const object = { kind: 'Event', apiVersion: 'v1', metadata: { name: 'a', resourceVersion: '5' }, reason: 'Pulled', count: 2 };
    const lines = [
      { type: 'ADDED', object },
      { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410 } },
      { type: 'MODIFIED', object: { kind: 'Event', apiVersion: 'events.k8s.io/v1', note: 'other group' } },
      { type: 'MODIFIED', object: { apiVersion: 'v1', kind: 'Event', reason: 'other order' } },
      { type: 'DELETED', object, extra: 'a member after the object' },
      { type: 'BOOKMARK\\', object },
    ];
    const events: Array<WatchEvent<unknown>> = [];
    decoder.push(Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`), events);
    const { kind: _kind, apiVersion: _apiVersion, ...untyped } = object;
    assert.deepEqual(events, [{ type: 'ADDED', object: untyped }, ...lines.slice(1)]);
    assert.deepEqual(Object.keys(events[0]!.object as object), ['metadata', 'reason', 'count'], 'member order kept');
    const plain: Array<WatchEvent<unknown>> = [];
    new WatchLineDecoder(4096).push(Buffer.from(`${JSON.stringify(lines[0])}\n`), plain);
    assert.deepEqual(plain, [lines[0]]);
  });

  test('omitTypeMeta: a line that is not JSON is still refused', () => {
    const decoder = new WatchLineDecoder(4096, { kind: 'Event', apiVersion: 'v1' });
    assert.throws(() => decoder.push(Buffer.from('{"type":"ADDED","object":{"kind":"Event","apiVersion":"v1",}}\n'), []), SyntaxError);
    assert.throws(() => decoder.push(Buffer.from('{"type":"ADDED","object":{"kind":"Event","apiVersion":"v1","a":1}\n'), []), SyntaxError);
  });

  test('a stream that trickles in slower than a line but faster than idleTimeoutMs is not abandoned', async () => {
    const event = Buffer.from(line('Zurückgesetzt'));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let offset = 0;
      // One byte every 20 ms: the event takes far longer than the idle timeout to arrive.
      const timer = setInterval(() => {
        res.write(event.subarray(offset, ++offset));
        if (offset === event.length) {
          clearInterval(timer);
          res.end();
        }
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = await clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const events: Array<WatchEvent<unknown>> = [];
      for await (const batch of client.watch('/api/v1/events', { idleTimeoutMs: 250 })) events.push(...batch);
      assert.deepEqual(events, [{ type: 'ADDED', object: { reason: 'Zurückgesetzt' } }]);
    } finally {
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('watchConfigMap', () => {
  test('follows one ConfigMap across changes, drops, 410 and deletion', async () => {
    const api = await startFakeApiServer();
    const client = await clientFor(api);
    const seen: Array<string | undefined> = [];
    const controller = new AbortController();
    const fast = { backoff: { initialMs: 5, maxMs: 20, multiplier: 2 } };
    const done = client.watchConfigMap('ns', 'tpl', (cm) => void seen.push(cm?.data?.body), controller.signal, fast);
    await waitUntil(() => seen.length === 1, 'initial state');
    assert.deepEqual(seen, [undefined]);
    api.putObject('configmaps', { metadata: { name: 'other', namespace: 'ns' }, data: { body: 'ignored' } });
    api.putObject('configmaps', { metadata: { name: 'tpl', namespace: 'ns' }, data: { body: 'one' } });
    await waitUntil(() => seen.length === 2, 'created');
    await waitUntil(() => api.openWatches === 1, 'watch open');
    api.dropWatches();
    api.putObject('configmaps', { metadata: { name: 'tpl', namespace: 'ns' }, data: { body: 'two' } });
    await waitUntil(() => seen.length === 3, 'change while disconnected');
    await waitUntil(() => api.openWatches === 1, 'watch open again');
    api.dropWatches();
    api.putObject('configmaps', { metadata: { name: 'tpl', namespace: 'ns' }, data: { body: 'three' } });
    api.compact();
    await waitUntil(() => seen.length === 4, 'change recovered by relist after 410');
    api.deleteObject('configmaps', 'ns', 'tpl');
    await waitUntil(() => seen.length === 5, 'deleted');
    assert.deepEqual(seen, [undefined, 'one', 'two', 'three', undefined]);
    assert.ok(api.requests.some((r) => r.verb === 'watch' && r.query.get('fieldSelector') === 'metadata.name=tpl'), 'watch narrowed to the name');
    controller.abort();
    await done;
    client.close();
    await api.close();
  });
});
