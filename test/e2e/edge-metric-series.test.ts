// Issue 9 item 7: every metric has bounded series. 3,000 namespaces of Normal events and 3,000 distinct
// Warning objects must not make 3,000 series per counter: past the documented cap the labels collapse
// to `_other_`, and every event is still counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_COLLAPSED_SERIES_PER_COUNTER, MAX_SERIES_PER_COUNTER } from '../../src/event/event-metrics.js';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

const EVENTS_PER_KIND = 3000;

test('3,000 namespaces and 3,000 objects: each eventer_events_* counter stays within its cap and counts every event', async () => {
  const api = await startFakeApiServer();
  const daemon = spawnDaemon([`--source=kubernetes:${api.url}?inClusterConfig=false`, '--healthz-ip=127.0.0.1', '--healthz-port=0']);
  try {
    const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
    const base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
    await waitForOutput(daemon, /watching for new events/, 30_000);
    for (let i = 0; i < EVENTS_PER_KIND; i++) {
      api.createEvent({ metadata: { namespace: `team-${i}` }, reason: 'Scheduled', type: 'Normal', involvedObject: { kind: 'Pod', namespace: `team-${i}`, name: `web-${i}` } });
      api.createEvent({ metadata: { namespace: `ns-${i % 50}` }, reason: 'Unhealthy', type: 'Warning', involvedObject: { kind: 'Pod', namespace: `ns-${i % 50}`, name: `pod-${i}` } });
    }
    const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));
    const total = (lines: string[]) => lines.reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    let text = '';
    const deadline = Date.now() + 60_000;
    do {
      text = await (await fetch(`${base}/metrics`)).text();
      if (total(series(text, 'eventer_events_normal_total')) + total(series(text, 'eventer_events_warning_total')) >= 2 * EVENTS_PER_KIND) break;
      await new Promise((r) => setTimeout(r, 200));
    } while (Date.now() < deadline);
    const bound = MAX_SERIES_PER_COUNTER + MAX_COLLAPSED_SERIES_PER_COUNTER + 1;
    for (const name of ['eventer_events_normal_total', 'eventer_events_warning_total']) {
      const lines = series(text, name);
      assert.ok(lines.length <= bound, `${name}: ${lines.length} series (bound ${bound})`);
      assert.equal(total(lines), EVENTS_PER_KIND, `${name} counts every event`);
      assert.ok(lines.some((l) => l.includes('"_other_"')), `${name} collapsed the overflow into _other_`);
    }
    assert.ok(text.length < 1_500_000, `scrape is ${text.length} bytes`);
  } finally {
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
    await api.close();
  }
});
