import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { parseUri } from '../../src/base/uri.js';
import { DeferredEvent, wholeEvent, type WatchedEvent } from '../../src/event/deferred-event.js';
import type { EventChange, KubeEvent } from '../../src/event/types.js';
import { KubeClient } from '../../src/kube/client.js';
import { EventWatcher, type EventWatcherOptions } from '../../src/kube/watcher.js';
import { startFakeApiServer, waitUntil, type FakeApiServer, type FakeApiServerOptions } from '../fixtures/fake-apiserver/server.js';

interface Delivery {
  readonly change: EventChange;
  readonly event: KubeEvent;
}

interface Harness {
  readonly api: FakeApiServer;
  readonly client: KubeClient;
  readonly watcher: EventWatcher;
  readonly registry: Registry;
  readonly deliveries: Delivery[];
  /** Of the deliveries, those that came deferred (parsed when asked for). */
  readonly deferred: () => number;
  /** Starts the watcher (made with `start: false`) delivering into `deliveries`. */
  readonly start: () => void;
}

const FAST_BACKOFF = { initialMs: 10, maxMs: 100, multiplier: 2 };
/** The suite below runs twice: Events parsed whole, and deferred (EventWatcherOptions.deferParsing). */
let deferParsing = false;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function harness(options: { api?: FakeApiServerOptions; watcher?: Partial<EventWatcherOptions>; token?: string; start?: boolean } = {}): Promise<Harness> {
  const api = await startFakeApiServer(options.api);
  const client =
    options.token === undefined
      ? await KubeClient.fromUri(parseUri(`kubernetes:${api.url}?inClusterConfig=false`, '--source', {}), { env: {} })
      : new KubeClient({ server: api.url, description: 'test', warnings: [], tls: { rejectUnauthorized: true }, authHeaders: async () => ({ Authorization: `Bearer ${options.token}` }) });
  const registry = new Registry();
  const watcher = new EventWatcher({ client, registry, backoff: FAST_BACKOFF, deferParsing, ...options.watcher });
  const deliveries: Delivery[] = [];
  let deferred = 0;
  const deliver = (change: EventChange, event: WatchedEvent) => {
    if (event instanceof DeferredEvent) deferred++;
    deliveries.push({ change, event: wholeEvent(event) });
  };
  cleanups.push(async () => {
    await watcher.stop();
    client.close();
    await api.close();
  });
  if (options.start !== false) watcher.start(deliver);
  return { api, client, watcher, registry, deliveries, deferred: () => deferred, start: () => watcher.start(deliver) };
}

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  assert.ok(found, `metric ${name} registered`);
  const values = (found as unknown as { values: Array<{ value: number; labels: Record<string, string> }> }).values;
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}

const key = (e: KubeEvent) => `${e.metadata.uid}@${e.metadata.resourceVersion}`;

/** Every expected (uid, resourceVersion) delivered exactly once and nothing else. */
function assertExactlyOnce(deliveries: readonly Delivery[], expected: ReadonlyMap<string, EventChange>): void {
  const counts = new Map<string, number>();
  for (const d of deliveries) counts.set(key(d.event), (counts.get(key(d.event)) ?? 0) + 1);
  const duplicated = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(duplicated, [], 'no (uid, resourceVersion) delivered twice');
  const missing = [...expected.keys()].filter((k) => !counts.has(k));
  assert.deepEqual(missing, [], 'every change delivered');
  const unexpected = [...counts.keys()].filter((k) => !expected.has(k));
  assert.deepEqual(unexpected, [], 'nothing else delivered');
  for (const d of deliveries) assert.equal(d.change, expected.get(key(d.event)), `change type of ${key(d.event)}`);
}

