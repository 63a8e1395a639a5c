// The byte-capped request of the elasticsearch and influxdb sinks: what fits is taken in order, the
// rest is deferred (and not encoded), and a whole-request verdict spares the deferred events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillRequest, verdictForTaken } from '../../src/sinks/fill-request.js';
import { OK, retry } from '../../src/pipeline/outcome.js';
import { sampleEvents } from './data/sample-events.js';

test('fillRequest takes events while they fit, defers the rest unencoded; a verdict reaches only the taken', () => {
  const batch = sampleEvents(5);
  let encoded = 0;
  const encode = (): string => {
    encoded++;
    return 'x'.repeat(40);
  };
  const { taken, outcomes } = fillRequest(batch, encode, (s) => s.length, 100, 'request full');
  assert.equal(taken.length, 2);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['ok', 'ok', 'defer', 'defer', 'defer'],
  );
  assert.equal(encoded, 3, 'the event that did not fit was encoded; the ones after it were not');
  const failed = retry('HTTP 503');
  assert.deepEqual(
    verdictForTaken(outcomes, failed).map((o) => o.status),
    ['retry', 'retry', 'defer', 'defer', 'defer'],
  );
  assert.equal(outcomes[0], OK, 'the outcomes given are not changed');
});

test('fillRequest always takes the first event, even over the cap', () => {
  const { taken, outcomes } = fillRequest(sampleEvents(2), () => 'y'.repeat(500), (s) => s.length, 100, 'request full');
  assert.equal(taken.length, 1);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['ok', 'defer'],
  );
});
