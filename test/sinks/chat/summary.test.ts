import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../../src/event/types.js';
import {
  fitLines,
  groupRepeats,
  moreLine,
  objectRef,
  oneLine,
  truncate,
  truncateToCost,
} from '../../../src/sinks/chat/summary.js';
import { backOff, burst } from './events.js';

test('truncate never splits a surrogate pair and marks the cut', () => {
  assert.equal(truncate('abc', 3), 'abc');
  assert.equal(truncate('abcd', 3), 'ab…');
  assert.equal(truncate('a😀b', 3), 'a…');
  assert.equal(truncate('abc', 0), '');
  const bytes = (s: string) => Buffer.byteLength(s);
  const cut = truncateToCost('事'.repeat(100), 31, bytes);
  assert.ok(bytes(cut) <= 31 && cut.endsWith('…'));
  assert.equal(cut, '事'.repeat(9) + '…');
});

test('objectRef and oneLine', () => {
  assert.equal(objectRef(backOff), 'Pod default/nginx-7d8f9c-abcde');
  assert.equal(objectRef({ metadata: {}, involvedObject: { kind: 'Node', name: 'n1' } }), 'Node n1');
  assert.equal(oneLine(' a\n\tb  c \n'), 'a b c');
});

test('groupRepeats: same type, reason and object together, latest event kept, first-seen order', () => {
  const later: KubeEvent = { ...backOff, message: 'later' };
  const other: KubeEvent = { ...backOff, reason: 'Killing' };
  const groups = groupRepeats([backOff, other, later]);
  assert.deepEqual(
    groups.map((g) => [g.event.reason, g.event.message, g.occurrences]),
    [
      ['BackOff', 'later', 2],
      ['Killing', backOff.message, 1],
    ],
  );
});

test('moreLine counts hidden events by reason, most frequent first, within its length', () => {
  const hidden = groupRepeats(burst(40));
  assert.equal(moreLine(hidden), '… and 40 more events in the next message: BackOff ×10, FailedMount ×10, Pulled ×10, Unhealthy ×10');
  assert.equal(
    moreLine(hidden.slice(0, 1)),
    `… and ${hidden[0]!.occurrences} more events in the next message: BackOff ×${hidden[0]!.occurrences}`,
  );
  const long = moreLine(groupRepeats(burst(200, 200).map((e, i) => ({ ...e, reason: `Reason${i}` }))), 120);
  assert.ok(long.length <= 120 && long.endsWith(', …'), long);
});

test('fitLines: everything when it fits; otherwise whole lines plus a "more" line within budget', () => {
  const groups = groupRepeats(burst(8, 8));
  const lines = groups.map((_, i) => `line-${i}`.padEnd(30, '.'));
  const len = (s: string) => s.length;
  const all = 10 + 8 * 30 + 7;
  assert.deepEqual(fitLines(lines, groups, 10, all, len, '\n'), { shown: 8, more: undefined });
  const fit = fitLines(lines, groups, 10, all - 1, len, '\n');
  assert.ok(fit.more !== undefined && fit.shown > 0 && fit.shown < 8);
  assert.equal(fit.more, moreLine(groups.slice(fit.shown)));
  const used = 10 + fit.shown * 31 + fit.more.length;
  assert.ok(used <= all - 1, `${used}`);
  assert.ok(
    10 + (fit.shown + 1) * 31 + moreLine(groups.slice(fit.shown + 1)).length > all - 1,
    'one more line would not fit',
  );
  // Nothing fits: no lines, only the "more" line (the caller's fixed part was already too big).
  assert.equal(fitLines(lines, groups, 1000, 10, len, '\n').shown, 0);
});
