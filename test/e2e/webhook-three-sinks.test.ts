// The daemon as a process, with the webhook setup users run (three WeChat-style robots, each with
// its own reason filter and ConfigMap body), against the fake API server and three local
// endpoints, in kube-eventer's image zone. Bodies must be byte-equal to Go's rendering; a
// ConfigMap change must reach the running daemon.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../src/event/types.js';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver, type HttpReceiver, type ReceivedRequest } from '../fixtures/http-receiver/server.js';
import { renderWithGo } from '../fixtures/go-template-oracle/webhook.js';
import { spawnDaemon, stopDaemon, waitUntilReady } from './daemon-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const ZONE = 'Asia/Shanghai';
const KEY = 'xxxxxxx';

function body(cluster: string): string {
  return `{"msgtype": "text","text": {"content": "Cluster:${cluster}\\nEventType:{{ .Type }}\\nEventNamespace:{{ .InvolvedObject.Namespace }}\\nEventKind:{{ .InvolvedObject.Kind }}\\nEventObject:{{ .InvolvedObject.Name }}\\nEventReason:{{ .Reason }}\\nEventTime:{{ .LastTimestamp }}\\nEventMessage:{{ .Message }}","mentioned_list":["wangqing","@all"]}}`;
}

const sinks = [
  { reason: '[^Unhealthy]', configMap: 'custom-webhook-body0', template: body('name0') },
  { reason: 'BackOff', configMap: 'custom-webhook-body1', template: body('name1') },
  { reason: 'Failed', configMap: 'custom-webhook-body2', template: body('name2') },
];

let api: FakeApiServer;
let receivers: HttpReceiver[];
let daemon: ReturnType<typeof spawnDaemon>;
let metricsUrl: string;

