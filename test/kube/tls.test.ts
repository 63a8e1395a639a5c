// TLS wiring against a real HTTPS server: CA verification, client certificates, insecure, in-cluster.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { parseUri } from '../../src/base/uri.js';
import { KubeApiError } from '../../src/kube/api.js';
import { KubeClient } from '../../src/kube/client.js';

const dir = mkdtempSync(join(tmpdir(), 'kube-tls-'));
const file = (name: string) => join(dir, name);
const b64 = (name: string) => readFileSync(file(name)).toString('base64');

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=apiserver');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'server.ext');
  openssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=kube-eventer');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1');
}

interface Seen {
  clientCertificate: string | undefined;
  authorization: string | undefined;
}

let server: Server;
let url: string;

before(async () => {
  makeCertificates();
  server = createServer(
    { key: readFileSync(file('server.key')), cert: readFileSync(file('server.crt')), ca: readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const seen: Seen = {
        clientCertificate: socket.authorized ? (socket.getPeerCertificate().subject?.CN as string | undefined) : undefined,
        authorization: req.headers.authorization,
      };
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(seen));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(name: string, cluster: string, user: string): string {
  const path = file(name);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: tls
clusters:
  - name: tls
    cluster:
      server: ${url}
${cluster}users:
  - name: tls
    user:
${user}contexts:
  - name: tls
    context: { cluster: tls, user: tls }
`,
  );
  return path;
}

async function client(source: string, environment = {}): Promise<KubeClient> {
  return KubeClient.fromUri(parseUri(source, '--source', {}), { env: {}, ...environment });
}

describe('TLS', () => {
  test('kubeconfig CA, client certificate and token are all used', async () => {
    const path = kubeconfig(
      'full.yaml',
      `      certificate-authority-data: ${b64('ca.crt')}\n`,
      `      client-certificate-data: ${b64('client.crt')}\n      client-key-data: ${b64('client.key')}\n      token: tls-token-1\n`,
    );
    const c = await client(`kubernetes:?inClusterConfig=false&localKubeConfig=${path}`);
    assert.deepEqual(await c.requestJson<Seen>('GET', '/version'), { clientCertificate: 'kube-eventer', authorization: 'Bearer tls-token-1' });
    c.close();
  });

  test('a server certificate the CA does not vouch for is refused', async () => {
    const path = kubeconfig('no-ca.yaml', '', '      token: tls-token-2\n');
    const c = await client(`kubernetes:?inClusterConfig=false&localKubeConfig=${path}`);
    await assert.rejects(c.requestJson('GET', '/version'), (err: unknown) => err instanceof KubeApiError && err.reason === 'NetworkError' && /certificate/i.test(err.message));
    c.close();
  });

  test('insecure=true skips verification', async () => {
    const c = await client(`kubernetes:${url}?inClusterConfig=false&insecure=true`);
    assert.deepEqual(await c.requestJson<Seen>('GET', '/version'), {});
    c.close();
  });

  test('in-cluster: service account CA and token', async () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'ca.crt'), readFileSync(file('ca.crt')));
    writeFileSync(join(sa, 'token'), 'sa-token-3\n');
    const port = new URL(url).port;
    const c = await client('kubernetes:', { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, serviceAccountDir: sa });
    assert.deepEqual(await c.requestJson<Seen>('GET', '/version'), { authorization: 'Bearer sa-token-3' });
    c.close();
  });
});
