// Wires the `--source`, `--checkpoint` and `--leader-elect*` flags to the kube client, the
// watcher, the checkpoint store and the leader election options for the daemon.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DaemonConfig } from '../cli/flags.js';
import { createCheckpointStore, parseCheckpointSpec, type CheckpointStore } from './checkpoint-store.js';
import { KubeClient } from './client.js';
import type { KubeConfigEnvironment } from './config.js';
import { defaultLeaderIdentity, defaultLeaseNamespace, validateLeaderElectionOptions, type LeaderElectionOptions } from './leader.js';
import { EventWatcher } from './watcher.js';

export interface KubeWiring {
  readonly kube: KubeClient;
  readonly createSource: (startResourceVersion?: string) => EventWatcher;
  readonly checkpoints?: CheckpointStore;
  readonly leaderElection?: { readonly client: KubeClient; readonly options: LeaderElectionOptions };
  /** This replica's name in the Lease and in the checkpoints it writes. */
  readonly identity: string;
  /** A ConfigMap checkpoint without leader election: warn when another replica writes it too. */
  readonly warnOtherCheckpointWriters: boolean;
}

/** The warning for two writers of one ConfigMap checkpoint. */
export function otherWriterWarning(description: string): string {
  return `another replica writes checkpoint ${description}: without --leader-elect both deliver every event and overwrite each other's positions; run one replica, or add --leader-elect`;
}

/** Builds everything that talks to the API server; every bad flag is a ConfigError. */
export async function wireKube(config: DaemonConfig, log: Logger, registry: Registry, environment?: KubeConfigEnvironment): Promise<KubeWiring> {
  const checkpointSpec = config.checkpoint === undefined ? undefined : parseCheckpointSpec(config.checkpoint);
  const kube = await KubeClient.fromUri(config.source, environment);
  for (const warning of kube.warnings) log.warn(`--source: ${warning}`);
  log.info(`Kubernetes API: ${kube.description}`);
  let leaderElection: KubeWiring['leaderElection'];
  const identity = defaultLeaderIdentity();
  const warnOtherCheckpointWriters = checkpointSpec?.kind === 'configmap' && !config.leaderElection;
  let warned = false;
  const onForeignWriter = (writer: string, updatedAt: string) => {
    if (warned) return;
    warned = true;
    const spec = checkpointSpec as { namespace: string; name: string };
    log.warn({ writer, updatedAt, identity }, otherWriterWarning(`ConfigMap ${spec.namespace}/${spec.name}`));
  };
  if (config.leaderElection) {
    const flags = config.leaderElection;
    const options: LeaderElectionOptions = {
      leaseDurationMs: flags.leaseDurationMs,
      renewDeadlineMs: flags.renewDeadlineMs,
      retryPeriodMs: flags.retryPeriodMs,
      leaseName: flags.leaseName,
      leaseNamespace: flags.leaseNamespace || defaultLeaseNamespace(),
      identity,
      releaseOnCancel: true,
    };
    validateLeaderElectionOptions(options);
    leaderElection = { client: kube, options };
  }
  return {
    kube,
    createSource: (startResourceVersion) =>
      new EventWatcher({
        client: kube,
        unhealthyAfterMs: config.watchUnhealthyAfterMs,
        stallAfterMs: config.watchStallTimeoutMs,
        logger: log.child({ component: 'event-watch' }),
        registry,
        ...(startResourceVersion === undefined ? {} : { startResourceVersion }),
      }),
    ...(checkpointSpec ? { checkpoints: createCheckpointStore(checkpointSpec, kube, warnOtherCheckpointWriters ? { onForeignWriter } : {}) } : {}),
    ...(leaderElection ? { leaderElection } : {}),
    identity,
    warnOtherCheckpointWriters,
  };
}
