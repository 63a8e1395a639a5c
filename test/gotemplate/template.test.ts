import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeEvent } from '../../src/event/types.js';
import { localFromEnv, parseKubeTime, setLocalLocation } from '../../src/gotime/index.js';
import { eventToGoValue, extraFuncs, kubeEventerTemplateData, parseTemplate, TemplateError } from '../../src/gotemplate/index.js';

setLocalLocation(localFromEnv({ TZ: 'Asia/Shanghai' }));
const NOW = parseKubeTime('2026-11-25T10:00:00.123456789Z')!;

const event: KubeEvent = {
  metadata: { name: 'demo.1', namespace: 'default', labels: { app: 'demo' } },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'demo' },
  reason: 'OOMKilled',
  message: 'pod "demo" OOMKilled',
  type: 'Warning',
  count: 2,
};

test('kube-eventer data: quotes stripped from Message, LastTimestamp falls back to now', () => {
  const out = parseTemplate('body', '{{ .Message }}|{{ .LastTimestamp }}').execute(kubeEventerTemplateData(event, NOW));
  assert.equal(out, 'pod demo OOMKilled|2026-11-25 18:00:00.123456789 +0800 CST');
  const raw = parseTemplate('body', '{{ .Message }}|{{ .LastTimestamp }}').execute(eventToGoValue(event));
  assert.equal(raw, 'pod "demo" OOMKilled|0001-01-01 00:00:00 +0000 UTC');
});

test('parse errors and execution errors are TemplateErrors with Go text', () => {
  assert.throws(() => parseTemplate('body', '{{ .Type }'), (e: unknown) => e instanceof TemplateError && e.message === 'template: body:1: unexpected "}" in operand');
  const t = parseTemplate('body', 'x\n  {{ .Nope }}');
  assert.throws(
    () => t.execute(eventToGoValue(event)),
    (e: unknown) => e instanceof TemplateError && e.message === 'template: body:2:5: executing "body" at <.Nope>: can\'t evaluate field Nope in type *v1.Event',
  );
});

test('extra functions are opt-in', () => {
  assert.throws(() => parseTemplate('body', '{{ json . }}'), /function "json" not defined/);
  const t = parseTemplate(
    'body',
    '{{ .Action | default "none" }}|{{ .Reason | default "none" }}|{{ trunc 3 .Reason }}|{{ trunc -3 .Reason }}|{{ upper .Type }}|{{ jsonEscape .Message }}|{{ json .Labels }}',
    extraFuncs,
  );
  assert.equal(t.execute(eventToGoValue(event)), 'none|OOMKilled|OOM|led|WARNING|pod \\"demo\\" OOMKilled|{"app":"demo"}');
});

test('render limits: a step budget and an output cap stop hostile templates with a clear error', () => {
  const data = eventToGoValue(event);
  const limits = { maxSteps: 1000, maxOutputBytes: 100 };
  const run = (text: string) => parseTemplate('body', text, {}, limits).execute(data);
  assert.throws(() => run('{{range 10000000000}}{{end}}'), (e: unknown) => e instanceof TemplateError && e.message === 'template: body:1:21: executing "body" at <>: execution exceeds the limit of 1000 steps');
  assert.throws(() => run('{{range 200}}x{{end}}'), (e: unknown) => e instanceof TemplateError && e.message === 'template: body:1:13: executing "body" at <x>: output exceeds the limit of 100 bytes');
  assert.equal(run('{{range 100}}x{{end}}'), 'x'.repeat(100));
  assert.throws(() => run('{{range 51}}ü{{end}}'), /output exceeds the limit of 100 bytes/, 'bytes, not characters');
  assert.throws(() => run('{{$x := "ab"}}{{range 10}}{{$x = printf "%s%s" $x $x}}{{end}}'), /at <printf "%s%s" \$x \$x>: printf returns a string over the output limit of 100 bytes/);
  assert.throws(() => parseTemplate('body', '{{define "a"}}{{template "a" .}}{{end}}{{template "a" .}}').execute(data), (e: unknown) => e instanceof TemplateError && e.message === 'template: body:1:25: executing "a" at <{{template "a" .}}>: exceeded maximum template depth (100000)');
});
