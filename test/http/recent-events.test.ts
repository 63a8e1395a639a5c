import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeEvent } from '../../src/event/types.js';
import { RecentEvents } from '../../src/http/recent-events.js';

function event(reason: string, message = 'm'): KubeEvent {
  return { metadata: { name: reason, namespace: 'ns' }, involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p' }, reason, message, type: 'Normal', count: 1 } as KubeEvent;
}

test('keeps the newest events, newest first, within its capacity', () => {
  const recent = new RecentEvents(3);
  assert.deepEqual(recent.list(), []);
  for (const r of ['a', 'b']) recent.add(event(r));
  assert.deepEqual(recent.list().map((e) => e.reason), ['b', 'a']);
  for (const r of ['c', 'd', 'e']) recent.add(event(r));
  assert.deepEqual(recent.list().map((e) => e.reason), ['e', 'd', 'c']);
});

test('long messages are cut for the page', () => {
  const recent = new RecentEvents();
  recent.add(event('Long', 'x'.repeat(2000)));
  assert.equal(recent.list()[0]!.message.length, 501);
  assert.ok(recent.list()[0]!.message.endsWith('…'));
});
