import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { Checkpointer, type Checkpoint, type CheckpointStore } from '../../src/pipeline/checkpointer.js';
import { Router } from '../../src/pipeline/router.js';
import { captureLog } from '../helpers/log.js';

/** A store whose writes fail while `failing` is set; `written` resolves at the end of each write. */
class FlakyStore implements CheckpointStore {
  readonly description = 'ConfigMap kube-system/kube-eventer-checkpoint';
  failing = true;
  private onWrite: (() => void) | undefined;

  async load(): Promise<Checkpoint | undefined> {
    return undefined;
  }

  async save(): Promise<void> {
    const done = this.onWrite;
    this.onWrite = undefined;
    // The Checkpointer handles the outcome in the continuation after this promise settles.
    setImmediate(() => done?.());
    if (this.failing) throw new Error('configmaps "kube-eventer-checkpoint" is forbidden');
  }

  written(): Promise<void> {
    return new Promise((resolve) => (this.onWrite = resolve));
  }
}

test('a lasting checkpoint save failure is logged every 30 s with the count of failed saves, not once per save; a success says so once', async (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const store = new FlakyStore();
  const capture = captureLog({ component: 'checkpoint' });
  let resourceVersion = 100;
  const checkpointer = new Checkpointer(store, new Router([], new Registry(), true), () => String(++resourceVersion), () => '100', capture.log, new Registry());
  const saveOnce = async () => {
    const written = store.written();
    checkpointer.schedule();
    await written;
  };
  const messages = () => capture.lines.map((l) => `${String(l.msg)} ${String(l.failedSaves)}`);

  for (let i = 0; i < 20; i++) await saveOnce();
  assert.deepEqual(messages(), ['checkpoint save failed; the next save retries 1']);
  t.mock.timers.tick(30_000);
  await saveOnce();
  assert.deepEqual(messages().slice(1), ['checkpoint save failed; the next save retries 21']);
  store.failing = false;
  await saveOnce();
  await saveOnce();
  assert.deepEqual(messages().slice(2), ['checkpoint saved again 21']);
  store.failing = true;
  await saveOnce();
  assert.deepEqual(messages().slice(3), ['checkpoint save failed; the next save retries 1'], 'a new failure after a success is logged at once');
});
