// Shared setup of the real-* end-to-end tests: a real kube-apiserver (test/fixtures/control-plane)
// with deploy/rbac.yaml and deploy/rbac-ha.yaml applied through kubectl, the daemon run as a process
// with the kube-eventer ServiceAccount's token (so it has exactly what the manifests grant), and
// local webhook receivers whose bodies are `<uid> <resourceVersion>` (one per delivered event).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startControlPlane, type ControlPlane } from '../fixtures/control-plane/index.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver/server.js';
import { ROOT, spawnDaemon, waitForOutput } from './daemon-process.js';
import { eventually as poll } from '../helpers/eventually.js';

/** Where the manifests put the ServiceAccount, the Lease and the checkpoint ConfigMap. */
export const SYSTEM_NAMESPACE = 'kube-system';
/** The checkpoint ConfigMap name that deploy/rbac-ha.yaml grants get and update on. */
export const CHECKPOINT_CONFIGMAP = 'kube-eventer-checkpoint';
/** Where the tests create their Events. */
export const EVENTS_NAMESPACE = 'demo';
/** The webhook body template: each delivery names exactly one (uid, resourceVersion). */
export const TEMPLATE_CONFIGMAP = 'ids';
export const ID_TEMPLATE = '{{ .UID }} {{ .ResourceVersion }}';
export const MANIFESTS = ['rbac.yaml', 'rbac-ha.yaml'].map((f) => path.join(ROOT, 'deploy', f));

