// `--status-page=false`: `/` on the health port answers 404 (as kube-eventer's port did), probes and metrics stay.
// Both runs also carry a --leader-elect-* flag without --leader-elect: accepted, with a warning naming it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';
import { eventually } from './real-cluster.js';

for (const [flag, status] of [['--status-page=false', 404], ['--status-page=true', 200]] as const) {
  test(`${flag}: / answers ${status}; /healthz and /metrics still served`, async () => {
    const api = await startFakeApiServer();
    const daemon = spawnDaemon([`--source=kubernetes:${api.url}?inClusterConfig=false`, '--sink=log', '--healthz-ip=127.0.0.1', '--healthz-port=0', '--leader-elect-retry-period=3s', flag]);
    try {
      const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
      const base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
      await eventually('ready', async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
      const page = await fetch(`${base}/`);
      assert.equal(page.status, status);
      if (status === 404) assert.equal(await page.text(), '404 page not found\n');
      else assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/metrics`)).status, 200);
      assert.match(daemon.output().stderr, /"level":40[^\n]*--leader-elect-retry-period is ignored without --leader-elect=true/);
    } finally {
      await stopDaemon(daemon);
      await api.close();
    }
  });
}
