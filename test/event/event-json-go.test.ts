// The Event's Go JSON (compact, indented, and key-sorted after a round trip through a map) equals
// what Go's encoding/json writes for k8s.io/api v0.17.16's Event — the bytes kube-eventer's sls
// `eventId` and eventbridge `data` carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventJson, eventJsonIndent, eventJsonSorted } from '../../src/event/event-json.js';
import type { KubeEvent } from '../../src/event/types.js';
import { goEventForms } from '../fixtures/event-json-oracle/oracle.js';
import { sampleEvents } from '../sinks/data/sample-events.js';

const edgeCases: KubeEvent[] = [
  { metadata: {}, involvedObject: {} },
  {
    metadata: { name: 'x', namespace: 'y', generation: 3, deletionTimestamp: '2026-01-02T03:04:05Z', deletionGracePeriodSeconds: 0, finalizers: ['a/b'], ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'u' }], labels: { 'é': '1', Z: '2', a: '<3>', '10': 'x', '2': 'y' } },
    involvedObject: { kind: 'Pod', name: 'bad \ud800 utf8' },
    message: 'line\nbreak\ttab \u2029 "q" \\ \u0001',
    firstTimestamp: '2026-01-02T11:04:05+08:00',
    lastTimestamp: '0001-01-01T00:00:00Z',
    eventTime: '2026-01-02T03:04:05.000000Z',
    count: 0,
    series: { count: 0, lastObservedTime: null, state: 'Ongoing' },
    related: {},
  },
  // Keys that Go decodes to the same key (a lone surrogate becomes U+FFFD): one entry, the last value.
  { metadata: { labels: { '\ufffd': 'a', '\ud800': 'b', x: '1' }, annotations: { '\udc00': 'c', '\ud800': 'd' } }, involvedObject: {} },
  // null inside maps and lists: "" for strings, the zero struct for structs.
  JSON.parse('{"metadata":{"labels":{"a":null,"b":"x"},"finalizers":[null,"f"],"ownerReferences":[null],"managedFields":[null]},"involvedObject":{}}') as KubeEvent,
  // Pointer times set to the zero time are written as null, not omitted.
  { metadata: { deletionTimestamp: '0001-01-01T00:00:00Z', managedFields: [{ manager: 'm', time: '0001-01-01T00:00:00Z' }, { manager: 'n', time: null }] }, involvedObject: {} },
];

test('event JSON equals Go encoding/json byte for byte (compact, MarshalIndent with one space, map round trip)', async () => {
  const events = [...sampleEvents(112), ...edgeCases];
  const go = await goEventForms(events);
  events.forEach((e, i) => {
    const g = go[i]!;
    assert.equal(g.error, undefined, `event ${i}: ${g.error}`);
    assert.equal(eventJson(e), g.compact, `compact ${i}`);
    assert.equal(eventJsonIndent(e), g.indent, `indent ${i}`);
    assert.equal(eventJsonSorted(e), g.sorted, `sorted ${i}`);
  });
});