/** eventually() with a real cluster's default of 20 s. */
export function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, details?: () => string): Promise<void> {
  return poll(what, check, timeoutMs, details);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RealCluster {
  readonly cp: ControlPlane;
  /** The kube-eventer ServiceAccount's token (TokenRequest API). */
  readonly token: string;
  /** A scratch directory removed by stop(). */
  readonly dir: string;
  /** `--source=…` for the daemon: a kubeconfig with the ServiceAccount token; `server` overrides the API address. */
  sourceFlag(server?: string): Promise<string>;
  /** Creates an Event in EVENTS_NAMESPACE as the admin; returns `<uid> <resourceVersion>`. */
  createEvent(reason?: string): Promise<string>;
  /** Creates or replaces a ConfigMap's data as the admin. */
  putConfigMap(namespace: string, name: string, data: Record<string, string>): Promise<void>;
  /** A webhook receiver closed by stop(). */
  receiver(): Promise<HttpReceiver>;
  /** Starts the daemon with a fixed health port; killed by stop(). */
  startDaemon(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RealDaemon>;
  stop(): Promise<void>;
}

export interface RealDaemon {
  readonly child: ReturnType<typeof spawnDaemon>;
  /** `http://127.0.0.1:PORT` of /healthz, /readyz, /metrics. */
  readonly base: string;
  logs(): string;
  /** Waits for a log line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The value of a metric line starting with `name` (and containing `labelText` if given); 0 when absent. */
  metric(name: string, labelText?: string): Promise<number>;
  /** Sends the signal and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

let eventCounter = 0;

export async function startRealCluster(): Promise<RealCluster> {
  const cp = await startControlPlane();
  const receivers: HttpReceiver[] = [];
  const daemons: RealDaemon[] = [];
  let dir = '';
  try {
    dir = await mkdtemp(path.join(tmpdir(), 'real-e2e-'));
    await cp.kubectl(['apply', ...MANIFESTS.flatMap((f) => ['-f', f])]);
    const ns = await cp.request('POST', '/api/v1/namespaces', { metadata: { name: EVENTS_NAMESPACE } });
    assert.equal(ns.status, 201, JSON.stringify(ns.body));
    // The ServiceAccount comes from rbac.yaml; this only asks for a token.
    const token = await cp.createServiceAccountToken(SYSTEM_NAMESPACE, 'kube-eventer');
    // RBAC is served from an informer cache: wait until the ClusterRoleBinding is in effect.
    await eventually('RBAC from deploy/rbac.yaml in effect', async () => (await cp.request('GET', '/api/v1/events?limit=1', undefined, token)).status === 200);

    const putConfigMap = async (namespace: string, name: string, data: Record<string, string>) => {
      const path = `/api/v1/namespaces/${namespace}/configmaps`;
      const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data };
      let response = await cp.request('POST', path, body);
      if (response.status === 409) response = await cp.request('PUT', `${path}/${name}`, body);
      assert.ok(response.status < 300, `ConfigMap ${namespace}/${name}: ${response.status} ${JSON.stringify(response.body)}`);
    };
    await putConfigMap(SYSTEM_NAMESPACE, TEMPLATE_CONFIGMAP, { content: ID_TEMPLATE });

    let kubeconfigs = 0;
    return {
      cp,
      token,
      dir,
      async sourceFlag(server = cp.server) {
        const file = path.join(dir, `kubeconfig-${++kubeconfigs}`);
        const kubeconfig = {
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'real', cluster: { server, 'certificate-authority': cp.caFile } }],
          users: [{ name: 'kube-eventer', user: { token } }],
          contexts: [{ name: 'real', context: { cluster: 'real', user: 'kube-eventer' } }],
          'current-context': 'real',
        };
        await writeFile(file, JSON.stringify(kubeconfig), { mode: 0o600 });
        return `--source=kubernetes:?inClusterConfig=false&localKubeConfig=${file}`;
      },
      async createEvent(reason = 'Tick') {
        const name = `e2e-${process.pid}-${++eventCounter}`;
        const now = new Date().toISOString();
        const response = await cp.request('POST', `/api/v1/namespaces/${EVENTS_NAMESPACE}/events`, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: EVENTS_NAMESPACE },
          involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: EVENTS_NAMESPACE, name: `web-${eventCounter % 7}` },
          reason,
          message: `event ${name}`,
          type: 'Normal',
          source: { component: 'e2e' },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        });
        assert.equal(response.status, 201, JSON.stringify(response.body));
        return `${response.body.metadata.uid} ${response.body.metadata.resourceVersion}`;
      },
      putConfigMap,
      async receiver() {
        const receiver = await startHttpReceiver();
        receivers.push(receiver);
        return receiver;
      },
      async startDaemon(args, env = {}) {
        const port = await freePort();
        const child = spawnDaemon(['--healthz-ip=127.0.0.1', `--healthz-port=${port}`, ...args], env);
        const logs = () => {
          const { stdout, stderr } = child.output();
          return stdout + stderr;
        };
        const base = `http://127.0.0.1:${port}`;
        const daemon: RealDaemon = {
          child,
          base,
          logs,
          waitForLog: (pattern, timeoutMs = 20_000) => waitForOutput(child, pattern, timeoutMs),
          async metric(name, labelText) {
            const text = await (await fetch(`${base}/metrics`)).text();
            const line = text.split('\n').find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && (labelText === undefined || l.includes(labelText)));
            return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
          },
          async kill(signal = 'SIGKILL') {
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill(signal);
            await exited;
          },
        };
        daemons.push(daemon);
        // The health server listens before the sinks are built and the Lease is sought.
        await eventually('daemon health server up', async () => {
          if (child.exitCode !== null) throw new Error(`daemon exited (${child.exitCode}): ${logs().slice(-3000)}`);
          return fetch(`${base}/healthz`).then(
            () => true,
            () => false,
          );
        }, 30_000);
        return daemon;
      },
      async stop() {
        await Promise.all(daemons.map((d) => d.kill()));
        await Promise.all(receivers.map((r) => r.close()));
        await cp.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await cp.stop();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The webhook sink flag: one request per event, body `<uid> <resourceVersion>`, lane batches of `batchSize`.
 * Filtered to the tests' namespace, so these tests watch the real API server's stream with deferred
 * parsing (every sink filters); real-series and real-template-reload cover the parse-everything path.
 */
export function webhookSink(receiver: HttpReceiver, batchSize: number): string {
  return `--sink=webhook:${receiver.url}/hook?method=POST&custom_body_configmap=${TEMPLATE_CONFIGMAP}&custom_body_configmap_namespace=${SYSTEM_NAMESPACE}&batch_size=${batchSize}&namespaces=${EVENTS_NAMESPACE}`;
}

/** How often each body arrived, over all the receivers. */
export function deliveries(...receivers: HttpReceiver[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const receiver of receivers) for (const r of receiver.requests) seen.set(r.body, (seen.get(r.body) ?? 0) + 1);
  return seen;
}

/** Deliveries beyond the first, summed over all events. */
export function duplicateCount(seen: Map<string, number>): number {
  let extra = 0;
  for (const n of seen.values()) extra += n - 1;
  return extra;
}

export interface EventStream {
  /** Keys of the events created so far, in order. */
  readonly created: string[];
  /** Stops creating and resolves with every key created. */
  stop(): Promise<string[]>;
}

/** Creates `perSecond` events a second (paced against a schedule, so slow calls do not lower the rate) until stopped. */
export function startStream(cluster: RealCluster, perSecond: number, reason = 'Stream'): EventStream {
  const created: string[] = [];
  let stopped = false;
  const interval = 1000 / perSecond;
  const started = performance.now();
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      created.push(await cluster.createEvent(reason));
    }
  })();
  return {
    created,
    async stop() {
      stopped = true;
      await loop;
      return created;
    },
  };
}

/** The lane's batch size for a sink, from the daemon's startup log. */
export function laneBatchSize(daemon: RealDaemon, sink = 'webhook#1'): number {
  const line = daemon.logs().split('\n').find((l) => l.includes(`"sink":"${sink}"`) && l.includes('"maxBatch"'));
  assert.ok(line, `no lane settings logged for ${sink}`);
  return Number(/"maxBatch":(\d+)/.exec(line)![1]);
}
