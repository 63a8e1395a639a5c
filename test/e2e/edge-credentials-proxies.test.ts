// Issue 9 items 5 and 6, as users meet them: the daemon process with a kubeconfig against the fake API
// server. `tokenFile` is honoured, re-read and trimmed; a token rotated under a running daemon is
// picked up on the first 401 (one retry); exec plugin tokens are renewed at their expirationTimestamp;
// the API server is reached through HTTPS_PROXY / proxy-url as client-go does.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { parseUri } from '../../src/base/uri.js';
import { buildKubeConnection } from '../../src/kube/config.js';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startProxy } from '../fixtures/proxy/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kube-credentials-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string, user: string, cluster = ''): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: ctx
clusters:
  - name: c
    cluster:
      server: ${server}
${cluster}users:
  - name: u
    user:
${user}
contexts:
  - name: ctx
    context:
      cluster: c
      user: u
`,
  );
  return path;
}

async function stopDaemon(daemon: ReturnType<typeof spawnDaemon>): Promise<void> {
  if (daemon.exitCode !== null) return;
  const exited = new Promise((r) => daemon.once('close', r));
  daemon.kill('SIGTERM');
  await exited;
}

test('tokenFile: read and trimmed; a rotated token is re-read after the first 401 and the watch goes on', async () => {
  const api = await startFakeApiServer({ token: 'first-token-1111' });
  const tokenPath = join(dir, 'token');
  writeFileSync(tokenPath, 'first-token-1111\n');
  const config = kubeconfig('tokenfile.yaml', api.url, `      tokenFile: ${tokenPath}`);
  const daemon = spawnDaemon([`--source=kubernetes:?inClusterConfig=false&localKubeConfig=${config}`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log']);
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.createEvent({ reason: 'BeforeRotation' });
    await waitForOutput(daemon, /BeforeRotation/, 10_000);
    // The token rotates (as a projected token or a vault sidecar does) and the server drops the watch.
    writeFileSync(tokenPath, 'second-token-2222\n');
    api.rotateToken('second-token-2222');
    const unauthorizedBefore = api.counts.unauthorized;
    api.dropWatches();
    api.createEvent({ reason: 'AfterRotation' });
    await waitForOutput(daemon, /AfterRotation/, 20_000);
    assert.ok(api.counts.unauthorized - unauthorizedBefore <= 1, `one 401, then the re-read token (${api.counts.unauthorized - unauthorizedBefore} 401s)`);
  } finally {
    await stopDaemon(daemon);
    await api.close();
  }
  assert.ok(!(daemon.output().stderr + daemon.output().stdout).includes('second-token-2222'), 'the token is never logged');
});

test('exec plugin: its token is used until expirationTimestamp, then the plugin runs again', async () => {
  const counter = join(dir, 'exec-count');
  writeFileSync(counter, '0');
  const plugin = join(dir, 'plugin.mjs');
  // Each run hands out token-<n>; EXPIRES_IN_MS decides the expirationTimestamp (absent: none).
  writeFileSync(
    plugin,
    `#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
