// deploy/ and the Helm chart against the real kube-apiserver (test/fixtures/control-plane): every object
// is accepted by a server-side apply dry run with strict field validation, the RBAC grants exactly what
// the daemon needs (SubjectAccessReviews for the ServiceAccount), and the probes and ports line up.
// The chart is rendered by the real helm (test/fixtures/helm) with several value sets.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { CHART_DIR, MONITORING_CRDS, helm, renderChart, type RenderedObject } from '../fixtures/helm/index.js';
import { ROOT } from '../e2e/daemon-process.js';
import { SYSTEM_NAMESPACE, eventually, startRealCluster, type RealCluster } from '../e2e/real-cluster.js';

const CHART_NAMESPACE = 'monitoring';
/** Not `kube-eventer`: deploy/rbac.yaml's cluster-scoped objects of that name are applied already. */
const RELEASE = 'ops';
let cluster: RealCluster;
let applies = 0;

before(async () => {
  cluster = await startRealCluster();
  const ns = await cluster.cp.request('POST', '/api/v1/namespaces', { metadata: { name: CHART_NAMESPACE } });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
});

after(async () => {
  await cluster?.stop();
});

/** `kubectl apply --server-side --dry-run=server --validate=strict`; returns kubectl's lines (one per object). */
async function dryRunApply(yamlText: string): Promise<string[]> {
  const file = path.join(cluster.dir, `apply-${++applies}.yaml`);
  await writeFile(file, yamlText);
  const out = await cluster.cp.kubectl(['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=kube-eventer-tests', '-f', file]);
  return out.trim().split('\n');
}

async function allowed(verb: string, resource: string, attributes: { namespace?: string; group?: string; name?: string } = {}): Promise<boolean> {
  const review = await cluster.cp.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${SYSTEM_NAMESPACE}:kube-eventer`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${SYSTEM_NAMESPACE}`, 'system:authenticated'],
      resourceAttributes: { verb, resource, group: attributes.group ?? '', namespace: attributes.namespace ?? '', name: attributes.name ?? '' },
    },
  });
  assert.equal(review.status, 201, JSON.stringify(review.body));
  return review.body.status.allowed === true;
}

const DEPLOY_FILES = ['rbac.yaml', 'rbac-ha.yaml', 'deployment.yaml', 'service.yaml'];

test('every manifest in deploy/ passes a server-side apply dry run with strict validation, and nothing is created', async () => {
  const files = await Promise.all(DEPLOY_FILES.map((f) => readFile(path.join(ROOT, 'deploy', f), 'utf8')));
  const lines = await dryRunApply(files.join('\n---\n'));
  for (const line of lines) assert.match(line, /\(server dry run\)$/, line);
  assert.ok(lines.some((l) => l.startsWith('deployment.apps/kube-eventer ')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('service/kube-eventer-metrics ')), lines.join('\n'));
  const deployment = await cluster.cp.request('GET', `/apis/apps/v1/namespaces/${SYSTEM_NAMESPACE}/deployments/kube-eventer`);
  assert.equal(deployment.status, 404, 'a dry run creates nothing');
});

test('RBAC from deploy/ is least privilege: what the daemon uses is allowed, nothing else', async () => {
  // Needed: the event watch (cluster-wide), body templates, the Lease, the checkpoint ConfigMap.
  for (const verb of ['get', 'list', 'watch']) {
    assert.ok(await allowed(verb, 'events'), `${verb} events cluster-wide`);
    assert.ok(await allowed(verb, 'configmaps', { namespace: 'demo' }), `${verb} configmaps`);
  }
  assert.ok(await allowed('create', 'leases', { group: 'coordination.k8s.io', namespace: SYSTEM_NAMESPACE }));
  for (const verb of ['get', 'update']) {
    assert.ok(await allowed(verb, 'leases', { group: 'coordination.k8s.io', namespace: SYSTEM_NAMESPACE, name: 'kube-eventer' }), `${verb} its Lease`);
    assert.ok(await allowed(verb, 'configmaps', { namespace: SYSTEM_NAMESPACE, name: 'kube-eventer-checkpoint' }), `${verb} its checkpoint`);
  }
  // Not needed, so not granted.
  const denied: Array<[string, string, { namespace?: string; group?: string; name?: string }]> = [
    ['create', 'events', { namespace: 'demo' }],
    ['delete', 'events', { namespace: 'demo' }],
    ['get', 'secrets', { namespace: SYSTEM_NAMESPACE }],
    ['list', 'secrets', {}],
    ['list', 'pods', {}],
    ['update', 'configmaps', { namespace: SYSTEM_NAMESPACE, name: 'coredns' }],
    ['update', 'configmaps', { namespace: 'demo', name: 'kube-eventer-checkpoint' }],
    ['delete', 'configmaps', { namespace: SYSTEM_NAMESPACE, name: 'kube-eventer-checkpoint' }],
    ['update', 'leases', { group: 'coordination.k8s.io', namespace: SYSTEM_NAMESPACE, name: 'kube-controller-manager' }],
    ['delete', 'leases', { group: 'coordination.k8s.io', namespace: SYSTEM_NAMESPACE, name: 'kube-eventer' }],
    ['create', 'leases', { group: 'coordination.k8s.io', namespace: 'demo' }],
  ];
  for (const [verb, resource, attributes] of denied) assert.equal(await allowed(verb, resource, attributes), false, `${verb} ${resource} ${JSON.stringify(attributes)} must be denied`);
});

