// Leader election on a coordination.k8s.io/v1 Lease with client-go's leaderelection semantics, so
// only one replica delivers events while standbys wait to take over.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Gauge, type Registry } from 'prom-client';
import { ConfigError } from '../base/errors.js';
import { formatGoDuration } from '../base/go-duration.js';
import type { Logger } from '../log/logger.js';
import { KubeApiError, type KubeApi } from './api.js';
import { leasesPath } from './client.js';
import { SERVICE_ACCOUNT_DIR } from './config.js';
import { isDnsLabel, isDnsSubdomain } from './names.js';
import type { Lease, LeaseSpec } from './types.js';

/** The part of the API client the elector uses (tests may pass a stand-in). */
export type KubeRequester = Pick<KubeApi, 'requestJson'>;

/** The HTTP status of a failed API request, or undefined for aborts and non-API errors (0: no response). */
export function apiErrorStatus(err: unknown): number | undefined {
  return err instanceof KubeApiError ? err.status : undefined;
}

/** Defaults of client-go's leader election flags (and the Lease name kube-eventer uses). */
export const LEADER_ELECTION_DEFAULTS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  leaseName: 'kube-eventer',
  releaseOnCancel: true,
} as const;

/** client-go's wait.JitterUntil factor: standbys retry every retryPeriod × [1, 2.2). */
const JITTER_FACTOR = 1.2;

/** Validated `--leader-elect-*` settings. */
export interface LeaderElectionOptions {
  /** `--leader-elect-lease-duration`: how long standbys wait after the last observed renewal. Whole seconds. */
  readonly leaseDurationMs: number;
  /** `--leader-elect-renew-deadline`: how long the leader keeps retrying a renewal before it gives up. */
  readonly renewDeadlineMs: number;
  /** `--leader-elect-retry-period`: pause between acquire or renew attempts. */
  readonly retryPeriodMs: number;
  /** `--leader-elect-resource-name` */
  readonly leaseName: string;
  /** `--leader-elect-resource-namespace` */
  readonly leaseNamespace: string;
  /** This replica's holderIdentity in the Lease. */
  readonly identity: string;
  /** On a clean shutdown, clear holderIdentity so a standby takes over at once instead of after leaseDuration. */
  readonly releaseOnCancel: boolean;
}

export type StopReason = 'lost' | 'cancelled';

export interface LeaderCallbacks {
  /** This replica became leader; `leadership` aborts when it stops leading. Not awaited. */
  onStartedLeading(leadership: AbortSignal): void | Promise<void>;
  /**
   * Leadership ended: `lost` (no renewal within renewDeadline, or another holder) — the daemon should
   * exit, as client-go users do; `cancelled` (run's signal aborted, the Lease released if configured).
   * Not called when this replica never led. Awaited before run() resolves.
   */
  onStoppedLeading(reason: StopReason): void | Promise<void>;
  /** The observed holder changed (including to this replica). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions extends LeaderElectionOptions {
  readonly callbacks: LeaderCallbacks;
  /** Wall clock (ms since the epoch) for Lease timestamps and observation times; tests skew it. */
  readonly now?: () => number;
  /** Per-request timeout while acquiring (renewals are bounded by what is left of renewDeadline). */
  readonly requestTimeoutMs?: number;
  /** Annotations set on every write of the Lease (the leader's delivered position rides along each renewal). */
  readonly leaseAnnotations?: () => Readonly<Record<string, string>> | undefined;
}

export interface LeaderEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
  readonly hostname?: string;
}

/** The pod's namespace (service account mount), else env POD_NAMESPACE, else `kube-system`. */
export function defaultLeaseNamespace(environment: LeaderEnvironment = {}): string {
  try {
    const fromMount = readFileSync(join(environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, 'namespace'), 'utf8').trim();
    if (fromMount !== '') return fromMount;
  } catch {
    // Not running in a pod (or no mounted token): fall through to the environment.
  }
  const fromEnv = (environment.env ?? process.env).POD_NAMESPACE?.trim();
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'kube-system';
}