for (const mode of [false, true]) describe(mode ? 'EventWatcher, Events parsed only when asked for (deferParsing)' : 'EventWatcher', () => {
  beforeEach(() => (deferParsing = mode));

  test('starts at "now": a paginated list seeds what exists without forwarding it', async () => {
    const h = await harness({ start: false });
    for (let i = 0; i < 1234; i++) h.api.createEvent({ metadata: { namespace: `ns-${i % 7}` } });
    h.start();
    await h.watcher.whenSynced();
    const lists = h.api.requests.filter((r) => r.verb === 'list');
    assert.equal(lists.length, 3);
    assert.ok(lists.every((r) => r.query.get('limit') === '500'), 'pages of 500');
    assert.equal(h.watcher.knownEvents, 1234);
    assert.equal(h.watcher.ready().healthy, true);
    const fresh = h.api.createEvent({ reason: 'Started' });
    await waitUntil(() => h.deliveries.length === 1, 'the new event');
    assert.equal(h.deliveries[0]!.change, 'ADDED');
    assert.equal(h.deliveries[0]!.event.metadata.uid, fresh.metadata.uid);
    assert.deepEqual(h.deliveries[0]!.event, fresh, 'the Event as stored, without kind/apiVersion');
    const watch = h.api.requests.find((r) => r.verb === 'watch')!;
    assert.equal(watch.path, '/api/v1/events');
    assert.equal(watch.query.get('allowWatchBookmarks'), 'true');
    const timeout = Number(watch.query.get('timeoutSeconds'));
    assert.ok(timeout >= 300 && timeout <= 600, `timeoutSeconds ${timeout}`);
  });

  test('2,000 events in 10 bursts, every watch dropped between bursts: each delivered exactly once', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    const expected = new Map<string, EventChange>();
    const alive: KubeEvent[] = [];
    for (let burst = 0; burst < 10; burst++) {
      await waitUntil(() => h.api.openWatches === 1 && h.watcher.health().connected, `watch open before burst ${burst}`);
      for (let i = 0; i < 200; i++) {
        const e = h.api.createEvent({ metadata: { namespace: `team-${i % 5}` }, reason: 'BackOff', type: 'Warning' });
        expected.set(key(e), 'ADDED');
        alive.push(e);
      }
      // Count bumps of earlier events (several per event across bursts) and a few deletions.
      for (let i = 0; i < 30 && burst > 0; i++) {
        const index = (burst * 37 + i * 11) % (alive.length - 200);
        const bumped = h.api.updateEvent(alive[index]!);
        alive[index] = bumped;
        expected.set(key(bumped), 'MODIFIED');
      }
      if (burst > 0) h.api.deleteEvent(alive.splice(burst, 1)[0]!);
      // Half the drops land in the middle of the burst's stream, half after it was delivered.
      if (burst % 2 === 1) await waitUntil(() => h.deliveries.length === expected.size, `burst ${burst} delivered`);
      assert.equal(h.api.dropWatches(), 1);
    }
    await waitUntil(() => h.deliveries.length >= expected.size, 'all deliveries', 20_000);
    await waitUntil(() => h.api.openWatches === 1 && h.watcher.health().connected, 'watch open again');
    assertExactlyOnce(h.deliveries, expected);
    assert.equal(h.deliveries.filter((d) => d.event.reason === 'BackOff').length, expected.size);
    assert.equal(h.deferred(), mode ? expected.size : 0, 'deferred exactly when asked for');
    assert.equal(await metric(h.registry, 'eventer_watch_relists_total'), 0, 'resumed without relisting');
    const restarts = await metric(h.registry, 'eventer_watch_restarts_total');
    assert.ok(restarts >= 10, `restarts ${restarts}`);
    assert.equal(h.api.counts.list, 1);
    assert.equal(h.watcher.knownEvents, alive.length);
  });

  test('the same with the history compacted (410) between bursts: each delivered exactly once', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    const expected = new Map<string, EventChange>();
    const alive: KubeEvent[] = [];
    for (let burst = 0; burst < 10; burst++) {
      await waitUntil(() => h.api.openWatches === 1 && h.deliveries.length === expected.size, `burst ${burst - 1} delivered, watch open`);
      // While the watcher is disconnected: new events, one bump each for some old ones, a deletion;
      // then the history is compacted, so the resume gets 410 and must relist.
      h.api.dropWatches();
      for (let i = 0; i < 200; i++) {
        const e = h.api.createEvent({ metadata: { namespace: `team-${i % 5}` } });
        expected.set(key(e), 'ADDED');
        alive.push(e);
      }
      for (let i = 0; i < 25 && burst > 0; i++) {
        const index = (burst * 13 + i * 7) % (alive.length - 200);
        const bumped = h.api.updateEvent(alive[index]!);
        alive[index] = bumped;
        expected.set(key(bumped), 'MODIFIED');
      }
      if (burst > 0) {
        const gone = alive.splice(burst * 3, 1)[0]!;
        h.api.deleteEvent(gone);
      }
      h.api.compact();
    }
    await waitUntil(() => h.deliveries.length >= expected.size, 'all deliveries', 20_000);
    await waitUntil(() => h.api.openWatches === 1, 'watch open again');
    assertExactlyOnce(h.deliveries, expected);
    assert.ok(h.deliveries.every((d) => !('kind' in d.event) && !('apiVersion' in d.event)), 'no TypeMeta, watched or relisted');
    assert.equal(await metric(h.registry, 'eventer_watch_expired_total'), 10);
    assert.equal(await metric(h.registry, 'eventer_watch_relists_total'), 10);
    assert.equal(await metric(h.registry, 'eventer_watch_relist_recovered_total'), expected.size);
    // 1 initial list + 10 relists, each of up to 4 pages of 500.
    const relistPages = h.api.requests.filter((r) => r.verb === 'list' && r.query.get('continue') === null).length;
    assert.equal(relistPages, 11);
    assert.equal(h.watcher.knownEvents, alive.length);
  });

  test('MODIFIED is forwarded; DELETED is not, and is forgotten', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    const e = h.api.createEvent({ reason: 'BackOff', type: 'Warning' });
    const bumped = h.api.updateEvent(e);
    h.api.deleteEvent(bumped);
    const after = h.api.createEvent({ reason: 'Marker' });
    await waitUntil(() => h.deliveries.some((d) => d.event.metadata.uid === after.metadata.uid), 'marker event');
    assert.deepEqual(
      h.deliveries.map((d) => [d.change, d.event.reason, d.event.count]),
      [
        ['ADDED', 'BackOff', 1],
        ['MODIFIED', 'BackOff', 2],
        ['ADDED', 'Marker', 1],
      ],
    );
    assert.equal(await metric(h.registry, 'eventer_watch_events_total', { type: 'DELETED' }), 1);
    assert.equal(h.watcher.knownEvents, 1);
    assert.ok(h.deliveries.every((d) => !('kind' in d.event) && !('apiVersion' in d.event)), 'no TypeMeta, as a typed client has it');
  });

  test('a notification repeated by the server is forwarded once; an older one for another Event still is', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    const first = h.api.createEvent({ reason: 'First' });
    const second = h.api.createEvent({ reason: 'Second' });
    await waitUntil(() => h.deliveries.length === 2, 'both delivered');
    const line = (event: KubeEvent, resourceVersion = event.metadata.resourceVersion) => `${JSON.stringify({ type: 'ADDED', object: { kind: 'Event', apiVersion: 'v1', ...event, metadata: { ...event.metadata, resourceVersion } } })}\n`;
    // Repeats of both, then an Event never seen whose resourceVersion is below the newest one seen.
    const unseen = { ...first, metadata: { ...first.metadata, uid: 'never-seen', name: 'never-seen' }, reason: 'Older' };
    h.api.writeToWatches(line(first) + line(second) + line(unseen, first.metadata.resourceVersion));
    const marker = h.api.createEvent({ reason: 'Marker' });
    await waitUntil(() => h.deliveries.some((d) => d.event.metadata.uid === marker.metadata.uid), 'marker event');
    assert.deepEqual(
      h.deliveries.map((d) => d.event.reason),
      ['First', 'Second', 'Older', 'Marker'],
    );
  });

  test('objects that are not Events are skipped and counted', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    // An involvedObject Go cannot decode into an ObjectReference.
    h.api.putObject('events', { metadata: { name: 'broken', namespace: 'default' }, kind: 'Event', involvedObject: 'web-1' });
    const good = h.api.createEvent();
    await waitUntil(() => h.deliveries.length === 1, 'the good event');
    assert.equal(h.deliveries[0]!.event.metadata.uid, good.metadata.uid);
    assert.equal(await metric(h.registry, 'eventer_watch_skipped_objects_total'), 1);
  });

  test('an involvedObject null or absent is delivered empty, as Go decodes it; on a relist too', async () => {
    const h = await harness();
    await h.watcher.whenSynced();
    const withNull = h.api.createEvent({ reason: 'NullObject' });
    h.api.putObject('events', { ...withNull, involvedObject: null } as unknown as Record<string, unknown>);
    h.api.putObject('events', { metadata: { name: 'no-object', namespace: 'default' }, kind: 'Event', apiVersion: 'v1', reason: 'NoObject' });
    await waitUntil(() => h.deliveries.length === 3, 'three deliveries');
    assert.deepEqual(
      h.deliveries.map((d) => [d.event.reason, d.event.involvedObject]),
      [
        ['NullObject', withNull.involvedObject],
        ['NullObject', {}],
        ['NoObject', {}],
      ],
    );
    assert.equal(await metric(h.registry, 'eventer_watch_skipped_objects_total'), 0);

    // Missed while the watch was down and the history compacted: the relist forwards them the same way.
    h.api.dropWatches();
    h.api.putObject('events', { metadata: { name: 'relisted', namespace: 'default' }, kind: 'Event', involvedObject: null, reason: 'Relisted' });
    h.api.compact();
    await waitUntil(() => h.deliveries.length === 4, 'the relisted Event');
    assert.deepEqual(h.deliveries[3]!.event.involvedObject, {});
    assert.equal(await metric(h.registry, 'eventer_watch_relists_total'), 1);
    assert.equal(await metric(h.registry, 'eventer_watch_skipped_objects_total'), 0);
  });

  test('API errors back off exponentially, then recover and reset', async () => {
    const h = await harness({ watcher: { backoff: { initialMs: 40, maxMs: 2000, multiplier: 2 } } });
    await h.watcher.whenSynced();
    await waitUntil(() => h.api.openWatches === 1 && h.watcher.health().connected, 'watch open');
    const before = h.api.requests.length;
    h.api.failNext(5, 500, { verb: 'watch' });
    h.api.dropWatches();
    await waitUntil(() => h.api.openWatches === 1, 'watch open after the errors', 10_000);
    const attempts = h.api.requests.slice(before).filter((r) => r.verb === 'watch');
    assert.equal(attempts.length, 6);
    // Delays before attempts 2..6 follow the policy: attempt n waits within [base/2, base], base = 40·2^(n-1).
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i]!.at);
    const floors = [20, 40, 80, 160, 320];
    gaps.forEach((gap, i) => assert.ok(gap >= floors[i]! - 2, `gap ${i + 1} is ${gap} ms, expected ≥ ${floors[i]}`));
    assert.equal(await metric(h.registry, 'eventer_watch_api_errors_total', { operation: 'watch' }), 5);
    // Every attempt resumes from the same point: nothing was skipped.
    assert.equal(new Set(attempts.map((r) => r.query.get('resourceVersion'))).size, 1);
    // After a healthy watch the backoff starts over: the next drop reconnects within the first
    // step (≤ 40 ms) instead of the sixth (≥ 640 ms).
    const e = h.api.createEvent();
    await waitUntil(() => h.deliveries.some((d) => d.event.metadata.uid === e.metadata.uid), 'event after recovery');
    const dropAt = Date.now();
    h.api.dropWatches();
    await waitUntil(() => h.api.openWatches === 1, 'quick reconnect');
    // Not reset, the sixth step would wait at least 640 ms; the first waits at most 40.
    assert.ok(Date.now() - dropAt < 640, `reconnected after ${Date.now() - dropAt} ms`);
  });

  test('Retry-After on 429 is honoured', async () => {
    const h = await harness({ watcher: { backoff: { initialMs: 5, maxMs: 5000, multiplier: 2 } } });
    await h.watcher.whenSynced();
    await waitUntil(() => h.api.openWatches === 1 && h.watcher.health().connected, 'watch open');
    h.api.failNext(1, 429, { verb: 'watch', retryAfterSeconds: 1 });
    h.api.dropWatches();
    await waitUntil(() => h.api.counts.watch === 3 && h.api.openWatches === 1, 'watch after the 429', 5000);
    const [, rejected, accepted] = h.api.requests.filter((r) => r.verb === 'watch');
    assert.ok(accepted!.at - rejected!.at >= 998, `waited ${accepted!.at - rejected!.at} ms`);
  });

  test('list errors at startup: not ready, then ready once the list succeeds', async () => {
    const h = await harness({ start: false });
    h.api.failNext(3, 503, { verb: 'list', message: 'etcdserver: leader changed' });
    h.watcher.start(() => {});
    await waitUntil(() => h.api.counts.injectedFailures >= 1, 'first failure');
    const notReady = h.watcher.ready();
    assert.equal(notReady.healthy, false);
    await h.watcher.whenSynced();
    assert.equal(h.api.counts.list, 4);
    assert.equal(h.watcher.ready().healthy, true);
    assert.equal(await metric(h.registry, 'eventer_watch_api_errors_total', { operation: 'list' }), 3);
  });

  test('health: connected → reconnecting (still healthy) → unhealthy after the bound → healthy again', async () => {
    let clock = 1_000_000;
    const h = await harness({ start: false, watcher: { now: () => clock, unhealthyAfterMs: 60_000, backoff: { initialMs: 5, maxMs: 20, multiplier: 2 } } });
    assert.deepEqual([h.watcher.health().healthy, h.watcher.health().reason], [false, 'event watch not started']);
    h.watcher.start(() => {});
    await waitUntil(() => h.watcher.health().connected, 'connected');
    assert.equal(h.watcher.health().healthy, true);
    assert.equal(h.watcher.health().lastContactAt, clock);
    h.api.failNext(Number.MAX_SAFE_INTEGER, 503, { verb: 'watch', message: 'apiserver is shutting down' });
    h.api.dropWatches();
    await waitUntil(() => !h.watcher.health().connected, 'disconnected');
    clock += 30_000;
    let health = h.watcher.health();
    assert.equal(health.healthy, true, health.reason);
    await waitUntil(() => h.watcher.health().reason.includes('apiserver is shutting down'), 'error in the reason');
    clock += 31_000;
    health = h.watcher.health();
    assert.equal(health.healthy, false);
    assert.match(health.reason, /not connected for 61\.0 s \(last error: WATCH \/api\/v1\/events: HTTP 503 ServiceUnavailable: apiserver is shutting down\)/);
    h.api.clearFailures();
    await waitUntil(() => h.watcher.health().connected, 'reconnected');
    assert.equal(h.watcher.health().healthy, true);
    await h.watcher.stop();
    assert.deepEqual([h.watcher.health().healthy, h.watcher.health().connected], [false, false]);
  });

  test('bookmarks advance the resume point', async () => {
    const h = await harness({ api: { bookmarkIntervalMs: 3_600_000 } });
    await h.watcher.whenSynced();
    await waitUntil(() => h.api.openWatches === 1, 'watch open');
    const listRv = h.watcher.lastResourceVersion;
    // Changes to other resources move the global resourceVersion without any Event.
    for (let i = 0; i < 5; i++) h.api.putObject('configmaps', { metadata: { name: `cm-${i}`, namespace: 'default' } });
    assert.equal(h.watcher.lastResourceVersion, listRv);
    h.api.sendBookmarks();
    await waitUntil(() => h.watcher.lastResourceVersion === h.api.resourceVersion, 'bookmark applied');
    assert.notEqual(h.api.resourceVersion, listRv);
    assert.equal(await metric(h.registry, 'eventer_watch_bookmarks_total'), 1);
    h.api.dropWatches();
    await waitUntil(() => h.api.counts.watch === 2, 'second watch');
    const resumed = h.api.requests.filter((r) => r.verb === 'watch')[1]!;
    assert.equal(resumed.query.get('resourceVersion'), h.api.resourceVersion);
    assert.equal(h.deliveries.length, 0);
  });

  test('bookmarks let a quiet watch survive compaction without a relist', async () => {
    const h = await harness({ api: { bookmarkIntervalMs: 3_600_000 } });
    await h.watcher.whenSynced();
    await waitUntil(() => h.api.openWatches === 1, 'watch open');
    h.api.putObject('configmaps', { metadata: { name: 'noise', namespace: 'default' } });
    h.api.sendBookmarks();
    await waitUntil(() => h.watcher.lastResourceVersion === h.api.resourceVersion, 'bookmark applied');
    h.api.compact();
    h.api.dropWatches();
    await waitUntil(() => h.api.counts.watch === 2 && h.api.openWatches === 1, 'resumed');
    assert.equal(await metric(h.registry, 'eventer_watch_expired_total'), 0);
    assert.equal(h.api.counts.list, 1);
  });

  test('a checkpoint resourceVersion: watch from it; on 410 relist only what is newer', async () => {
    const h = await harness({ start: false });
    const old = [h.api.createEvent({ reason: 'Old' }), h.api.createEvent({ reason: 'Old' })];
    const checkpoint = h.api.resourceVersion;
    const newer = [h.api.createEvent({ reason: 'New' }), h.api.createEvent({ reason: 'New' })];
    const resumed = new EventWatcher({ client: h.client, startResourceVersion: checkpoint, backoff: FAST_BACKOFF, registry: new Registry(), deferParsing });
    const got: Delivery[] = [];
    resumed.start((change, event) => void got.push({ change, event: wholeEvent(event) }));
    cleanups.push(() => resumed.stop());
    await waitUntil(() => got.length === 2, 'events after the checkpoint');
    assert.deepEqual(got.map((d) => d.event.metadata.uid), newer.map((e) => e.metadata.uid));
    assert.equal(h.api.counts.list, 0);
    await resumed.stop();

    // From the same checkpoint once history is gone: 410 → relist → forward only what is newer.
    h.api.updateEvent(old[0]!);
    h.api.compact();
    const afterCompaction = new EventWatcher({ client: h.client, startResourceVersion: checkpoint, backoff: FAST_BACKOFF, registry: new Registry(), deferParsing });
    const recovered: Delivery[] = [];
    afterCompaction.start((change, event) => void recovered.push({ change, event: wholeEvent(event) }));
    cleanups.push(() => afterCompaction.stop());
    await waitUntil(() => recovered.length === 3, 'relisted events');
    await waitUntil(() => h.api.openWatches === 1, 'watching');
    assert.deepEqual(recovered.map((d) => `${d.change} ${d.event.reason} ${d.event.count}`), ['ADDED New 1', 'ADDED New 1', 'ADDED Old 2']);
  });

  test('an unauthorized token: unhealthy with a clear reason that never shows the token', async () => {
    let clock = 0;
    const h = await harness({ api: { token: 'right-token-1234' }, token: 'wrong-token-9876', start: false, watcher: { now: () => clock, unhealthyAfterMs: 1000 } });
    h.watcher.start(() => {});
    await waitUntil(() => h.api.counts.unauthorized >= 2, 'retries');
    clock += 2000;
    const health = h.watcher.health();
    assert.equal(health.healthy, false);
    assert.match(health.reason, /GET \/api\/v1\/events: HTTP 401 Unauthorized: Unauthorized/);
    assert.ok(!health.reason.includes('wrong-token-9876') && !health.reason.includes('right-token-1234'), health.reason);
    assert.match(h.watcher.ready().reason, /401 Unauthorized/);
  });

  test('stop() while watching or backing off aborts at once and leaves nothing behind', async () => {
    const h = await harness({ watcher: { backoff: { initialMs: 60_000, maxMs: 60_000, multiplier: 2 } } });
    await h.watcher.whenSynced();
    await waitUntil(() => h.api.openWatches === 1, 'watch open');
    await h.watcher.stop();
    await waitUntil(() => h.api.openWatches === 0, 'watch closed on the server');

    const backingOff = new EventWatcher({ client: h.client, backoff: { initialMs: 60_000, maxMs: 60_000, multiplier: 2 }, registry: new Registry(), deferParsing });
    h.api.failNext(1, 500, { verb: 'list' });
    backingOff.start(() => {});
    const synced = backingOff.whenSynced();
    await waitUntil(() => h.api.counts.injectedFailures === 1, 'the failure');
    const started = Date.now();
    await backingOff.stop();
    assert.ok(Date.now() - started < 1000, `stop took ${Date.now() - started} ms`);
    await assert.rejects(synced, /stopped before the first list/);
    assert.equal(backingOff.health().reason, 'event watch stopped');
  });

  test('a slow async handler applies back-pressure without losing order', async () => {
    const h = await harness({ start: false });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.watcher.start(async (_change, event) => {
      if (order.length === 0) await gate;
      order.push(wholeEvent(event).metadata.name!);
    });
    await h.watcher.whenSynced();
    const created = [h.api.createEvent(), h.api.createEvent(), h.api.createEvent()];
    await waitUntil(() => h.api.openWatches === 1, 'watch open');
    assert.equal(order.length, 0);
    release();
    await waitUntil(() => order.length === 3, 'all handled');
    assert.deepEqual(order, created.map((e) => e.metadata.name));
  });
});