test('deploy/deployment.yaml: probes on /healthz and /readyz at the --healthz-port, non-root, read-only, resources set', async () => {
  const d = parse(await readFile(path.join(ROOT, 'deploy', 'deployment.yaml'), 'utf8'));
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  const port = Number(/^--healthz-port=(\d+)$/m.exec(c.args.join('\n'))![1]);
  assert.equal(c.ports.find((p: { name: string }) => p.name === 'http-metrics').containerPort, port);
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.equal(c.livenessProbe.httpGet.port, 'http-metrics');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) assert.ok(c.resources[kind][r], `resources.${kind}.${r}`);
  // Longer than --shutdown-grace (25s default) so the drain finishes before SIGKILL.
  assert.ok(pod.terminationGracePeriodSeconds > 25);
  const service = parse(await readFile(path.join(ROOT, 'deploy', 'service.yaml'), 'utf8'));
  assert.deepEqual(service.spec.selector, d.spec.template.metadata.labels);
});

test('helm lint passes on the chart', async () => {
  const r = await helm(['lint', '--strict', CHART_DIR]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
});

function kinds(objects: RenderedObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

test('chart defaults: one replica logging events, RBAC, metrics Service; accepted by the API server', async () => {
  const { yaml, objects } = await renderChart({}, { release: RELEASE, namespace: CHART_NAMESPACE });
  assert.deepEqual(kinds(objects), [
    'ClusterRole/ops-kube-eventer',
    'ClusterRoleBinding/ops-kube-eventer',
    'Deployment/ops-kube-eventer',
    'Service/ops-kube-eventer-metrics',
    'ServiceAccount/ops-kube-eventer',
  ]);
  const container = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0];
  assert.deepEqual(container.args, ['--source=kubernetes:https://kubernetes.default', '--sink=log', '--healthz-port=8084', '--shutdown-grace=25s']);
  const lines = await dryRunApply(yaml);
  assert.equal(lines.length, objects.length, lines.join('\n'));
  for (const line of lines) assert.match(line, /\(server dry run\)$/);
});

const FULL_VALUES = {
  replicaCount: 2,
  sinks: [
    'webhook:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=$WECHAT_KEY&level=Warning&method=POST&header=Content-Type=application/json&custom_body_configmap=ops-kube-eventer-wechat&custom_body_configmap_namespace=monitoring',
    'dingtalk:https://oapi.dingtalk.com/robot/send?access_token=$DINGTALK_TOKEN&label=prod&level=Warning',
  ],
  sinkSecrets: ['kube-eventer-sinks'],
  bodyTemplates: { wechat: '{"msgtype": "text", "text": {"content": "{{ .Type }} {{ .InvolvedObject.Kind }}/{{ .InvolvedObject.Name }}: {{ .Message }}"}}' },
  leaderElection: { enabled: true },
  checkpoint: { enabled: true },
  extraArgs: ['--watch-stall-timeout=10m'],
  metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } }, prometheusRule: { enabled: true } },
  grafanaDashboard: { enabled: true },
};

