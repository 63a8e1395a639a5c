import { ConfigError } from '../cli/errors.js';
import type { SinkUri } from '../cli/uri.js';
import type { BuiltSink, SinkContext, SinkFactory } from './types.js';

/** URI key → factory, loaded lazily so unused sinks cost nothing at startup. */
const FACTORIES: Readonly<Record<string, () => Promise<SinkFactory>>> = {
  log: async () => (await import('./log/index.js')).createLogSink,
  dingtalk: async () => (await import('./dingtalk/index.js')).createDingTalkSink,
  wechat: async () => (await import('./wechat/index.js')).createWeChatSink,
  feishu: async () => (await import('./feishu/index.js')).createFeishuSink,
  slack: async () => (await import('./slack/index.js')).createSlackSink,
  webhook: async () => (await import('./webhook/index.js')).createWebhookSink,
  sls: async () => (await import('./sls/sink.js')).createSlsSink,
  eventbridge: async () => (await import('./eventbridge/sink.js')).createEventBridgeSink,
  honeycomb: async () => (await import('./honeycomb/sink.js')).createHoneycombSink,
  riemann: async () => (await import('./riemann/sink.js')).createRiemannSink,
};

export function knownSinkKeys(): string[] {
  return Object.keys(FACTORIES).sort();
}

export async function buildSink(uri: SinkUri, ctx: SinkContext): Promise<BuiltSink> {
  const load = FACTORIES[uri.key];
  if (load === undefined) {
    throw new ConfigError(`Sink not recognized: ${uri.key} (known sinks: ${knownSinkKeys().join(', ')})`);
  }
  return (await load())(uri, ctx);
}
