// The image in a cluster, as a pod sees it: the real kube-apiserver (test/fixtures/control-plane) with
// deploy/rbac.yaml and deploy/rbac-ha.yaml applied; the container gets the kube-eventer ServiceAccount's
// token, the cluster CA and its namespace at /var/run/secrets/kubernetes.io/serviceaccount,
// KUBERNETES_SERVICE_HOST/PORT, and `kubernetes.default` resolving to a service address on port 443
// (a TCP forwarder stands in for kube-proxy). It runs deploy/deployment.yaml's own args and env (leader
// election, ConfigMap checkpoint, TZ, POD_NAME from the downward API); only the sink and the health
// port are the test's. TLS is verified against the mounted CA: a wrong CA gets no events.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { buildImage, runContainer, type Container } from '../fixtures/image/index.js';
import { ROOT } from './daemon-process.js';
import { CHECKPOINT_CONFIGMAP, SYSTEM_NAMESPACE, eventually, freePort, startRealCluster, webhookSink, type RealCluster } from './real-cluster.js';

const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
const POD_NAME = 'kube-eventer-7d9c5b6f4-x2x9k';

let image = '';
let cluster: RealCluster;
let service: { address: string; close(): Promise<void> };
const containers: Container[] = [];

interface ContainerSpec {
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
}

