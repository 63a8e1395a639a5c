// `kube-eventer render`: run as a process (so TZ is read as the daemon reads it); prints exactly
// the webhook body Go's kube-eventer would send, with the documented exit codes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { podEvent } from './helpers/events.js';
import { renderWithGo } from './fixtures/go-template-oracle/webhook.js';

const RENDER = resolve(import.meta.dirname, '../src/render.ts');
const UPSTREAM = fileURLToPath(new URL('./fixtures/upstream-templates', import.meta.url));
let dir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function render(args: string[], env: Record<string, string> = { TZ: 'Asia/Shanghai' }, stdin = ''): Promise<Run> {
  const code = `import { runRender } from ${JSON.stringify(RENDER)}; process.exitCode = await runRender(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, '--', ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end(stdin);
  return new Promise((done) => child.on('close', (exit) => done({ code: exit, stdout, stderr })));
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const event = podEvent({ message: 'pod "web-0" OOMKilled\nsee logs', reason: 'OOMKilling' });
const wechat = readFileSync(join(UPSTREAM, 'docs-wechat.tmpl'), 'utf8');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'render-test-'));
});

test('a raw template prints Go\'s bytes, no newline added, in the TZ zone', async () => {
  const go = await renderWithGo([{ id: 'x', template: wechat, event, now: '2024-01-01T00:00:00Z' }], 'Asia/Shanghai');
  const run = await render(['--template', file('wechat.tmpl', wechat), '--event', file('event.json', JSON.stringify(event))]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, go.get('x')!.output);
  assert.match(run.stdout, /EventTime:2024-03-05 14:07:09 \+0800 CST\\n/);
  assert.ok(!run.stdout.endsWith('\n'));
  const utc = await render(['-template=' + join(dir, 'wechat.tmpl'), '-event=' + join(dir, 'event.json')], { TZ: 'UTC' });
  assert.match(utc.stdout, /EventTime:2024-03-05 06:07:09 \+0000 UTC\\n/);
});

test('a ConfigMap manifest is read through its content key', async () => {
  const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: custom-webhook-body0
  namespace: team
data:
  content: >-
    {"msgtype": "text","text": {"content": "EventType:{{ .Type }}\\nEventReason:{{ .Reason }}"}}
`;
  const run = await render(['--template', file('cm.yaml', manifest), '--event', join(dir, 'event.json')]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '{"msgtype": "text","text": {"content": "EventType:Warning\\nEventReason:OOMKilling"}}');
  const asJson = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { content: '{{ .Type }}' } });
  const fromJson = await render(['--template', file('cm.json', asJson), '--event', join(dir, 'event.json')]);
  assert.equal(fromJson.stdout, 'Warning');
});

test('--body-mode json gives valid JSON for a message kube-eventer would break', async () => {
  const raw = await render(['--template', join(dir, 'wechat.tmpl'), '--event', join(dir, 'event.json')]);
  assert.throws(() => JSON.parse(raw.stdout));
  const json = await render(['--template', join(dir, 'wechat.tmpl'), '--event', join(dir, 'event.json'), '--body-mode', 'json']);
  assert.equal(json.code, 0, json.stderr);
  assert.match((JSON.parse(json.stdout) as { text: { content: string } }).text.content, /EventMessage:pod "web-0" OOMKilled\nsee logs$/);
});

test('--event - reads the event from stdin', async () => {
  const run = await render(['--template', file('reason.tmpl', '{{ .Reason }}/{{ .InvolvedObject.Name }}'), '--event', '-'], undefined, JSON.stringify(event));
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'OOMKilling/web-0');
});

test('template errors exit 1 with Go\'s text', async () => {
  const parse = await render(['--template', file('broken.tmpl', '{\n"a": "{{ .Reason }"\n}'), '--event', join(dir, 'event.json')]);
  assert.equal(parse.code, 1);
  assert.equal(parse.stdout, '');
  assert.equal(parse.stderr, 'template: body:2: unexpected "}" in operand\n');
  const exec = await render(['--template', file('nofield.tmpl', '{{ .Nope }}'), '--event', join(dir, 'event.json')]);
  assert.equal(exec.code, 1);
  assert.equal(exec.stderr, 'template: body:1:3: executing "body" at <.Nope>: can\'t evaluate field Nope in type *v1.Event\n');
});

test('usage and input errors exit 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /--template FILE is required/],
    [['--template', join(dir, 'wechat.tmpl')], /--event FILE is required/],
    [['--template', join(dir, 'wechat.tmpl'), '--event', join(dir, 'event.json'), '--body-mode', 'yaml'], /--body-mode "yaml" must be raw or json/],
    [['--template', join(dir, 'wechat.tmpl'), '--event', join(dir, 'event.json'), '--max-body-bytes', '1MiB'], /--max-body-bytes "1MiB" must be a number of bytes from 1 to 67108864 \(default 1048576\)/],
    [['--template', join(dir, 'wechat.tmpl'), '--event', join(dir, 'event.json'), '--colour'], /flag provided but not defined: -colour/],
    [['--template'], /flag needs an argument: -template/],
    [['--template', join(dir, 'missing.tmpl'), '--event', join(dir, 'event.json')], /cannot read .*missing\.tmpl: ENOENT/],
    [['--template', file('nocontent.yaml', 'kind: ConfigMap\nmetadata: {name: x}\ndata: {other: y}\n'), '--event', join(dir, 'event.json')], /ConfigMap x has no data\.content string/],
    [['--template', join(dir, 'wechat.tmpl'), '--event', file('list.json', JSON.stringify({ kind: 'EventList', items: [event, event] }))], /holds a list of 2 events; give one Event/],
    [['--template', join(dir, 'wechat.tmpl'), '--event', file('bad.json', '{not json')], /not JSON/],
    [['--template', join(dir, 'wechat.tmpl'), 'extra'], /unexpected argument "extra"/],
  ];
  for (const [args, message] of cases) {
    const run = await render(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.match(run.stderr, /Usage: kube-eventer render/);
  }
});

test('-h prints the usage and exits 0', async () => {
  const run = await render(['-h']);
  assert.equal(run.code, 0);
  assert.match(run.stderr, /^Usage: kube-eventer render --template FILE --event FILE/);
});
