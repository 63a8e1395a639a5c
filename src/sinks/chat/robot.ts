// What the chat sinks share: how often each robot may be called, the repeat window, the options
// every chat sink reads, and how the outcome of one message maps onto the events of a batch.
import { ConfigError } from '../../base/errors.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { defer, type Outcome } from '../../pipeline/outcome.js';
import type { LaneTuning } from '../../pipeline/sink.js';
import type { ReplyVerdict } from '../http/classify.js';
import type { MergedMessage } from './merge.js';

/** The chat robots this program knows; each has a folder (dingtalk/, wechat/, feishu/, slack/) with a robot.ts. */
export type RobotKind = 'dingtalk' | 'wechat' | 'feishu' | 'slack';

/** What one robot's service is like: everything a sink or the webhook sink needs to know of it. */
export interface Robot {
  readonly kind: RobotKind;
  /** Hosts of its webhook URLs (the webhook sink's `response_check=auto` recognises them). */
  readonly hosts: readonly string[];
  /**
   * One message per this many milliseconds. Messages are paced rather than counted per minute: with
   * one send in flight, a robot that allows L messages per window W never sees L+1 in any W as long
   * as (L−1) × (pace + 1 ms) ≥ W, whatever the network delays; and a burst of events waits seconds,
   * not a minute, before it goes out in one message.
   */
  readonly paceMs: number;
  /** Its verdict on a 2xx reply (robots refuse with HTTP 200 and a code in the body). */
  readonly checkReply: ReplyVerdict;
  /** Several rendered bodies (webhook templates) as one message within its limits. */
  readonly mergeBodies: (bodies: readonly string[]) => MergedMessage;
}

/** Chat sinks collapse repeats of one (object, reason) within this window by default. */
export const CHAT_REPEAT_WINDOW_MS = 5 * 60_000;

/** The lane settings of a chat sink: paced sends, one at a time, repeats collapsed, `maxBatch` per message. */
export function robotTuning(robot: Robot, maxBatch: number): LaneTuning {
  return {
    sendsPerMinute: 1,
    rateWindowMs: robot.paceMs,
    concurrency: 1,
    repeatWindowMs: CHAT_REPEAT_WINDOW_MS,
    maxBatch,
  };
}

/** For the events a message had no room for: the lane sends them again, in the next message. */
export const DEFERRED: Outcome = defer("left for the next message (the robot's size limit was reached)");

/** The outcome of one message for each event of the batch: `outcome` for those shown, DEFERRED for the rest. */
export function batchOutcomes(size: number, shown: readonly number[], outcome: Outcome): Outcome | Outcome[] {
  if (shown.length === size) return outcome;
  const out = new Array<Outcome>(size).fill(DEFERRED);
  for (const i of shown) out[i] = outcome;
  return out;
}

/** The first value of a required option; missing or empty is a ConfigError. */
export function requiredOption(uri: SinkUri, name: string, hint: string): string {
  const value = option(uri, name);
  if (value === undefined || value === '') {
    throw new ConfigError(`sink ${uri.key}: option ${name} is required (${hint})`);
  }
  return value;
}

/** `label` options, in the order given (repeatable). */
export function labelOptions(uri: SinkUri): string[] {
  return options(uri, 'label');
}

/** Options that may be given once: a second value would be ignored silently. */
export function rejectRepeated(uri: SinkUri, names: readonly string[]): void {
  for (const name of names) {
    const n = options(uri, name).length;
    if (n > 1) throw new ConfigError(`sink ${uri.key}: option ${name} given ${n} times; give it once`);
  }
}

/**
 * An http(s) URL option (an API base for a proxy or a private deployment), without query or
 * fragment; returned without a trailing slash.
 */
export function baseUrlOption(uri: SinkUri, name: string, fallback: string): string {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be an http(s) URL without query, fragment or credentials (e.g. ${fallback})`);
  }
  return url.href.replace(/\/+$/, '');
}
