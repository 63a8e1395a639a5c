import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastTimestamp } from '../../src/event/last-timestamp.js';
import { goTimeFromUnix, rfc3339NanoUTC, UTC, type GoTime } from '../../src/gotime/index.js';
import type { KubeEvent } from '../../src/event/types.js';

const base: KubeEvent = { metadata: {}, involvedObject: {} };
const fixedNow: GoTime = { ...goTimeFromUnix(1_700_000_000, 5, UTC), mono: 42n };

test('lastTimestamp wins when set', () => {
  const e = { ...base, lastTimestamp: '2024-03-05T06:07:09Z', eventTime: '2024-03-05T06:07:10.123456Z' };
  assert.equal(rfc3339NanoUTC(lastTimestamp(e, () => fixedNow)), '2024-03-05T06:07:09Z');
});

test('eventTime (microseconds kept) when lastTimestamp is null, empty or the zero time', () => {
  for (const lastTs of [null, undefined, '', '0001-01-01T00:00:00Z']) {
    const e = { ...base, lastTimestamp: lastTs, eventTime: '2024-03-05T06:07:10.123456Z' };
    assert.equal(rfc3339NanoUTC(lastTimestamp(e, () => fixedNow)), '2024-03-05T06:07:10.123456Z', String(lastTs));
  }
});

test('now (with its monotonic reading) when neither is set', () => {
  assert.equal(
    lastTimestamp({ ...base, eventTime: null }, () => fixedNow),
    fixedNow,
  );
  const real = lastTimestamp(base);
  assert.ok(real.mono !== undefined && Math.abs(real.sec - Date.now() / 1000) < 5);
});