/** env POD_NAME, else `<hostname>_<random>` (unique even when two processes share a host). */
export function defaultLeaderIdentity(environment: LeaderEnvironment = {}): string {
  const podName = (environment.env ?? process.env).POD_NAME?.trim();
  if (podName !== undefined && podName !== '') return podName;
  return `${environment.hostname ?? hostname()}_${randomBytes(8).toString('hex')}`;
}

function flagDuration(flag: string, ms: number): string {
  return `--leader-elect-${flag}=${formatGoDuration(ms * 1e6)}`;
}

/** client-go's checks: leaseDuration > renewDeadline > retryPeriod × 1.2, all positive. */
export function validateLeaderTimings(o: Pick<LeaderElectionOptions, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>): void {
  const lease = flagDuration('lease-duration', o.leaseDurationMs);
  const renew = flagDuration('renew-deadline', o.renewDeadlineMs);
  const retry = flagDuration('retry-period', o.retryPeriodMs);
  for (const [text, ms] of [[lease, o.leaseDurationMs], [renew, o.renewDeadlineMs], [retry, o.retryPeriodMs]] as const) {
    if (!Number.isFinite(ms) || ms <= 0) throw new ConfigError(`${text}: must be greater than zero`);
  }
  if (o.leaseDurationMs % 1000 !== 0) {
    throw new ConfigError(`${lease}: must be a whole number of seconds (a Lease stores leaseDurationSeconds)`);
  }
  if (o.leaseDurationMs <= o.renewDeadlineMs) throw new ConfigError(`${lease} must be greater than ${renew}`);
  if (o.renewDeadlineMs <= JITTER_FACTOR * o.retryPeriodMs) {
    throw new ConfigError(`${renew} must be greater than ${JITTER_FACTOR} × ${retry}`);
  }
}


/** Every check on the settings; bad ones throw ConfigError naming the flag and value. */
export function validateLeaderElectionOptions(o: LeaderElectionOptions): void {
  validateLeaderTimings(o);
  if (!isDnsSubdomain(o.leaseName)) {
    throw new ConfigError(`--leader-elect-resource-name=${JSON.stringify(o.leaseName)}: not a valid Lease name (lowercase DNS subdomain)`);
  }
  if (!isDnsLabel(o.leaseNamespace)) {
    throw new ConfigError(`--leader-elect-resource-namespace=${JSON.stringify(o.leaseNamespace)}: not a valid namespace (lowercase DNS label)`);
  }
  if (o.identity.trim() === '') throw new ConfigError('leader election identity is empty (set POD_NAME or a hostname)');
}

/** Lease spec fields that make up client-go's LeaderElectionRecord, normalised for comparison. */
interface LeaderRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string | null;
  readonly renewTime: string | null;
  readonly leaseTransitions: number;
}

function recordOf(spec: LeaseSpec | undefined): LeaderRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? null,
    renewTime: spec?.renewTime ?? null,
    leaseTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** Kubernetes MicroTime: RFC 3339 with six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Waits ms, or less if the signal aborts; true when the full time passed. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

const GAUGE_NAME = 'eventer_leader_is_leader';

export class LeaderElector {
  private readonly opts: LeaderElectorOptions;
  private readonly now: () => number;
  private readonly leasePath: string;
  private readonly gauge: Gauge | undefined;
  /** The Lease as last read or written: its resourceVersion makes updates conditional. */
  private lease: Lease | undefined;
  private observed: LeaderRecord | undefined;
  private observedRaw = '';
  /** Local time when the record last changed (client-go's observedTime: immune to clock skew). */
  private observedAt = 0;
  private reportedLeader = '';
  private lastFailure = '';
  private leading = false;
  /** Monotonic time the Lease was last read or written (a 404 alone does not count: nobody may lead then). */
  private lastContactAt = performance.now();

