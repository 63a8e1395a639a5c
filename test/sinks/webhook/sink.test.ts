// The webhook sink end to end within the process: a real local HTTP endpoint, a ConfigMap reader
// driven by hand. Requests, per-event outcomes, bounded concurrency, startup errors, hot reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri } from '../../../src/base/uri.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { KubeApiError } from '../../../src/kube/api.js';
import type { Outcome } from '../../../src/pipeline/outcome.js';
import { Registry } from 'prom-client';
import { Lane } from '../../../src/pipeline/lane.js';
import { laneSettingsFor } from '../../../src/pipeline/lane-options.js';
import { PipelineMetrics } from '../../../src/pipeline/metrics.js';
import type { BuiltSink } from '../../../src/pipeline/sink.js';
import type { ConfigMapReader } from '../../../src/sinks/context.js';
import { buildSink } from '../../../src/sinks/registry.js';
import { createWebhookSink } from '../../../src/sinks/webhook/sink.js';
import { startHttpReceiver, type HttpReceiver, type Reply } from '../../fixtures/http-receiver/server.js';
import { eventually } from '../../helpers/eventually.js';
import { podEvent } from '../../helpers/events.js';
import { captureLog } from '../../helpers/log.js';
import { FakeConfigMaps, sinkContext } from './helpers.js';

let receiver: HttpReceiver;
const built: BuiltSink[] = [];

before(async () => {
  receiver = await startHttpReceiver();
});

after(async () => {
  for (const b of built) await b.sink.close();
  await receiver.close();
});

async function build(query: string, kube?: ConfigMapReader, log = captureLog()) {
  const ctx = sinkContext(log.log, kube);
  const sink = await buildSink(parseUri(`webhook:${receiver.url}${query}`, '--sink', {}), ctx);
  built.push(sink);
  return { ...sink, ctx, log };
}

function fresh(): number {
  receiver.respond(() => ({ status: 200 }));
  return receiver.requests.length;
}

/** The webhook sink answers per event. */
async function send(b: BuiltSink, events: readonly KubeEvent[], signal = new AbortController().signal): Promise<readonly Outcome[]> {
  const outcomes = await b.sink.send(events, signal);
  assert.ok(Array.isArray(outcomes), 'one outcome per event');
  return outcomes as readonly Outcome[];
}

test('one request per event: default GET with kube-eventer\'s default body, endpoint query kept, our options dropped', async () => {
  const b = await build('/cgi-bin/webhook/send?key=xxxxxxx&level=Warning&kinds=Pod&queue_size=50');
  assert.equal(b.sink.name, 'webHook');
  const start = fresh();
  const events = [podEvent({ message: 'pod "web-0" OOMKilled' }), podEvent({ reason: 'Failed', message: 'second' })];
  const outcomes = await send(b, events);
  assert.deepEqual(outcomes, [{ status: 'ok' }, { status: 'ok' }]);
  const got = receiver.requests.slice(start);
  assert.equal(got.length, 2);
  for (const r of got) {
    assert.equal(r.method, 'GET');
    assert.equal(r.target, '/cgi-bin/webhook/send?key=xxxxxxx');
    assert.equal(r.headers['content-type'], undefined, 'kube-eventer sends no default Content-Type');
  }
  const bodies = got.map((r) => r.body).sort();
  assert.ok(bodies.some((body) => body.includes('"EventMessage": "pod web-0 OOMKilled"')), bodies.join('\n'));
  assert.ok(bodies.every((body) => body.startsWith('\n{\n\t"EventType": "Warning",\n\t"EventKind": "Pod",\n')));
});

test('the filter from src/filter decides which events enter the lane', async () => {
  const b = await build('/x?level=Warning&namespaces=team&reason=[^Unhealthy]');
  assert.ok(b.accepts);
  assert.equal(b.accepts(podEvent({ reason: 'BackOff' })), true);
  assert.equal(b.accepts(podEvent({ reason: 'Unhealthy' })), false, '[^Unhealthy] needs a character outside the set');
  assert.equal(b.accepts(podEvent({ type: 'Normal' })), false);
  assert.equal(b.accepts(podEvent({ namespace: 'other' })), false);
  const all = await build('/x');
  assert.equal(all.accepts, undefined);
});

