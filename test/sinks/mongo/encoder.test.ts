// The mongo sink's document: kube-eventer's fields, order, omitted empties, dates, derived ids.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeDocument } from '../../../src/sinks/mongo/encoder.js';
import { streamEvent } from '../data/helpers.js';

describe('document', () => {
  test("kube-eventer's document: its fields in order, empty ones left out, dates", () => {
    const { _id, ...doc } = encodeDocument(streamEvent(0));
    assert.deepEqual(Object.keys(doc), ['count', 'namespace', 'kind', 'name', 'type', 'reason', 'message', 'event_id', 'first_occurrence_time', 'last_occurrence_time']);
    assert.deepEqual(doc, {
      count: 1,
      namespace: 'prod',
      kind: 'Pod',
      name: 'api-0',
      type: 'Warning',
      reason: 'BackOff',
      message: streamEvent(0).message,
      event_id: 'uid-0',
      first_occurrence_time: new Date('2026-12-05T23:58:00Z'),
      last_occurrence_time: new Date('2026-12-05T23:59:00Z'),
    });
    assert.equal(_id.getTimestamp().toISOString(), '2026-12-05T23:59:00.000Z', 'the ObjectId carries the event time');
    const node: KubeEvent = { metadata: {}, involvedObject: { kind: 'Node', name: 'n1' }, eventTime: '2026-12-05T10:00:00.654321Z' };
    const { _id: _, ...bare } = encodeDocument(node);
    assert.deepEqual(bare, { kind: 'Node', name: 'n1', last_occurrence_time: new Date('2026-12-05T10:00:00.654Z') });
    assert.ok(encodeDocument(streamEvent(5))._id.equals(encodeDocument(streamEvent(5))._id), 'the same event revision, the same _id');
  });
});
