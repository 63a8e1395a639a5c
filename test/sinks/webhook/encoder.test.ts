// The webhook encoder is byte-equal to kube-eventer: every template its docs publish, over awkward
// events, rendered here and by real Go text/template (the oracle) in kube-eventer's image zone.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeEvent } from '../../../src/event/types.js';
import { loadLocation, parseKubeTime, setLocalLocation } from '../../../src/gotime/index.js';
import { bodyBytes, compileWebhookTemplate, DEFAULT_BODY_TEMPLATE, jsonStringContent } from '../../../src/sinks/webhook/encoder.js';
import { podEvent } from '../../helpers/events.js';
import { renderWithGo, type OracleCase } from '../../fixtures/go-template-oracle/webhook.js';

const ZONE = 'Asia/Shanghai';
const NOW = '2024-03-05T06:08:00.123456789Z';
const UPSTREAM = fileURLToPath(new URL('../../fixtures/upstream-templates', import.meta.url));

const upstream: Record<string, string> = Object.fromEntries(
  readdirSync(UPSTREAM)
    .filter((f) => f.endsWith('.tmpl'))
    .map((f) => [f.replace(/\.tmpl$/, ''), readFileSync(join(UPSTREAM, f), 'utf8')]),
);

/** The template from the kube-eventer issue this project's users run (WeChat Work robot). */
const WECHAT_ISSUE_TEMPLATE =
  '{"msgtype": "text","text": {"content": "Cluster:name\\nEventType:{{ .Type }}\\nEventNamespace:{{ .InvolvedObject.Namespace }}\\nEventKind:{{ .InvolvedObject.Kind }}\\nEventObject:{{ .InvolvedObject.Name }}\\nEventReason:{{ .Reason }}\\nEventTime:{{ .LastTimestamp }}\\nEventMessage:{{ .Message }}","mentioned_list":["wangqing","@all"]}}';

const templates: Record<string, string> = {
  ...upstream,
  'wechat-issue': WECHAT_ISSUE_TEMPLATE,
  formatted: '{{ .LastTimestamp.Format "2006-01-02 15:04:05" }} {{ .FirstTimestamp.Unix }} {{ printf "%q" .Message }} {{ .Count }} {{ .Source.Host }}',
  fields: '{{ .InvolvedObject }}|{{ .Series }}|{{ .Name }}/{{ .Namespace }}|{{ .EventTime }}|{{ len .Message }}',
  control: '{{ if eq .Type "Warning" }}W{{ else }}N{{ end }}-{{ range $k, $v := .Labels }}{{ $k }}={{ $v }};{{ end }}{{ with .Series }}{{ .Count }}{{ else }}-{{ end }}',
  /** Go refuses to range over a string: the error text must match too. */
  'range-string-error': '{{ range $i, $c := .Message }}{{ $c }}{{ end }}',
};

