// Issue 9 item 9: a watch stream that sends a line with no end (a broken proxy, a hostile server) must
// not grow a buffer without limit. The daemon drops that stream with a clear error at 16 MiB and
// resumes the watch, so the next Event is delivered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer, waitUntil } from '../fixtures/fake-apiserver/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

test('a watch line over 16 MiB without a newline: clear error, the watch resumes, the next event is delivered', async () => {
  const api = await startFakeApiServer({ bookmarkIntervalMs: 60_000 });
  const daemon = spawnDaemon([`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0', '--sink=log']);
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    await waitUntil(() => api.openWatches === 1, 'the watch is open', 10_000);
    const watchesBefore = api.counts.watch;
    // 17 MiB of one unfinished JSON line, in 1 MiB chunks, then the stream stays open and silent.
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    api.writeToWatches('{"type":"ADDED","object":{"metadata":{"name":"');
    for (let i = 0; i < 17; i++) api.writeToWatches(chunk);
    await waitForOutput(daemon, /longer than 16 MiB/, 30_000);
    await waitUntil(() => api.counts.watch > watchesBefore, 'the watch was opened again', 20_000);
    api.createEvent({ reason: 'AfterHugeLine', message: 'delivered after the bad stream' });
    await waitForOutput(daemon, /AfterHugeLine/, 20_000);
  } finally {
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
    await api.close();
  }
  assert.match(daemon.output().stderr, /LineTooLong/);
});
