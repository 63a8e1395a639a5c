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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

test('Unmarshal changes this render\'s copy of the event only: not the watched event, not the next render', () => {
  const watched = deepFreeze<KubeEvent>({
    ...event,
    metadata: {
      name: 'demo.1',
      labels: { app: 'demo' },
      finalizers: ['f1'],
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1' }],
      managedFields: [{ manager: 'kubelet', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {} } }],
    },
    series: { count: 3, lastObservedTime: '2026-11-25T09:00:00.000001Z' },
  });
  const before = structuredClone(watched);
  // Merging the event's own bytes appends to every repeated field; then a label, a name and the series change.
  const template = parseTemplate(
    'body',
    '{{ .Unmarshal .Marshal }}{{ .ObjectMeta.Unmarshal (.LastTimestamp.AppendFormat nil "Z\\x07\\n\\x01k\\x12\\x02vv\\n\\x01x") }}{{ .Series.Unmarshal (.LastTimestamp.AppendFormat nil "\\x08\\x09") }}' +
      '{{ range .ManagedFields }}{{ .FieldsV1.Unmarshal (.FieldsV1.Raw) }}{{ end }}{{ .Name }} {{ .Labels }} {{ .Finalizers }} {{ len .OwnerReferences }} {{ len .ManagedFields }} {{ .Series.Count }}',
  );
  const first = template.execute(kubeEventerTemplateData(watched, NOW));
  assert.equal(first, '<nil><nil><nil>unexpected EOFunexpected EOFx map[app:demo k:vv] [f1 f1] 2 2 9');
  assert.equal(template.execute(kubeEventerTemplateData(watched, NOW)), first);
  assert.equal(parseTemplate('body', '{{ .Name }} {{ .Labels }} {{ .Finalizers }} {{ .Series.Count }}').execute(eventToGoValue(watched)), 'demo.1 map[app:demo] [f1] 3');
  assert.deepEqual(watched, before);
});

test('a time read from the clock (monotonic reading) compares as Go compares it, without throwing', () => {
  const data = kubeEventerTemplateData(event); // no timestamps: LastTimestamp is time.Now()
  const out = parseTemplate('body', '{{ eq .LastTimestamp .LastTimestamp }}|{{ eq .LastTimestamp (.LastTimestamp.Round 0) }}|{{ eq (.LastTimestamp.Round 0) (.LastTimestamp.Round 0) }}').execute(data);
  // Round(0) strips the monotonic reading, which Go's == sees.
  assert.equal(out, 'true|false|true');
});
