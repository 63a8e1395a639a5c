// Events → Log Service LogGroups (protobuf), with kube-eventer's contents per log, split into
// requests that respect PutLogs' limits.
import { eventJsonIndent } from '../../event/event-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { nowGoTime, type GoTime } from '../../gotime/index.js';
import { groupBySize } from '../group-by-size.js';
import { lengthDelimitedSize, ProtoWriter } from '../wire/protobuf.js';

/** PutLogs refuses a body whose raw (uncompressed) size exceeds this: 413 PostBodyTooLarge. */
export const SLS_MAX_RAW_BYTES = 10 * 1024 * 1024;
/** PutLogs refuses more logs than this in one LogGroup: 400 InvalidLogSize. */
export const SLS_MAX_LOGS = 4096;
/** Requests are cut at this raw size, well under the limit (a 10 MiB request takes long on slow links). */
export const SLS_TARGET_RAW_BYTES = 4 * 1024 * 1024;

/**
 * kube-eventer's contents, in its order: `eventId` (the whole event as indented Go JSON, despite
 * the name), `hostname` (source.host), `level` (type), for Pods `pod_id` and `pod_name`, then labels.
 */
export function slsContents(e: Readonly<KubeEvent>, labels: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> {
  const contents: Array<readonly [string, string]> = [
    ['eventId', eventJsonIndent(e)],
    ['hostname', e.source?.host ?? ''],
    ['level', e.type ?? ''],
  ];
  if (e.involvedObject?.kind === 'Pod') {
    contents.push(['pod_id', e.involvedObject.uid ?? ''], ['pod_name', e.involvedObject.name ?? '']);
  }
  for (const label of labels) contents.push(label);
  return contents;
}

/** One `Log` message: Time = the event's last timestamp in Unix seconds, then the contents. */
export function encodeLog(e: Readonly<KubeEvent>, labels: ReadonlyArray<readonly [string, string]>, now: () => GoTime = nowGoTime): Buffer {
  const log = new ProtoWriter(1024);
  log.uint32(1, lastTimestamp(e, now).sec);
  for (const [key, value] of slsContents(e, labels)) {
    log.message(2, new ProtoWriter(key.length + value.length + 8).string(1, key).string(2, value));
  }
  return Buffer.from(log.finish());
}

/** Bytes a LogGroup's topic and (empty) source fields add. */
export function logGroupOverhead(topic: string): number {
  return lengthDelimitedSize(Buffer.byteLength(topic)) + lengthDelimitedSize(0);
}

/** A LogGroup: Logs (1), Topic (3), Source (4, empty like kube-eventer's). */
export function encodeLogGroup(logs: readonly Buffer[], topic: string): Buffer {
  let size = logGroupOverhead(topic);
  for (const l of logs) size += lengthDelimitedSize(l.length);
  const group = new ProtoWriter(size);
  for (const l of logs) group.bytes(1, l);
  group.string(3, topic).string(4, '');
  return group.finish();
}

export interface RequestPlan {
  /** Indexes of the logs in each request, in order. */
  readonly requests: number[][];
  /** Indexes of logs too large for any request. */
  readonly oversized: number[];
}

/** Greedy split: each request holds at most SLS_MAX_LOGS logs and `targetBytes` raw bytes. */
export function planRequests(logSizes: readonly number[], topic: string, targetBytes = SLS_TARGET_RAW_BYTES, maxLogs = SLS_MAX_LOGS): RequestPlan {
  const overhead = logGroupOverhead(topic);
  const fits: number[] = [];
  const oversized: number[] = [];
  logSizes.forEach((logSize, i) => (overhead + lengthDelimitedSize(logSize) > SLS_MAX_RAW_BYTES ? oversized : fits).push(i));
  const requests = groupBySize(
    fits.map((i) => lengthDelimitedSize(logSizes[i]!)),
    targetBytes,
    maxLogs,
    overhead,
  ).map((group) => group.map((k) => fits[k]!));
  return { requests, oversized };
}
