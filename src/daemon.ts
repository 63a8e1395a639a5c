import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { DaemonConfig } from './cli/flags.js';
import { EventMetrics } from './event/event-metrics.js';
import type { EventChange } from './event/types.js';
import { summaryOf, type WatchedEvent } from './event/deferred-event.js';
import { RecentEvents } from './http/recent-events.js';
import { startHealthServer } from './http/server.js';
import { renderStatusPage, type StatusSnapshot, type WatchState } from './http/status-page.js';
import { LeaseCheckpointStore, otherWriterWarning } from './kube/checkpoint-store.js';
import type { Checkpoint, CheckpointStore } from './pipeline/checkpointer.js';
import type { KubeClient } from './kube/client.js';
import { LeaderElector, type KubeRequester, type LeaderElectionOptions } from './kube/leader.js';
import { redact } from './base/redact.js';
import { isNewerResourceVersion, isNumericResourceVersion } from './event/resource-version.js';
import { CHECKPOINT_HEARTBEAT_MS, Checkpointer } from './pipeline/checkpointer.js';
import { Lane } from './pipeline/lane.js';
import { laneSettingsFor } from './pipeline/lane-options.js';
import { PipelineMetrics } from './pipeline/metrics.js';
import { Router } from './pipeline/router.js';
import { buildSink } from './sinks/registry.js';
import { GIT_COMMIT, VERSION } from './base/version.js';

/** Where events come from: the Kubernetes watch in production, a stream in benchmarks. */
export interface EventSource {
  /** `receivedAt` when the source read the clock already (the watch reads it once per run of events). */
  start(onEvent: (change: EventChange, event: WatchedEvent, receivedAt?: number) => void | Promise<void>): void;
  stop(): Promise<void>;
  /** Liveness: connected (and not stalled), or reconnecting within the allowed time; `connected` when a stream is open. */
  health(): { healthy: boolean; reason: string; connected?: boolean };
  /** Readiness: the first list has completed. */
  ready(): { healthy: boolean; reason: string };
  /** The latest resourceVersion seen, bookmarks included (for checkpoints). */
  readonly lastResourceVersion?: string | undefined;
  /** Where the stream started: its first list's resourceVersion, or the checkpoint it resumed from. */
  readonly startResourceVersion?: string | undefined;
}

export interface EventSourceOptions {
  /** Every sink filters: Events may come deferred, parsed whole only when a sink takes one. */
  readonly deferParsing: boolean;
}

export interface DaemonDeps {
  readonly log: Logger;
  readonly registry?: Registry;
  readonly kube?: KubeClient;
  /** Builds the event source; from a checkpoint it resumes at that resourceVersion. */
  readonly createSource: (startResourceVersion: string | undefined, options: EventSourceOptions) => EventSource;
  readonly checkpoints?: CheckpointStore;
  readonly leaderElection?: { readonly client: KubeRequester; readonly options: LeaderElectionOptions };
  /** Recorded in saved checkpoints (POD_NAME, else `<hostname>_<random>`). */
  readonly identity?: string;
  /** Warn at start when the checkpoint was recently saved by another replica (shared, without a Lease). */
  readonly warnOtherCheckpointWriters?: boolean;
  /** Builds each sink from its URI (tests substitute sinks that misbehave). */
  readonly buildSink?: typeof buildSink;
}

export interface Daemon {
  readonly port: number;
  readonly registry: Registry;
  readonly router: Router;
  /** Resolves with a reason when the daemon must exit on its own (leadership lost, activation failed). */
  readonly fatal: Promise<string>;
  /** Stops the watch, drains every lane within the grace period, saves the checkpoint, releases the Lease. */
  stop(graceMs: number): Promise<Array<{ sink: string; remaining: number }>>;
}

