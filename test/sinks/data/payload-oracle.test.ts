// The data sinks' JSON payloads against real Go: encoding/json of a core/v1 Event decoded with
// k8s.io/api v0.17.16 (kube-eventer's), compact and indented, and the elasticsearch document struct.
// The oracle (go-oracle/) is built once per source hash under .cache/.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventJson, eventJsonIndent } from '../../../src/event/event-json.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeDocument } from '../../../src/sinks/elasticsearch/encoder.js';
import { streamEvent } from './helpers.js';

const SOURCE_DIR = fileURLToPath(new URL('./go-oracle/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function buildOracle(): string {
  const hash = createHash('sha256');
  for (const f of ['main.go', 'go.mod', 'go.sum']) hash.update(readFileSync(join(SOURCE_DIR, f)));
  const binary = join(REPO_ROOT, '.cache', 'data-sink-oracle', `oracle-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(binary)) {
    mkdirSync(join(REPO_ROOT, '.cache', 'data-sink-oracle'), { recursive: true });
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: SOURCE_DIR, env: { ...process.env, GOFLAGS: '-mod=mod', PATH: `${process.env.PATH}:/usr/local/go/bin` }, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return binary;
}

function runOracle(events: readonly KubeEvent[]): Promise<Array<{ compact: string; indent: string; es: string }>> {
  const binary = buildOracle();
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, TZ: 'Asia/Shanghai' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { compact: string; indent: string; es: string })) : reject(new Error(`oracle exited ${code}`))));
    child.stdin.end(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  });
}

/** Events using every field of core/v1 Event and ObjectMeta, and text Go escapes. */
const EDGE: KubeEvent[] = [
  {
    metadata: {
      name: 'web.1',
      generateName: 'web-',
      namespace: 'default',
      selfLink: '/api/v1/namespaces/default/events/web.1',
      uid: 'u-1',
      resourceVersion: '77',
      generation: 3,
      creationTimestamp: '2026-03-01T10:00:00Z',
      deletionTimestamp: '2026-03-01T11:00:00Z',
      deletionGracePeriodSeconds: 30,
      labels: { 'app.kubernetes.io/name': 'web', '10': 'ten', '2': 'two', B: 'upper', a: 'lower' },
      annotations: { 'note/<x>': 'a & b' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-1', controller: true, blockOwnerDeletion: false }, { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'p-1' }],
      finalizers: ['a/b'],
      managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-03-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:message': {}, 'f:count': {} } }],
    },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'p-1', apiVersion: 'v1', resourceVersion: '5', fieldPath: 'spec.containers{web}' },
    reason: 'Unhealthy',
    message: 'tab\tnl\ncr\r quote" back\\ <script>&amp; \u2028\u2029 \u0001 😀 é',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-03-01T09:00:00Z',
    lastTimestamp: '2026-03-01T10:00:00Z',
    count: 12,
    type: 'Warning',
    eventTime: '2026-03-01T10:00:00.000001Z',
    series: { count: 4, lastObservedTime: '2026-03-01T10:00:01.500000Z' },
    action: 'Killing',
    related: { kind: 'Node', name: 'node-1' },
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  },
  { metadata: {}, involvedObject: {} },
  { metadata: { namespace: 'x' }, involvedObject: { kind: 'Node' }, eventTime: '2026-03-01T10:00:00.123456Z', series: { count: 2 } },
];

test('Event JSON (compact and indented) and the elasticsearch document equal real Go for 1,000 stream events and edge cases', async () => {
  const events = [...EDGE, ...Array.from({ length: 1000 }, (_, i) => streamEvent(i))];
  const expected = await runOracle(events);
  assert.equal(expected.length, events.length);
  events.forEach((e, i) => {
    assert.equal(eventJson(e), expected[i]!.compact, `compact #${i}`);
    assert.equal(eventJsonIndent(e), expected[i]!.indent, `indent #${i}`);
    // Without lastTimestamp and eventTime the event time is "now": the oracle leaves that one out.
    if (!e.lastTimestamp && !e.eventTime) return;
    assert.equal(encodeDocument(e, { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false }), expected[i]!.es, `es #${i}`);
  });
});
