// The health endpoint answers as kube-eventer's Go mux does: exact paths, any method, and a path that
// is not clean (a probe written `//healthz`) redirected to its clean form, as net/http's ServeMux does.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { startHealthServer } from '../../src/http/server.js';

/** One request as a probe sends it, the path exactly as given (fetch would clean it first). */
function probe(port: number, path: string, method = 'GET'): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('health server: /healthz and /healtz with any method; unclean paths redirected as Go\'s ServeMux does; unknown paths 404', async () => {
  const server = await startHealthServer({ host: '127.0.0.1', port: 0, registry: new Registry(), liveness: [{ name: 'watch', check: () => ({ healthy: true, reason: '' }) }], readiness: [] });
  try {
    assert.deepEqual(await probe(server.port, '/healthz'), { status: 200, location: undefined, body: 'ok' });
    assert.equal((await probe(server.port, '/healtz', 'POST')).status, 200);
    assert.equal((await probe(server.port, '/heal%74hz')).status, 200, 'matched on the decoded path');
    for (const [path, location] of [
      ['//healthz', '/healthz'],
      ['/./healthz', '/healthz'],
      ['/metrics/../healthz?verbose=1', '/healthz?verbose=1'],
      ['//metrics/', '/metrics/'],
    ] as const) {
      const reply = await probe(server.port, path);
      assert.deepEqual([reply.status, reply.location], [301, location], path);
    }
    assert.equal((await probe(server.port, '/healthz/')).status, 404, 'a trailing slash is another path');
    assert.equal((await probe(server.port, '/nope')).status, 404);
    assert.equal((await probe(server.port, '/%zz')).status, 400);
  } finally {
    await server.close();
  }
});
