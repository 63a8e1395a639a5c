import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SinkUri } from '../base/uri.js';
import type { KubeClient } from '../kube/client.js';
import type { BuiltSink } from '../pipeline/sink.js';

// What a sink factory is given. It lives beside the registry, not in the pipeline, because it
// carries the source's ConfigMap reader: the pipeline never knows Kubernetes.

/** The ConfigMap reads a sink may use (the source's KubeClient provides them). */
export type ConfigMapReader = Pick<KubeClient, 'getConfigMap' | 'watchConfigMap'>;

export interface SinkContext {
  readonly log: Logger;
  readonly metrics: Registry;
  /** The source's ConfigMap reads (webhook templates); undefined in tests without a cluster. */
  readonly kube?: ConfigMapReader;
  /** Aborted when the process shuts down. */
  readonly shutdown: AbortSignal;
}

/** What a factory returns: the sink and its lane tuning. The registry adds the event filter. */
export type SinkParts = Omit<BuiltSink, 'accepts'>;

/** Builds a sink from its URI; throws ConfigError (naming option and value) on bad options. */
export type SinkFactory = (uri: SinkUri, ctx: SinkContext) => Promise<SinkParts>;