test('method, headers (values with =) and the body arrive as configured', async () => {
  const b = await build('/hook?method=POST&header=Content-Type=application/json&header=Authorization=Basic%20dXNlcjpwYXNz%3D&header=X-Sig=a=b');
  const start = fresh();
  assert.deepEqual(await send(b, [podEvent()]), [{ status: 'ok' }]);
  const r = receiver.requests[start]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.target, '/hook');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.headers.authorization, 'Basic dXNlcjpwYXNz=');
  assert.equal(r.headers['x-sig'], 'a=b');
});

test('outcomes are per event: a 500 for one event is retried, a 400 rejected, the rest delivered', async () => {
  const b = await build('/hook?method=POST');
  const start = fresh();
  receiver.respond((req): Reply => {
    if (req.body.includes('"EventReason": "Boom"')) return { status: 503, headers: { 'retry-after': '3' } };
    if (req.body.includes('"EventReason": "Bad"')) return { status: 400, body: 'no' };
    return { status: 204 };
  });
  const outcomes = await send(b, [podEvent({ reason: 'Fine' }), podEvent({ reason: 'Boom' }), podEvent({ reason: 'Bad' }), podEvent({ reason: 'Fine2' })]);
  assert.equal(receiver.requests.length - start, 4);
  assert.deepEqual(outcomes[0], { status: 'ok' });
  assert.equal(outcomes[1]!.status, 'retry');
  assert.equal((outcomes[1] as { retryAfterMs?: number }).retryAfterMs, 3000);
  assert.equal(outcomes[2]!.status, 'reject');
  assert.deepEqual(outcomes[3], { status: 'ok' });
});

test('a render error rejects only that event, with Go\'s error text; the others are sent', async () => {
  const kube = new FakeConfigMaps();
  kube.set('team', 'series', { content: '{"count": {{ .Series.Count }}}' });
  const b = await build('/hook?custom_body_configmap=series&custom_body_configmap_namespace=team', kube);
  const start = fresh();
  const outcomes = await send(b, [podEvent({ series: { count: 5, lastObservedTime: '2024-03-05T06:07:09.000000Z' } }), podEvent({ series: null })]);
  assert.deepEqual(outcomes[0], { status: 'ok' });
  assert.equal(outcomes[1]!.status, 'reject');
  assert.match((outcomes[1] as { reason: string }).reason, /^ConfigMap team\/series: template: body:1:\d+: executing "body" at <\.Series\.Count>: nil pointer evaluating \*v1\.EventSeries\.Count$/);
  assert.deepEqual(receiver.requests.slice(start).map((r) => r.body), ['{"count": 5}']);
});

test('without pipelining, requests in flight stay within max_in_flight and every event is answered', async () => {
  const b = await build('/slow?max_in_flight=3&pipeline=1');
  const start = fresh();
  let held: Array<() => void> = [];
  let maxHeld = 0;
  receiver.respond(
    () =>
      new Promise<Reply>((resolve) => {
        held.push(() => resolve({ status: 200 }));
        maxHeld = Math.max(maxHeld, held.length);
        if (held.length === 3) {
          const release = held;
          held = [];
          setImmediate(() => release.forEach((r) => r()));
        }
      }),
  );
  // Events about 12 different objects: nothing orders them, so 3 go at once.
  const events = Array.from({ length: 12 }, (_, i) => podEvent({ reason: `R${i}`, involvedObject: { kind: 'Pod', namespace: 'team', name: `web-${i}`, uid: `pod-${i}` } }));
  const outcomes = await send(b, events);
  assert.ok(outcomes.every((o) => o.status === 'ok'));
  assert.equal(receiver.requests.length - start, 12);
  assert.equal(maxHeld, 3);
});

