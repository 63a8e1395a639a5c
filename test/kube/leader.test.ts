import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { ConfigError } from '../../src/base/errors.js';
import { silentLog } from '../helpers/log.js';
import type { RequestOptions } from '../../src/kube/api.js';
import { KubeClient } from '../../src/kube/client.js';
import {
  defaultLeaderIdentity,
  defaultLeaseNamespace,
  LEADER_ELECTION_DEFAULTS,
  LeaderElector,
  validateLeaderElectionOptions,
  validateLeaderTimings,
  type KubeRequester,
  type LeaderElectionOptions,
  type StopReason,
} from '../../src/kube/leader.js';
import type { Lease } from '../../src/kube/types.js';
import { startFakeApiServer, waitUntil, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';

/** Short client-go-shaped timings (lease > renew > 1.2 × retry) so takeovers happen within seconds. */
const FAST = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 200 };
const NAMESPACE = 'kube-system';
const LEASE = 'kube-eventer';

function clientFor(api: FakeApiServer): KubeClient {
  return new KubeClient({ server: api.url, description: 'fake', warnings: [], tls: { rejectUnauthorized: true }, authHeaders: async () => ({}) }, { requestTimeoutMs: 2000 });
}

function leaseOf(api: FakeApiServer): Lease {
  const lease = api.getObject('leases', NAMESPACE, LEASE) as Lease | undefined;
  assert.ok(lease, 'the Lease exists');
  return lease;
}

const microMs = (t: string | null | undefined) => Date.parse(String(t));

/** Counts replicas that currently lead, across every elector of a test: must never exceed one. */
class LeadershipLedger {
  current = 0;
  max = 0;
  enter(leadership: AbortSignal): void {
    this.current++;
    this.max = Math.max(this.max, this.current);
    leadership.addEventListener('abort', () => this.current--, { once: true });
  }
}

interface Replica {
  readonly elector: LeaderElector;
  readonly identity: string;
  readonly registry: Registry;
  readonly controller: AbortController;
  readonly started: Promise<number>;
  readonly stopped: Promise<StopReason>;
  readonly leaders: string[];
  readonly done: Promise<void>;
  startedAt?: number;
  stopReason?: StopReason;
}

const running: Replica[] = [];

function replica(client: KubeRequester, identity: string, ledger: LeadershipLedger, overrides: Partial<LeaderElectionOptions> & { now?: () => number } = {}): Replica {
  const controller = new AbortController();
  const registry = new Registry();
  const leaders: string[] = [];
  let markStarted!: (at: number) => void;
  let markStopped!: (reason: StopReason) => void;
  const started = new Promise<number>((resolve) => (markStarted = resolve));
  const stopped = new Promise<StopReason>((resolve) => (markStopped = resolve));
  const r: Partial<Replica> & { startedAt?: number; stopReason?: StopReason } = {};
  const elector = new LeaderElector(
    client,
    {
      ...FAST,
      leaseName: LEASE,
      leaseNamespace: NAMESPACE,
      identity,
      releaseOnCancel: false,
      ...overrides,
      callbacks: {
        onStartedLeading: (leadership) => {
          ledger.enter(leadership);
          r.startedAt = Date.now();
          markStarted(r.startedAt);
        },
        onStoppedLeading: (reason) => {
          r.stopReason = reason;
          markStopped(reason);
        },
        onNewLeader: (leader) => leaders.push(leader),
      },
    },
    silentLog,
    registry,
  );
  Object.assign(r, { elector, identity, registry, controller, started, stopped, leaders, done: elector.run(controller.signal) });
  running.push(r as Replica);
  return r as Replica;
}

async function gauge(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('eventer_leader_is_leader')!.get();
  return metric.values[0]!.value;
}

/** Resolves when the API server has seen `n` more Lease updates than now (renewals happen). */
async function renewals(api: FakeApiServer, n: number, what: string): Promise<void> {
  const target = api.counts.update + n;
  await waitUntil(() => api.counts.update >= target, what, 5000);
}

