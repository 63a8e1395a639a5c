// riemann encoder: the Msg frame decoded independently with protobufjs (length prefix, every field
// kube-eventer's client sets), the fallback host and time, ttl 0 left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTimeFromUnix, UTC } from '../../../src/gotime/index.js';
import { encodeRiemannFrame } from '../../../src/sinks/riemann/encoder.js';
import { Msg } from '../../fixtures/riemann/peer.js';
import { sampleEvent } from '../data/sample-events.js';

function decode(frame: Buffer): Array<Record<string, unknown>> {
  assert.equal(frame.readUInt32BE(0), frame.length - 4);
  return (Msg.toObject(Msg.decode(frame.subarray(4)), { longs: String }) as { events: Array<Record<string, unknown>> }).events;
}

test('a frame of two events decodes with every field', () => {
  const pod = sampleEvent(0);
  const [a, b] = decode(encodeRiemannFrame([pod, sampleEvent(7)], { ttl: 60, tags: ['heapster'] }));
  assert.deepEqual(a, {
    time: String(Date.parse(pod.lastTimestamp!) / 1000),
    state: 'warning',
    service: 'Pod.BackOff',
    host: 'cn-hangzhou.192.168.0.0',
    description: pod.message,
    tags: ['heapster'],
    ttl: 60,
    attributes: [
      { key: 'api-version', value: 'v1' },
      { key: 'component', value: 'kubelet' },
      { key: 'field-path', value: 'spec.containers{app}' },
      { key: 'first-timestamp', value: String(Date.parse(pod.firstTimestamp!) / 1000) },
      { key: 'last-timestamp', value: String(Date.parse(pod.lastTimestamp!) / 1000) },
      { key: 'name', value: 'pod-0' },
      { key: 'namespace', value: 'prod' },
      { key: 'resource-version', value: '5000' },
      { key: 'uid', value: pod.involvedObject.uid },
    ],
    time_micros: String((Date.parse(pod.lastTimestamp!) / 1000) * 1e6),
    metric_sint64: '1',
  });
  assert.equal(b!.time_micros, String(BigInt(Date.parse('2026-11-25T10:00:07.123Z')) * 1000n + 456n), 'eventTime keeps its microseconds');
  assert.equal(b!.metric_sint64, '0');
});

test('no source host: the local host; no time: now; ttl 0: not sent; empty message: no description', () => {
  const e = { ...sampleEvent(5), source: {}, message: '', lastTimestamp: null, eventTime: null, type: 'Normal' };
  const [got] = decode(encodeRiemannFrame([e], { ttl: 0, tags: [], localHost: 'node-a' }, () => goTimeFromUnix(1_800_000_000, 250_000_000, UTC)));
  assert.equal(got!.host, 'node-a');
  assert.equal(got!.state, 'ok');
  assert.equal(got!.time, '1800000000');
  assert.equal(got!.time_micros, '1800000000250000');
  assert.equal(got!.ttl, undefined);
  assert.equal(got!.description, undefined);
  assert.equal(got!.tags, undefined, 'no tags');
});