for (const [pipeline, how] of [
  ['1', 'one request at a time per object'],
  ['16', 'pipelined on its connection'],
] as const) {
  test(`events of one involved object arrive in order, beside other objects (pipeline=${pipeline}: ${how})`, async () => {
    const b = await build(`/ordered?max_in_flight=4&pipeline=${pipeline}`);
    const start = fresh();
    const connectionsBefore = receiver.connectionsAccepted;
    const inFlight = new Map<string, number>();
    let overlapped = false;
    receiver.respond(async (request) => {
      const pod = /pod (web-\d)/.exec(request.body)![1]!;
      inFlight.set(pod, (inFlight.get(pod) ?? 0) + 1);
      if (inFlight.get(pod)! > 1) overlapped = true;
      // Answered on a later turn, so the other requests of the batch are already on their way.
      await new Promise((resolve) => setImmediate(resolve));
      inFlight.set(pod, inFlight.get(pod)! - 1);
      return { status: 200 };
    });
    const events = Array.from({ length: 20 }, (_, i) =>
      podEvent({ message: `step ${i} of pod web-${i % 2}`, involvedObject: { kind: 'Pod', namespace: 'team', name: `web-${i % 2}`, uid: `pod-${i % 2}` } }),
    );
    // The first send learns how fast the endpoint answers; the second pipelines at full depth.
    for (const half of [events.slice(0, 10), events.slice(10)]) {
      const outcomes = await send(b, half);
      assert.ok(outcomes.every((o) => o.status === 'ok'));
    }
    const bodies = receiver.requests.slice(start).map((r) => r.body);
    assert.equal(bodies.length, 20);
    for (const pod of ['web-0', 'web-1']) {
      const steps = bodies.filter((body) => body.includes(`pod ${pod}`)).map((body) => Number(/step (\d+)/.exec(body)![1]));
      assert.deepEqual(steps, [...steps].sort((x, y) => x - y), `${pod} in order`);
      assert.equal(steps.length, 10);
    }
    assert.equal(overlapped, pipeline !== '1', pipeline === '1' ? 'one request at a time per object' : 'requests of one object pipelined');
    assert.ok(receiver.connectionsAccepted - connectionsBefore <= 4, 'at most max_in_flight connections');
  });
}

test('an aborted send (deadline or shutdown) reports retry for what was not delivered', async () => {
  const b = await build('/hang?max_in_flight=2');
  fresh();
  receiver.respond(() => ({ hang: true }));
  const outcomes = await send(b, [podEvent(), podEvent(), podEvent()], AbortSignal.timeout(150));
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['retry', 'retry', 'retry'],
  );
});

test('a slow endpoint under the default lane settings: every event delivered exactly once, no batch times out', async () => {
  // kube-eventer's defaults scaled down tenfold: a 100 ms endpoint against a 1 s timeout (10 s default).
  // 100 events queued behind 8 connections took 1.3 s, so a batch of 100 always hit the deadline.
  const query = '/slow-endpoint?timeout=1s';
  const b = await build(query);
  const start = fresh();
  receiver.respond(() => new Promise<Reply>((resolve) => setTimeout(() => resolve({ status: 200 }), 100)));
  const registry = new Registry();
  const settings = laneSettingsFor(parseUri(`webhook:${receiver.url}${query}`, '--sink', {}), b.tuning);
  const lane = new Lane('webhook#1', b, settings, new PipelineMetrics(registry), b.log.log);
  lane.start();
  for (let i = 0; i < 100; i++) {
    lane.offer({ change: 'ADDED', event: podEvent({ message: `event ${i}`, involvedObject: { kind: 'Pod', namespace: 'team', name: `web-${i}`, uid: `pod-${i}` } }), receivedAt: Date.now(), seq: i + 1 });
  }
  const drained = await lane.drain(60_000);
  assert.equal(drained.remaining, 0);
  const messages = receiver.requests.slice(start).map((r) => /event (\d+)/.exec(r.body)?.[1]);
  assert.equal(messages.length, 100, 'one request per event, none sent twice');
  assert.equal(new Set(messages).size, 100);
  assert.equal(lane.status().retried, 0);
});

