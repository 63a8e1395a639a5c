import { http } from '../base/node-http.js';
import type { AddressInfo } from 'node:net';
import { posix } from 'node:path';
import type { Registry } from 'prom-client';

export interface Check {
  readonly name: string;
  check(): { readonly healthy: boolean; readonly reason: string };
}

export interface HealthServerOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  /** /healthz (and kube-eventer's misspelled /healtz): is the daemon alive and receiving events? */
  readonly liveness: readonly Check[];
  /** /readyz: has it finished starting (first list done, sinks built)? */
  readonly readiness: readonly Check[];
  /** `/`: the status page's HTML, built per request. */
  readonly statusPage?: () => string;
}

function evaluate(checks: readonly Check[]): { ok: boolean; body: string } {
  const failures: string[] = [];
  for (const c of checks) {
    const r = c.check();
    if (!r.healthy) failures.push(`${c.name}: ${r.reason}`);
  }
  return failures.length === 0 ? { ok: true, body: 'ok' } : { ok: false, body: `error: ${failures.join('; ')}` };
}

/** Go's ServeMux cleanPath: `.`, `..` and repeated slashes resolved, a trailing slash kept. */
function cleanPath(path: string): string {
  const clean = posix.normalize(path.startsWith('/') ? path : `/${path}`);
  return path.endsWith('/') && !clean.endsWith('/') ? `${clean}/` : clean;
}

/**
 * The health and metrics endpoint; exact paths, any method, like kube-eventer's Go mux, which also
 * redirects a path that is not clean (`//healthz`, `/./healthz`) to its clean form.
 */
export async function startHealthServer(opts: HealthServerOptions): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return reply(400, '400 Bad Request\n');
    }
    const path = cleanPath(decoded);
    if (path !== decoded) {
      res.setHeader('location', `${encodeURI(path)}${queryAt < 0 ? '' : target.slice(queryAt)}`);
      return reply(301, '', 'text/html; charset=utf-8');
    }
    if (path === '/healthz' || path === '/healtz') {
      const r = evaluate(opts.liveness);
      return reply(r.ok ? 200 : 500, r.body);
    }
    if (path === '/readyz') {
      const r = evaluate([...opts.liveness, ...opts.readiness]);
      return reply(r.ok ? 200 : 503, r.body);
    }
    if (path === '/' && opts.statusPage !== undefined) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
      res.setHeader('cache-control', 'no-store');
      // Inline style only: no script, nothing loaded from anywhere, not framable.
      res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      return reply(200, opts.statusPage(), 'text/html; charset=utf-8');
    }
    if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => reply(200, text, opts.registry.contentType),
        (err: Error) => reply(500, `error: ${err.message}`),
      );
      return;
    }
    reply(404, '404 page not found\n');
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