  constructor(
    private readonly client: KubeRequester,
    opts: LeaderElectorOptions,
    private readonly log: Logger,
    registry?: Registry,
  ) {
    validateLeaderElectionOptions(opts);
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.leasePath = `${leasesPath(opts.leaseNamespace)}/${encodeURIComponent(opts.leaseName)}`;
    if (registry !== undefined) {
      this.gauge =
        (registry.getSingleMetric(GAUGE_NAME) as Gauge | undefined) ??
        new Gauge({ name: GAUGE_NAME, help: '1 while this replica holds the leader election Lease, else 0', registers: [registry] });
      this.gauge.set(0);
    }
  }

  /** The Lease as last read or written (a new leader finds its predecessor's annotations there). */
  get lastLease(): Lease | undefined {
    return this.lease;
  }

  get identity(): string {
    return this.opts.identity;
  }

  /** The holderIdentity last seen in the Lease (undefined before the first read or when nobody holds it). */
  get holder(): string | undefined {
    return this.observed?.holderIdentity || undefined;
  }

  /** True from onStartedLeading until leadership ends (before the Lease is released). */
  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Liveness of a replica that does not lead: it must read the Lease to notice a leader's end, so one
   * that has not for `unhealthyAfterMs` (at least one full retry: jittered pause plus a request timeout,
   * so a slow but working API server never fails it) is cut off and could never take over.
   */
  standbyHealth(unhealthyAfterMs: number): { healthy: boolean; reason: string } {
    const { retryPeriodMs, renewDeadlineMs, leaseNamespace, leaseName } = this.opts;
    const bound = Math.max(unhealthyAfterMs, (1 + JITTER_FACTOR) * retryPeriodMs + (this.opts.requestTimeoutMs ?? renewDeadlineMs));
    const silentMs = performance.now() - this.lastContactAt;
    if (silentMs < bound) return { healthy: true, reason: `standby: ${this.holder ?? 'no replica'} holds the Lease` };
    const cause = this.lastFailure === '' ? '' : ` (last error: ${this.lastFailure})`;
    return { healthy: false, reason: `standby: Lease ${leaseNamespace}/${leaseName} not read for ${(silentMs / 1000).toFixed(1)} s${cause}` };
  }

  /** client-go's IsLeader: the last observed record names this replica (drives the algorithm). */
  private holdsRecord(): boolean {
    return this.observed !== undefined && this.observed.holderIdentity === this.opts.identity;
  }

  /**
   * Waits until this replica acquires the Lease, then renews it until leadership is lost or `signal`
   * aborts. Resolves once leadership has ended (after onStoppedLeading) or, if it never led, on abort.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { callbacks } = this.opts;
    this.log.info({ lease: `${this.opts.leaseNamespace}/${this.opts.leaseName}`, identity: this.opts.identity }, 'leader election: waiting to acquire the lease');
    if (!(await this.acquire(signal))) return;

    this.log.info({ identity: this.opts.identity }, 'leader election: became leader');
    this.leading = true;
    this.gauge?.set(1);
    const leadership = new AbortController();
    void this.invoke('onStartedLeading', () => callbacks.onStartedLeading(leadership.signal));
    const reason = await this.renew(signal);
    this.leading = false;
    leadership.abort();
    this.gauge?.set(0);
    if (reason === 'cancelled' && this.opts.releaseOnCancel) await this.release();
    if (reason === 'lost') this.log.error({ identity: this.opts.identity }, 'leader election: lost the lease (no renewal within the renew deadline)');
    else this.log.info({ identity: this.opts.identity }, 'leader election: stopped leading on shutdown');
    await this.invoke('onStoppedLeading', () => callbacks.onStoppedLeading(reason));
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    const timeoutMs = this.opts.requestTimeoutMs ?? this.opts.renewDeadlineMs;
    for (;;) {
      if (signal.aborted) return false;
      const acquired = await this.tryAcquireOrRenew(signal, timeoutMs);
      this.reportTransition();
      if (acquired) return true;
      const jittered = this.opts.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      if (!(await pause(Math.min(jittered, this.untilExpiryMs() ?? jittered), signal))) return false;
    }
  }

  /** Renews every retryPeriod; a round that finds no success within renewDeadline loses leadership. */
  private async renew(signal: AbortSignal): Promise<StopReason> {
    const { retryPeriodMs, renewDeadlineMs } = this.opts;
    for (;;) {
      if (!(await pause(retryPeriodMs, signal))) return 'cancelled';
      const round = AbortSignal.any([signal, AbortSignal.timeout(renewDeadlineMs)]);
      const deadline = performance.now() + renewDeadlineMs;
      for (;;) {
        const renewed = await this.tryAcquireOrRenew(round, Math.max(1, deadline - performance.now()));
        this.reportTransition();
        if (signal.aborted) return 'cancelled';
        if (renewed) break;
        const left = deadline - performance.now();
        if (left <= 0 || !(await pause(Math.min(retryPeriodMs, left), round))) {
          return signal.aborted ? 'cancelled' : 'lost';
        }
      }
    }
  }