const status = { token: 'exec-token-' + n };
if (process.env.EXPIRES_IN_MS) status.expirationTimestamp = new Date(Date.now() + Number(process.env.EXPIRES_IN_MS)).toISOString();
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status }));
`,
  );
  chmodSync(plugin, 0o755);
  const execUser = (expiresInMs?: number) =>
    `      exec:\n        apiVersion: client.authentication.k8s.io/v1\n        command: ${plugin}\n        interactionMode: Never\n` +
    (expiresInMs === undefined ? '' : `        env:\n          - name: EXPIRES_IN_MS\n            value: "${expiresInMs}"\n`);
  const connect = (path: string) => buildKubeConnection(parseUri(`kubernetes:?inClusterConfig=false&localKubeConfig=${path}`, '--source', {}), { env: {}, homeDir: dir });

  // Already expired: every request needs a fresh token.
  const expired = await connect(kubeconfig('exec-expired.yaml', 'http://127.0.0.1:1', execUser(-60_000)));
  const a = (await expired.authHeaders()).Authorization;
  const b = (await expired.authHeaders()).Authorization;
  assert.notEqual(a, b, 'an expired exec token is not reused');

  // Valid for an hour: reused; without expiry: reused until a 401 asks for a new one.
  const valid = await connect(kubeconfig('exec-valid.yaml', 'http://127.0.0.1:1', execUser(3_600_000)));
  assert.equal((await valid.authHeaders()).Authorization, (await valid.authHeaders()).Authorization);
  const forever = await connect(kubeconfig('exec-forever.yaml', 'http://127.0.0.1:1', execUser()));
  const before = (await forever.authHeaders()).Authorization;
  assert.equal((await forever.authHeaders()).Authorization, before);
  await forever.refreshCredentials!();
  assert.notEqual((await forever.authHeaders()).Authorization, before, 'a 401 makes the plugin run again');

  // And the daemon, with a plugin whose tokens the API server accepts only as the latest.
  const api = await startFakeApiServer({ token: `exec-token-${Number(readFileSync(counter, 'utf8')) + 1}` });
  const daemon = spawnDaemon([`--source=kubernetes:?inClusterConfig=false&localKubeConfig=${kubeconfig('exec-daemon.yaml', api.url, execUser())}`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log']);
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.rotateToken(`exec-token-${Number(readFileSync(counter, 'utf8')) + 1}`);
    api.dropWatches();
    api.createEvent({ reason: 'AfterExecRotation' });
    await waitForOutput(daemon, /AfterExecRotation/, 20_000);
  } finally {
    await stopDaemon(daemon);
    await api.close();
  }
});

test('HTTPS_PROXY/HTTP_PROXY: the API server is reached through the proxy (its name resolves only there), plain http in absolute form with the proxy URL\'s credentials; NO_PROXY bypasses it', async () => {
  const api = await startFakeApiServer({ token: 'proxied-token-3333' });
  const port = new URL(api.url).port;
  // As Squid by default: CONNECT only to 443, so a tunnel to the plain-http API server would be refused.
  const proxy = await startProxy({ 'kubernetes.proxied.test': '127.0.0.1' }, { connectPorts: [443] });
  const config = kubeconfig('proxied.yaml', `http://kubernetes.proxied.test:${port}`, '      token: proxied-token-3333');
  const daemon = spawnDaemon([`--source=kubernetes:?inClusterConfig=false&localKubeConfig=${config}`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log'], {
    HTTP_PROXY: proxy.url.replace('http://', 'http://kube-egress:proxy-pass-4444@'),
    NO_PROXY: 'other.test',
  });
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.createEvent({ reason: 'ThroughTheProxy' });
    await waitForOutput(daemon, /ThroughTheProxy/, 10_000);
    const basic = `Basic ${Buffer.from('kube-egress:proxy-pass-4444').toString('base64')}`;
    const watches = proxy.requests.filter((r) => r.method === 'GET' && r.target.startsWith(`http://kubernetes.proxied.test:${port}/api/v1/events?`));
    assert.ok(watches.length >= 2, `the proxy carried the list and the watch in absolute form: ${JSON.stringify(proxy.requests)}`);
    assert.ok(watches.every((r) => r.authorization === basic), 'with the proxy URL\'s credentials');
    assert.ok(!proxy.requests.some((r) => r.method === 'CONNECT'), 'no tunnel for plain http');
    assert.match(daemon.output().stderr, /via proxy http:\/\/127\.0\.0\.1:\d+/);
    assert.doesNotMatch(daemon.output().stdout + daemon.output().stderr, /proxy-pass-4444/);
  } finally {
    await stopDaemon(daemon);
    await proxy.close();
    await api.close();
  }
  // NO_PROXY naming the host: a direct connection, which cannot resolve the name.
  const direct = await buildKubeConnection(parseUri(`kubernetes:?inClusterConfig=false&localKubeConfig=${config}`, '--source', {}), {
    env: { HTTP_PROXY: proxy.url, NO_PROXY: '.proxied.test' },
    homeDir: dir,
  });
  assert.equal(direct.proxy, undefined);
});

