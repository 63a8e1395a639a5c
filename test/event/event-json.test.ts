import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventJson, eventJsonIndent } from '../../src/event/event-json.js';
import type { KubeEvent } from '../../src/event/types.js';

// Expected texts follow Go's encoding/json of client-go v0.17's core/v1 Event: struct field order,
// omitempty, metav1.Time as whole UTC seconds, MicroTime with six digits, <>& escaped, map keys sorted.

test('a full Event: Go field order, omitempty, sorted labels, <>& escaped', () => {
  const e: KubeEvent = {
    reportingInstance: '',
    type: 'Warning',
    count: 2,
    lastTimestamp: '2026-12-06T11:00:05+08:00',
    firstTimestamp: '2026-12-06T03:00:00Z',
    source: { host: 'n1', component: 'kubelet' },
    message: 'a <b> & c',
    reason: 'BackOff',
    involvedObject: { fieldPath: 'spec.containers{web}', apiVersion: 'v1', uid: 'p1', name: 'web-1', namespace: 'prod', kind: 'Pod' },
    metadata: { labels: { b: '2', a: '1' }, creationTimestamp: '2026-12-06T03:00:00Z', resourceVersion: '7', uid: 'u1', namespace: 'prod', name: 'web-1.abc' },
    eventTime: null,
    reportingComponent: '',
  };
  assert.equal(
    eventJson(e),
    '{"metadata":{"name":"web-1.abc","namespace":"prod","uid":"u1","resourceVersion":"7","creationTimestamp":"2026-12-06T03:00:00Z","labels":{"a":"1","b":"2"}},' +
      '"involvedObject":{"kind":"Pod","namespace":"prod","name":"web-1","uid":"p1","apiVersion":"v1","fieldPath":"spec.containers{web}"},' +
      '"reason":"BackOff","message":"a \\u003cb\\u003e \\u0026 c","source":{"component":"kubelet","host":"n1"},' +
      '"firstTimestamp":"2026-12-06T03:00:00Z","lastTimestamp":"2026-12-06T03:00:05Z","count":2,"type":"Warning","eventTime":null,"reportingComponent":"","reportingInstance":""}',
  );
});

test('an empty Event keeps the always-present fields (null times, empty source) and drops the rest', () => {
  const e: KubeEvent = { metadata: {}, involvedObject: {} };
  assert.equal(
    eventJson(e),
    '{"metadata":{"creationTimestamp":null},"involvedObject":{},"source":{},"firstTimestamp":null,"lastTimestamp":null,"eventTime":null,"reportingComponent":"","reportingInstance":""}',
  );
  assert.equal(
    eventJsonIndent(e),
    '{\n "metadata": {\n  "creationTimestamp": null\n },\n "involvedObject": {},\n "source": {},\n "firstTimestamp": null,\n "lastTimestamp": null,\n "eventTime": null,\n "reportingComponent": "",\n "reportingInstance": ""\n}',
  );
});

test('eventTime and series.lastObservedTime carry exactly six fractional digits in UTC; lastTimestamp drops its fraction; related and action in order', () => {
  const e: KubeEvent = {
    metadata: { name: 'x' },
    involvedObject: { kind: 'Node', name: 'n1' },
    eventTime: '2026-12-06T11:00:03.5+08:00',
    lastTimestamp: '2026-12-06T03:00:03.900Z',
    series: { count: 3, lastObservedTime: '2026-12-06T03:00:04.000123456Z' },
    action: 'Binding',
    related: { kind: 'Pod', name: 'p' },
    reportingComponent: 'scheduler',
  };
  assert.equal(
    eventJson(e),
    '{"metadata":{"name":"x","creationTimestamp":null},"involvedObject":{"kind":"Node","name":"n1"},"source":{},"firstTimestamp":null,"lastTimestamp":"2026-12-06T03:00:03Z",' +
      '"eventTime":"2026-12-06T03:00:03.500000Z","series":{"count":3,"lastObservedTime":"2026-12-06T03:00:04.000123Z"},"action":"Binding","related":{"kind":"Pod","name":"p"},' +
      '"reportingComponent":"scheduler","reportingInstance":""}',
  );
});

test('ownerReferences and managedFields keep Go field order', () => {
  const e: KubeEvent = {
    metadata: {
      name: 'x',
      ownerReferences: [{ uid: 'o1', name: 'rs', kind: 'ReplicaSet', apiVersion: 'apps/v1', controller: true }],
      managedFields: [{ time: '2026-12-06T03:00:00Z', operation: 'Update', manager: 'kubelet', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {} } }],
    },
    involvedObject: {},
  };
  assert.match(
    eventJson(e),
    /"ownerReferences":\[\{"apiVersion":"apps\/v1","kind":"ReplicaSet","name":"rs","uid":"o1","controller":true\}\],"managedFields":\[\{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-12-06T03:00:00Z","fieldsType":"FieldsV1","fieldsV1":\{"f:count":\{\}\}\}\]/,
  );
});