  /** One step of client-go's tryAcquireOrRenew; true when this replica holds a freshly renewed Lease. */
  private async tryAcquireOrRenew(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    const now = this.now();
    const desired: { -readonly [K in keyof LeaderRecord]: LeaderRecord[K] } = {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.opts.leaseDurationMs / 1000,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };

    // Fast path: assume the Lease is unchanged since our last write.
    if (this.holdsRecord() && this.isLeaseValid(now) && this.lease !== undefined) {
      desired.acquireTime = this.observed!.acquireTime;
      desired.leaseTransitions = this.observed!.leaseTransitions;
      try {
        await this.write('PUT', desired, signal, timeoutMs);
        this.succeeded();
        return true;
      } catch (err) {
        if (signal.aborted) return false;
        this.log.debug({ err: errorText(err) }, 'leader election: optimistic renew failed, re-reading the lease');
      }
    }

    let current: Lease;
    try {
      current = await this.client.requestJson<Lease>('GET', this.leasePath, { signal, timeoutMs });
    } catch (err) {
      if (apiErrorStatus(err) !== 404) return this.failed('get', err, signal);
      try {
        await this.write('POST', desired, signal, timeoutMs);
        this.succeeded();
        return true;
      } catch (createErr) {
        return this.failed('create', createErr, signal);
      }
    }
    this.lease = current;
    this.lastContactAt = performance.now();
    const record = recordOf(current.spec);
    const raw = JSON.stringify(record);
    if (raw !== this.observedRaw) this.observe(record, raw);

    if (record.holderIdentity !== '' && this.isLeaseValid(now) && !this.holdsRecord()) {
      this.log.debug({ holder: record.holderIdentity }, 'leader election: lease is held by another replica and has not expired');
      this.lastFailure = '';
      return false;
    }
    if (this.holdsRecord()) {
      desired.acquireTime = record.acquireTime;
      desired.leaseTransitions = record.leaseTransitions;
    } else {
      desired.leaseTransitions = record.leaseTransitions + 1;
    }
    try {
      await this.write('PUT', desired, signal, timeoutMs);
    } catch (err) {
      return this.failed('update', err, signal);
    }
    this.succeeded();
    return true;
  }

  /**
   * Time until the observed Lease of another holder expires, when that is ahead. A standby tries again
   * right then rather than up to one jittered retry period later (at most 2.2 × retryPeriod): the
   * takeover after a crash then stays within leaseDuration plus one retry interval.
   */
  private untilExpiryMs(): number | undefined {
    if (this.observed === undefined || this.observed.holderIdentity === '') return undefined;
    const left = this.observedAt + this.observed.leaseDurationSeconds * 1000 - this.now();
    // A few milliseconds late, so the Lease has expired when the attempt reads the clock.
    return left > 0 ? left + 5 : undefined;
  }

