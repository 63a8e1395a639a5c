// The data sinks' JSON payloads against real Go (test/fixtures/event-json-oracle): encoding/json of a
// core/v1 Event decoded with k8s.io/api v0.17.16 (kube-eventer's), compact and indented, and the
// elasticsearch document struct.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventJson, eventJsonIndent } from '../../../src/event/event-json.js';
import { lastTimestamp } from '../../../src/event/last-timestamp.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { parseKubeTime } from '../../../src/gotime/index.js';
import { encodeDocument } from '../../../src/sinks/elasticsearch/encoder.js';
import { goEventForms } from '../../fixtures/event-json-oracle/oracle.js';
import { streamEvent } from './helpers.js';

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

/** The event time of events with neither lastTimestamp nor eventTime. */
const NOW = '2026-03-01T12:00:00.123456789Z';

test('Event JSON (compact and indented) and the elasticsearch document equal real Go for 1,000 stream events and edge cases', async () => {
  const events = [...EDGE, ...Array.from({ length: 1000 }, (_, i) => streamEvent(i))];
  const expected = await goEventForms(events, { now: NOW });
  assert.equal(expected.length, events.length);
  events.forEach((e, i) => {
    assert.equal(expected[i]!.error, undefined, `event ${i}: ${expected[i]!.error}`);
    assert.equal(eventJson(e), expected[i]!.compact, `compact #${i}`);
    assert.equal(eventJsonIndent(e), expected[i]!.indent, `indent #${i}`);
    const last = lastTimestamp(e, () => parseKubeTime(NOW)!);
    assert.equal(encodeDocument(e, { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false }, last), expected[i]!.es, `es #${i}`);
  });
});
