// kube-eventer's InfluxDB points in line protocol: one line per event, tags sorted, empty tags left
// out, nanosecond timestamps (the event time in UTC).
import { eventJsonIndent } from '../../event/event-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { unixNano, type GoTime } from '../../gotime/index.js';

export interface InfluxFormat {
  readonly withFields: boolean;
  readonly clusterName: string;
}

function escapeMeasurement(s: string): string {
  return s.replace(/[, ]/g, '\\$&');
}

function escapeKey(s: string): string {
  return s.replace(/[, =]/g, '\\$&');
}

function quoteString(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** Go's byte order (bytes.Compare) for ASCII keys, which all of these are. */
function byKey(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/** The nanosecond range InfluxDB stores (its two lowest and one highest values are reserved). */
const MIN_NANO_TIME = -(2n ** 63n) + 2n;
const MAX_NANO_TIME = 2n ** 63n - 2n;
/** InfluxDB's longest series key plus field key. */
const MAX_KEY_LENGTH = 65535;

/** How a refused point's comment line starts. */
export const REFUSED_POINT = '# ERROR: ';

/**
 * kube-eventer's client library writes a point InfluxDB cannot store as this comment line, which
 * InfluxDB skips: the rest of the request is still written (a bad point would fail the whole write).
 */
function refusedPoint(reason: string, measurement: string): string {
  return `${REFUSED_POINT}${reason} ${measurement}\n`;
}

export function encodeLine(measurement: string, tags: Record<string, string>, field: string, value: string, timeNs: bigint): string {
  if (timeNs < MIN_NANO_TIME || timeNs > MAX_NANO_TIME) return refusedPoint(`time outside range ${MIN_NANO_TIME} - ${MAX_NANO_TIME}`, measurement);
  let key = escapeMeasurement(measurement);
  const sorted = Object.entries(tags)
    .filter(([, v]) => v !== '')
    .sort(byKey);
  for (const [k, v] of sorted) key += `,${escapeKey(k)}=${escapeKey(v)}`;
  // The series key and field key with InfluxDB's 4-byte separator.
  const keyLength = Buffer.byteLength(key) + 4 + Buffer.byteLength(field);
  if (keyLength > MAX_KEY_LENGTH) return refusedPoint(`max key length exceeded: ${keyLength} > ${MAX_KEY_LENGTH}`, measurement);
  return `${key} ${escapeKey(field)}=${quoteString(value)} ${timeNs}\n`;
}

/** kube-eventer's point for one event. */
export function encodePoint(e: KubeEvent, format: InfluxFormat, now?: () => GoTime): string {
  const time = unixNano(lastTimestamp(e, now));
  const isPod = e.involvedObject?.kind === 'Pod';
  if (format.withFields) {
    const tags: Record<string, string> = {
      uid: e.metadata?.uid ?? '',
      object_name: e.involvedObject?.name ?? '',
      type: e.type ?? '',
      kind: e.involvedObject?.kind ?? '',
      component: e.source?.component ?? '',
      reason: e.reason ?? '',
      namespace_name: e.metadata?.namespace ?? '',
      hostname: e.source?.host ?? '',
      cluster_name: format.clusterName,
    };
    if (isPod) tags.pod_id = e.involvedObject.uid ?? '';
    return encodeLine('events', tags, 'message', e.message ?? '', time);
  }
  const tags: Record<string, string> = {
    uid: e.metadata?.uid ?? '',
    hostname: e.source?.host ?? '',
    cluster_name: format.clusterName,
  };
  if (isPod) {
    tags.pod_id = e.involvedObject.uid ?? '';
    tags.pod_name = e.involvedObject.name ?? '';
  }
  return encodeLine('log/events', tags, 'value', eventJsonIndent(e), time);
}
