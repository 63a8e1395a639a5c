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
}

/** Builds everything that talks to the API server; every bad flag is a ConfigError. */
export async function wireKube(config: DaemonConfig, log: Logger, registry: Registry, environment?: KubeConfigEnvironment): Promise<KubeWiring> {
  const checkpointSpec = config.checkpoint === undefined ? undefined : parseCheckpointSpec(config.checkpoint);
  const kube = await KubeClient.fromUri(config.source, environment);
  for (const warning of kube.warnings) log.warn(`--source: ${warning}`);
  log.info(`Kubernetes API: ${kube.description}`);
  let leaderElection: KubeWiring['leaderElection'];
  if (config.leaderElection) {
    const flags = config.leaderElection;
    const options: LeaderElectionOptions = {
      leaseDurationMs: flags.leaseDurationMs,
      renewDeadlineMs: flags.renewDeadlineMs,
      retryPeriodMs: flags.retryPeriodMs,
      leaseName: flags.leaseName,
      leaseNamespace: flags.leaseNamespace || defaultLeaseNamespace(),
      identity: defaultLeaderIdentity(),
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
    ...(checkpointSpec ? { checkpoints: createCheckpointStore(checkpointSpec, kube) } : {}),
    ...(leaderElection ? { leaderElection } : {}),
  };
}
