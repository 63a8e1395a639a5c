// Events written through events.k8s.io/v1 (as the scheduler and newer kubelets write them), as the
// real kube-apiserver shows them on the core/v1 watch kube-eventer uses: after a create and a series
// update the core/v1 object has no lastTimestamp and the real figures in series. Our own formats (chat
// texts, the log sink's line) show the series count and last observation; templates still see the
// raw fields; the daemon's log sink prints the series count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeEvent } from '../../src/event/types.js';
import { eventToGoValue, parseTemplate } from '../../src/gotemplate/index.js';
import { goTimeFromUnix, localFromEnv, setLocalLocation, UTC } from '../../src/gotime/index.js';
import { assertSeriesShown } from '../sinks/chat/series-formats.js';
import { EVENTS_NAMESPACE, startRealCluster, type RealCluster } from './real-cluster.js';

const ZONE = 'Asia/Shanghai';
setLocalLocation(localFromEnv({ TZ: ZONE }));
const now = () => goTimeFromUnix(1_700_000_000, 0, UTC);

let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

const micro = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/** Creates an events.k8s.io/v1 Event, then records a series on it as an event recorder does. */
async function writeSeriesEvent(name: string, firstMs: number, lastMs: number, count: number): Promise<void> {
  const path = `/apis/events.k8s.io/v1/namespaces/${EVENTS_NAMESPACE}/events`;
  const created = await cluster.cp.request('POST', path, {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name, namespace: EVENTS_NAMESPACE },
    eventTime: micro(firstMs),
    reportingController: 'e2e.io/scheduler',
    reportingInstance: 'scheduler-1',
    action: 'Scheduling',
    reason: 'FailedScheduling',
    regarding: { apiVersion: 'v1', kind: 'Pod', namespace: EVENTS_NAMESPACE, name: 'web-0' },
    note: '0/3 nodes are available: 3 Insufficient cpu.',
    type: 'Warning',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const updated = await cluster.cp.request('PUT', `${path}/${name}`, { ...created.body, series: { count, lastObservedTime: micro(lastMs) } });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
}

test('an events.k8s.io/v1 series on the core/v1 watch: our formats show its count and last observation', async () => {
  const list = await cluster.cp.request('GET', `/api/v1/namespaces/${EVENTS_NAMESPACE}/events`);
  const watch = await cluster.cp.watch(`/api/v1/namespaces/${EVENTS_NAMESPACE}/events?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
  try {
    const first = Date.parse('2026-11-25T10:00:00.123Z');
    const last = first + 12 * 60_000 + 456;
    await writeSeriesEvent('scheduler-series', first, last, 7);
    const added = await watch.next(10_000);
    const modified = await watch.next(10_000);
    assert.equal(added.type, 'ADDED');
    assert.equal(modified.type, 'MODIFIED');
    const e = modified.object as KubeEvent;
    // What kube-eventer receives: the figures are only in series and eventTime.
    assert.ok(!e.lastTimestamp, `lastTimestamp ${String(e.lastTimestamp)}`);
    assert.ok(!e.firstTimestamp, `firstTimestamp ${String(e.firstTimestamp)}`);
    assert.ok((e.count ?? 0) <= 1, `count ${e.count}`);
    assert.equal(e.series?.count, 7);
    assert.equal(e.series?.lastObservedTime, micro(last));
    assert.equal(e.eventTime, micro(first));

    assertSeriesShown(e, 7, micro(last), now);

    // Templates see the raw fields, as kube-eventer shows them.
    const raw = parseTemplate('body', '{{ .Count }}|{{ .Series.Count }}|{{ .LastTimestamp }}|{{ .EventTime }}').execute(eventToGoValue(e));
    assert.equal(raw, `${e.count ?? 0}|7|0001-01-01 00:00:00 +0000 UTC|2026-11-25 18:00:00.123 +0800 CST`);
  } finally {
    watch.close();
  }
});

test('the daemon\'s log sink prints the series count of such an event', async () => {
  const daemon = await cluster.startDaemon([await cluster.sourceFlag(), '--sink=log'], { TZ: ZONE });
  // After its first list: an Event written before the list ends counts as existing and is not forwarded.
  await daemon.waitForLog(/"existing":\d+[^\n]*watching for new events/, 30_000);
  const first = Date.now();
  await writeSeriesEvent('scheduler-series-daemon', first, first + 30_000, 9);
  const line = await daemon.waitForLog(/Warning FailedScheduling Pod demo\/web-0 [^\n]*\(cnt:9\)[^\n]*/, 20_000);
  assert.match(line, /\(cnt:9\): 0\/3 nodes are available/);
});