test('chart with sinks, a body template, HA, checkpoint, ServiceMonitor, PrometheusRule and dashboard: accepted by the API server', async () => {
  const { yaml, objects } = await renderChart(FULL_VALUES, { release: RELEASE, namespace: CHART_NAMESPACE });
  assert.deepEqual(kinds(objects), [
    'ClusterRole/ops-kube-eventer',
    'ClusterRoleBinding/ops-kube-eventer',
    'ConfigMap/ops-kube-eventer-dashboard',
    'ConfigMap/ops-kube-eventer-wechat',
    'Deployment/ops-kube-eventer',
    'PrometheusRule/ops-kube-eventer',
    'Role/ops-kube-eventer-ha',
    'RoleBinding/ops-kube-eventer-ha',
    'Service/ops-kube-eventer-metrics',
    'ServiceAccount/ops-kube-eventer',
    'ServiceMonitor/ops-kube-eventer',
  ]);
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const container = deployment.spec.template.spec.containers[0];
  assert.equal(deployment.spec.replicas, 2);
  assert.ok(container.args.includes('--leader-elect'));
  assert.ok(container.args.includes(`--checkpoint=configmap:${CHART_NAMESPACE}/kube-eventer-checkpoint`));
  assert.ok(container.args.includes(`--leader-elect-resource-namespace=${CHART_NAMESPACE}`));
  assert.ok(container.args.includes(`--sink=${FULL_VALUES.sinks[0]}`), 'sinks are passed verbatim ($VAR expanded by the daemon)');
  assert.deepEqual(container.envFrom, [{ secretRef: { name: 'kube-eventer-sinks' } }]);
  const template = objects.find((o) => o.metadata.name === 'ops-kube-eventer-wechat')!;
  assert.equal(template.data.content, FULL_VALUES.bodyTemplates.wechat, 'the Go template reaches the ConfigMap unrendered by helm');
  const dashboard = objects.find((o) => o.metadata.name === 'ops-kube-eventer-dashboard')!;
  assert.equal(dashboard.metadata.labels?.grafana_dashboard, '1');
  assert.equal(JSON.parse(dashboard.data['kube-eventer.json']).uid, 'kube-eventer-ts');

  // The Prometheus Operator's kinds must be known to the API server: minimal CRDs first, for real.
  await cluster.cp.kubectl(['apply', '-f', MONITORING_CRDS]);
  await cluster.cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com', 'crd/prometheusrules.monitoring.coreos.com']);
  // Discovery of the new kinds is cached by kubectl: retry until it sees them.
  let lines: string[] = [];
  await eventually('CRDs discoverable', async () => {
    try {
      lines = await dryRunApply(yaml);
      return true;
    } catch (err) {
      if (/no matches for kind/.test((err as Error).message)) return false;
      throw err;
    }
  }, 60_000);
  assert.equal(lines.length, objects.length, lines.join('\n'));
  for (const line of lines) assert.match(line, /\(server dry run\)$/);
});

test('chart HA Role grants what deploy/rbac-ha.yaml grants, for the same names', async () => {
  const { objects } = await renderChart({ leaderElection: { enabled: true }, checkpoint: { enabled: true }, replicaCount: 2 }, { namespace: SYSTEM_NAMESPACE });
  const chartRole = objects.find((o) => o.kind === 'Role')!;
  const deployRole = parseAllDocuments(await readFile(path.join(ROOT, 'deploy', 'rbac-ha.yaml'), 'utf8'))
    .map((d) => d.toJS())
    .find((o) => o.kind === 'Role');
  assert.deepEqual(chartRole.rules, deployRole.rules);
});

test('chart refuses settings that would duplicate or break delivery, naming the value', async () => {
  await assert.rejects(renderChart({ replicaCount: 2 }), /replicaCount > 1 needs leaderElection.enabled=true/);
  await assert.rejects(renderChart({ checkpoint: { enabled: true, type: 'redis' } }), /checkpoint.type must be configmap or file, not "redis"/);
  await assert.rejects(renderChart({ metrics: { service: { enabled: false }, serviceMonitor: { enabled: true } } }), /metrics.serviceMonitor.enabled needs metrics.service.enabled/);
});

test('terminationGracePeriodSeconds is shutdownGrace + 5 s; a shutdownGrace helm cannot convert is refused', async () => {
  const grace = async (shutdownGrace: string) => {
    const { objects } = await renderChart({ shutdownGrace });
    return (objects.find((o) => o.kind === 'Deployment')!.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec.terminationGracePeriodSeconds;
  };
  assert.equal(await grace('25s'), 30);
  assert.equal(await grace('1m'), 65);
  assert.equal(await grace('1m30s'), 95);
  for (const bad of ['500ms', '1h', '25', '1.5s']) {
    await assert.rejects(grace(bad), new RegExp(`shutdownGrace must be whole minutes and/or seconds .*not "${bad.replace('.', '\\.')}"`), bad);
  }
});

test('the dry run does validate: a misspelt field in deployment.yaml is refused', async () => {
  const text = (await readFile(path.join(ROOT, 'deploy', 'deployment.yaml'), 'utf8')).replace('readinessProbe:', 'readynessProbe:');
  await assert.rejects(dryRunApply(text), /readynessProbe: field not declared in schema/);
});
