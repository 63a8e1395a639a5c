// Shutdown with a sink whose close() never finishes (a hung connection, a broker that never answers a
// disconnect): the lane gives up on it after its close bound, so the daemon still saves its final
// checkpoint and returns within the grace plus that bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/flags.js';
import { startDaemon, type EventSource } from '../../src/daemon.js';
import type { Checkpoint, CheckpointStore } from '../../src/pipeline/checkpointer.js';
import { Registry } from 'prom-client';
import { DEFAULT_LANE_SETTINGS, Lane } from '../../src/pipeline/lane.js';
import { PipelineMetrics } from '../../src/pipeline/metrics.js';
import { makeEvent } from '../helpers/events.js';
import { captureLog } from '../helpers/log.js';
import { ScriptedSink } from './helpers.js';

class NeverClosingSink extends ScriptedSink {
  closeCalled = false;
  override close(): Promise<void> {
    this.closeCalled = true;
    return new Promise(() => {});
  }
}

test('drain gives up on a sink close that never finishes after closeTimeoutMs, and logs it', async () => {
  const sink = new NeverClosingSink('stuck');
  const log = captureLog();
  const lane = new Lane('stuck#1', { sink }, { ...DEFAULT_LANE_SETTINGS, closeTimeoutMs: 50 }, new PipelineMetrics(new Registry()), log.log);
  lane.start();
  const result = await lane.drain(1000);
  assert.equal(result.remaining, 0);
  assert.ok(sink.closeCalled);
  assert.match(log.text(), /sink close did not finish in time/);
});

test('a sink whose close never resolves: the daemon still saves its final checkpoint and stops within grace + close bound', async () => {
  const saved: Checkpoint[] = [];
  const store: CheckpointStore = {
    description: 'memory',
    load: async () => undefined,
    save: async (c) => {
      saved.push(c);
    },
  };
  let emit!: (event: ReturnType<typeof makeEvent>) => void;
  const source: EventSource = {
    start: (onEvent) => (emit = (event) => void onEvent('ADDED', event)),
    stop: async () => {},
    health: () => ({ healthy: true, reason: 'ok', connected: true }),
    ready: () => ({ healthy: true, reason: 'ok' }),
    lastResourceVersion: '500',
    startResourceVersion: '400',
  };
  const command = parseCommandLine(['--source=kubernetes:https://127.0.0.1:1?inClusterConfig=false', '--sink=log', '--healthz-ip=127.0.0.1', '--healthz-port=0']);
  assert.equal(command.kind, 'run');
  const sink = new NeverClosingSink('stuck');
  const daemon = await startDaemon(command.kind === 'run' ? command.config : (undefined as never), {
    log: captureLog().log,
    createSource: () => source,
    checkpoints: store,
    buildSink: async () => ({ sink }),
  });
  emit(makeEvent({ metadata: { uid: 'last', resourceVersion: '500' } }));
  await sink.waitForDelivered(1);
  const graceMs = 500;
  const started = Date.now();
  await daemon.stop(graceMs);
  const took = Date.now() - started;
  assert.ok(sink.closeCalled);
  // Without the bound stop() never returns; with it, it returns after about the close bound (2 s).
  assert.ok(took < graceMs + DEFAULT_LANE_SETTINGS.closeTimeoutMs + 5000, `stop took ${took} ms`);
  assert.equal(saved.at(-1)?.sinks['log#1'], '500');
});