describe('leader election settings', () => {
  test('client-go defaults are valid', () => {
    validateLeaderTimings(LEADER_ELECTION_DEFAULTS);
    assert.deepEqual([LEADER_ELECTION_DEFAULTS.leaseDurationMs, LEADER_ELECTION_DEFAULTS.renewDeadlineMs, LEADER_ELECTION_DEFAULTS.retryPeriodMs], [15000, 10000, 2000]);
    assert.equal(LEADER_ELECTION_DEFAULTS.leaseName, 'kube-eventer');
  });

  test('timings are rejected as client-go rejects them, naming the flags and values', () => {
    const bad: Array<[Partial<typeof FAST>, RegExp]> = [
      [{ leaseDurationMs: 10_000 }, /--leader-elect-lease-duration=10s must be greater than --leader-elect-renew-deadline=10s/],
      [{ renewDeadlineMs: 2_400 }, /--leader-elect-renew-deadline=2\.4s must be greater than 1\.2 × --leader-elect-retry-period=2s/],
      [{ retryPeriodMs: 0 }, /--leader-elect-retry-period=0s: must be greater than zero/],
      [{ renewDeadlineMs: -1000 }, /--leader-elect-renew-deadline=-1s: must be greater than zero/],
      [{ leaseDurationMs: 15_500 }, /--leader-elect-lease-duration=15\.5s: must be a whole number of seconds/],
    ];
    for (const [change, message] of bad) {
      assert.throws(() => validateLeaderTimings({ ...LEADER_ELECTION_DEFAULTS, ...change }), (err: unknown) => err instanceof ConfigError && message.test(err.message), JSON.stringify(change));
    }
    validateLeaderTimings({ leaseDurationMs: 15_000, renewDeadlineMs: 2_401, retryPeriodMs: 2_000 });
  });

  test('names are checked', () => {
    const good: LeaderElectionOptions = { ...LEADER_ELECTION_DEFAULTS, leaseNamespace: 'kube-system', identity: 'a' };
    validateLeaderElectionOptions(good);
    assert.throws(() => validateLeaderElectionOptions({ ...good, leaseName: 'Kube_Eventer' }), /--leader-elect-resource-name="Kube_Eventer": not a valid Lease name/);
    assert.throws(() => validateLeaderElectionOptions({ ...good, leaseNamespace: 'a.b' }), /--leader-elect-resource-namespace="a.b": not a valid namespace/);
    assert.throws(() => validateLeaderElectionOptions({ ...good, identity: ' ' }), ConfigError);
  });

  test('namespace: service account mount, else POD_NAMESPACE, else kube-system', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'leader-sa-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const missing = join(dir, 'missing');
    assert.equal(defaultLeaseNamespace({ serviceAccountDir: missing, env: {} }), 'kube-system');
    assert.equal(defaultLeaseNamespace({ serviceAccountDir: missing, env: { POD_NAMESPACE: 'monitoring' } }), 'monitoring');
    writeFileSync(join(dir, 'namespace'), 'observability\n');
    assert.equal(defaultLeaseNamespace({ serviceAccountDir: dir, env: { POD_NAMESPACE: 'monitoring' } }), 'observability');
  });

  test('identity: POD_NAME, else hostname plus a random suffix', () => {
    assert.equal(defaultLeaderIdentity({ env: { POD_NAME: 'kube-eventer-7d9f-abcde' } }), 'kube-eventer-7d9f-abcde');
    const a = defaultLeaderIdentity({ env: {}, hostname: 'node-1' });
    const b = defaultLeaderIdentity({ env: {}, hostname: 'node-1' });
    assert.match(a, /^node-1_[0-9a-f]{16}$/);
    assert.notEqual(a, b);
  });
});