const events: Record<string, KubeEvent> = {
  backoff: podEvent({ metadata: { name: 'web-0.17a1', namespace: 'team', labels: { app: 'web', tier: 'front' }, annotations: { note: 'x' } } }),
  quoted: podEvent({ reason: 'OOMKilling', message: 'pod "demo-1rare3" OOMKilled: memory "limit" <512Mi> & more' }),
  awkward: podEvent({ message: 'line1\nline2\ttab back\\slash 中文 \u2028 end', reason: 'Failed' }),
  eventTimeOnly: podEvent({ lastTimestamp: null, firstTimestamp: null, eventTime: '2024-03-05T06:07:09.123456Z', series: { count: 4, lastObservedTime: '2024-03-05T06:07:10.500000Z' } }),
  noTimes: podEvent({ lastTimestamp: null, firstTimestamp: null, eventTime: null, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned team/web-0 to node-1' }),
  node: podEvent({ kind: 'Node', namespace: 'default', involvedObject: { kind: 'Node', name: 'node-1', uid: 'node-1' }, reason: 'NodeNotReady', message: 'Node node-1 status is now: NodeNotReady' }),
  empty: { metadata: { name: 'e', namespace: 'default' }, involvedObject: {}, lastTimestamp: '2024-12-31T23:59:59Z' },
};

before(() => {
  const zone = loadLocation(ZONE);
  assert.ok(zone, `zone ${ZONE} must load`);
  setLocalLocation(zone);
});

test('kube-eventer\'s default body is the upstream default template', () => {
  assert.equal(DEFAULT_BODY_TEMPLATE, upstream['kube-eventer-default']);
});

test('raw mode renders every upstream template byte-for-byte as Go does', async () => {
  const cases: OracleCase[] = [];
  for (const [t, template] of Object.entries(templates)) {
    for (const [e, event] of Object.entries(events)) cases.push({ id: `${t}/${e}`, template, event, now: NOW });
  }
  const go = await renderWithGo(cases, ZONE);
  const now = parseKubeTime(NOW)!;
  let compared = 0;
  for (const c of cases) {
    const expected = go.get(c.id);
    assert.ok(expected, `oracle answered ${c.id}`);
    const encoder = compileWebhookTemplate(c.template, { source: 'body', bodyMode: 'raw' });
    let actual: { output?: string; error?: string };
    try {
      actual = { output: encoder.render(c.event, now) };
    } catch (err) {
      actual = { error: (err as Error).message };
    }
    assert.deepEqual(actual, expected, c.id);
    compared++;
  }
  assert.equal(compared, Object.keys(templates).length * Object.keys(events).length);
});

test('a template is parsed once and renders many events', () => {
  const encoder = compileWebhookTemplate(upstream['docs-wechat']!, { source: 'body', bodyMode: 'raw' });
  const a = encoder.render(podEvent({ reason: 'A' }));
  const b = encoder.render(podEvent({ reason: 'B' }));
  assert.match(a, /EventReason:A\\n/);
  assert.match(b, /EventReason:B\\n/);
});

test('json mode: every JSON-shaped upstream template yields valid JSON whatever the message holds', () => {
  let checked = 0;
  const nasty = podEvent({ message: 'say "hi"\n\tC:\\dir\\ \u0000\u001f ok 中文 \u2028', reason: 'Back"Off', involvedObject: { kind: 'Pod', name: 'we\\ird"name', namespace: 'team' } });
  for (const [name, template] of Object.entries(templates)) {
    let rawIsJson = true;
    try {
      JSON.parse(compileWebhookTemplate(template, { source: name, bodyMode: 'raw' }).render(podEvent()));
    } catch {
      rawIsJson = false;
    }
    if (!rawIsJson) continue;
    const body = compileWebhookTemplate(template, { source: name, bodyMode: 'json' }).render(nasty);
    assert.doesNotThrow(() => JSON.parse(body), `${name}: ${body}`);
    checked++;
  }
  assert.ok(checked >= 8, `${checked} JSON-shaped templates checked`);
  const wechat = JSON.parse(compileWebhookTemplate(upstream['docs-wechat']!, { source: 'w', bodyMode: 'json' }).render(nasty)) as { text: { content: string } };
  assert.ok(wechat.text.content.endsWith('EventMessage:say "hi"\n\tC:\\dir\\ \u0000\u001f ok 中文 \u2028'), JSON.stringify(wechat.text.content));
  assert.match(wechat.text.content, /EventReason:Back"Off\n/);
});

test('json mode leaves an event without special characters exactly as raw mode', () => {
  for (const [name, template] of Object.entries(upstream)) {
    const event = podEvent();
    const now = parseKubeTime(NOW)!;
    assert.equal(
      compileWebhookTemplate(template, { source: name, bodyMode: 'json' }).render(event, now),
      compileWebhookTemplate(template, { source: name, bodyMode: 'raw' }).render(event, now),
      name,
    );
  }
});

test('jsonStringContent escapes as Go does, quotes as \\u0022', () => {
  assert.equal(jsonStringContent('a"b\\c\nd\te\r\b\f\u0001\u2028<&>'), 'a\\u0022b\\\\c\\nd\\te\\r\\b\\f\\u0001\\u2028\\u003c\\u0026\\u003e');
  assert.equal(jsonStringContent('\\"'), '\\\\\\u0022');
  assert.equal(JSON.parse(`"${jsonStringContent('x"y\\z\n')}"`), 'x"y\\z\n');
});

test('extra functions are available to templates', () => {
  const encoder = compileWebhookTemplate('{{ json .Message }} {{ .Reason | upper }} {{ .Reason | lower }} {{ quote .Type }} {{ .Action | default "none" }} {{ .Message | trunc 4 }}', { source: 'f', bodyMode: 'raw' });
  assert.equal(encoder.render(podEvent({ message: 'a\nb"c' })), '"a\\nbc" BACKOFF backoff "Warning" none a\nbc');
});

test('a template that cuts a character or writes "\\xff" sends those bytes, as Go does (not U+FFFD)', () => {
  const encoder = compileWebhookTemplate('{{ slice .Message 0 3 }}|{{ "\\xff" }}|{{ len (slice .Message 0 3) }}|{{ print "\\xe4" "\\xb8\\xad" }}', { source: 'test', bodyMode: 'raw' });
  const body = bodyBytes(encoder.render(podEvent({ message: 'a中文' })));
  assert.deepEqual(body, Buffer.from([0x61, 0xe4, 0xb8, 0x7c, 0xff, 0x7c, 0x33, 0x7c, 0xe4, 0xb8, 0xad]));
  assert.equal(bodyBytes('plain 中文'), 'plain 中文');
});
