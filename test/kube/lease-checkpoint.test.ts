import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEASE_CHECKPOINT_ANNOTATION, LeaseCheckpointStore } from '../../src/kube/checkpoint-store.js';
import type { Lease } from '../../src/kube/types.js';

test('the Lease checkpoint: saves ride in the annotation, a new leader loads them, a corrupt one is ignored with a warning', async () => {
  let lease: Lease | undefined = { metadata: { name: 'kube-eventer', annotations: { other: 'kept' } } };
  const warnings: string[] = [];
  const store = new LeaseCheckpointStore('kube-system/kube-eventer', () => lease, (m) => warnings.push(m));
  assert.equal(await store.load(), undefined, 'a first leader starts at "now"');
  assert.equal(store.annotations(), undefined, 'nothing to write before the first save');
  const checkpoint = { version: 1 as const, resourceVersion: '42', sinks: { 'log#1': '41' }, updatedAt: '2026-01-01T00:00:00Z', writer: 'a' };
  await store.save(checkpoint);
  lease = { metadata: { name: 'kube-eventer', annotations: { ...lease.metadata.annotations, ...store.annotations() } } };
  const next = new LeaseCheckpointStore('kube-system/kube-eventer', () => lease);
  assert.deepEqual(await next.load(), checkpoint);
  lease = { metadata: { name: 'kube-eventer', annotations: { [LEASE_CHECKPOINT_ANNOTATION]: '{not json' } } };
  assert.equal(await store.load(), undefined);
  assert.match(warnings.join('\n'), /holds no valid checkpoint/);
});