  private isLeaseValid(now: number): boolean {
    return this.observed !== undefined && this.observedAt + this.observed.leaseDurationSeconds * 1000 > now;
  }

  private observe(record: LeaderRecord, raw = JSON.stringify(record)): void {
    this.observed = record;
    this.observedRaw = raw;
    this.observedAt = this.now();
  }

  /** Creates (POST) or conditionally updates (PUT, with the last seen resourceVersion) the Lease. */
  private async write(method: 'POST' | 'PUT', record: LeaderRecord, signal: AbortSignal, timeoutMs: number): Promise<void> {
    const { leaseName, leaseNamespace } = this.opts;
    const body: Lease =
      method === 'POST'
        ? { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: leaseName, namespace: leaseNamespace }, spec: { ...record } }
        : { ...this.lease!, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', spec: { ...this.lease!.spec, ...record } };
    const annotations = this.opts.leaseAnnotations?.();
    if (annotations !== undefined && Object.keys(annotations).length > 0) {
      body.metadata = { ...body.metadata, annotations: { ...body.metadata.annotations, ...annotations } };
    }
    const path = method === 'POST' ? leasesPath(leaseNamespace) : this.leasePath;
    const stored = await this.client.requestJson<Lease>(method, path, { body, signal, timeoutMs });
    this.lease = stored;
    this.lastContactAt = performance.now();
    this.observe(recordOf(stored.spec));
  }

  private succeeded(): void {
    if (this.lastFailure !== '') this.log.info('leader election: lease requests succeed again');
    this.lastFailure = '';
  }

  /** Logs a failed attempt once per distinct error (a standby retries every few seconds). */
  private failed(step: string, err: unknown, signal: AbortSignal): false {
    // Aborted by shutdown or by the renew deadline: run() logs the outcome.
    if (signal.aborted) return false;
    const status = apiErrorStatus(err);
    const text = `${step}: ${errorText(err)}`;
    if (text !== this.lastFailure) {
      const hint = status === 403 ? ' (RBAC: the service account needs get, create and update on leases in this namespace)' : '';
      const level = status === 409 ? 'debug' : 'warn';
      this.log[level]({ lease: `${this.opts.leaseNamespace}/${this.opts.leaseName}`, status, err: errorText(err) }, `leader election: ${step} of the lease failed${hint}`);
    }
    this.lastFailure = text;
    return false;
  }

  private reportTransition(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (holder === '' || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    if (holder !== this.opts.identity) this.log.info({ leader: holder }, 'leader election: new leader observed');
    const { onNewLeader } = this.opts.callbacks;
    if (onNewLeader !== undefined) void this.invoke('onNewLeader', () => onNewLeader(holder));
  }

  /** Clears holderIdentity (leaseDurationSeconds 1, as client-go) so a standby need not wait for expiry. */
  private async release(): Promise<void> {
    if (!this.holdsRecord() || this.lease === undefined) return;
    const now = microTime(this.now());
    const released: LeaderRecord = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed!.leaseTransitions };
    const signal = AbortSignal.timeout(this.opts.renewDeadlineMs);
    const timeoutMs = this.opts.renewDeadlineMs;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.write('PUT', released, signal, timeoutMs);
        this.log.info('leader election: released the lease');
        return;
      } catch (err) {
        let failure = err;
        // A renewal aborted mid-flight may still have been applied: re-read and retry once if still ours.
        if (attempt === 0 && apiErrorStatus(err) === 409) {
          try {
            this.lease = await this.client.requestJson<Lease>('GET', this.leasePath, { signal, timeoutMs });
            if (recordOf(this.lease.spec).holderIdentity === this.opts.identity) continue;
            return;
          } catch (readErr) {
            failure = readErr;
          }
        }
        this.log.warn({ err: errorText(failure) }, 'leader election: could not release the lease; standbys take over when it expires');
        return;
      }
    }
  }

  private async invoke(name: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.log.error({ err: errorText(err) }, `leader election: ${name} callback failed`);
    }
  }
}