test('response_check=wechat turns errcode 45009 into a retry', async () => {
  const b = await build('/cgi-bin/webhook/send?key=k&method=POST&response_check=wechat');
  receiver.respond(() => ({ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }));
  const [outcome] = await send(b, [podEvent()]);
  assert.equal(outcome!.status, 'retry');
  assert.equal((outcome as { retryAfterMs?: number }).retryAfterMs, 60_000);
});

test('one event whose text is over a robot\'s limit is sent cut to fit (the robot would refuse it whole); within it, as rendered', async () => {
  const kube = new FakeConfigMaps();
  kube.set('kube-system', 'wechat-body', { content: '{"msgtype": "text", "text": {"content": "{{ .Reason }}: {{ .Message }}"}}' });
  const b = await build('/cgi-bin/webhook/send?key=k&method=POST&body_mode=json&response_check=wechat&custom_body_configmap=wechat-body&custom_body_configmap_namespace=kube-system', kube);
  const start = fresh();
  receiver.respond(() => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }));
  assert.deepEqual(await send(b, [podEvent({ reason: 'FailedMount', message: '挂载失败'.repeat(300) })]), [{ status: 'ok' }]);
  const content = (JSON.parse(receiver.requests[start]!.body) as { text: { content: string } }).text.content;
  assert.ok(content.startsWith('FailedMount: 挂载失败') && content.endsWith('…') && Buffer.byteLength(content) <= 2048, content);
  await send(b, [podEvent({ reason: 'BackOff', message: 'short' })]);
  assert.equal(receiver.requests[start + 1]!.body, '{"msgtype": "text", "text": {"content": "BackOff: short"}}');
});

test('body_mode=json: newlines, tabs, backslashes and quotes still give valid JSON; Content-Type defaults to JSON', async () => {
  const b = await build('/json?method=POST&body_mode=json');
  const start = fresh();
  const message = 'line1\nline2\twith "quotes" and C:\\path \u0001';
  assert.deepEqual(await send(b, [podEvent({ message })]), [{ status: 'ok' }]);
  const r = receiver.requests[start]!;
  assert.equal(r.headers['content-type'], 'application/json');
  const parsed = JSON.parse(r.body) as Record<string, string>;
  assert.equal(parsed.EventMessage, message);
  const raw = await build('/raw?method=POST');
  const rawStart = fresh();
  await send(raw, [podEvent({ message })]);
  assert.throws(() => JSON.parse(receiver.requests[rawStart]!.body), SyntaxError, 'raw mode is kube-eventer byte for byte (invalid JSON here)');
});

test('startup: a missing ConfigMap is a ConfigError naming namespace and name', async () => {
  const kube = new FakeConfigMaps();
  await assert.rejects(build('/x?custom_body_configmap=absent&custom_body_configmap_namespace=team', kube), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /sink webhook: custom_body_configmap: ConfigMap team\/absent not found \(set missing_configmap=default/);
    return true;
  });
});

test('startup: a ConfigMap without the content key names the key and the keys it has', async () => {
  const kube = new FakeConfigMaps();
  kube.set('default', 'body', { template: 'x', other: 'y' });
  await assert.rejects(build('/x?custom_body_configmap=body', kube), /ConfigMap default\/body has no key "content" \(keys: other, template\)/);
});

test('startup: no Kubernetes client, or an API error, with missing_configmap=fail', async () => {
  await assert.rejects(build('/x?custom_body_configmap=body'), /ConfigMap default\/body cannot be read: the source has no Kubernetes client/);
  const kube = new FakeConfigMaps();
  kube.failGet = new Error('GET /api/v1/namespaces/default/configmaps/body: HTTP 403 Forbidden: configmaps "body" is forbidden');
  await assert.rejects(build('/x?custom_body_configmap=body', kube), /cannot be read: GET .*HTTP 403 Forbidden/);
});

