// The shared HTTP client against a real local node:http server: methods with bodies, reply
// classification (statuses, Retry-After, robot error codes), timeouts, keep-alive, no secret leaks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '../../../src/sinks/http/client.js';
import type { RobotKind } from '../../../src/sinks/chat/robot.js';
import { ROBOTS } from '../../../src/sinks/chat/robots.js';
import type { Outcome } from '../../../src/pipeline/outcome.js';
import { registerSecret } from '../../../src/base/redact.js';
import { startHttpReceiver, type HttpReceiver, type Reply } from '../../fixtures/http-receiver/server.js';
import { startProxy } from '../../fixtures/proxy/server.js';

let receiver: HttpReceiver;
let client: HttpClient;

before(async () => {
  receiver = await startHttpReceiver();
  client = new HttpClient({ connectionsPerOrigin: 4 });
});

after(async () => {
  await client.destroy();
  await receiver.close();
});

async function exchangeWith(reply: Reply, check: 'status' | RobotKind = 'status', init: { method?: string; path?: string; body?: string } = {}): Promise<Outcome> {
  receiver.respond(() => reply);
  return client.exchange(
    { url: new URL(init.path ?? '/hook', receiver.url), method: init.method ?? 'POST', body: init.body ?? '{}' },
    check === 'status' ? undefined : ROBOTS[check].checkReply,
  );
}

test('GET with a body arrives with the body, headers in order and a content-length', async () => {
  receiver.respond(() => ({ status: 200 }));
  const before = receiver.requests.length;
  const outcome = await client.exchange(
    {
      url: new URL('/cgi-bin/webhook/send?key=abc&x=1', receiver.url),
      method: 'GET',
      headers: [
        ['Content-Type', 'application/json'],
        ['X-Token', 'a=b=c'],
      ],
      body: '{"msgtype":"text"}',
    });
  assert.deepEqual(outcome, { status: 'ok' });
  const req = receiver.requests[before]!;
  assert.equal(req.method, 'GET');
  assert.equal(req.target, '/cgi-bin/webhook/send?key=abc&x=1');
  assert.equal(req.body, '{"msgtype":"text"}');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers['x-token'], 'a=b=c');
  assert.equal(req.headers['content-length'], '18');
  assert.match(String(req.headers['user-agent']), /^kube-eventer\//);
});