function putConfigMap(name: string, content: string): void {
  api.putObject('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'team', name }, data: { content } });
}

async function metric(name: string, sink: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`sink="${sink}"`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const eventually = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) =>
  poll(what, check, timeoutMs, () => `daemon stderr: ${daemon.output().stderr.slice(-3000)}`);

before(async () => {
  api = await startFakeApiServer();
  for (const s of sinks) putConfigMap(s.configMap, s.template);
  receivers = await Promise.all(sinks.map(() => startHttpReceiver(() => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }))));
  const args = [`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0'];
  sinks.forEach((s, i) => {
    args.push(
      `--sink=webhook:${receivers[i]!.url}/cgi-bin/webhook/send?key=${KEY}&level=Warning&reason=${s.reason}&namespaces=team&header=Content-Type=application/json&custom_body_configmap=${s.configMap}&custom_body_configmap_namespace=team&method=POST`,
    );
  });
  daemon = spawnDaemon(args, { TZ: ZONE });
  metricsUrl = `${await waitUntilReady(daemon)}/metrics`;
});

after(async () => {
  await stopDaemon(daemon);
  await Promise.all((receivers ?? []).map((r) => r.close()));
  await api?.close();
});

function warning(reason: string, message: string, namespace = 'team'): KubeEvent {
  return api.createEvent({ type: 'Warning', reason, message, metadata: { namespace }, involvedObject: { kind: 'Pod', namespace, name: `web-${reason.toLowerCase()}` } });
}

/** Go's rendering of `template` for each event, keyed by event name. */
async function goBodies(template: string, events: readonly KubeEvent[]): Promise<Map<string, string>> {
  const results = await renderWithGo(
    events.map((e) => ({ id: e.metadata.name!, template, event: e, now: '2024-01-01T00:00:00Z' })),
    ZONE,
  );
  const out = new Map<string, string>();
  for (const [id, r] of results) {
    assert.ok(r.output !== undefined, `Go failed on ${id}: ${r.error}`);
    out.set(id, r.output);
  }
  return out;
}

function assertRequestShape(r: ReceivedRequest): void {
  assert.equal(r.method, 'POST');
  assert.equal(r.target, `/cgi-bin/webhook/send?key=${KEY}`, 'only the robot key is forwarded');
  assert.equal(r.headers['content-type'], 'application/json');
}

test('each endpoint receives exactly its events, with Go\'s bodies', async () => {
  // Never sent: filtered by reason, level or namespace.
  warning('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503');
  api.createEvent({ type: 'Normal', reason: 'BackOff', message: 'normal backoff', metadata: { namespace: 'team' }, involvedObject: { kind: 'Pod', namespace: 'team', name: 'web-n' } });
  warning('BackOff', 'elsewhere', 'other');
  // Sent.
  const backOff = warning('BackOff', 'Back-off restarting failed container web in pod "web-0"');
  const failed = warning('Failed', 'Failed to pull image "nginx:nope": rpc error: code = NotFound');
  const failedMount = warning('FailedMount', 'MountVolume.SetUp failed for volume "data" : configmap "x" not found');
  // Last: reaches all three sinks, so once each endpoint has it every earlier event has been routed.
  const marker = warning('FailedBackOff', 'marker');

  const expected = [
    [backOff, failed, failedMount, marker],
    [backOff, marker],
    [failed, failedMount, marker],
  ];
  for (let i = 0; i < sinks.length; i++) await receivers[i]!.waitForRequests(expected[i]!.length, 15_000);
  for (let i = 0; i < sinks.length; i++) {
    assert.equal(await metric('eventer_sink_events_accepted_total', `webhook#${i + 1}`), expected[i]!.length, `sink ${i} accepted exactly its events`);
    await eventually(`sink ${i} delivered`, async () => (await metric('eventer_sink_events_sent_total', `webhook#${i + 1}`)) === expected[i]!.length);
    const received = receivers[i]!.requests;
    assert.equal(received.length, expected[i]!.length);
    received.forEach(assertRequestShape);
    const go = await goBodies(sinks[i]!.template, expected[i]!);
    assert.deepEqual(
      received.map((r) => r.body).sort(),
      [...go.values()].sort(),
      `sink ${i}: bodies byte-equal to Go`,
    );
  }
  assert.ok(receivers[0]!.requests.some((r) => r.body.includes('EventTime:') && / \+0800 CST\\n/.test(r.body)), 'times in Asia/Shanghai');
  assert.ok(receivers[1]!.requests.some((r) => r.body.includes('EventMessage:Back-off restarting failed container web in pod web-0","mentioned_list"')), 'quotes stripped from the message');
});

test('a ConfigMap change reaches the running daemon; a broken one keeps the last good template', async () => {
  const sink = 'webhook#2';
  const receiver = receivers[1]!;
  const newTemplate = '{"msgtype": "markdown","markdown": {"content": "**{{ .Reason }}** {{ .InvolvedObject.Name }} at {{ .LastTimestamp.Format "15:04:05" }}"}}';
  putConfigMap('custom-webhook-body1', newTemplate);
  await eventually('template reloaded', async () => (await metric('eventer_webhook_template_reloads_total', sink)) === 1);
  let before = receiver.requests.length;
  const first = warning('BackOff', 'after reload');
  await receiver.waitForRequests(before + 1);
  assert.equal(receiver.requests[before]!.body, (await goBodies(newTemplate, [first])).get(first.metadata.name!));

  putConfigMap('custom-webhook-body1', '{"msgtype": "text", "text": {"content": "{{ .Reason "}}');
  await eventually('reload error counted', async () => (await metric('eventer_webhook_template_reload_errors_total', sink)) === 1);
  assert.match(daemon.output().stderr, /keeping the last good template/);
  assert.match(daemon.output().stderr, /ConfigMap team\/custom-webhook-body1 key \\"content\\": template: body:1: unterminated quoted string/);
  before = receiver.requests.length;
  const second = warning('BackOff', 'after a broken update');
  await receiver.waitForRequests(before + 1);
  assert.equal(receiver.requests[before]!.body, (await goBodies(newTemplate, [second])).get(second.metadata.name!));
  assert.ok(!daemon.output().stderr.includes(KEY), 'the robot key never appears in the logs');
});