describe('leader election against the fake API server', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  const setup = async () => {
    api = await startFakeApiServer();
    client = clientFor(api);
  };
  /** The client, except that while `hangs()` no request is answered: each ends at its abort or timeout. */
  const hangingWhile = (hangs: () => boolean): KubeRequester => ({
    requestJson: <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
      if (!hangs()) return client.requestJson<T>(method, path, options);
      return new Promise<T>((_, reject) => {
        const timer = setTimeout(() => reject(new Error('request timed out')), options.timeoutMs);
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(options.signal?.reason)), { once: true });
      });
    },
  });
  afterEach(async () => {
    for (const r of running.splice(0)) {
      r.controller.abort();
      await r.done;
    }
    client.close();
    await api.close();
  });

  test('two replicas on one Lease: exactly one leads, the other sees it as leader', async () => {
    await setup();
    const ledger = new LeadershipLedger();
    const a = replica(client, 'replica-a', ledger);
    const b = replica(client, 'replica-b', ledger);
    const first = await Promise.race([a.started.then(() => a), b.started.then(() => b)]);
    const other = first === a ? b : a;
    await renewals(api, 5, 'the leader renewing five times');
    await waitUntil(() => other.leaders.includes(first.identity), 'the standby to report the leader');

    assert.equal(ledger.max, 1);
    assert.equal(first.elector.isLeader(), true);
    assert.equal(other.elector.isLeader(), false);
    assert.equal(other.startedAt, undefined);
    const lease = leaseOf(api);
    assert.equal(lease.spec?.holderIdentity, first.identity);
    assert.equal(lease.spec?.leaseDurationSeconds, 1);
    assert.equal(lease.spec?.leaseTransitions, 0);
    assert.match(String(lease.spec?.renewTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.ok(microMs(lease.spec?.renewTime) > microMs(lease.spec?.acquireTime), 'renewals move renewTime, not acquireTime');
    assert.equal(await gauge(first.registry), 1);
    assert.equal(await gauge(other.registry), 0);
    assert.deepEqual(first.leaders, [first.identity]);
  });

  test('a leader that stops renewing (crash) is replaced after the lease duration, counting a transition', async () => {
    await setup();
    const ledger = new LeadershipLedger();
    const a = replica(client, 'replica-a', ledger);
    await a.started;
    const b = replica(client, 'replica-b', ledger);
    await waitUntil(() => b.leaders.includes('replica-a'), 'the standby to observe replica-a');

    a.controller.abort(); // no release: the Lease still names replica-a until it expires
    const crashedAt = Date.now();
    assert.equal(await a.stopped, 'cancelled');
    await a.done;
    const lastRenew = microMs(leaseOf(api).spec?.renewTime);
    assert.equal(leaseOf(api).spec?.holderIdentity, 'replica-a');

    await b.started;
    const takeoverMs = Date.now() - crashedAt;
    const lease = leaseOf(api);
    assert.equal(lease.spec?.holderIdentity, 'replica-b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    // The standby waits a full lease duration after it last saw the record change.
    assert.ok(microMs(lease.spec?.acquireTime) - lastRenew >= FAST.leaseDurationMs, `acquired ${microMs(lease.spec?.acquireTime) - lastRenew} ms after the last renewal`);
    assert.ok(takeoverMs < FAST.leaseDurationMs + 3 * FAST.retryPeriodMs + 1000, `takeover took ${takeoverMs} ms`);
    assert.equal(ledger.max, 1);
    assert.ok(b.leaders.includes('replica-b'));
  });

  test('releaseOnCancel: a clean shutdown hands over at once instead of after the lease duration', async () => {
    await setup();
    const slow = { leaseDurationMs: 5000, renewDeadlineMs: 3000, retryPeriodMs: 200 };
    const ledger = new LeadershipLedger();
    const a = replica(client, 'replica-a', ledger, { ...slow, releaseOnCancel: true });
    await a.started;
    const b = replica(client, 'replica-b', ledger, slow);
    await waitUntil(() => b.leaders.includes('replica-a'), 'the standby to observe replica-a');

    const shutdownAt = Date.now();
    a.controller.abort();
    await a.done;
    assert.equal(a.stopReason, 'cancelled');
    await b.started;
    const takeoverMs = Date.now() - shutdownAt;
    assert.ok(takeoverMs < slow.leaseDurationMs / 2, `takeover took ${takeoverMs} ms (lease duration ${slow.leaseDurationMs} ms)`);
    const lease = leaseOf(api);
    assert.equal(lease.spec?.holderIdentity, 'replica-b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    assert.equal(lease.spec?.leaseDurationSeconds, 5);
    assert.equal(ledger.max, 1);
  });

  test('the released record is empty with a one-second lease, as client-go writes it', async () => {
    await setup();
    const a = replica(client, 'replica-a', new LeadershipLedger(), { releaseOnCancel: true });
    await a.started;
    a.controller.abort();
    await a.done;
    const spec = leaseOf(api).spec;
    assert.equal(spec?.holderIdentity, '');
    assert.equal(spec?.leaseDurationSeconds, 1);
    assert.equal(spec?.leaseTransitions, 0);
    assert.equal(await gauge(a.registry), 0);
  });

  test('conflicts (409) on renewal: the leader re-reads the Lease and keeps leading, keeping foreign changes', async () => {
    await setup();
    const a = replica(client, 'replica-a', new LeadershipLedger());
    await a.started;
    await renewals(api, 2, 'steady renewals');

    // Someone else changes the object: the leader's next optimistic update carries a stale resourceVersion.
    const gets = api.counts.get;
    const lease = leaseOf(api);
    api.putObject('leases', { ...lease, metadata: { ...lease.metadata, annotations: { touched: 'yes' } } } as unknown as Record<string, unknown>);
    const changedRv = Number(leaseOf(api).metadata.resourceVersion);
    await waitUntil(() => Number(leaseOf(api).metadata.resourceVersion) > changedRv, 'a renewal after the conflict');
    assert.ok(api.counts.get > gets, 'the leader re-read the Lease after the conflict');
    assert.equal(leaseOf(api).metadata.annotations?.touched, 'yes');

    // An injected 409 behaves the same.
    api.failNext(1, 409, { verb: 'update' });
    const injectedAt = api.counts.injectedFailures;
    await waitUntil(() => api.counts.injectedFailures > injectedAt, 'the injected conflict');
    await renewals(api, 2, 'renewals after the injected conflict');
    assert.equal(a.stopReason, undefined);
    assert.equal(a.elector.isLeader(), true);
    assert.equal(leaseOf(api).spec?.holderIdentity, 'replica-a');
  });

  test('API errors: the leader steps down once it cannot renew within the renew deadline', async () => {
    await setup();
    const a = replica(client, 'replica-a', new LeadershipLedger());
    await a.started;
    await renewals(api, 1, 'a renewal');

    const failingSince = Date.now();
    api.failNext(1_000_000, 500);
    assert.equal(await a.stopped, 'lost');
    const lostAfter = Date.now() - failingSince;
    await a.done;
    assert.ok(lostAfter >= FAST.renewDeadlineMs - 15, `lost after ${lostAfter} ms`);
    assert.ok(lostAfter < FAST.renewDeadlineMs + FAST.retryPeriodMs + 1000, `lost after ${lostAfter} ms`);
    assert.equal(a.elector.isLeader(), false);
    assert.equal(await gauge(a.registry), 0);
  });

  test('a hanging API server cannot keep a leader past its renew deadline', async () => {
    await setup();
    let hang = false;
    const hanging = hangingWhile(() => hang);
    const a = replica(hanging, 'replica-a', new LeadershipLedger());
    await a.started;
    const hangingSince = Date.now();
    hang = true;
    assert.equal(await a.stopped, 'lost');
    const lostAfter = Date.now() - hangingSince;
    assert.ok(lostAfter < FAST.renewDeadlineMs + FAST.retryPeriodMs + 1000, `lost after ${lostAfter} ms`);
  });

  test('a standby whose clock is an hour ahead does not steal a Lease that is being renewed', async () => {
    await setup();
    const ledger = new LeadershipLedger();
    const a = replica(client, 'replica-a', ledger);
    await a.started;
    const skewed = replica(client, 'replica-skewed', ledger, { now: () => Date.now() + 3_600_000 });
    // Several lease durations' worth of renewals (5 per second at a 200 ms retry period).
    await renewals(api, 12, 'over two seconds of renewals');
    assert.equal(skewed.startedAt, undefined);
    assert.deepEqual(skewed.leaders, ['replica-a']);
    assert.equal(leaseOf(api).spec?.holderIdentity, 'replica-a');
    assert.equal(ledger.max, 1);
  });

  test('standby health: never fails while the Lease is read, fails once a hanging API server keeps it from the Lease', async () => {
    await setup();
    let hang = false;
    const hanging = hangingWhile(() => hang);
    const ledger = new LeadershipLedger();
    const a = replica(client, 'replica-a', ledger);
    await a.started;
    const b = replica(hanging, 'replica-b', ledger);
    // The shortest bound asked for: the one attempt can take (jittered pause plus a request timeout) wins.
    const health = () => b.elector.standbyHealth(1);
    const unhealthy: string[] = [];
    const target = api.counts.update + 12;
    await waitUntil(() => {
      const h = health();
      if (!h.healthy) unhealthy.push(h.reason);
      return api.counts.update >= target;
    }, 'over two seconds of renewals', 5000);
    assert.deepEqual(unhealthy, [], 'a standby that reads the Lease stays healthy');
    assert.equal(health().reason, 'standby: replica-a holds the Lease');

    hang = true;
    await waitUntil(() => !health().healthy, 'the cut-off standby fails', 5000);
    assert.match(health().reason, /^standby: Lease kube-system\/kube-eventer not read for \d+\.\d s \(last error: get: request timed out\)$/);
    hang = false;
    await waitUntil(() => health().healthy, 'the standby recovers', 5000);
    assert.equal(b.startedAt, undefined, 'replica-a kept leading');
  });

  test('a standby that starts while the Lease is free acquires it at once; no Lease yet is created', async () => {
    await setup();
    const startAt = Date.now();
    const a = replica(client, 'replica-a', new LeadershipLedger());
    await a.started;
    assert.ok(Date.now() - startAt < FAST.retryPeriodMs * 5, 'the first attempt acquires');
    assert.equal(api.counts.create, 1);
    assert.equal(leaseOf(api).spec?.holderIdentity, 'replica-a');
  });
});