test('any method token is sent as given, with its body', async () => {
  for (const method of ['PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
    const before = receiver.requests.length;
    assert.deepEqual(await exchangeWith({ status: 200 }, 'status', { method, body: `body of ${method}` }), { status: 'ok' });
    assert.equal(receiver.requests[before]!.method, method);
    assert.equal(receiver.requests[before]!.body, `body of ${method}`);
  }
});

test('every 2xx is success', async () => {
  for (const status of [200, 201, 202, 204]) {
    assert.deepEqual(await exchangeWith({ status }), { status: 'ok' }, `HTTP ${status}`);
  }
});

test('400 and 404 are rejected with the status and the reply body', async () => {
  const bad = await exchangeWith({ status: 400, body: 'invalid\n payload' });
  assert.equal(bad.status, 'reject');
  assert.match((bad as { reason: string }).reason, /^POST http:\/\/127\.0\.0\.1:\d+\/hook: HTTP 400: invalid payload$/);
  const missing = await exchangeWith({ status: 404, body: 'no such hook' });
  assert.equal(missing.status, 'reject');
  assert.match((missing as { reason: string }).reason, /HTTP 404: no such hook/);
});

test('429 honours Retry-After in seconds and as an HTTP-date', async () => {
  const seconds = await exchangeWith({ status: 429, headers: { 'retry-after': '7' } });
  assert.equal(seconds.status, 'retry');
  assert.equal((seconds as { retryAfterMs?: number }).retryAfterMs, 7000);
  const date = new Date(Date.now() + 30_000).toUTCString();
  const dated = await exchangeWith({ status: 429, headers: { 'retry-after': date } });
  assert.equal(dated.status, 'retry');
  const ms = (dated as { retryAfterMs?: number }).retryAfterMs!;
  assert.ok(ms > 25_000 && ms <= 30_000, `retryAfterMs ${ms}`);
  const huge = await exchangeWith({ status: 429, headers: { 'retry-after': '999999' } });
  assert.equal((huge as { retryAfterMs?: number }).retryAfterMs, 10 * 60_000);
});

test('500, 502, 503, 408 and 425 are retried; 503 without Retry-After leaves the delay to the lane', async () => {
  for (const status of [500, 502, 503, 408, 425]) {
    const outcome = await exchangeWith({ status, body: 'busy' });
    assert.equal(outcome.status, 'retry', `HTTP ${status}`);
    assert.equal((outcome as { retryAfterMs?: number }).retryAfterMs, undefined);
    assert.match((outcome as { reason: string }).reason, new RegExp(`HTTP ${status}: busy`));
  }
  const withAfter = await exchangeWith({ status: 503, headers: { 'retry-after': '2' } });
  assert.equal((withAfter as { retryAfterMs?: number }).retryAfterMs, 2000);
});

test('a redirect is followed with method and body (307)', async () => {
  receiver.respond((req) => (req.path === '/old' ? { status: 307, headers: { location: '/new' } } : { status: 200 }));
  const before = receiver.requests.length;
  const outcome = await client.exchange({ url: new URL('/old', receiver.url), method: 'POST', body: 'moved' });
  assert.deepEqual(outcome, { status: 'ok' });
  assert.deepEqual(
    receiver.requests.slice(before).map((r) => [r.method, r.path, r.body]),
    [
      ['POST', '/old', 'moved'],
      ['POST', '/new', 'moved'],
    ],
  );
});

test('301, 302 and 303 are followed as Go follows them: GET without the body (HEAD stays HEAD); 308 keeps both', async () => {
  receiver.respond((req) => {
    const status = Number(/^\/(\d{3})$/.exec(req.path)?.[1] ?? 200);
    return status === 200 ? { status: 200 } : { status, headers: { location: '/landed' } };
  });
  for (const [status, method, expected] of [
    [301, 'POST', ['GET', '']],
    [302, 'PUT', ['GET', '']],
    [303, 'POST', ['GET', '']],
    [302, 'GET', ['GET', '']],
    [303, 'HEAD', ['HEAD', '']],
    [308, 'PUT', ['PUT', 'kept']],
  ] as const) {
    const before = receiver.requests.length;
    assert.deepEqual(await client.exchange({ url: new URL(`/${status}`, receiver.url), method, body: 'kept' }), { status: 'ok' }, `${status} after ${method}`);
    const landed = receiver.requests.slice(before).map((r) => [r.method, r.path, r.body]);
    assert.deepEqual(landed, [[method, `/${status}`, 'kept'], [expected[0], '/landed', expected[1]]], `${status} after ${method}`);
  }
});

test('a redirect to another host drops Authorization and Cookie; the same host keeps them', async () => {
  const other = new URL(receiver.url);
  other.hostname = 'localhost';
  receiver.respond((req) => {
    if (req.path === '/away') return { status: 307, headers: { location: new URL('/there', other).href } };
    if (req.path === '/near') return { status: 307, headers: { location: '/here' } };
    return { status: 200 };
  });
  const headers = [['Authorization', 'Bearer token-1'], ['Cookie', 'a=1'], ['X-Kept', 'yes']] as const;
  const before = receiver.requests.length;
  assert.deepEqual(await client.exchange({ url: new URL('/away', receiver.url), method: 'POST', headers, body: 'x' }), { status: 'ok' });
  assert.deepEqual(await client.exchange({ url: new URL('/near', receiver.url), method: 'POST', headers, body: 'x' }), { status: 'ok' });
  const [, there, , here] = receiver.requests.slice(before);
  assert.equal(there!.path, '/there');
  assert.equal(there!.headers.host, `localhost:${other.port}`);
  assert.equal(there!.headers.authorization, undefined);
  assert.equal(there!.headers.cookie, undefined);
  assert.equal(there!.headers['x-kept'], 'yes');
  assert.equal(here!.path, '/here');
  assert.equal(here!.headers.authorization, 'Bearer token-1');
  assert.equal(here!.headers.cookie, 'a=1');
});

test('after 10 redirects the last redirect reply is the answer (rejected), and redirects can be turned off', async () => {
  receiver.respond((req) => ({ status: 302, headers: { location: `/hop${Number(req.path.slice(4) || 0) + 1}` }, body: 'moved' }));
  const before = receiver.requests.length;
  const outcome = await client.exchange({ url: new URL('/hop0', receiver.url), method: 'GET' });
  assert.equal(outcome.status, 'reject');
  assert.match((outcome as { reason: string }).reason, /HTTP 302: moved$/);
  assert.equal(receiver.requests.length - before, 11);
  const direct = new HttpClient({ maxRedirections: 0 });
  try {
    const once = receiver.requests.length;
    assert.equal((await direct.exchange({ url: new URL('/hop0', receiver.url), method: 'GET' })).status, 'reject');
    assert.equal(receiver.requests.length - once, 1);
  } finally {
    await direct.destroy();
  }
});

test('robot replies: WeChat Work errcodes', async () => {
  const ok = await exchangeWith({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }, 'wechat');
  assert.deepEqual(ok, { status: 'ok' });
  const limited = await exchangeWith({ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }, 'wechat');
  assert.equal(limited.status, 'retry');
  assert.equal((limited as { retryAfterMs?: number }).retryAfterMs, 60_000);
  assert.match((limited as { reason: string }).reason, /wechat refused the message: errcode 45009 "api freq out of limit" \(rate limited\)/);
  const busy = await exchangeWith({ status: 200, body: '{"errcode":-1,"errmsg":"system busy"}' }, 'wechat');
  assert.equal(busy.status, 'retry');
  const badKey = await exchangeWith({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' }, 'wechat');
  assert.equal(badKey.status, 'reject');
  assert.match((badKey as { reason: string }).reason, /errcode 93000/);
});

test('robot replies: DingTalk errcodes', async () => {
  for (const code of [410100, 130101, 660026]) {
    const limited = await exchangeWith({ status: 200, body: JSON.stringify({ errcode: code, errmsg: 'send too fast, exceed 20 times per minute' }) }, 'dingtalk');
    assert.equal(limited.status, 'retry', `errcode ${code}`);
    assert.equal((limited as { retryAfterMs?: number }).retryAfterMs, 60_000);
  }
  const keyword = await exchangeWith({ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' }, 'dingtalk');
  assert.equal(keyword.status, 'reject');
  const token = await exchangeWith({ status: 200, body: '{"errcode":300001,"errmsg":"token is not exist"}' }, 'dingtalk');
  assert.equal(token.status, 'reject');
  assert.deepEqual(await exchangeWith({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }, 'dingtalk'), { status: 'ok' });
});

test('robot replies: Feishu codes (11232 and frequency 9499 retried, other codes rejected)', async () => {
  assert.deepEqual(await exchangeWith({ status: 200, body: '{"code":0,"msg":"success","data":{}}' }, 'feishu'), { status: 'ok' });
  assert.deepEqual(await exchangeWith({ status: 200, body: '{"Extra":null,"StatusCode":0,"StatusMessage":"success"}' }, 'feishu'), { status: 'ok' });
  const limited = await exchangeWith({ status: 200, body: '{"code":11232,"msg":"frequency limited"}' }, 'feishu');
  assert.equal(limited.status, 'retry');
  const tooMany = await exchangeWith({ status: 200, body: '{"code":9499,"msg":"too many request"}' }, 'feishu');
  assert.equal(tooMany.status, 'retry');
  const badRequest = await exchangeWith({ status: 200, body: '{"code":9499,"msg":"Bad Request","data":{}}' }, 'feishu');
  assert.equal(badRequest.status, 'reject');
  const sign = await exchangeWith({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' }, 'feishu');
  assert.equal(sign.status, 'reject');
  const openApi = await exchangeWith({ status: 429, headers: { 'x-ogw-ratelimit-reset': '52' }, body: '{"code":99991400,"msg":"request trigger frequency limit"}' }, 'feishu');
  assert.equal(openApi.status, 'retry');
  assert.equal((openApi as { retryAfterMs?: number }).retryAfterMs, 52_000);
});

test('robot replies: Slack text', async () => {
  assert.deepEqual(await exchangeWith({ status: 200, body: 'ok' }, 'slack'), { status: 'ok' });
  const bad = await exchangeWith({ status: 200, body: 'invalid_payload' }, 'slack');
  assert.equal(bad.status, 'reject');
  assert.match((bad as { reason: string }).reason, /slack refused the message: "invalid_payload"/);
  const limited = await exchangeWith({ status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' }, 'slack');
  assert.equal((limited as { retryAfterMs?: number }).retryAfterMs, 3000);
});

test('status-only checking ignores robot-looking bodies', async () => {
  assert.deepEqual(await exchangeWith({ status: 200, body: '{"errcode":45009}' }), { status: 'ok' });
});

test('a hung server ends in a retry when the send deadline aborts the request', async () => {
  receiver.respond(() => ({ hang: true }));
  const started = performance.now();
  const outcome = await client.exchange({ url: new URL('/slow', receiver.url), method: 'POST', body: 'x', signal: AbortSignal.timeout(200) });
  const took = performance.now() - started;
  assert.equal(outcome.status, 'retry');
  assert.match((outcome as { reason: string }).reason, /request aborted/);
  assert.ok(took < 2000, `took ${took} ms`);
});

test('the client headers timeout applies without a signal', async () => {
  const quick = new HttpClient({ headersTimeoutMs: 150 });
  try {
    receiver.respond(() => ({ hang: true }));
    const outcome = await quick.exchange({ url: new URL('/slow', receiver.url), method: 'POST', body: 'x' });
    assert.equal(outcome.status, 'retry');
    assert.match((outcome as { reason: string }).reason, /no response headers in time \(HEADERS_TIMEOUT\)/);
  } finally {
    await quick.destroy();
  }
});

test('a reply body that stalls ends in a retry after the body timeout', async () => {
  const stalling = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
  });
  await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', () => resolve()));
  const quick = new HttpClient({ bodyTimeoutMs: 150 });
  try {
    const port = (stalling.address() as AddressInfo).port;
    const outcome = await quick.exchange({ url: new URL(`http://127.0.0.1:${port}/`), method: 'POST', body: 'x' });
    assert.equal(outcome.status, 'retry');
    assert.match((outcome as { reason: string }).reason, /response body stalled \(BODY_TIMEOUT\)/);
  } finally {
    await quick.destroy();
    stalling.closeAllConnections();
    await new Promise<void>((resolve) => stalling.close(() => resolve()));
  }
});

test('connection refused is retried', async () => {
  const closed: Server = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const outcome = await client.exchange({ url: new URL(`http://127.0.0.1:${port}/hook`), method: 'POST', body: 'x' });
  assert.equal(outcome.status, 'retry');
  assert.match((outcome as { reason: string }).reason, /connection refused \(ECONNREFUSED\)/);
});

test('reasons never show the query or header secrets', async () => {
  registerSecret('s3cr3t-header-value');
  receiver.respond(() => ({ status: 400, body: 'bad key s3cr3t-header-value and key=topsecretkey' }));
  const outcome = await client.exchange(
    {
      url: new URL('/cgi-bin/webhook/send?key=topsecretkey', receiver.url),
      method: 'POST',
      headers: [['Authorization', 'Bearer s3cr3t-header-value']],
      body: 'x',
    });
  const reason = (outcome as { reason: string }).reason;
  assert.equal(outcome.status, 'reject');
  assert.ok(!reason.includes('topsecretkey'), reason);
  assert.ok(!reason.includes('s3cr3t-header-value'), reason);
  assert.match(reason, /\/cgi-bin\/webhook\/send: HTTP 400/);
});

test('reasons mask credential-looking path segments (Feishu hook ids, Slack tokens)', async () => {
  receiver.respond(() => ({ status: 404, body: 'gone' }));
  const feishu = await client.exchange({ url: new URL('/open-apis/bot/v2/hook/0b2f5e8a-1c3d-4e5f-8a9b-0c1d2e3f4a5b', receiver.url), method: 'POST', body: 'x' });
  assert.match((feishu as { reason: string }).reason, /\/open-apis\/bot\/v2\/hook\/\*\*\*: HTTP 404/);
  const slack = await client.exchange({ url: new URL('/services/T0123ABCD/B0123ABCD/aBcD1234eFgH5678iJkL9012', receiver.url), method: 'POST', body: 'x' });
  assert.match((slack as { reason: string }).reason, /\/services\/T0123ABCD\/B0123ABCD\/\*\*\*: HTTP 404/);
  const plain = await client.exchange({ url: new URL('/cgi-bin/webhook/send', receiver.url), method: 'POST', body: 'x' });
  assert.match((plain as { reason: string }).reason, /\/cgi-bin\/webhook\/send: HTTP 404/);
});

test('keep-alive: many sequential and concurrent requests use at most the connection bound', async () => {
  const own = await startHttpReceiver(() => ({ status: 204 }));
  const bounded = new HttpClient({ connectionsPerOrigin: 3 });
  try {
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await bounded.exchange({ url: new URL('/a', own.url), method: 'POST', body: `${i}` }), { status: 'ok' });
    }
    // A second connection may open while the first is finishing its reply; never more.
    assert.ok(own.connectionsAccepted <= 2, `connections ${own.connectionsAccepted}`);
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) => bounded.exchange({ url: new URL('/b', own.url), method: 'POST', body: `${i}` })),
    );
    assert.ok(all.every((o) => o.status === 'ok'));
    assert.ok(own.connectionsAccepted <= 3, `connections ${own.connectionsAccepted}`);
    assert.equal(own.requests.length, 80);
  } finally {
    await bounded.destroy();
    await own.close();
  }
});

test('large replies are cut to the configured size and the connection stays usable', async () => {
  const own = await startHttpReceiver(() => ({ status: 500, body: 'x'.repeat(100_000) }));
  const small = new HttpClient({ maxReplyBytes: 1000 });
  try {
    const reply = await small.request({ url: new URL('/big', own.url), method: 'POST', body: 'x' });
    assert.equal(reply.body.length, 1000);
    assert.equal(reply.truncated, true);
    for (let i = 0; i < 5; i++) await small.request({ url: new URL('/big', own.url), method: 'POST', body: 'x' });
    assert.ok(own.connectionsAccepted <= 2, `connections ${own.connectionsAccepted}`);
  } finally {
    await small.destroy();
    await own.close();
  }
});

function restoreEnv(saved: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** An https server with a certificate nobody trusts, recording each request body. */
async function startSelfSignedServer(): Promise<{ port: number; bodies: string[]; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'http-client-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'self.key', '-out', 'self.crt', '-days', '1', '-subj', '/CN=self-signed'], { cwd: dir, stdio: 'pipe' });
  const bodies: string[] = [];
  const secure = createHttpsServer({ key: readFileSync(join(dir, 'self.key')), cert: readFileSync(join(dir, 'self.crt')) }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (secure.address() as AddressInfo).port,
    bodies,
    async close() {
      secure.closeAllConnections();
      await new Promise<void>((resolve) => secure.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('https: a self-signed certificate is refused unless TLS checks are off; HTTPS_PROXY tunnels to the endpoint, NO_PROXY bypasses it', async () => {
  const secure = await startSelfSignedServer();
  const { port, bodies } = secure;
  const proxy = await startProxy({ 'hook.proxied.test': '127.0.0.1' });
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  const strict = new HttpClient();
  const lax = new HttpClient({ verifyTls: false });
  try {
    const refused = await strict.exchange({ url: new URL(`https://127.0.0.1:${port}/hook`), method: 'POST', body: 'a' });
    assert.equal(refused.status, 'retry');
    assert.match((refused as { reason: string }).reason, /self[- ]signed/i);
    assert.deepEqual(await lax.exchange({ url: new URL(`https://127.0.0.1:${port}/hook`), method: 'POST', body: 'b' }), { status: 'ok' });
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = 'bypassed.proxied.test';
    const proxied = new HttpClient({ verifyTls: false });
    try {
      assert.deepEqual(await proxied.exchange({ url: new URL(`https://hook.proxied.test:${port}/hook`), method: 'POST', body: 'c' }), { status: 'ok' });
      const bypassed = await proxied.exchange({ url: new URL(`https://bypassed.proxied.test:${port}/hook`), method: 'POST', body: 'd' });
      assert.equal(bypassed.status, 'retry');
      assert.match((bypassed as { reason: string }).reason, /host not found \(ENOTFOUND\)|DNS lookup failed/);
    } finally {
      await proxied.destroy();
    }
    assert.deepEqual(bodies, ['b', 'c']);
    assert.deepEqual(proxy.requests, [{ method: 'CONNECT', target: `hook.proxied.test:${port}` }]);
  } finally {
    restoreEnv(saved);
    await strict.destroy();
    await lax.destroy();
    await proxy.close();
    await secure.close();
  }
});

test('HTTP_PROXY as Go uses it: plain http goes to the proxy in absolute form (a proxy allowing CONNECT only to 443 still carries it), with the proxy URL\'s credentials; an IPv6 literal is tunnelled as CONNECT [address]:port', async () => {
  const secure = await startSelfSignedServer();
  const { port: securePort, bodies: secureBodies } = secure;
  // Squid's default: CONNECT only to the TLS port (here the test server's).
  const proxy = await startProxy({ 'hook.proxied.test': '127.0.0.1', '2001:db8::7': '127.0.0.1' }, { connectPorts: [securePort] });
  const credentials = 'egress-user:s3cret-proxy-pass';
  const proxyUrl = proxy.url.replace('http://', `http://${credentials}@`);
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
  process.env.HTTPS_PROXY = proxyUrl;
  process.env.HTTP_PROXY = proxyUrl;
  delete process.env.NO_PROXY;
  const proxied = new HttpClient({ verifyTls: false });
  const receiverPort = new URL(receiver.url).port;
  receiver.respond(() => ({ status: 200, body: 'ok' }));
  const before = receiver.requests.length;
  try {
    const plain = [1, 2, 3].map((n) => ({ url: new URL(`http://hook.proxied.test:${receiverPort}/hook?n=${n}`), method: 'POST', body: `plain ${n}` }));
    assert.deepEqual(await proxied.exchangeAll(plain, undefined), [{ status: 'ok' }, { status: 'ok' }, { status: 'ok' }]);
    assert.deepEqual(
      receiver.requests.slice(before).map((r) => [r.target, r.headers.host, r.body]),
      [1, 2, 3].map((n) => [`/hook?n=${n}`, `hook.proxied.test:${receiverPort}`, `plain ${n}`]),
    );
    assert.deepEqual(await proxied.exchange({ url: new URL(`https://[2001:db8::7]:${securePort}/hook`), method: 'POST', body: 'v6' }), { status: 'ok' });
    assert.deepEqual(secureBodies, ['v6']);
    const basic = `Basic ${Buffer.from(credentials).toString('base64')}`;
    assert.deepEqual(proxy.requests, [
      ...[1, 2, 3].map((n) => ({ method: 'POST', target: `http://hook.proxied.test:${receiverPort}/hook?n=${n}`, authorization: basic })),
      { method: 'CONNECT', target: `[2001:db8::7]:${securePort}`, authorization: basic },
    ]);
    // A proxy's refusal says who refused and why, without its credentials.
    const refused = await proxied.exchange({ url: new URL(`https://hook.proxied.test:${receiverPort}/hook`), method: 'POST', body: 'x' });
    assert.equal(refused.status, 'retry');
    assert.match((refused as { reason: string }).reason, /proxy http:\/\/127\.0\.0\.1:\d+ refused CONNECT hook\.proxied\.test:\d+: HTTP 403/);
    assert.doesNotMatch((refused as { reason: string }).reason, /s3cret/);
  } finally {
    restoreEnv(saved);
    await proxied.destroy();
    await proxy.close();
    await secure.close();
  }
});

/**
 * A TCP server answering each request's first bytes with `script(index)` as written (then closing
 * when `close`; closing without a word when there is no `reply`).
 */
async function rawServer(script: (index: number) => { reply?: string; close?: boolean }): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let index = 0;
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', () => {
      // A request on a connection this server already ended: dropped, as a closing server drops it.
      if (socket.writableEnded) return socket.destroy();
      const { reply, close } = script(index++);
      if (reply === undefined) socket.destroy();
      else if (close) socket.end(reply);
      else socket.write(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('replies are read whole however they are framed: chunked, until close, interim 100, HEAD and 204 without a body', async () => {
  const replies = [
    { reply: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n' },
    { reply: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 4\r\nRetry-After: 3\r\n\r\nbusy' },
    { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n' },
    { reply: 'HTTP/1.1 204 No Content\r\n\r\n' },
    { reply: 'HTTP/1.1 500 Oops\r\n\r\nuntil the end', close: true },
  ];
  const raw = await rawServer((i) => replies[i]!);
  const own = new HttpClient({ connectionsPerOrigin: 1 });
  try {
    const chunked = await own.request({ url: new URL('/a', raw.url), method: 'POST', body: 'x' });
    assert.deepEqual([chunked.status, chunked.body], [200, 'hello, world']);
    const busy = await own.exchange({ url: new URL('/b', raw.url), method: 'POST', body: 'x' });
    assert.deepEqual([busy.status, (busy as { retryAfterMs?: number }).retryAfterMs], ['retry', 3000]);
    const head = await own.request({ url: new URL('/c', raw.url), method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.deepEqual((await own.request({ url: new URL('/d', raw.url), method: 'GET' })).status, 204);
    const closing = await own.request({ url: new URL('/e', raw.url), method: 'POST', body: 'x' });
    assert.deepEqual([closing.status, closing.body], [500, 'until the end']);
    assert.equal(raw.connections(), 1, 'one keep-alive connection for all of them');
  } finally {
    await own.destroy();
    await raw.close();
  }
});

test('a reply that is not HTTP, or a connection closed before the reply, ends in a retry with the reason', async () => {
  const raw = await rawServer((i) => (i === 0 ? { reply: 'SSH-2.0-OpenSSH_9.6\r\n\r\n' } : { reply: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', close: true }));
  const own = new HttpClient();
  try {
    const garbage = await own.exchange({ url: new URL('/a', raw.url), method: 'POST', body: 'x' });
    assert.equal(garbage.status, 'retry');
    assert.match((garbage as { reason: string }).reason, /invalid reply: malformed status line "SSH-2\.0-OpenSSH_9\.6" \(INVALID_REPLY\)/);
    const cut = await own.exchange({ url: new URL('/b', raw.url), method: 'POST', body: 'x' });
    assert.equal(cut.status, 'retry');
    assert.match((cut as { reason: string }).reason, /connection closed by the server \(SOCKET_CLOSED\)/);
  } finally {
    await own.destroy();
    await raw.close();
  }
});

test('a method or header that cannot be sent is rejected, naming the header but not its value', async () => {
  const badMethod = await client.exchange({ url: new URL('/x', receiver.url), method: 'PO ST', body: 'x' });
  assert.equal(badMethod.status, 'reject');
  const badHeader = await client.exchange({ url: new URL('/x', receiver.url), method: 'POST', headers: [['X-Token', 'secret\r\nInjected: yes']], body: 'x' });
  assert.equal(badHeader.status, 'reject');
  assert.match((badHeader as { reason: string }).reason, /invalid characters in the value of header X-Token/);
  assert.ok(!(badHeader as { reason: string }).reason.includes('secret'));
});

test('a server that closes after every reply without saying so: every request succeeds, each on its own connection', async () => {
  const raw = await rawServer(() => ({ reply: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', close: true }));
  const own = new HttpClient({ connectionsPerOrigin: 1 });
  try {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 50; i++) outcomes.push(await own.exchange({ url: new URL(`/${i}`, raw.url), method: 'POST', body: 'x' }));
    assert.deepEqual(outcomes.filter((o) => o.status !== 'ok'), []);
    assert.equal(raw.connections(), 50);
  } finally {
    await own.destroy();
    await raw.close();
  }
});

test('a kept-alive connection the server dropped before replying: the request goes out again on a new connection', async () => {
  const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
  const raw = await rawServer((i) => (i === 1 ? {} : { reply: ok }));
  const own = new HttpClient({ connectionsPerOrigin: 1 });
  try {
    assert.deepEqual(await own.exchange({ url: new URL('/a', raw.url), method: 'POST', body: 'x' }), { status: 'ok' });
    assert.deepEqual(await own.exchange({ url: new URL('/b', raw.url), method: 'POST', body: 'x' }), { status: 'ok' });
    assert.equal(raw.connections(), 2, 'the second request was sent again on a new connection');
  } finally {
    await own.destroy();
    await raw.close();
  }
});

test('a reply head whose lines end with a bare LF is read, as Go reads it', async () => {
  const raw = await rawServer(() => ({ reply: 'HTTP/1.1 201 Created\nContent-Length: 2\nX-A: b\n\nok' }));
  const own = new HttpClient();
  try {
    const reply = await own.request({ url: new URL('/a', raw.url), method: 'POST', body: 'x' });
    assert.deepEqual([reply.status, reply.headers['x-a'], reply.body], [201, 'b', 'ok']);
  } finally {
    await own.destroy();
    await raw.close();
  }
});
