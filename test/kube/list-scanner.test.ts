import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ListScanError, ListScanner } from '../../src/kube/list-scanner.js';

const LIST = {
  kind: 'EventList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '42', continue: 'tok"]}[{' },
  items: [
    { metadata: { uid: 'a', name: 'x"}{[' }, message: 'quoted \\"}] and ünïcödé ✓' },
    { metadata: { uid: 'b' }, list: [1, [2, {}]], empty: {} },
  ],
};

function scan(body: string, chunkSize: number, maxItemBytes = 1 << 20) {
  const items: unknown[] = [];
  const scanner = new ListScanner((item) => items.push(item), maxItemBytes);
  const bytes = Buffer.from(body);
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
  return { items, envelope: scanner.end() };
}

test('items come out one by one and the envelope keeps its metadata, however the bytes are chunked', () => {
  for (const size of [1, 2, 3, 5, 64, 100_000]) {
    const { items, envelope } = scan(JSON.stringify(LIST), size);
    assert.deepEqual(items, LIST.items, `chunks of ${size}`);
    assert.deepEqual(envelope, { ...LIST, items: [] });
  }
  assert.deepEqual(scan('{"kind":"EventList","metadata":{"resourceVersion":"7"},"items":[]}', 4).envelope.metadata, { resourceVersion: '7' });
});

test('a truncated list, an oversized item or an item that is not an object is an error', () => {
  assert.throws(() => scan(JSON.stringify(LIST).slice(0, -5), 16), ListScanError);
  assert.throws(() => scan(JSON.stringify(LIST), 16, 40), /longer than/);
  assert.throws(() => scan('{"items":[1,2]}', 4), /not an object/);
});
