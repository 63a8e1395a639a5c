// A core/v1 Event as Go's encoding/json writes k8s.io/api v0.17's Event struct: field order,
// omitempty rules, timestamps in UTC (metav1.Time to the second, MicroTime to the microsecond).
// kube-eventer's sls, eventbridge (and kafka, influxdb) payloads are this JSON.
import { goFormat, parseKubeTime, utc, isZeroGoTime } from '../gotime/index.js';
import { goJson, goJsonIndent } from './go-json.js';
import type { KubeEvent, ObjectMeta, ObjectReference } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** metav1.Time: RFC3339 in UTC, whole seconds; null when unset or zero. */
function metaTime(s: string | null | undefined): string | null {
  const t = parseKubeTime(s ?? null);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05Z07:00');
}

/** metav1.MicroTime: RFC3339 in UTC with exactly six fractional digits; null when unset or zero. */
function microTime(s: string | null | undefined): string | null {
  const t = parseKubeTime(s ?? null);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05.000000Z07:00');
}

/** A Go map: keys sorted as encoding/json sorts them (by UTF-8 bytes). */
function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort(byUtf8)) out[k] = m[k]!;
  return out;
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function put(out: Record<string, Json>, key: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '' && value !== 0) out[key] = value;
}

function objectMeta(m: Readonly<ObjectMeta>): Record<string, Json> {
  const out: Record<string, Json> = {};
  put(out, 'name', m.name);
  put(out, 'generateName', m.generateName);
  put(out, 'namespace', m.namespace);
  put(out, 'selfLink', m.selfLink);
  put(out, 'uid', m.uid);
  put(out, 'resourceVersion', m.resourceVersion);
  put(out, 'generation', m.generation);
  out.creationTimestamp = metaTime(m.creationTimestamp);
  const deletion = metaTime(m.deletionTimestamp);
  if (deletion !== null) out.deletionTimestamp = deletion;
  if (m.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds !== null) out.deletionGracePeriodSeconds = m.deletionGracePeriodSeconds;
  if (m.labels && Object.keys(m.labels).length > 0) out.labels = sortedMap(m.labels);
  if (m.annotations && Object.keys(m.annotations).length > 0) out.annotations = sortedMap(m.annotations);
  if (m.ownerReferences && m.ownerReferences.length > 0) out.ownerReferences = m.ownerReferences as Json[];
  if (m.finalizers && m.finalizers.length > 0) out.finalizers = m.finalizers;
  put(out, 'clusterName', m.clusterName);
  if (m.managedFields && m.managedFields.length > 0) out.managedFields = m.managedFields as Json[];
  return out;
}

function objectReference(r: Readonly<ObjectReference>): Record<string, Json> {
  const out: Record<string, Json> = {};
  put(out, 'kind', r.kind);
  put(out, 'namespace', r.namespace);
  put(out, 'name', r.name);
  put(out, 'uid', r.uid);
  put(out, 'apiVersion', r.apiVersion);
  put(out, 'resourceVersion', r.resourceVersion);
  put(out, 'fieldPath', r.fieldPath);
  return out;
}

/** The Event as plain objects in Go's field order, ready for JSON.stringify. */
export function eventJsonValue(e: Readonly<KubeEvent>): Record<string, Json> {
  const out: Record<string, Json> = { metadata: objectMeta(e.metadata ?? {}), involvedObject: objectReference(e.involvedObject ?? {}) };
  put(out, 'reason', e.reason);
  put(out, 'message', e.message);
  const source: Record<string, Json> = {};
  put(source, 'component', e.source?.component);
  put(source, 'host', e.source?.host);
  out.source = source;
  out.firstTimestamp = metaTime(e.firstTimestamp);
  out.lastTimestamp = metaTime(e.lastTimestamp);
  put(out, 'count', e.count);
  put(out, 'type', e.type);
  out.eventTime = microTime(e.eventTime);
  if (e.series) {
    const series: Record<string, Json> = {};
    put(series, 'count', e.series.count);
    series.lastObservedTime = microTime(e.series.lastObservedTime);
    put(series, 'state', e.series.state);
    out.series = series;
  }
  put(out, 'action', e.action);
  if (e.related) out.related = objectReference(e.related);
  out.reportingComponent = e.reportingComponent ?? '';
  out.reportingInstance = e.reportingInstance ?? '';
  return out;
}

/** json.Marshal(event). */
export function eventJson(e: Readonly<KubeEvent>): string {
  return goJson(eventJsonValue(e));
}

/** json.MarshalIndent(event, "", " ") — kube-eventer's SLS `eventId` content. */
export function eventJsonIndent(e: Readonly<KubeEvent>): string {
  return goJsonIndent(eventJsonValue(e), ' ');
}

/** A JSON value with every object's keys sorted, as Go writes it after a round trip through map[string]interface{}. */
export function sortKeysDeep(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const k of Object.keys(value).sort(byUtf8)) out[k] = sortKeysDeep(value[k]!);
    return out;
  }
  return value;
}

export type { Json };
