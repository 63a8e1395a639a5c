// The payloads of the influxdb, eventbridge, sls, honeycomb, riemann and mongo sinks built from Event
// data (and the Event JSON, elasticsearch, kafka and mysql forms) against real Go: the Go oracle
// (test/fixtures/event-json-oracle) reproduces kube-eventer's code for each, with its libraries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeEvent } from '../../../src/event/types.js';
import { payloadMismatches } from '../../event/payload-diff.js';
import { streamEvent } from './helpers.js';

/** Events whose payloads once differed from Go's (found by test/event/fuzz-event-payloads.ts). */
const FOUND: KubeEvent[] = [
  // influxdb: an event time outside InfluxDB's range, and a series key over 64 KiB, are comment lines.
  { metadata: { uid: 'u' }, involvedObject: {}, lastTimestamp: '1677-09-21T00:12:43Z' },
  { metadata: { uid: 'u' }, involvedObject: {}, lastTimestamp: '9999-01-01T00:00:00Z' },
  { metadata: { uid: 'u' }, involvedObject: {}, lastTimestamp: '0001-01-01T00:00:00.5Z' },
  { metadata: { uid: 'u' }, involvedObject: {}, source: { host: 'h'.repeat(65_500) }, lastTimestamp: '2026-01-01T00:00:00Z' },
  // eventbridge: the subject's resource is Go's one-to-one lower case (no final sigma, İ → i).
  { metadata: {}, involvedObject: { kind: 'AΣ', name: 'n' } },
  { metadata: {}, involvedObject: { kind: '\u0130', name: 'n' } },
];

for (const tz of ['Asia/Shanghai', 'UTC', 'America/New_York']) {
  test(`every sink's payload of 300 stream events and the cases found equals Go's, under ${tz}`, async () => {
    const events = [...Array.from({ length: 300 }, (_, i) => streamEvent(i)), ...FOUND];
    assert.deepEqual(await payloadMismatches(events.map((e) => JSON.stringify(e)), tz), []);
  });
}
