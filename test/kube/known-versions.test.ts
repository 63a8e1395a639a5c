import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KnownVersions, storedVersion, type StoredVersion } from '../../src/kube/known-versions.js';

/** A seeded generator, so a failure repeats. */
function generator(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return (seed >>> 8) % n; // the low bits of this generator repeat quickly
  };
}

function uuid(random: (n: number) => number): string {
  const hex = () => random(16).toString(16);
  const part = (n: number) => Array.from({ length: n }, hex).join('');
  return `${part(8)}-${part(4)}-${part(4)}-${part(4)}-${part(12)}`;
}

describe('KnownVersions', () => {
  test('100,000 random operations answer as a Map does: UUIDs and other uids, numeric and other versions, deletions', () => {
    const random = generator(42);
    const known = new KnownVersions();
    const model = new Map<string, StoredVersion>();
    const uids: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const kind = random(10);
      // Mostly API server UUIDs; some uppercase, hand-made and nearly-UUID ones (kept apart, never confused).
      const base = uuid(random);
      uids.push(kind < 7 ? base : kind === 7 ? base.toUpperCase() : kind === 8 ? `event-${i}` : base.replace('-', 'x'));
    }
    // Sequential uids (as a fake or version-1 UUIDs give) cluster in the table unless the hash spreads them.
    for (let i = 0; i < 4000; i++) uids.push(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (let op = 0; op < 100_000; op++) {
      const uid = uids[random(uids.length)]!;
      const action = random(10);
      if (action < 7) {
        const version = storedVersion(random(20) === 0 ? `opaque-${random(5)}` : String(1 + random(50)));
        const changed = model.get(uid) !== version;
        assert.equal(known.remember(uid, version), changed, `remember ${uid} ${version}`);
        model.set(uid, version);
      } else if (action < 8) {
        known.delete(uid);
        model.delete(uid);
      } else {
        assert.equal(known.get(uid), model.get(uid), `get ${uid}`);
        assert.equal(known.has(uid), model.has(uid));
      }
      if (op % 5000 === 0) assert.equal(known.size, model.size, `size after ${op} operations`);
    }
    for (const uid of uids) assert.equal(known.get(uid), model.get(uid), `finally ${uid}`);
    assert.equal(known.size, model.size);
    assert.ok(model.size > 5000, `${model.size} entries at the end`);
  });

  test('growing keeps every entry; deleting all of them leaves none', () => {
    const random = generator(7);
    const known = new KnownVersions();
    const uids = Array.from({ length: 50_000 }, () => uuid(random));
    uids.forEach((uid, i) => known.remember(uid, i + 1));
    assert.equal(known.size, new Set(uids).size);
    uids.forEach((uid, i) => assert.equal(known.get(uid), uids.lastIndexOf(uid) + 1, `entry ${i}`));
    for (const uid of uids) known.delete(uid);
    assert.equal(known.size, 0);
    assert.equal(known.get(uids[0]!), undefined);
  });

  test('storedVersion: decimal resourceVersions as numbers, anything else as it is', () => {
    assert.equal(storedVersion('12345'), 12345);
    assert.equal(storedVersion('999999999999999'), 999999999999999);
    assert.equal(storedVersion('1234567890123456'), '1234567890123456');
    assert.equal(storedVersion('0'), '0');
    assert.equal(storedVersion('0123'), '0123');
    assert.equal(storedVersion('abc'), 'abc');
  });
});