export async function startDaemon(config: DaemonConfig, deps: DaemonDeps): Promise<Daemon> {
  const { log } = deps;
  const registry = deps.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const pipelineMetrics = new PipelineMetrics(registry);
  const shutdown = new AbortController();

  const lanes: Lane[] = [];
  const counts = new Map<string, number>();
  for (const uri of config.sinks) {
    const n = (counts.get(uri.key) ?? 0) + 1;
    counts.set(uri.key, n);
    const id = `${uri.key}#${n}`;
    const built = await (deps.buildSink ?? buildSink)(uri, { log: log.child({ sink: id }), metrics: registry, ...(deps.kube ? { kube: deps.kube } : {}), shutdown: shutdown.signal });
    const lane = new Lane(id, built, laneSettingsFor(uri, built.tuning), pipelineMetrics, log);
    lanes.push(lane);
    log.info({ sink: lane.id, settings: lane.settings }, `Starting with ${built.sink.name} sink`);
  }
  if (lanes.length === 0) log.warn('no --sink given: events are read and discarded');

  // --leader-elect alone: the leader's position rides in the Lease it renews, so a failover loses nothing.
  let elector: LeaderElector | undefined;
  const leaseCheckpoints = deps.leaderElection && !deps.checkpoints ? new LeaseCheckpointStore(`${deps.leaderElection.options.leaseNamespace}/${deps.leaderElection.options.leaseName}`, () => elector?.lastLease, (message) => log.warn(`${message}; starting at "now"`)) : undefined;
  const checkpoints = deps.checkpoints ?? leaseCheckpoints;
  const router = new Router(lanes, registry, checkpoints !== undefined);
  const eventMetrics = config.eventMetrics ? new EventMetrics(registry) : undefined;
  let source: EventSource | undefined;
  const recent = new RecentEvents();
  const startedAt = Date.now();
  let eventsReceived = 0;
  let lastEventAt: number | undefined;

  function statusSnapshot(): StatusSnapshot {
    let state: WatchState;
    let detail: string;
    if (source === undefined) {
      state = deps.leaderElection ? 'standby' : 'starting';
      detail = deps.leaderElection ? standby().reason : 'not started';
    } else {
      const health = source.health();
      const ready = source.ready();
      detail = health.reason;
      if (health.connected === true) state = health.healthy ? 'connected' : 'stalled';
      else state = ready.healthy ? 'reconnecting' : 'starting';
    }
    return {
      version: VERSION,
      commit: GIT_COMMIT,
      startedAt,
      now: Date.now(),
      watch: { state, detail, eventsReceived, lastEventAt },
      leader:
        elector === undefined
          ? undefined
          : { identity: elector.identity, lease: `${deps.leaderElection!.options.leaseNamespace}/${deps.leaderElection!.options.leaseName}`, isLeader: elector.isLeader(), holder: elector.holder },
      sinks: lanes.map((lane) => lane.status()),
      recent: recent.list(),
    };
  }
  // A standby is alive and ready while it can read the Lease: were it unready, a Deployment's rolling
  // update would wait forever for the new pod, which stands by while the old leader holds the Lease.
  // Cut off from the API server as long as a leader's watch may be, it fails as that leader would.
  const starting = { healthy: true, reason: 'starting' };
  const standby = () => elector?.standbyHealth(config.watchUnhealthyAfterMs) ?? starting;
  const http = await startHealthServer({
    host: config.healthzIp,
    port: config.healthzPort,
    registry,
    liveness: [{ name: 'watch', check: () => source?.health() ?? standby() }],
    readiness: [{ name: 'initial list', check: () => source?.ready() ?? (deps.leaderElection ? standby() : { healthy: false, reason: 'starting' }) }],
    ...(config.statusPage ? { statusPage: () => renderStatusPage(statusSnapshot(), redact) } : {}),
  });

  const checkpointer = checkpoints && new Checkpointer(checkpoints, router, () => source?.lastResourceVersion, () => source?.startResourceVersion, log, registry, deps.identity);
  if (checkpointer) for (const lane of lanes) lane.onSettled(() => checkpointer.schedule());

  /**
   * kube-eventer logs `Exporting <n> events` and refreshes its scraper/manager metrics every
   * --frequency; the same heartbeat here (delivery itself never waits for it), with each lane's backlog.
   */
  let tick: NodeJS.Timeout | undefined;
  function startTickLog(): void {
    let last = router.dispatched;
    tick = setInterval(() => {
      const n = router.dispatched - last;
      last = router.dispatched;
      router.heartbeat();
      log.info({ queued: Object.fromEntries(lanes.map((l) => [l.id, l.pending])) }, `Exporting ${n} events`);
    }, config.frequencyMs);
    tick.unref();
  }

  async function activate(): Promise<void> {
    const saved = checkpoints ? await checkpoints.load() : undefined;
    const checkpoint = saved && deps.kube && (await aheadOfApiServer(saved, deps.kube, log)) ? undefined : saved;
    // A live writer re-saves at least every CHECKPOINT_HEARTBEAT_MS: a recent save by another name means two writers.
    if (deps.warnOtherCheckpointWriters && checkpoint?.writer !== undefined && checkpoint.writer !== deps.identity && Date.now() - Date.parse(checkpoint.updatedAt) < 3 * CHECKPOINT_HEARTBEAT_MS) {
      log.warn({ writer: checkpoint.writer, updatedAt: checkpoint.updatedAt, identity: deps.identity }, otherWriterWarning(checkpoints!.description));
    }
    if (checkpoint) {
      for (const lane of lanes) {
        const delivered = checkpoint.sinks[lane.id];
        if (delivered !== undefined) lane.resumeAfter(delivered);
      }
      log.info({ checkpoint: checkpoints!.description, resourceVersion: checkpoint.resourceVersion, updatedAt: checkpoint.updatedAt }, 'resuming from checkpoint');
    } else if (checkpoints) {
      log.info({ checkpoint: checkpoints.description }, 'no checkpoint yet: starting at "now"');
    }
    const deferParsing = lanes.length > 0 && lanes.every((lane) => lane.filters);
    if (deferParsing) log.info('every sink filters: each Event is parsed whole only when a sink takes it');
    source = deps.createSource(checkpoint?.resourceVersion, { deferParsing });
    router.start();
    checkpointer?.start();
    source.start((change, event, receivedAt) => {
      const summary = summaryOf(event);
      eventMetrics?.record(summary);
      eventsReceived++;
      lastEventAt = receivedAt ?? Date.now();
      if (config.statusPage) recent.add(summary, lastEventAt);
      router.dispatch(change, event, lastEventAt);
    });
    startTickLog();
    log.info({ port: http.port, sinks: lanes.map((l) => l.id) }, 'Starting eventer');
  }

  let fatalReason!: (reason: string) => void;
  const fatal = new Promise<string>((resolve) => (fatalReason = resolve));
  const electorStop = new AbortController();
  let electorDone: Promise<void> = Promise.resolve();
  if (deps.leaderElection === undefined) {
    await activate();
  } else {
    elector = new LeaderElector(
      deps.leaderElection.client,
      {
        ...deps.leaderElection.options,
        ...(leaseCheckpoints ? { leaseAnnotations: () => leaseCheckpoints.annotations() } : {}),
        callbacks: {
          onStartedLeading: () => {
            log.info({ identity: deps.leaderElection!.options.identity }, 'became leader: starting the watch');
            activate().catch((err: Error) => fatalReason(`could not start after winning the Lease: ${err.message}`));
          },
          onStoppedLeading: (reason) => {
            if (reason !== 'lost') return;
            // The new leader owns the checkpoint now: not one more save from here, not even at exit.
            checkpointer?.disable();
            fatalReason('lost the Lease: another replica may deliver now');
          },
          onNewLeader: (identity) => log.info({ leader: identity }, 'leader observed'),
        },
      },
      log,
      registry,
    );
    log.info({ identity: elector.identity, lease: `${deps.leaderElection.options.leaseNamespace}/${deps.leaderElection.options.leaseName}` }, 'standing by for the Lease');
    electorDone = elector.run(electorStop.signal);
  }

  return {
    port: http.port,
    registry,
    router,
    fatal,
    async stop(graceMs) {
      shutdown.abort();
      clearInterval(tick);
      await source?.stop();
      const results = await router.drain(graceMs);
      await checkpointer?.flush();
      // Release the Lease only after the final checkpoint, so the next leader starts from it.
      electorStop.abort();
      await electorDone;
      await http.close();
      return results;
    },
  };
}

