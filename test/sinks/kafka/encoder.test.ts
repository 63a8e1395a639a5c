import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventJsonIndent } from '../../../src/event/event-json.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { goTimeFromUnix, UTC } from '../../../src/gotime/index.js';
import { encodeMessage, encodeValue } from '../../../src/sinks/kafka/encoder.js';

const pod: KubeEvent = {
  metadata: { name: 'web-1.abc', namespace: 'prod', uid: 'u1' },
  involvedObject: { kind: 'Pod', namespace: 'prod', name: 'web-1', uid: 'p1' },
  reason: 'BackOff',
  message: 'a <b> & "c"',
  source: { component: 'kubelet', host: 'n1' },
  lastTimestamp: '2026-12-06T03:00:05Z',
  type: 'Warning',
};

test("kube-eventer's value: EventValue (indented Event JSON as a string), EventTimestamp (UTC RFC 3339), EventTags sorted with pod_id/pod_name for Pods", () => {
  const value = encodeValue(pod);
  const inner = eventJsonIndent(pod);
  assert.ok(inner.includes('"message": "a \\u003cb\\u003e \\u0026 \\"c\\""'));
  assert.equal(
    value,
    `{"EventValue":${JSON.stringify(inner)},"EventTimestamp":"2026-12-06T03:00:05Z","EventTags":{"eventID":"u1","hostname":"n1","pod_id":"p1","pod_name":"web-1"}}`,
  );
  assert.ok(value.includes('\\"message\\": \\"a \\\\u003cb\\\\u003e'), 'Go escapes the already escaped text again');
});

test('non-Pod objects have only eventID and hostname; eventTime is used when lastTimestamp is unset; "now" otherwise', () => {
  const deploy: KubeEvent = { metadata: { uid: 'u2' }, involvedObject: { kind: 'Deployment', name: 'web' }, eventTime: '2026-12-06T03:00:03.000123Z' };
  assert.match(encodeValue(deploy), /,"EventTimestamp":"2026-12-06T03:00:03.000123Z","EventTags":\{"eventID":"u2","hostname":""\}\}$/);
  const timeless: KubeEvent = { metadata: {}, involvedObject: {} };
  const now = () => goTimeFromUnix(1_765_000_000, 123_456_789, UTC);
  assert.match(encodeValue(timeless, now), /"EventTimestamp":"2025-12-06T05:46:40.123456789Z"/);
});

test('message keys: none (kube-eventer), the Event uid, or the involved object', () => {
  assert.equal(encodeMessage(pod, 'none').key, null);
  assert.equal(encodeMessage(pod, 'uid').key, 'u1');
  assert.equal(encodeMessage(pod, 'object').key, 'Pod/prod/web-1');
});
