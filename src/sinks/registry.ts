// Every sink kube-eventer users can name in --sink=NAME:URL. Adding a sink is one line here (see
// docs/sinks/README.md); the contract test (test/sinks/contract.test.ts) then covers it.
import { ConfigError } from '../base/errors.js';
import type { SinkUri } from '../base/uri.js';
import { buildEventFilter, type FilterFlavour } from '../filter/filter.js';
import type { BuiltSink } from '../pipeline/sink.js';
import type { SinkContext, SinkFactory } from './context.js';

export interface SinkEntry {
  /** The factory, loaded lazily so unused sinks cost nothing at startup. */
  readonly load: () => Promise<SinkFactory>;
  /** Whose filter semantics the sink keeps (docs/filters.md); absent: the sink takes no filter options. */
  readonly filter?: FilterFlavour;
}

/** URI key → sink. */
export const SINKS: Readonly<Record<string, SinkEntry>> = {
  log: { load: async () => (await import('./log/sink.js')).createLogSink },
  dingtalk: { load: async () => (await import('./dingtalk/sink.js')).createDingTalkSink, filter: 'robot' },
  wechat: { load: async () => (await import('./wechat/sink.js')).createWeChatSink, filter: 'robot' },
  feishu: { load: async () => (await import('./feishu/sink.js')).createFeishuSink, filter: 'robot' },
  slack: { load: async () => (await import('./slack/sink.js')).createSlackSink, filter: 'robot' },
  webhook: { load: async () => (await import('./webhook/sink.js')).createWebhookSink, filter: 'webhook' },
  sls: { load: async () => (await import('./sls/sink.js')).createSlsSink, filter: 'webhook' },
  eventbridge: { load: async () => (await import('./eventbridge/sink.js')).createEventBridgeSink, filter: 'webhook' },
  honeycomb: { load: async () => (await import('./honeycomb/sink.js')).createHoneycombSink, filter: 'webhook' },
  riemann: { load: async () => (await import('./riemann/sink.js')).createRiemannSink, filter: 'webhook' },
  elasticsearch: { load: async () => (await import('./elasticsearch/sink.js')).createElasticsearchSink },
  influxdb: { load: async () => (await import('./influxdb/sink.js')).createInfluxSink },
  mongo: { load: async () => (await import('./mongo/sink.js')).createMongoSink },
  kafka: { load: async () => (await import('./kafka/sink.js')).createKafkaSink },
  mysql: { load: async () => (await import('./mysql/sink.js')).createMySqlSink },
};

export function knownSinkKeys(): string[] {
  return Object.keys(SINKS).sort();
}

/** The sink a URI names, with its event filter built once here (before the sink starts anything). */
export async function buildSink(uri: SinkUri, ctx: SinkContext): Promise<BuiltSink> {
  // Own keys only: `--sink=constructor:…` must not find Object.prototype's members.
  const entry = Object.hasOwn(SINKS, uri.key) ? SINKS[uri.key] : undefined;
  if (entry === undefined) {
    throw new ConfigError(`Sink not recognized: ${uri.key} (known sinks: ${knownSinkKeys().join(', ')})`);
  }
  const accepts = entry.filter === undefined ? undefined : buildEventFilter(uri, entry.filter);
  const { sink, tuning } = await (await entry.load())(uri, ctx);
  return { sink, ...(accepts === undefined ? {} : { accepts }), ...(tuning === undefined ? {} : { tuning }) };
}
