// The kafka and mysql sinks' payloads against real Go: the Go oracle (test/fixtures/event-json-oracle)
// decodes each Event into k8s.io/api v0.17.16 (kube-eventer's) and writes kube-eventer's forms with Go's
// encoding/json and time package. Byte-for-byte equality, under kube-eventer's image zone (Asia/Shanghai) and UTC.
process.env.TZ = 'Asia/Shanghai';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventJsonIndent } from '../../src/event/event-json.js';
import type { KubeEvent } from '../../src/event/types.js';
import { loadLocation, parseKubeTime, setLocalLocation } from '../../src/gotime/index.js';
import { encodeValue } from '../../src/sinks/kafka/encoder.js';
import { encodeRow } from '../../src/sinks/mysql/encoder.js';
import { goEventForms } from '../fixtures/event-json-oracle/oracle.js';
import { makeEvents } from './kafka/events.js';

const NOW = '2026-12-06T03:30:00.123456789Z';

const edgeCases: KubeEvent[] = [
  { metadata: {}, involvedObject: {} },
  {
    metadata: {
      name: 'x.1', generateName: 'x-', namespace: 'ns', selfLink: '/api/v1/x', uid: 'u', resourceVersion: '9', generation: 3,
      creationTimestamp: '2026-12-06T11:00:00+08:00', deletionTimestamp: '2026-12-06T04:00:00Z', deletionGracePeriodSeconds: 30,
      labels: { 'z/b': '1', a: '<2>' }, annotations: { 'kubernetes.io/x': 'y & z' }, finalizers: ['f1'],
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'o1', controller: true, blockOwnerDeletion: false }],
      managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-12-06T03:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {}, 'f:message': {} } }],
    },
    involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'pu', apiVersion: 'v1', resourceVersion: '1', fieldPath: 'spec.containers{a}' },
    reason: 'R', message: 'line1\nline2\t"q" \\ \u0001 \u2029 😀 <script>',
    source: { component: 'c', host: 'h' }, firstTimestamp: '2026-12-06T03:00:00Z', lastTimestamp: '2026-12-06T03:00:01Z', count: 7, type: 'Normal',
    eventTime: '2026-12-06T03:00:01.500000Z', series: { count: 2, lastObservedTime: '2026-12-06T03:00:02.000001Z' }, action: 'A',
    related: { kind: 'Node', name: 'n' }, reportingComponent: 'rc', reportingInstance: 'ri',
  },
  { metadata: { uid: 'only-now' }, involvedObject: { kind: 'Pod' }, series: { count: 1 }, related: {} },
  // A lastTimestamp with a fraction keeps it in EventTimestamp (and year 1 plus a fraction is not zero).
  { metadata: {}, involvedObject: {}, lastTimestamp: '2038-03-16T17:03:50.206Z' },
  { metadata: {}, involvedObject: {}, lastTimestamp: '0001-01-01T00:00:00.9Z' },
];

async function compare(tz: string): Promise<void> {
  setLocalLocation(loadLocation(tz)!);
  const events = [...makeEvents('oracle', 200), ...edgeCases];
  const results = await goEventForms(events, { tz, now: NOW });
  assert.equal(results.length, events.length);
  const now = () => parseKubeTime(NOW)!;
  for (const [i, r] of results.entries()) {
    assert.equal(r.error, undefined, `case ${i}: ${r.error}`);
    const e = events[i]!;
    assert.equal(eventJsonIndent(e), r.indent, `EventJSONIndent of case ${i}`);
    assert.equal(encodeValue(e, now), r.kafkaValue, `kafka value of case ${i}`);
    const row = encodeRow(e, 'kube-eventer', now);
    assert.equal(row[7], r.mysqlFirst, `mysql first_occurrence_time of case ${i}`);
    assert.equal(row[8], r.mysqlLast, `mysql last_occurrence_time of case ${i}`);
  }
}

test('kafka values, Event JSON and mysql time columns equal Go\'s, under Asia/Shanghai', async () => {
  await compare('Asia/Shanghai');
});

test('… and under UTC', async () => {
  await compare('UTC');
});