test('startup: a ConfigMap read that fails for a passing reason (network, 5xx) is retried; a 403 is not', async () => {
  const kube = new FakeConfigMaps();
  kube.set('default', 'body', { content: 'reason={{ .Reason }}' });
  const failures = [
    new KubeApiError('GET', '/api/v1/namespaces/default/configmaps/body', 0, 'NetworkError', 'ECONNREFUSED: connect ECONNREFUSED 10.96.0.1:443'),
    new KubeApiError('GET', '/api/v1/namespaces/default/configmaps/body', 503, 'Service Unavailable', 'etcdserver: leader changed'),
  ];
  let reads = 0;
  const flaky: ConfigMapReader = {
    getConfigMap: (namespace, name) => (reads++ < failures.length ? Promise.reject(failures[reads - 1]!) : kube.getConfigMap(namespace, name)),
    watchConfigMap: (namespace, name, onChange, signal) => kube.watchConfigMap(namespace, name, onChange, signal),
  };
  const b = await build('/x?custom_body_configmap=body&method=POST', flaky);
  assert.equal(reads, 3);
  assert.equal(b.log.lines.filter((l) => l.msg === 'reading the webhook body ConfigMap failed; retrying').length, 2);
  const start = fresh();
  await send(b, [podEvent()]);
  assert.equal(receiver.requests[start]!.body, 'reason=BackOff');

  let forbiddenReads = 0;
  const forbidden: ConfigMapReader = {
    getConfigMap: () => (forbiddenReads++, Promise.reject(new KubeApiError('GET', '/api/v1/namespaces/default/configmaps/body', 403, 'Forbidden', 'configmaps "body" is forbidden'))),
    watchConfigMap: (namespace, name, onChange, signal) => kube.watchConfigMap(namespace, name, onChange, signal),
  };
  await assert.rejects(build('/x?custom_body_configmap=body', forbidden), /cannot be read: GET .*HTTP 403 Forbidden/);
  assert.equal(forbiddenReads, 1);
});

test('startup: a template that does not parse stops startup with the ConfigMap, key and Go\'s position', async () => {
  const kube = new FakeConfigMaps();
  kube.set('team', 'broken', { content: '{\n"a": "{{ .Type }}",\n"b": "{{ .Reason }"\n}' });
  for (const mode of ['fail', 'default']) {
    await assert.rejects(build(`/x?custom_body_configmap=broken&custom_body_configmap_namespace=team&missing_configmap=${mode}`, kube), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^sink webhook: ConfigMap team\/broken key "content": template: body:3: unexpected "}" in operand$/);
      return true;
    });
  }
});

