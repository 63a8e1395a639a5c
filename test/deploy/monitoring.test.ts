// The chart's PrometheusRule and Grafana dashboard: the rendered rules pass `promtool check rules` and the
// unit tests in alerts.promtool.yaml (`promtool test rules`, Debian's prometheus package), and every metric
// that the alerts and the dashboard name is one that the daemon's /metrics really exposes (the daemon is run
// against the fake API server with leader election, a ConfigMap checkpoint and a webhook sink, and scraped).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { CHART_DIR, renderChart } from '../fixtures/helm/index.js';
import { startHttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, waitForOutput } from '../e2e/daemon-process.js';
import { eventually } from '../e2e/real-cluster.js';

const PROMTOOL_TESTS = fileURLToPath(new URL('./alerts.promtool.yaml', import.meta.url));

function promtool(args: readonly string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(new Error(`promtool is required (Debian package prometheus): ${err.message}`));
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, output: stdout + stderr });
    });
  });
}

async function renderedRuleGroups(): Promise<Array<{ name: string; rules: Array<{ alert: string; expr: string }> }>> {
  const { objects } = await renderChart({ metrics: { prometheusRule: { enabled: true } } });
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  assert.ok(rule, 'the chart renders a PrometheusRule');
  return rule.spec.groups;
}

test('alert rules: promtool check rules and promtool unit tests pass on the rendered PrometheusRule', async () => {
  const groups = await renderedRuleGroups();
  const dir = await mkdtemp(path.join(tmpdir(), 'promtool-'));
  try {
    await writeFile(path.join(dir, 'rules.yaml'), stringify({ groups }));
    await copyFile(PROMTOOL_TESTS, path.join(dir, 'alerts.promtool.yaml'));
    const check = await promtool(['check', 'rules', 'rules.yaml'], dir);
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /SUCCESS: 7 rules found/);
    const unit = await promtool(['test', 'rules', 'alerts.promtool.yaml'], dir);
    assert.equal(unit.code, 0, unit.output);
    // Every alert has at least one unit test that expects it to fire.
    const tests = await readFile(PROMTOOL_TESTS, 'utf8');
    for (const r of groups.flatMap((g) => g.rules)) assert.match(tests, new RegExp(`alertname: ${r.alert}\\n(?:.*\\n){0,3}?\\s+exp_alerts:\\n\\s+- exp_labels`), `${r.alert} has a firing test`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Metric names a PromQL expression refers to (ours: eventer_*, and the Node.js process collectors). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:eventer|process|nodejs)_[a-zA-Z0-9_]+)\b/g)].map((m) => m[1]!);
}

/** Every series name a /metrics text can carry: each family plus _bucket/_sum/_count for histograms and summaries. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m;
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
  }
  return names;
}

test('every metric named by the alerts and the dashboard is exposed by /metrics', async () => {
  const api = await startFakeApiServer({ bookmarkIntervalMs: 500 });
  const receiver = await startHttpReceiver();
  const daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      `--sink=webhook:${receiver.url}/hook?method=POST`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      '--leader-elect',
      '--leader-elect-resource-namespace=default',
      '--checkpoint=configmap:default/kube-eventer-checkpoint',
    ],
    { POD_NAME: 'kube-eventer-0' },
  );
  try {
    const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
    const base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
    await eventually('leader with an open watch', async () => (await (await fetch(`${base}/metrics`)).text()).includes('eventer_watch_connected 1'), 30_000);
    api.createEvent({ type: 'Warning', reason: 'BackOff' });
    api.createEvent({ type: 'Warning', reason: 'FailedScheduling' });
    api.createEvent({ type: 'Normal', reason: 'Pulled' });
    await receiver.waitForRequests(3, 20_000);
    const exposed = exposedNames(await (await fetch(`${base}/metrics`)).text());

    const groups = await renderedRuleGroups();
    const dashboard = JSON.parse(await readFile(path.join(CHART_DIR, 'files', 'dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const named = new Map<string, string>();
    for (const r of groups.flatMap((g) => g.rules)) for (const n of metricNames(r.expr)) named.set(n, `alert ${r.alert}`);
    for (const p of dashboard.panels) for (const t of p.targets) for (const n of metricNames(t.expr)) named.set(n, `dashboard panel "${p.title}"`);
    assert.ok(named.size >= 20, `found only ${named.size} metric names in the alerts and dashboard`);
    const missing = [...named].filter(([n]) => !exposed.has(n)).map(([n, where]) => `${n} (${where})`);
    assert.deepEqual(missing, [], `not exposed by /metrics: ${missing.join(', ')}`);
  } finally {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGKILL');
    await exited;
    await receiver.close();
    await api.close();
  }
});

test('dashboard JSON: unique panel ids, every panel on the datasource variable, every query non-empty', async () => {
  const dashboard = JSON.parse(await readFile(path.join(CHART_DIR, 'files', 'dashboard.json'), 'utf8'));
  const ids = dashboard.panels.map((p: { id: number }) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const p of dashboard.panels) {
    assert.equal(p.datasource.uid, '${datasource}', p.title);
    assert.ok(p.targets.length > 0 && p.targets.every((t: { expr: string }) => t.expr.trim() !== ''), p.title);
    assert.ok(p.gridPos.x + p.gridPos.w <= 24, p.title);
  }
});