/** Listens on SERVICE_IP:443 for a random loopback SERVICE_IP and forwards each connection to the API server, as kube-proxy does. */
async function startServiceForwarder(target: URL): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  for (let attempt = 0; ; attempt++) {
    const address = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 250)}`;
    const server: Server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(443, address, () => resolve());
      });
    } catch (err) {
      if (attempt < 5 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return {
      address,
      close: () =>
        new Promise((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  }
}

/** The directory a pod gets at SERVICE_ACCOUNT_MOUNT, readable by the image's non-root user. */
async function serviceAccountDir(name: string, caFile: string): Promise<string> {
  const dir = path.join(cluster.dir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'token'), cluster.token);
  await copyFile(caFile, path.join(dir, 'ca.crt'));
  await writeFile(path.join(dir, 'namespace'), SYSTEM_NAMESPACE);
  await chmod(dir, 0o755);
  for (const file of ['token', 'ca.crt', 'namespace']) await chmod(path.join(dir, file), 0o644);
  return dir;
}

/** deploy/deployment.yaml's container args (sink and health port replaced) and env (downward API resolved). */
async function deploymentContainer(sinkFlag: string, healthPort: number): Promise<{ args: string[]; env: Record<string, string> }> {
  const manifest = parse(await readFile(path.join(ROOT, 'deploy', 'deployment.yaml'), 'utf8')) as { spec: { template: { spec: { containers: ContainerSpec[] } } } };
  const spec = manifest.spec.template.spec.containers[0]!;
  const args = spec.args.filter((a) => !a.startsWith('--sink=') && !a.startsWith('--healthz-port='));
  assert.ok(args.includes('--source=kubernetes:https://kubernetes.default'), `deployment args: ${spec.args.join(' ')}`);
  args.push(sinkFlag, '--healthz-ip=127.0.0.1', `--healthz-port=${healthPort}`);
  const fields: Record<string, string> = { 'metadata.name': POD_NAME, 'metadata.namespace': SYSTEM_NAMESPACE };
  const env: Record<string, string> = {};
  for (const e of spec.env) {
    const value = e.value ?? fields[e.valueFrom?.fieldRef?.fieldPath ?? ''];
    assert.ok(value !== undefined, `env ${e.name}: unsupported source`);
    env[e.name] = value;
  }
  return { args, env };
}

async function startPod(args: string[], env: Record<string, string>, saDir: string): Promise<Container> {
  const apiServer = new URL(cluster.cp.server);
  const container = await runContainer(image, {
    args,
    // What the kubelet sets in every container; the API server's certificate names 127.0.0.1 (and kubernetes.default).
    env: { ...env, KUBERNETES_SERVICE_HOST: apiServer.hostname, KUBERNETES_SERVICE_PORT: apiServer.port },
    volumes: [`${saDir}:${SERVICE_ACCOUNT_MOUNT}:ro`],
    addHosts: [`kubernetes.default:${service.address}`],
  });
  containers.push(container);
  return container;
}

before(async () => {
  image = (await buildImage()).name;
  cluster = await startRealCluster();
  service = await startServiceForwarder(new URL(cluster.cp.server));
});

after(async () => {
  await Promise.all(containers.map((c) => c.remove()));
  await service?.close();
  await cluster?.stop();
});

test('deploy/deployment.yaml in a container: in-cluster config, kubernetes.default over TLS, leader, checkpoint, events to a webhook', async () => {
  const receiver = await cluster.receiver();
  const healthPort = await freePort();
  const { args, env } = await deploymentContainer(webhookSink(receiver, 1), healthPort);
  const container = await startPod(args, env, await serviceAccountDir('sa', cluster.cp.caFile));
  const base = `http://127.0.0.1:${healthPort}`;
  await eventually('ready', async () => (await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) === 200, 60_000, () => container.id);

  // A standby is ready too: the Lease tells that this replica leads.
  let holder = '';
  await eventually(
    'the pod holds the Lease',
    async () => {
      const lease = await cluster.cp.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${SYSTEM_NAMESPACE}/leases/kube-eventer`);
      holder = lease.status === 200 ? lease.body.spec.holderIdentity : `HTTP ${lease.status}`;
      return holder === POD_NAME;
    },
    30_000,
    () => holder,
  );
  // The leader starts the watch once it holds the Lease; events created from then on are delivered.
  await eventually('watch running', async () => (await fetch(`${base}/metrics`).then((r) => r.text())).includes('eventer_watch_connected 1'), 30_000);

  const created = [await cluster.createEvent('InCluster'), await cluster.createEvent('InCluster')];
  await eventually('both events delivered', () => created.every((key) => receiver.requests.some((r) => r.body === key)), 30_000, () => JSON.stringify(receiver.requests.map((r) => r.body)));

  const logs = await container.logs();
  assert.match(logs, /in-cluster service account, server https:\/\/kubernetes\.default/);
  assert.ok(!logs.includes(cluster.token), 'the token never appears in the logs');
  assert.equal(await container.stop(30), 0, await container.logs());
  const checkpoint = await cluster.cp.request('GET', `/api/v1/namespaces/${SYSTEM_NAMESPACE}/configmaps/${CHECKPOINT_CONFIGMAP}`);
  assert.equal(checkpoint.status, 200, 'the checkpoint ConfigMap is saved on shutdown');
});

test('the in-cluster form without a URL (KUBERNETES_SERVICE_HOST/PORT) works too', async () => {
  const receiver = await cluster.receiver();
  const healthPort = await freePort();
  const container = await startPod(['--source=kubernetes:', webhookSink(receiver, 1), '--healthz-ip=127.0.0.1', `--healthz-port=${healthPort}`], {}, await serviceAccountDir('sa-plain', cluster.cp.caFile));
  const base = `http://127.0.0.1:${healthPort}`;
  await eventually('ready', async () => (await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) === 200, 60_000, () => container.id);
  const key = await cluster.createEvent('InClusterEnv');
  await eventually('delivered', () => receiver.requests.some((r) => r.body === key), 30_000);
  assert.equal(await container.stop(30), 0);
});

test('TLS is verified against the mounted ca.crt: with another CA the daemon never gets a list and is not ready', async () => {
  const other = path.join(cluster.dir, 'other-ca');
  await mkdir(other, { recursive: true });
  await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=not-the-cluster-ca', '-days', '1', '-keyout', path.join(other, 'key.pem'), '-out', path.join(other, 'ca.crt')]);
  const healthPort = await freePort();
  const container = await startPod(
    ['--source=kubernetes:https://kubernetes.default', '--sink=log', '--healthz-ip=127.0.0.1', `--healthz-port=${healthPort}`],
    {},
    await serviceAccountDir('sa-wrong-ca', path.join(other, 'ca.crt')),
  );
  await eventually('a TLS verification failure is logged', async () => /certificate/i.test(await container.logs()), 60_000, () => container.id);
  await eventually('health server up', async () => fetch(`http://127.0.0.1:${healthPort}/readyz`).then(() => true, () => false), 30_000);
  const readyz = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
  assert.equal(readyz.status, 503);
  assert.match(await readyz.text(), /initial event list not done yet.*certificate/);
});
