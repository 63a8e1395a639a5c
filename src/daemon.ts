import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { DaemonConfig } from './cli/flags.js';
import type { SinkUri } from './cli/uri.js';
import { EventMetrics } from './event/event-metrics.js';
import type { EventChange, KubeEvent } from './event/types.js';
import { startHealthServer, type Check } from './http/server.js';
import { isSecretName, registerSecret } from './log/redact.js';
import { Lane } from './pipeline/lane.js';
import { laneSettingsFor } from './pipeline/lane-options.js';
import { PipelineMetrics } from './pipeline/metrics.js';
import { Router } from './pipeline/router.js';
import { buildSink } from './sinks/registry.js';
import type { KubeClient } from './kube/client.js';

/** Where events come from: the Kubernetes watch in production, a stream in benchmarks. */
export interface EventSource {
  start(onEvent: (change: EventChange, event: KubeEvent) => void): void;
  stop(): Promise<void>;
  /** Liveness: connected, or reconnecting within the allowed time. */
  health(): { healthy: boolean; reason: string };
  /** Readiness: the first list has completed. */
  ready(): { healthy: boolean; reason: string };
}

export interface DaemonDeps {
  readonly log: Logger;
  readonly source: EventSource;
  readonly kube?: KubeClient;
  readonly registry?: Registry;
}

export interface Daemon {
  readonly port: number;
  readonly registry: Registry;
  readonly router: Router;
  /** Stops the watch, drains every lane within the grace period, closes the HTTP server. */
  stop(graceMs: number): Promise<Array<{ sink: string; remaining: number }>>;
}

/** Secrets in option values are registered so no log line can show them, whatever the path. */
export function registerUriSecrets(uri: SinkUri): void {
  for (const [name, value] of uri.query) {
    if (isSecretName(name)) registerSecret(value);
    const header = /^([^=]+)=(.*)$/.exec(value);
    if (name === 'header' && header && isSecretName(header[1]!)) registerSecret(header[2]);
  }
  const userinfo = /^[^:]*:([^@]*)@/.exec(uri.host === '' ? '' : uri.raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, ''));
  if (userinfo) registerSecret(userinfo[1]);
}

export async function startDaemon(config: DaemonConfig, deps: DaemonDeps): Promise<Daemon> {
  const { log, source } = deps;
  const registry = deps.registry ?? new Registry();
  collectDefaultMetrics({ register: registry });
  const pipelineMetrics = new PipelineMetrics(registry);
  const shutdown = new AbortController();

  const lanes: Lane[] = [];
  const counts = new Map<string, number>();
  for (const uri of config.sinks) {
    const n = (counts.get(uri.key) ?? 0) + 1;
    counts.set(uri.key, n);
    const built = await buildSink(uri, { log: log.child({ sink: `${uri.key}#${n}` }), metrics: registry, kube: deps.kube, shutdown: shutdown.signal });
    const lane = new Lane(`${uri.key}#${n}`, built, laneSettingsFor(uri, built.tuning), pipelineMetrics, log);
    lanes.push(lane);
    log.info({ sink: lane.id, settings: lane.settings }, `Starting with ${built.sink.name} sink`);
  }
  if (lanes.length === 0) log.warn('no --sink given: events are read and discarded');

  const router = new Router(lanes, registry);
  const eventMetrics = config.eventMetrics ? new EventMetrics(registry) : undefined;
  const watchCheck: Check = { name: 'watch', check: () => source.health() };
  const http = await startHealthServer({
    host: config.healthzIp,
    port: config.healthzPort,
    registry,
    liveness: [watchCheck],
    readiness: [{ name: 'initial list', check: () => source.ready() }],
  });
  router.start();
  source.start((change, event) => {
    eventMetrics?.record(event);
    router.dispatch(change, event);
  });
  log.info({ port: http.port, sinks: lanes.map((l) => l.id) }, 'Starting eventer');

  return {
    port: http.port,
    registry,
    router,
    async stop(graceMs) {
      shutdown.abort();
      await source.stop();
      const results = await router.drain(graceMs);
      await http.close();
      return results;
    },
  };
}
