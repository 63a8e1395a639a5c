import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { BoundedQueue, type QueueCodec } from '../../src/pipeline/queue.js';
import { recordCodec } from '../../src/pipeline/record-codec.js';
import type { EventRecord } from '../../src/event/types.js';
import { makeEvent } from '../helpers/events.js';

const numbers: QueueCodec<number> = {
  encode: (items) => Buffer.from(JSON.stringify(items)),
  decode: (bytes) => JSON.parse(bytes.toString()) as number[],
};

test('order is kept across the live head, encoded chunks and the tail', () => {
  const q = new BoundedQueue<number>(1000, { codec: numbers, hotLimit: 5, chunkSize: 4, spillAfter: 8 });
  for (let i = 0; i < 23; i++) q.push(i, 'drop-oldest');
  assert.equal(q.size, 23);
  let encoded = 0;
  const counting = new BoundedQueue<number>(1000, { codec: { encode: (i) => (encoded++, numbers.encode(i)), decode: numbers.decode }, hotLimit: 5, chunkSize: 4, spillAfter: 8 });
  for (let i = 0; i < 8; i++) counting.push(i, 'drop-oldest');
  assert.equal(encoded, 0, 'a short burst stays live');
  for (let i = 8; i < 12; i++) counting.push(i, 'drop-oldest');
  assert.equal(encoded, 1, 'a backlog past spillAfter is encoded');
  const out = q.take(10);
  for (let i = 23; i < 30; i++) q.push(i, 'drop-oldest');
  out.push(...q.take(100));
  assert.deepEqual(out, Array.from({ length: 30 }, (_, i) => i));
  assert.equal(q.size, 0);
});

test('overflow works the same with a backlog in encoded chunks', () => {
  const q = new BoundedQueue<number>(10, { codec: numbers, hotLimit: 2, chunkSize: 3, spillAfter: 4 });
  const dropped: number[] = [];
  for (let i = 0; i < 15; i++) {
    const d = q.push(i, 'drop-oldest');
    if (d !== undefined) dropped.push(d);
  }
  assert.deepEqual(dropped, [0, 1, 2, 3, 4]);
  assert.deepEqual(q.take(100), [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  const newest = new BoundedQueue<number>(3, { codec: numbers, hotLimit: 1, chunkSize: 2, spillAfter: 1 });
  for (let i = 0; i < 5; i++) newest.push(i, 'drop-newest');
  assert.deepEqual(newest.take(10), [0, 1, 2]);
});

test('clear discards the live head, the stored chunks and the tail without decoding any chunk', () => {
  let decoded = 0;
  const codec: QueueCodec<number> = { encode: numbers.encode, decode: (bytes) => (decoded++, numbers.decode(bytes)) };
  const q = new BoundedQueue<number>(1000, { codec, hotLimit: 5, chunkSize: 4, spillAfter: 8 });
  for (let i = 0; i < 23; i++) q.push(i, 'drop-oldest');
  assert.equal(q.clear(), 23);
  assert.equal(q.size, 0);
  assert.equal(decoded, 0);
  assert.equal(q.shift(), undefined);
  // Still usable afterwards, in order.
  for (let i = 0; i < 12; i++) q.push(i, 'drop-oldest');
  assert.deepEqual(q.take(100), Array.from({ length: 12 }, (_, i) => i));
});

test('the record codec round-trips records and keeps them frozen', () => {
  const records: EventRecord[] = [makeEvent({ message: 'quote " backslash \\ newline \n ünïcode ✓' }), makeEvent()].map((event, i) => ({ change: 'MODIFIED', event, receivedAt: 1000 + i, seq: i + 1 }));
  const back = recordCodec.decode(recordCodec.encode(records));
  assert.deepEqual(back, records);
  assert.ok(Object.isFrozen(back[0]!.event.metadata));
});

test('an encoded chunk holds only its own bytes, not the rest of the buffer zlib wrote it into', () => {
  // A few records compress to far less than zlib's output chunk (16 KiB on Node 20, 64 KiB on Node 24).
  for (const count of [1, 20, 512]) {
    const records: EventRecord[] = Array.from({ length: count }, (_, i) => ({ change: 'ADDED', event: makeEvent({ message: `event ${i}` }), receivedAt: i, seq: i }));
    const bytes = recordCodec.encode(records);
    assert.equal(bytes.buffer.byteLength, bytes.length, `${count} records: ${bytes.length} bytes kept in a buffer of ${bytes.buffer.byteLength}`);
    assert.deepEqual(recordCodec.decode(bytes), records);
  }
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test('100,000 queued events take little memory once encoded', () => {
  gc();
  const before = process.memoryUsage().heapUsed;
  const q = new BoundedQueue<EventRecord>(100_000, { codec: recordCodec });
  for (let i = 0; i < 100_000; i++) q.push({ change: 'ADDED', event: makeEvent(), receivedAt: i, seq: i }, 'drop-oldest');
  gc();
  const perEvent = (process.memoryUsage().heapUsed - before) / 100_000;
  assert.equal(q.size, 100_000);
  // Live objects cost ~700 bytes each; the encoded backlog a small fraction of that.
  assert.ok(perEvent < 200, `${perEvent.toFixed(0)} bytes per queued event`);
});
