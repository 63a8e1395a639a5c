// honeycomb encoder: one batch element byte for byte, times as Go's RFC3339Nano in UTC, batch planning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTimeFromUnix, UTC } from '../../../src/gotime/index.js';
import { batchBody, honeycombEvent, planBatches } from '../../../src/sinks/honeycomb/encoder.js';
import { sampleEvent } from '../data/sample-events.js';

test('one event, byte for byte: kube-eventer\'s data fields in order, Go escaping, time in UTC', () => {
  const e = sampleEvent(0);
  assert.equal(
    honeycombEvent(e),
    '{"data":{"namespace":"prod","kind":"Pod","name":"pod-0","subobject":"spec.containers{app}","source.component":"kubelet","source.host":"cn-hangzhou.192.168.0.0",' +
      '"count":1,"type":"Warning","reason":"BackOff","message":"容器重启 \\u003cprobe\\u003e failed \\u0026 \\"quoted\\" \\u2028 (evt-0.)"},"time":"2026-11-25T10:00:00Z"}',
  );
  const micro = sampleEvent(7); // eventTime only, with microseconds
  assert.match(honeycombEvent(micro), /"count":0,.*"time":"2026-11-25T10:00:07\.123456Z"\}$/);
  const timeless = { ...e, lastTimestamp: null, eventTime: null };
  assert.match(honeycombEvent(timeless, () => goTimeFromUnix(1_800_000_000, 120_000_000, UTC)), /"time":"2027-01-15T08:00:00\.12Z"\}$/);
  assert.equal(batchBody(['{"a":1}', '{"b":2}']), '[{"a":1},{"b":2}]\n');
});

test('planBatches keeps every body under the limit', () => {
  const sizes = Array.from({ length: 300 }, (_, i) => 10_000 + ((i * 104_729) % 90_000));
  const groups = planBatches(sizes, 1_000_000);
  assert.deepEqual(groups.flat(), sizes.map((_, i) => i));
  for (const g of groups) assert.ok(batchBody(g.map((i) => 'x'.repeat(sizes[i]!))).length - 1 <= 1_000_000);
});
