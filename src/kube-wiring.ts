// Wires the `--source`, `--checkpoint` and `--leader-elect*` flags to the kube client, the
// watcher, the checkpoint store and the leader election options for the daemon.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DaemonConfig } from './cli/flags.js';
import { createCheckpointStore, otherWriterWarning, type CheckpointSpec } from './kube/checkpoint-store.js';
import type { CheckpointStore } from './pipeline/checkpointer.js';
import { KubeClient } from './kube/client.js';
import type { KubeConfigEnvironment } from './kube/config.js';
import { defaultLeaderIdentity, defaultLeaseNamespace, validateLeaderElectionOptions, type LeaderElectionOptions } from './kube/leader.js';
import { isDnsLabel, isDnsSubdomain } from './kube/names.js';
import { ConfigError } from './base/errors.js';
import { EventWatcher } from './kube/watcher.js';
import type { EventSourceOptions } from './daemon.js';

export interface KubeWiring {
  readonly kube: KubeClient;
  readonly createSource: (startResourceVersion: string | undefined, options: EventSourceOptions) => EventWatcher;
  readonly checkpoints?: CheckpointStore;
  readonly leaderElection?: { readonly client: KubeClient; readonly options: LeaderElectionOptions };
  /** This replica's name in the Lease and in the checkpoints it writes. */
  readonly identity: string;
  /** A ConfigMap checkpoint without leader election: warn when another replica writes it too. */
  readonly warnOtherCheckpointWriters: boolean;
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
  const checkpointOptions = leaderElection
    ? { lease: { namespace: leaderElection.options.leaseNamespace, name: leaderElection.options.leaseName } }
    : warnOtherCheckpointWriters
      ? { onForeignWriter }
      : {};
  return {
    kube,
    createSource: (startResourceVersion, { deferParsing }) =>
      new EventWatcher({
        client: kube,
        deferParsing,
        unhealthyAfterMs: config.watchUnhealthyAfterMs,
        stallAfterMs: config.watchStallTimeoutMs,
        logger: log.child({ component: 'event-watch' }),
        registry,
        ...(startResourceVersion === undefined ? {} : { startResourceVersion }),
      }),
    ...(checkpointSpec ? { checkpoints: createCheckpointStore(checkpointSpec, kube, checkpointOptions) } : {}),
    ...(leaderElection ? { leaderElection } : {}),
    identity,
    warnOtherCheckpointWriters,
  };
}

/** Parses the `--checkpoint` flag value. */
export function parseCheckpointSpec(text: string): CheckpointSpec {
  const fail = (why: string): never => {
    throw new ConfigError(`--checkpoint=${JSON.stringify(text)}: ${why}`);
  };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'file') {
    if (rest.trim() === '') fail('the file path is empty (use file:<path>)');
    return { kind: 'file', path: rest };
  }
  if (kind === 'configmap') {
    const parts = rest.split('/');
    if (parts.length !== 2) fail('expected configmap:<namespace>/<name>');
    const [namespace, name] = parts as [string, string];
    if (!isDnsLabel(namespace)) fail(`namespace ${JSON.stringify(namespace)} is not a valid namespace (lowercase DNS label)`);
    if (!isDnsSubdomain(name)) fail(`name ${JSON.stringify(name)} is not a valid ConfigMap name (lowercase DNS subdomain)`);
    return { kind: 'configmap', namespace, name };
  }
  return fail('expected configmap:<namespace>/<name> or file:<path>');
}
