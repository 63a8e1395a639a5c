// An Event whose involvedObject is null decodes in kube-eventer (Go) as one with an empty involved
// object, and is delivered. Through the daemon's watch (parsed only when a sink takes it: every sink
// filters) into webhooks: the built-in body shows an empty kind; a namespaces filter reads the Event's
// own namespace, as for any Event about a cluster-scoped object; a kinds filter drops it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';

test('an Event with involvedObject null is delivered with an empty involved object, and filtered as kube-eventer filters it', async () => {
  const api = await startFakeApiServer();
  const [byNamespace, byKind] = [await startHttpReceiver(), await startHttpReceiver()];
  const daemon = spawnDaemon([
    `--source=kubernetes:${api.url}?inClusterConfig=false`,
    `--sink=webhook:${byNamespace.url}/ns?method=POST&namespaces=default`,
    `--sink=webhook:${byKind.url}/kind?method=POST&kinds=Pod`,
    '--healthz-ip=127.0.0.1',
    '--healthz-port=0',
  ]);
  try {
    await waitForOutput(daemon, /every sink filters/, 30_000);
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.putObject('events', { metadata: { name: 'no-object.1', namespace: 'default' }, involvedObject: null, reason: 'NoObject', message: 'm', type: 'Warning', count: 1 });
    // Sent after it to both sinks: once the kinds sink has it, it would have had the first Event too.
    api.createEvent({ reason: 'Marker', involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' } });
    await byNamespace.waitForRequests(2, 20_000);
    await byKind.waitForRequests(1, 20_000);

    const bodies = byNamespace.requests.map((r) => JSON.parse(r.body) as Record<string, string>);
    assert.deepEqual(
      bodies.map((b) => [b.EventReason, b.EventKind]),
      [
        ['NoObject', ''],
        ['Marker', 'Pod'],
      ],
    );
    assert.deepEqual(
      byKind.requests.map((r) => (JSON.parse(r.body) as Record<string, string>).EventReason),
      ['Marker'],
    );
    const metrics = await fetch(`http://127.0.0.1:${/"port":(\d+)/.exec(daemon.output().stderr)![1]}/metrics`).then((r) => r.text());
    assert.match(metrics, /^eventer_watch_skipped_objects_total 0$/m);
  } finally {
    await stopDaemon(daemon);
    await Promise.all([byNamespace.close(), byKind.close(), api.close()]);
  }
});