test('missing_configmap=default keeps kube-eventer\'s fallback, logged, and picks the ConfigMap up when it appears', async () => {
  const kube = new FakeConfigMaps();
  const b = await build('/x?custom_body_configmap=later&missing_configmap=default&method=POST', kube);
  assert.ok(b.log.lines.some((l) => l.level === 40 && /using the default body/.test(String(l.msg)) && /ConfigMap default\/later not found/.test(String(l.problem))));
  let start = fresh();
  await send(b, [podEvent()]);
  assert.match(receiver.requests[start]!.body, /^\n\{\n\t"EventType": "Warning"/);
  await eventually('watch started', () => kube.watcherCount('default', 'later') === 1);
  kube.set('default', 'later', { content: 'reason={{ .Reason }}' });
  start = fresh();
  await eventually('template swapped', () => b.log.lines.some((l) => l.msg === 'webhook body template reloaded'));
  await send(b, [podEvent()]);
  assert.equal(receiver.requests[start]!.body, 'reason=BackOff');
});

test('hot reload: a good update swaps the template, a bad one keeps the last good one and is counted', async () => {
  const kube = new FakeConfigMaps();
  kube.set('team', 'body0', { content: 'v1 {{ .Reason }}' });
  const b = await build('/x?custom_body_configmap=body0&custom_body_configmap_namespace=team&method=POST', kube);
  const metric = async (name: string) => (await b.ctx.registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.sink === 'webhook#1')?.value ?? 0;
  const body = async () => {
    const start = fresh();
    await send(b, [podEvent()]);
    return receiver.requests[start]!.body;
  };
  assert.equal(await body(), 'v1 BackOff');
  await eventually('watch started', () => kube.watcherCount('team', 'body0') === 1);
  assert.equal(await metric('eventer_webhook_template_reloads_total'), 0, 'the first list finds what startup read');

  kube.set('team', 'body0', { content: 'v2 {{ .Type }}' });
  await eventually('reload counted', () => b.log.lines.filter((l) => l.msg === 'webhook body template reloaded').length === 1);
  assert.equal(await body(), 'v2 Warning');
  assert.equal(await metric('eventer_webhook_template_reloads_total'), 1);

  kube.set('team', 'body0', { content: 'v3 {{ .Type ' });
  await eventually('error logged', () => b.log.lines.some((l) => l.level === 50 && /keeping the last good template/.test(String(l.msg))));
  const problem = String(b.log.lines.find((l) => l.level === 50)!.problem);
  assert.match(problem, /ConfigMap team\/body0 key "content": template: body:1: unclosed action/);
  assert.equal(await body(), 'v2 Warning');
  assert.equal(await metric('eventer_webhook_template_reload_errors_total'), 1);

  kube.set('team', 'body0', { other: 'x' });
  kube.remove('team', 'body0');
  await eventually('two more errors', () => b.log.lines.filter((l) => l.level === 50).length === 3);
  assert.equal(await body(), 'v2 Warning');
  assert.equal(await metric('eventer_webhook_template_reload_errors_total'), 3);

  kube.set('team', 'body0', { content: 'v4' });
  await eventually('recovered', () => b.log.lines.filter((l) => l.msg === 'webhook body template reloaded').length === 2);
  assert.equal(await body(), 'v4');

  await b.sink.close();
  await eventually('watch stopped on close', () => kube.watcherCount('team', 'body0') === 0);
});

test('two webhook sinks share one registry without clashing metrics', async () => {
  const kube = new FakeConfigMaps();
  kube.set('default', 'a', { content: 'a' });
  const registryLog = captureLog({ sink: 'webhook#2' });
  const first = await build('/x?custom_body_configmap=a', kube);
  const ctx = sinkContext(registryLog.log, kube, first.ctx.registry);
  const second = await createWebhookSink(parseUri(`webhook:${receiver.url}/y?custom_body_configmap=a`, '--sink', {}), ctx);
  built.push(second);
  assert.ok(first.ctx.registry.getSingleMetric('eventer_webhook_template_reloads_total'));
});

test('robot endpoints are paced like the chat sinks and batched for merging; elsewhere a rate_limit sends one event per call, else a batch is max_in_flight × pipeline events', async () => {
  const { robotTuning } = await import('../../../src/sinks/chat/robot.js');
  const { ROBOTS } = await import('../../../src/sinks/chat/robots.js');
  const ctx = sinkContext(captureLog().log);
  const tuningOf = async (text: string) => {
    const b = await createWebhookSink(parseUri(text, '--sink', {}), ctx);
    built.push(b);
    return b.tuning;
  };
  assert.deepEqual(await tuningOf('webhook:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k'), robotTuning(ROBOTS.wechat, 8));
  assert.deepEqual(await tuningOf('webhook:https://oapi.dingtalk.com/robot/send?access_token=t'), robotTuning(ROBOTS.dingtalk, 8));
  assert.deepEqual(await tuningOf('webhook:https://open.feishu.cn/open-apis/bot/v2/hook/x'), robotTuning(ROBOTS.feishu, 8));
  assert.deepEqual(await tuningOf('webhook:https://hooks.slack.com/services/T/B/X?rate_limit=5'), robotTuning(ROBOTS.slack, 8));
  assert.deepEqual(await tuningOf(`webhook:${receiver.url}/x?rate_limit=5`), { maxBatch: 1 });
  assert.deepEqual(await tuningOf(`webhook:${receiver.url}/x`), { maxBatch: 8 * 16 });
  assert.deepEqual(await tuningOf(`webhook:${receiver.url}/x?max_in_flight=3`), { maxBatch: 3 * 16 });
  assert.deepEqual(await tuningOf(`webhook:${receiver.url}/x?max_in_flight=3&pipeline=1`), { maxBatch: 3 });
});

test('a robot endpoint with the built-in body (no custom_body_configmap) is warned about at startup', async () => {
  const warned = (b: { log: ReturnType<typeof captureLog> }) => b.log.lines.some((l) => /refuses kube-eventer's built-in body/.test(String(l.msg)));
  assert.ok(warned(await build('/cgi-bin/webhook/send?key=k&method=POST&response_check=wechat')));
  assert.ok(!warned(await build('/x?method=POST')));
  assert.ok(!warned(await build('/x?method=POST&response_check=status')));
  const kube = new FakeConfigMaps();
  kube.set('kube-system', 'wechat-body', { content: '{"msgtype": "text", "text": {"content": "{{ .Reason }}"}}' });
  assert.ok(!warned(await build('/cgi-bin/webhook/send?key=k&method=POST&response_check=wechat&custom_body_configmap=wechat-body&custom_body_configmap_namespace=kube-system', kube)));
});

test('parameters that look like misspelt options are warned about (and still forwarded)', async () => {
  const b = await build('/x?namespace=team&key=secretkeyvalue');
  const warning = b.log.lines.find((l) => /check their spelling/.test(String(l.msg)));
  assert.deepEqual(warning?.parameters, ['namespace']);
  const start = fresh();
  await send(b, [podEvent()]);
  assert.equal(receiver.requests[start]!.target, '/x?namespace=team&key=secretkeyvalue');
});

test('`kube-eventer render` and the sink agree: same body, same Go error text and template name ("body", as kube-eventer)', async () => {
  const { runRender } = await import('../../../src/render.js');
  const { PassThrough } = await import('node:stream');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'render-agrees-'));
  const event = podEvent({ series: { count: 4, lastObservedTime: '2024-03-05T06:07:09.000000Z' } });
  const eventFile = join(dir, 'event.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const templates: Array<[string, number?]> = [
    ['{{ .InvolvedObject.GroupVersionKind }} {{ .GetObjectMeta.GetName }} x{{ .Series.Count }} {{ .EventTime.BeforeTime .LastTimestamp }}'],
    ['{{ .Related.Name }}'],
    ['{{ .GetCreationTimestamp.IsZero }}'],
    ['{{ range 10000000000 }}{{ end }}'],
    ['{{ range 50 }}x{{ end }}', 50],
    ['{{ range 51 }}x{{ end }}', 50],
  ];
  for (const [i, [content, limit]] of templates.entries()) {
    const kube = new FakeConfigMaps();
    kube.set('team', `t${i}`, { content });
    const manifest = join(dir, `t${i}.yaml`);
    writeFileSync(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `t${i}`, namespace: 'team' }, data: { content } }));
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (c: Buffer) => (stdout += c.toString()));
    err.on('data', (c: Buffer) => (stderr += c.toString()));
    const limitFlag = limit === undefined ? [] : ['--max-body-bytes', String(limit)];
    const code = await runRender(['--template', manifest, '--event', eventFile, ...limitFlag], { stdout: out, stderr: err, stdin: new PassThrough() });

    const limitOption = limit === undefined ? '' : `&max_body_bytes=${limit}`;
    const b = await build(`/agree${i}?custom_body_configmap=t${i}&custom_body_configmap_namespace=team${limitOption}`, kube);
    const start = fresh();
    const [outcome] = await send(b, [event]);
    if (code === 0) {
      assert.deepEqual(outcome, { status: 'ok' }, content);
      assert.equal(receiver.requests[start]!.body, stdout, content);
    } else {
      assert.equal(code, 1, stderr);
      assert.equal(outcome!.status, 'reject', content);
      assert.match(stderr, /^template: body:/);
      assert.equal((outcome as { reason: string }).reason, `ConfigMap team/t${i}: ${stderr.trimEnd()}`, content);
    }
  }
});