test('a watch that stays connected without events or bookmarks turns unhealthy (stalled), and recovers', async () => {
  const { startFakeApiServer: start, waitUntil: until } = await import('../fixtures/fake-apiserver/server.js');
  const { KubeClient: Client } = await import('../../src/kube/client.js');
  const { EventWatcher: Watcher } = await import('../../src/kube/watcher.js');
  const { parseUri: parse } = await import('../../src/base/uri.js');
  const server = await start({ bookmarkIntervalMs: 3_600_000 });
  let now = Date.now();
  const client = await Client.fromUri(parse(`kubernetes:${server.url}?inClusterConfig=false`, '--source'));
  const watcher = new Watcher({ client, stallAfterMs: 60_000, now: () => now });
  const seen: string[] = [];
  const receivedAt: number[] = [];
  watcher.start((_c, e, at) => {
    seen.push(e.metadata.uid!);
    receivedAt.push(at);
  });
  await watcher.whenSynced();
  await until(() => watcher.health().connected, 'watch connected');
  assert.equal(watcher.health().healthy, true, 'healthy right after connecting');
  now += 61_000;
  const stalled = watcher.health();
  assert.equal(stalled.healthy, false, 'no data for 61 s while connected is a stall');
  assert.match(stalled.reason, /stalled/);
  server.createEvent();
  await until(() => seen.length === 1, 'event received');
  assert.equal(watcher.health().healthy, true, 'an event ends the stall');
  assert.deepEqual(receivedAt, [now], 'the handler is told when the watch received the event');
  now += 61_000;
  server.sendBookmarks();
  await until(() => watcher.health().healthy, 'a bookmark ends the stall');
  await watcher.stop();
  await server.close();
});
