// Wires the `--source` URI to a client and an EventWatcher for the daemon.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DaemonConfig } from '../cli/flags.js';
import { KubeClient } from './client.js';
import type { KubeConfigEnvironment } from './config.js';
import { EventWatcher } from './watcher.js';

export interface KubeEventSourceOptions {
  /** Where the watch metrics go; without it they are kept private. */
  readonly registry?: Registry;
  readonly environment?: KubeConfigEnvironment;
}

/** Builds the API client (ConfigError on a bad source URI) and an unstarted EventWatcher on it. */
export async function createKubeEventSource(config: DaemonConfig, log: Logger, options: KubeEventSourceOptions = {}): Promise<{ source: EventWatcher; kube: KubeClient }> {
  const kube = await KubeClient.fromUri(config.source, options.environment);
  for (const warning of kube.warnings) log.warn(`--source: ${warning}`);
  log.info(`Kubernetes API: ${kube.description}`);
  const source = new EventWatcher({
    client: kube,
    unhealthyAfterMs: config.watchUnhealthyAfterMs,
    logger: log.child({ component: 'event-watch' }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
  });
  return { source, kube };
}