/**
 * Whether the checkpoint names a resourceVersion the API server has not reached: it was saved against
 * another etcd (a rebuilt cluster, a restored backup). A watch from there would wait for it forever and
 * the lanes would skip every Event as already delivered, so it is ignored (logged). When the API server
 * cannot tell (unreachable, non-numeric versions), the checkpoint is trusted.
 */
async function aheadOfApiServer(checkpoint: Checkpoint, kube: KubeClient, log: Logger): Promise<boolean> {
  const saved = [checkpoint.resourceVersion, ...Object.values(checkpoint.sinks)].filter(isNumericResourceVersion);
  let current: string | undefined;
  try {
    current = (await kube.requestJson<{ metadata?: { resourceVersion?: string } }>('GET', '/api/v1/events', { query: { limit: 1 } })).metadata?.resourceVersion;
  } catch {
    return false;
  }
  if (current === undefined || !isNumericResourceVersion(current)) return false;
  const ahead = saved.find((rv) => isNewerResourceVersion(rv, current));
  if (ahead === undefined) return false;
  log.warn({ checkpointResourceVersion: ahead, apiServerResourceVersion: current, updatedAt: checkpoint.updatedAt, writer: checkpoint.writer }, 'checkpoint is ahead of the API server (saved against another etcd?): ignoring it, starting at "now"');
  return true;
}
