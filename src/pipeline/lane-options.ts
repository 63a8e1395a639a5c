import { ConfigError } from '../base/errors.js';
import { parseGoDuration } from '../base/go-duration.js';
import { option, type SinkUri } from '../base/uri.js';
import { goAtoi } from '../base/go-int.js';
import type { LaneTuning } from './sink.js';
import { DEFAULT_LANE_SETTINGS, type LaneSettings, type OverflowPolicy } from './lane.js';

/**
 * Options every sink accepts, handled by the shared lane (never by the sink, never forwarded to
 * an endpoint). Sinks list them as known so that unknown-option checks pass.
 */
export const LANE_OPTION_NAMES = [
  'queue_size',
  'overflow',
  'batch_size',
  'concurrency',
  'timeout',
  'retry_max_elapsed',
  'rate_limit',
  'rate_window',
  'repeat_window',
] as const;

const LANE_OPTIONS: ReadonlySet<string> = new Set(LANE_OPTION_NAMES);

export function isLaneOption(name: string): boolean {
  return LANE_OPTIONS.has(name);
}

function positiveInt(uri: SinkUri, name: string, max: number): number | undefined {
  const text = option(uri, name);
  if (text === undefined) return undefined;
  const n = goAtoi(text);
  if (n === undefined || n < 1 || n > max) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be an integer from 1 to ${max}`);
  }
  return n;
}

function durationMs(uri: SinkUri, name: string, allowZero: boolean): number | undefined {
  const text = option(uri, name);
  if (text === undefined) return undefined;
  const ns = parseGoDuration(text);
  if (ns === undefined || ns < 0 || (!allowZero && ns === 0)) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be a ${allowZero ? 'non-negative' : 'positive'} duration such as 10s or 1m30s`);
  }
  return ns / 1e6;
}

/** Lane settings: defaults, then the sink's own tuning, then the user's lane options. */
export function laneSettingsFor(uri: SinkUri, tuning: LaneTuning = {}): LaneSettings {
  const overflowText = option(uri, 'overflow');
  if (overflowText !== undefined && overflowText !== 'drop-oldest' && overflowText !== 'drop-newest') {
    throw new ConfigError(`sink ${uri.key}: option overflow=${JSON.stringify(overflowText)} must be drop-oldest or drop-newest`);
  }
  const rateLimit = positiveInt(uri, 'rate_limit', 1_000_000);
  return {
    ...DEFAULT_LANE_SETTINGS,
    maxBatch: positiveInt(uri, 'batch_size', 100_000) ?? tuning.maxBatch ?? DEFAULT_LANE_SETTINGS.maxBatch,
    queueCapacity: positiveInt(uri, 'queue_size', 10_000_000) ?? tuning.queueCapacity ?? DEFAULT_LANE_SETTINGS.queueCapacity,
    overflow: (overflowText as OverflowPolicy | undefined) ?? DEFAULT_LANE_SETTINGS.overflow,
    concurrency: positiveInt(uri, 'concurrency', 64) ?? tuning.concurrency ?? DEFAULT_LANE_SETTINGS.concurrency,
    sendTimeoutMs: durationMs(uri, 'timeout', false) ?? tuning.sendTimeoutMs ?? DEFAULT_LANE_SETTINGS.sendTimeoutMs,
    sendsPerMinute: rateLimit ?? tuning.sendsPerMinute,
    rateWindowMs: durationMs(uri, 'rate_window', false) ?? tuning.rateWindowMs ?? DEFAULT_LANE_SETTINGS.rateWindowMs,
    retryMaxElapsedMs: durationMs(uri, 'retry_max_elapsed', true) ?? DEFAULT_LANE_SETTINGS.retryMaxElapsedMs,
    repeatWindowMs: durationMs(uri, 'repeat_window', true) ?? tuning.repeatWindowMs ?? DEFAULT_LANE_SETTINGS.repeatWindowMs,
  };
}
