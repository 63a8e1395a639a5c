// kube-eventer's JSON of an Event: Go's encoding/json of a core/v1 Event as client-go v0.17 decodes
// it (field order of the Go structs, omitempty rules, metav1.Time in whole UTC seconds, MicroTime
// with exactly six fractional digits, TypeMeta cleared). Kafka's EventValue and InfluxDB's `value`
// field carry it; users parse those, so the bytes match.
import { isZeroGoTime, goFormat, parseKubeTime, utc } from '../gotime/index.js';
import { goJson, goJsonIndent } from './go-json.js';
import type { EventSeries, KubeEvent, ObjectMeta, ObjectReference } from './types.js';

const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const CANONICAL_MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** metav1.Time's JSON: null when zero, else RFC3339 in UTC without a fraction. */
export function metaTimeJson(s: string | null | undefined): string | null {
  if (!s) return null;
  if (CANONICAL_TIME.test(s)) return s === '0001-01-01T00:00:00Z' ? null : s;
  const t = parseKubeTime(s);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05Z07:00');
}

/** metav1.MicroTime's JSON: null when zero, else UTC with exactly six fractional digits. */
export function microTimeJson(s: string | null | undefined): string | null {
  if (!s) return null;
  if (CANONICAL_MICRO_TIME.test(s)) return s === '0001-01-01T00:00:00.000000Z' ? null : s;
  const t = parseKubeTime(s);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05.000000Z07:00');
}

type Json = Record<string, unknown>;

function put(out: Json, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return;
  out[key] = value;
}

function sortedMap(m: Record<string, string> | undefined): Record<string, string> | undefined {
  if (m === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

function objectReference(r: ObjectReference | null | undefined): Json {
  const out: Json = {};
  if (!r) return out;
  put(out, 'kind', r.kind);
  put(out, 'namespace', r.namespace);
  put(out, 'name', r.name);
  put(out, 'uid', r.uid);
  put(out, 'apiVersion', r.apiVersion);
  put(out, 'resourceVersion', r.resourceVersion);
  put(out, 'fieldPath', r.fieldPath);
  return out;
}

function ownerReference(r: Record<string, unknown>): Json {
  const out: Json = { apiVersion: r['apiVersion'] ?? '', kind: r['kind'] ?? '', name: r['name'] ?? '', uid: r['uid'] ?? '' };
  if (typeof r['controller'] === 'boolean') out['controller'] = r['controller'];
  if (typeof r['blockOwnerDeletion'] === 'boolean') out['blockOwnerDeletion'] = r['blockOwnerDeletion'];
  return out;
}

function managedField(f: Record<string, unknown>): Json {
  const out: Json = {};
  put(out, 'manager', f['manager']);
  put(out, 'operation', f['operation']);
  put(out, 'apiVersion', f['apiVersion']);
  put(out, 'time', metaTimeJson(f['time'] as string | undefined));
  put(out, 'fieldsType', f['fieldsType']);
  if (f['fieldsV1'] !== undefined && f['fieldsV1'] !== null) out['fieldsV1'] = f['fieldsV1'];
  return out;
}

function objectMeta(m: ObjectMeta): Json {
  const out: Json = {};
  put(out, 'name', m.name);
  put(out, 'generateName', m.generateName);
  put(out, 'namespace', m.namespace);
  put(out, 'selfLink', m.selfLink);
  put(out, 'uid', m.uid);
  put(out, 'resourceVersion', m.resourceVersion);
  put(out, 'generation', m.generation);
  out['creationTimestamp'] = metaTimeJson(m.creationTimestamp);
  put(out, 'deletionTimestamp', metaTimeJson(m.deletionTimestamp));
  if (typeof m.deletionGracePeriodSeconds === 'number') out['deletionGracePeriodSeconds'] = m.deletionGracePeriodSeconds;
  put(out, 'labels', sortedMap(m.labels));
  put(out, 'annotations', sortedMap(m.annotations));
  put(out, 'ownerReferences', m.ownerReferences?.map((r) => ownerReference(r as Record<string, unknown>)));
  put(out, 'finalizers', m.finalizers);
  put(out, 'clusterName', m.clusterName);
  put(out, 'managedFields', m.managedFields?.map((f) => managedField(f as Record<string, unknown>)));
  return out;
}

function series(s: EventSeries): Json {
  const out: Json = {};
  put(out, 'count', s.count);
  out['lastObservedTime'] = microTimeJson(s.lastObservedTime);
  put(out, 'state', s.state);
  return out;
}

/** The Event as Go's structs hold it, keys in struct order (plain data for goJson). */
export function goEventObject(e: Readonly<KubeEvent>): Json {
  const out: Json = { metadata: objectMeta(e.metadata ?? {}), involvedObject: objectReference(e.involvedObject) };
  put(out, 'reason', e.reason);
  put(out, 'message', e.message);
  const source: Json = {};
  put(source, 'component', e.source?.component);
  put(source, 'host', e.source?.host);
  out['source'] = source;
  out['firstTimestamp'] = metaTimeJson(e.firstTimestamp);
  out['lastTimestamp'] = metaTimeJson(e.lastTimestamp);
  put(out, 'count', e.count);
  put(out, 'type', e.type);
  out['eventTime'] = microTimeJson(e.eventTime);
  if (e.series) out['series'] = series(e.series);
  put(out, 'action', e.action);
  if (e.related) out['related'] = objectReference(e.related);
  out['reportingComponent'] = e.reportingComponent ?? '';
  out['reportingInstance'] = e.reportingInstance ?? '';
  return out;
}

/** json.Marshal(event): compact. */
export function eventJson(e: Readonly<KubeEvent>): string {
  return goJson(goEventObject(e));
}

/** json.MarshalIndent(event, "", " "): what kube-eventer puts in Kafka's EventValue and InfluxDB's value. */
export function eventJsonIndent(e: Readonly<KubeEvent>): string {
  return goJsonIndent(goEventObject(e), ' ');
}
