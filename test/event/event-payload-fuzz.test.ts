// A fixed-seed differential run: every sink payload our code builds from 120 generated Events
// (test/event/random-events.ts) equals what kube-eventer's Go builds, under two zones. Broad runs:
// test/event/fuzz-event-payloads.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomEventLines } from './random-events.js';
import { payloadMismatches } from './payload-diff.js';

const SEED = 20261206;

for (const tz of ['Asia/Shanghai', 'America/New_York']) {
  test(`sink payloads of 120 generated Events (seed ${SEED}) equal Go's under ${tz}`, async () => {
    const lines = randomEventLines(SEED, 120);
    assert.deepEqual(await payloadMismatches(lines, tz), []);
  });
}
