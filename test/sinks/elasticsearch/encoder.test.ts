// The elasticsearch sink's payloads, byte for byte: kube-eventer's document, index names, bulk action lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeBulkItem, encodeDocument, indexName } from '../../../src/sinks/elasticsearch/encoder.js';
import { streamEvent } from '../data/helpers.js';

const FORMAT = { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false };

describe('payload', () => {
  test("kube-eventer's document: Go field names and order, Go escaping, UTC timestamps, pod tags", () => {
    const e = streamEvent(0);
    assert.equal(
      encodeDocument(e, FORMAT),
      '{"Count":1,"Metadata":{"name":"obj-0.17b2c3d4","namespace":"prod","uid":"uid-0","resourceVersion":"1000","creationTimestamp":"2026-12-05T23:59:00Z"},' +
        '"InvolvedObject":{"kind":"Pod","namespace":"prod","name":"api-0","uid":"pod-uid-0","apiVersion":"v1","resourceVersion":"42","fieldPath":"spec.containers{app}"},' +
        '"Source":{"component":"kubelet","host":"node-0"},"FirstOccurrenceTimestamp":"2026-12-05T23:58:00Z","LastOccurrenceTimestamp":"2026-12-05T23:59:00Z",' +
        '"Message":"probe \\u003cfailed\\u003e \\u0026 \\"retrying\\"\\nline 2 — ünïcödé 0","Reason":"BackOff","Type":"Warning",' +
        '"EventTags":{"cluster_name":"default","eventID":"uid-0","hostname":"node-0","pod_id":"pod-uid-0","pod_name":"api-0"}}',
    );
    assert.equal(indexName(e, FORMAT), 'heapster-2026.12.05');
    assert.equal(indexName(e, { ...FORMAT, useNamespace: true }), 'heapster-prod-2026.12.05');
  });

  test("kube-eventer's test fixture: empty fields present, zero first time, no pod tags for other kinds", () => {
    const e: KubeEvent = { metadata: {}, involvedObject: {}, count: 100, lastTimestamp: '2000-02-01T10:00:00Z' };
    assert.equal(
      encodeDocument(e, FORMAT),
      '{"Count":100,"Metadata":{"creationTimestamp":null},"InvolvedObject":{},"Source":{},"FirstOccurrenceTimestamp":"0001-01-01T00:00:00Z",' +
        '"LastOccurrenceTimestamp":"2000-02-01T10:00:00Z","Message":"","Reason":"","Type":"","EventTags":{"cluster_name":"default","eventID":"","hostname":""}}',
    );
    assert.equal(indexName(e, FORMAT), 'heapster-2000.02.01');
    assert.equal(indexName(e, { ...FORMAT, useNamespace: true }), 'heapster-2000.02.01', 'no namespace: no namespace part');
  });

  test('eventTime-only events use eventTime (microseconds kept); data streams add @timestamp', () => {
    const e = streamEvent(3);
    const doc = JSON.parse(encodeDocument(e, { ...FORMAT, dataStream: true })) as Record<string, unknown>;
    assert.equal(doc.LastOccurrenceTimestamp, '2026-12-05T23:59:03.000123Z');
    assert.equal(doc['@timestamp'], '2026-12-05T23:59:03.000123Z');
    assert.equal(doc.FirstOccurrenceTimestamp, '0001-01-01T00:00:00Z');
  });

  test('bulk action lines: _type events on 5 and 6 only; the same id for the same event revision', () => {
    const e = streamEvent(1);
    const es6 = encodeBulkItem(e, FORMAT, { distribution: 'elasticsearch', major: 6, minor: 8 }).lines.split('\n')[0]!;
    const es8 = encodeBulkItem(e, FORMAT, { distribution: 'elasticsearch', major: 8, minor: 15 }).lines.split('\n')[0]!;
    assert.match(es6, /^\{"index":\{"_index":"heapster-2026\.12\.05","_type":"events","_id":"[0-9a-f-]{36}"\}\}$/);
    assert.match(es8, /^\{"index":\{"_index":"heapster-2026\.12\.05","_id":"[0-9a-f-]{36}"\}\}$/);
    assert.equal(es6.slice(-40), es8.slice(-40));
    const bumped = encodeBulkItem({ ...e, count: 9, metadata: { ...e.metadata, resourceVersion: '5000' } }, FORMAT, { distribution: 'elasticsearch', major: 8, minor: 15 });
    assert.notEqual(bumped.lines.split('\n')[0]!.slice(-40), es8.slice(-40), 'a later revision is a new document, as in kube-eventer');
  });
});
