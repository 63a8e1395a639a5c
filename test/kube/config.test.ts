import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError } from '../../src/base/errors.js';
import { parseUri } from '../../src/base/uri.js';
import { buildKubeConnection, type KubeConfigEnvironment } from '../../src/kube/config.js';

const root = mkdtempSync(join(tmpdir(), 'kube-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const tempDir = () => {
  const dir = join(root, String(counter++));
  mkdirSync(dir, { recursive: true });
  return dir;
};

function serviceAccount(files: { token?: string; ca?: string } = { token: 'sa-token-abc', ca: 'CA-PEM' }): string {
  const dir = tempDir();
  if (files.token !== undefined) writeFileSync(join(dir, 'token'), files.token);
  if (files.ca !== undefined) writeFileSync(join(dir, 'ca.crt'), files.ca);
  return dir;
}

function kubeconfig(yaml: string): string {
  const path = join(tempDir(), 'config');
  writeFileSync(path, yaml);
  return path;
}

const KUBECONFIG_YAML = (server: string, user = 'token: kc-token-xyz', extraCluster = '') => `apiVersion: v1
kind: Config
current-context: ctx
clusters:
  - name: c
    cluster:
      server: ${server}
${extraCluster}users:
  - name: u
    user:
      ${user}
contexts:
  - name: ctx
    context:
      cluster: c
      user: u
`;

const IN_CLUSTER_ENV = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

function build(text: string, environment: KubeConfigEnvironment = {}) {
  const env = environment.env ?? {};
  return buildKubeConnection(parseUri(text, '--source', env), { homeDir: tempDir(), serviceAccountDir: join(root, 'no-sa'), ...environment, env });
}

async function rejectsConfig(promise: Promise<unknown>, ...fragments: string[]): Promise<ConfigError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    for (const f of fragments) assert.ok(err.message.includes(f), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(f)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('in-cluster config (the default)', () => {
  test('uses KUBERNETES_SERVICE_HOST/PORT, the service account token and CA', async () => {
    const c = await build('kubernetes:', { env: IN_CLUSTER_ENV, serviceAccountDir: serviceAccount() });
    assert.equal(c.server, 'https://10.96.0.1:443');
    assert.deepEqual(await c.authHeaders(), { Authorization: 'Bearer sa-token-abc' });
    assert.equal(c.tls.ca?.toString(), 'CA-PEM');
    assert.equal(c.tls.rejectUnauthorized, true);
    assert.deepEqual(c.warnings, []);
  });

  test('an IPv6 service host is bracketed', async () => {
    const c = await build('kubernetes', { env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, serviceAccountDir: serviceAccount() });
    assert.equal(c.server, 'https://[fd00::1]:6443');
  });

  test('scheme://host in the URI replaces the server address', async () => {
    const c = await build('kubernetes:https://kubernetes.default?inClusterConfig=true', { env: IN_CLUSTER_ENV, serviceAccountDir: serviceAccount() });
    assert.equal(c.server, 'https://kubernetes.default');
    assert.equal((await c.authHeaders()).Authorization, 'Bearer sa-token-abc');
  });

  test('insecure=true skips TLS verification and needs no CA file', async () => {
    const c = await build('kubernetes:?insecure=true', { env: IN_CLUSTER_ENV, serviceAccountDir: serviceAccount({ token: 't0ken' }) });
    assert.equal(c.tls.rejectUnauthorized, false);
    assert.equal(c.tls.ca, undefined);
  });

  test('outside a pod: a ConfigError that says what to do', async () => {
    await rejectsConfig(build('kubernetes:', { serviceAccountDir: serviceAccount() }), 'inClusterConfig', 'KUBERNETES_SERVICE_HOST', 'inClusterConfig=false');
    // kube-eventer's usual flag names the server, so only the missing service account mount gives it away.
    const noMount = join(tempDir(), 'serviceaccount');
    await rejectsConfig(build('kubernetes:https://kubernetes.default', { serviceAccountDir: noMount }), 'inClusterConfig', join(noMount, 'token'), 'ENOENT', 'outside a cluster use', 'inClusterConfig=false');
  });

  test('missing token or CA file → ConfigError naming the file', async () => {
    const noToken = serviceAccount({ ca: 'x' });
    await rejectsConfig(build('kubernetes:', { env: IN_CLUSTER_ENV, serviceAccountDir: noToken }), 'inClusterConfig', join(noToken, 'token'), 'ENOENT');
    const noCa = serviceAccount({ token: 't' });
    await rejectsConfig(build('kubernetes:', { env: IN_CLUSTER_ENV, serviceAccountDir: noCa }), 'inClusterConfig', join(noCa, 'ca.crt'));
  });

  test('options that only apply outside the cluster are reported, not silently dropped', async () => {
    const c = await build('kubernetes:?useServiceAccount=true&auth=/x', { env: IN_CLUSTER_ENV, serviceAccountDir: serviceAccount() });
    assert.equal(c.warnings.length, 2);
    assert.match(c.warnings.join('\n'), /auth is used only with inClusterConfig=false/);
  });
});

describe('option values', () => {
  test("booleans take every spelling of Go's strconv.ParseBool", async () => {
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) {
      const c = await build(`kubernetes:http://127.0.0.1:8080?inClusterConfig=false&insecure=${t}`);
      assert.equal(c.tls.rejectUnauthorized, false, t);
    }
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) {
      const c = await build(`kubernetes:http://127.0.0.1:8080?inClusterConfig=${f}&insecure=${f}`);
      assert.equal(c.tls.rejectUnauthorized, true, f);
    }
  });

  test('a bad boolean → ConfigError naming the option and value', async () => {
    await rejectsConfig(build('kubernetes:?inClusterConfig=yes'), 'inClusterConfig', '"yes"');
    await rejectsConfig(build('kubernetes:http://h?inClusterConfig=false&insecure=on'), 'insecure', '"on"');
    await rejectsConfig(build('kubernetes:http://h?inClusterConfig=false&useServiceAccount=2'), 'useServiceAccount', '"2"');
  });

  test('a mis-cased option name is an error; an unknown one a warning', async () => {
    await rejectsConfig(build('kubernetes:http://h?inclusterconfig=false'), 'inclusterconfig', 'did you mean inClusterConfig');
    const c = await build('kubernetes:http://h:1?inClusterConfig=false&kubeletPort=10250');
    assert.deepEqual(c.warnings, ['option "kubeletPort" is not used by the kubernetes source; ignored']);
  });

  test('empty file options, bad schemes and host-less URIs are errors', async () => {
    await rejectsConfig(build('kubernetes:?inClusterConfig=false&localKubeConfig='), 'localKubeConfig', 'empty');
    await rejectsConfig(build('kubernetes:?inClusterConfig=false&auth='), 'auth', 'empty');
    await rejectsConfig(build('kubernetes:ftp://h?inClusterConfig=false'), 'scheme', '"ftp"');
    await rejectsConfig(build('kubernetes:kubernetes.default?inClusterConfig=false'), 'without a host', 'kubernetes.default');
  });

  test('only the kubernetes source exists', async () => {
    await rejectsConfig(build('kubernetez:http://h'), 'source not recognized', 'kubernetez');
  });
});