test('proxy-url with insecure-skip-tls-verify: an https API server at an IPv6 literal with a self-signed certificate, through the proxy', async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'self.key', '-out', 'self.crt', '-days', '1', '-subj', '/CN=self-signed'], { cwd: dir, stdio: 'pipe' });
  const api = await startFakeApiServer();
  // A TLS front for the fake API server with a certificate nobody trusts.
  const front = createHttpsServer({ key: readFileSync(join(dir, 'self.key')), cert: readFileSync(join(dir, 'self.crt')) }, (req, res) => {
    const upstream = httpRequest(`${api.url}${req.url}`, { method: req.method, headers: req.headers }, (up: IncomingMessage) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const frontPort = (front.address() as AddressInfo).port;
  const proxy = await startProxy({ '2001:db8::9': '127.0.0.1' });
  const config = kubeconfig('proxy-url.yaml', `https://[2001:db8::9]:${frontPort}`, '      token: t', `      insecure-skip-tls-verify: true\n      proxy-url: ${proxy.url}\n`);
  const daemon = spawnDaemon([`--source=kubernetes:?inClusterConfig=false&localKubeConfig=${config}`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log']);
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.createEvent({ reason: 'ThroughProxyUrl' });
    await waitForOutput(daemon, /ThroughProxyUrl/, 10_000);
    assert.ok(proxy.requests.some((r) => r.method === 'CONNECT' && r.target === `[2001:db8::9]:${frontPort}`), 'tunnelled with CONNECT, the IPv6 address in brackets');
  } finally {
    await stopDaemon(daemon);
    front.closeAllConnections();
    await new Promise((r) => front.close(r));
    await proxy.close();
    await api.close();
  }
});



test('proxy choice follows client-go: loopback never proxied, NO_PROXY domains, CIDRs and ports', async () => {
  const { proxyFromEnvironment } = await import('../../src/base/proxy.js');
  const env = { HTTPS_PROXY: 'proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:80', NO_PROXY: '.svc,10.0.0.0/8,api.example:6443' };
  assert.equal(proxyFromEnvironment(new URL('https://127.0.0.1:6443'), env), undefined);
  assert.equal(proxyFromEnvironment(new URL('https://localhost:6443'), env), undefined);
  assert.equal(proxyFromEnvironment(new URL('https://kubernetes.default.svc'), env), undefined);
  assert.equal(proxyFromEnvironment(new URL('https://10.96.0.1'), env), undefined);
  assert.equal(proxyFromEnvironment(new URL('https://api.example:6443'), env), undefined);
  assert.equal(proxyFromEnvironment(new URL('https://api.example:443'), env)?.href, 'http://proxy.corp:3128/');
  assert.equal(proxyFromEnvironment(new URL('http://api.example'), env)?.href, 'http://plain.corp/');
  assert.equal(proxyFromEnvironment(new URL('https://api.example'), { https_proxy: 'http://lower:1' })?.href, 'http://lower:1/');
});

test('HTTP sinks honour HTTP_PROXY: a webhook whose host resolves only at the proxy is delivered through it', async () => {
  const { startHttpReceiver } = await import('../fixtures/http-receiver/server.js');
  const api = await startFakeApiServer();
  const receiver = await startHttpReceiver();
  const proxy = await startProxy({ 'robot.proxied.test': '127.0.0.1' });
  const port = new URL(receiver.url).port;
  const daemon = spawnDaemon(
    [`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', `--sink=webhook:http://robot.proxied.test:${port}/hook?method=POST&level=Normal`],
    { HTTP_PROXY: proxy.url, https_proxy: proxy.url },
  );
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.createEvent({ reason: 'SinkThroughProxy' });
    await receiver.waitForRequests(1, 15_000);
    assert.match(receiver.requests[0]!.body, /SinkThroughProxy/);
    assert.ok(proxy.requests.some((r) => r.target.includes(`robot.proxied.test:${port}`)), 'the webhook went through the proxy');
    // The API server on 127.0.0.1 was reached directly: loopback is never proxied (as in Go).
    assert.ok(!proxy.requests.some((r) => r.target.includes(new URL(api.url).host)), 'loopback API server not proxied');
  } finally {
    await stopDaemon(daemon);
    await proxy.close();
    await receiver.close();
    await api.close();
  }
});