describe('plain server URL', () => {
  test('kubernetes:http://127.0.0.1:8080?inClusterConfig=false: no credentials', async () => {
    const c = await build('kubernetes:http://127.0.0.1:8080?inClusterConfig=false');
    assert.equal(c.server, 'http://127.0.0.1:8080');
    assert.deepEqual(await c.authHeaders(), {});
    assert.equal(c.tls.rejectUnauthorized, true);
    assert.match(c.description, /without credentials/);
  });

  test('useServiceAccount=true sends the service account token', async () => {
    const c = await build('kubernetes:https://api.example:6443?inClusterConfig=false&useServiceAccount=true', { serviceAccountDir: serviceAccount() });
    assert.deepEqual(await c.authHeaders(), { Authorization: 'Bearer sa-token-abc' });
  });

  test('useServiceAccount=true without a readable token → ConfigError', async () => {
    await rejectsConfig(build('kubernetes:https://api.example?inClusterConfig=false&useServiceAccount=true'), 'useServiceAccount', 'token');
  });
});

describe('kubeconfig files', () => {
  test('localKubeConfig: server and credentials from the file; the URI host is ignored with a warning', async () => {
    const path = kubeconfig(KUBECONFIG_YAML('http://127.0.0.1:9999'));
    const c = await build(`kubernetes:https://other:443?inClusterConfig=false&localKubeConfig=${path}`);
    assert.equal(c.server, 'http://127.0.0.1:9999');
    assert.deepEqual(await c.authHeaders(), { Authorization: 'Bearer kc-token-xyz' });
    assert.match(c.warnings.join('\n'), /URI server https:\/\/other:443 is ignored/);
    assert.match(c.description, /context "ctx"/);
  });

  test('localKubeConfig ignores useServiceAccount, even where no service account token exists (outside a pod)', async () => {
    const path = kubeconfig(KUBECONFIG_YAML('http://127.0.0.1:9999'));
    const c = await build(`kubernetes:?inClusterConfig=false&localKubeConfig=${path}&useServiceAccount=true`);
    assert.deepEqual(await c.authHeaders(), { Authorization: 'Bearer kc-token-xyz' });
    assert.match(c.warnings.join('\n'), /useServiceAccount is ignored when localKubeConfig is given/);
  });

  test('localKubeConfig that does not exist → ConfigError, no panic', async () => {
    await rejectsConfig(build('kubernetes:?inClusterConfig=false&localKubeConfig=/nonexistent/kc'), 'localKubeConfig=/nonexistent/kc', 'ENOENT');
  });

  test('an unparsable kubeconfig → ConfigError that does not quote the file', async () => {
    const path = kubeconfig('users:\n  - name: u\n    user:\n      token: leaked-secret-123\n   bad: [indent\n');
    const err = await rejectsConfig(build(`kubernetes:?inClusterConfig=false&localKubeConfig=${path}`), 'localKubeConfig', path);
    assert.ok(!err.message.includes('leaked-secret-123'), err.message);
  });

  test('a kubeconfig without a current context or cluster → ConfigError', async () => {
    const noContext = kubeconfig(KUBECONFIG_YAML('https://h').replace('current-context: ctx\n', ''));
    await rejectsConfig(build(`kubernetes:?inClusterConfig=false&localKubeConfig=${noContext}`), 'no current-context');
    const missingCluster = kubeconfig(KUBECONFIG_YAML('https://h').replace('cluster: c\n      user', 'cluster: nope\n      user'));
    await rejectsConfig(build(`kubernetes:?inClusterConfig=false&localKubeConfig=${missingCluster}`), 'cluster', 'not defined');
  });

  test('auth=PATH loads the kubeconfig; useServiceAccount replaces its token', async () => {
    const path = kubeconfig(KUBECONFIG_YAML('https://api.example:6443'));
    const plain = await build(`kubernetes:?inClusterConfig=false&auth=${path}`);
    assert.equal(plain.server, 'https://api.example:6443');
    assert.deepEqual(await plain.authHeaders(), { Authorization: 'Bearer kc-token-xyz' });
    const withSa = await build(`kubernetes:?inClusterConfig=false&auth=${path}&useServiceAccount=true`, { serviceAccountDir: serviceAccount() });
    assert.deepEqual(await withSa.authHeaders(), { Authorization: 'Bearer sa-token-abc' });
  });

  test('auth=PATH that cannot be read → ConfigError naming auth', async () => {
    await rejectsConfig(build('kubernetes:?inClusterConfig=false&auth=/nonexistent/auth'), 'auth=/nonexistent/auth', 'ENOENT');
  });

  test('TLS material, tls-server-name and basic auth come from the kubeconfig', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const yaml = KUBECONFIG_YAML(
      'https://api.example:6443',
      `client-certificate-data: ${b64('CERT')}\n      client-key-data: ${b64('KEY')}\n      username: admin\n      password: pw-123`,
      `      certificate-authority-data: ${b64('CA')}\n      tls-server-name: kubernetes\n`,
    );
    const c = await build(`kubernetes:?inClusterConfig=false&localKubeConfig=${kubeconfig(yaml)}`);
    assert.equal(c.tls.ca?.toString(), 'CA');
    assert.equal(c.tls.cert?.toString(), 'CERT');
    assert.equal(c.tls.key?.toString(), 'KEY');
    assert.equal(c.tls.servername, 'kubernetes');
    assert.equal(c.tls.rejectUnauthorized, true);
    assert.deepEqual(await c.authHeaders(), { Authorization: `Basic ${b64('admin:pw-123')}` });
  });

  test('a missing CA file referenced by the kubeconfig → ConfigError', async () => {
    const yaml = KUBECONFIG_YAML('https://api.example', 'token: t', '      certificate-authority: /nonexistent/ca.crt\n');
    await rejectsConfig(build(`kubernetes:?inClusterConfig=false&localKubeConfig=${kubeconfig(yaml)}`), 'localKubeConfig', 'ENOENT');
  });

  test('inClusterConfig=false and no server: KUBECONFIG, merged like kubectl', async () => {
    const first = kubeconfig(KUBECONFIG_YAML('https://first.example'));
    const second = kubeconfig(KUBECONFIG_YAML('https://second.example').replace(/name: c$/m, 'name: c2').replace(/name: u$/m, 'name: u2').replace(/name: ctx$/m, 'name: ctx2').replace('current-context: ctx', 'current-context: ctx2').replace('cluster: c\n', 'cluster: c2\n').replace('user: u\n', 'user: u2\n'));
    const c = await build('kubernetes:?inClusterConfig=false', { env: { KUBECONFIG: `/nonexistent:${first}:${second}` } });
    assert.equal(c.server, 'https://first.example');
  });

  test('inClusterConfig=false and no server: ~/.kube/config', async () => {
    const home = tempDir();
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), KUBECONFIG_YAML('https://home.example'));
    const c = await build('kubernetes:?inClusterConfig=false', { homeDir: home });
    assert.equal(c.server, 'https://home.example');
  });

  test('inClusterConfig=false and nothing to connect to → ConfigError listing the ways', async () => {
    await rejectsConfig(build('kubernetes:?inClusterConfig=false'), 'inClusterConfig=false', 'KUBECONFIG', 'localKubeConfig');
    await rejectsConfig(build('kubernetes:?inClusterConfig=false', { env: { KUBECONFIG: '/nonexistent/a:/nonexistent/b' } }), 'KUBECONFIG=/nonexistent/a:/nonexistent/b');
  });

  test('insecure=true also applies to kubeconfig connections', async () => {
    const path = kubeconfig(KUBECONFIG_YAML('https://api.example'));
    const c = await build(`kubernetes:?inClusterConfig=false&insecure=true&localKubeConfig=${path}`);
    assert.equal(c.tls.rejectUnauthorized, false);
  });
});
