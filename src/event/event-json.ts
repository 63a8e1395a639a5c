// Go's encoding/json of a decoded core/v1 Event (k8s.io/api v0.17, as kube-eventer links it): the
// payload kube-eventer's data sinks embed. Field order, omitempty rules and time formats follow the Go
// struct tags; map keys are sorted as Go sorts them (byte order, so "10" before "2", unlike JS objects).
import { isInt64Digits } from './exact-int64.js';
import { goDecodedString, goJsonString } from './go-json.js';
import type { KubeEvent, ObjectMeta, ObjectReference } from './types.js';
import { parseKubeTime, goFormat, utc, isZeroGoTime } from '../gotime/index.js';

/** An object whose keys keep the order given (JS objects move integer-like keys first). */
class Fields {
  constructor(readonly entries: Array<[string, unknown]>) {}
}

/** An int64 beyond ±2^53, kept as its digits: written as the number it is. */
class Int64 {
  constructor(readonly digits: string) {}
}

const int64 = (value: unknown): unknown => (isInt64Digits(value) ? new Int64(value) : value);

function write(value: unknown, indent: string | undefined, depth: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Int64) return value.digits;
  const items: string[] = [];
  const isObject = value instanceof Fields;
  if (isObject) {
    for (const [k, v] of value.entries) items.push(goJsonString(k) + (indent === undefined ? ':' : ': ') + write(v, indent, depth + 1));
  } else if (Array.isArray(value)) {
    for (const v of value) items.push(write(v, indent, depth + 1));
  } else {
    throw new TypeError(`event-json: cannot encode ${typeof value}`);
  }
  const [open, close] = isObject ? ['{', '}'] : ['[', ']'];
  if (items.length === 0) return open + close;
  if (indent === undefined) return open + items.join(',') + close;
  const inner = '\n' + indent.repeat(depth + 1);
  return open + inner + items.join(',' + inner) + '\n' + indent.repeat(depth) + close;
}

/** Go sorts map keys by their UTF-8 bytes; each key's bytes are made once, not twice per comparison. */
function inGoKeyOrder<T>(items: readonly T[], key: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(key(item)) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ item }) => item);
}

/**
 * Go decodes a lone surrogate escape in a map key as U+FFFD, so keys that differ only there are one
 * key in Go's map, holding the value of the last one.
 */
function goMapEntries(m: Record<string, unknown>): Array<[string, unknown]> {
  const entries = Object.entries(m);
  if (entries.every(([k]) => goDecodedString(k) === k)) return entries;
  return [...new Map(entries.map(([k, v]) => [goDecodedString(k), v]))];
}

/** A map[string]string; Go decodes a null value as "" (as it does a null element of a []string). */
function goSortedMap(m: Record<string, unknown> | undefined): Fields | undefined {
  if (m === undefined || m === null) return undefined;
  return new Fields(inGoKeyOrder(goMapEntries(m), ([k]) => k).map(([k, v]) => [k, v ?? '']));
}

/** metav1.Time: RFC 3339 in UTC, whole seconds; zero → null. */
function metaTimeJson(s: string | null | undefined): string | null {
  const t = parseKubeTime(s);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05Z07:00');
}

/** metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits; zero → null. */
export function microTimeJson(s: string | null | undefined): string | null {
  const t = parseKubeTime(s);
  return t === null || isZeroGoTime(t) ? null : goFormat(utc(t), '2006-01-02T15:04:05.000000Z07:00');
}

type Entry = [string, unknown];

/** Adds `[key, value]` unless the value is Go's empty value for an omitempty field. */
function omitEmpty(out: Entry[], key: string, value: unknown): void {
  if (value === undefined || value === null || value === '' || value === 0 || value === false) return;
  if (Array.isArray(value) && value.length === 0) return;
  out.push([key, value]);
}

/** A *metav1.Time field (omitempty): absent or null → omitted; a zero time is still set, so written as null. */
function pointerTime(out: Entry[], key: string, value: unknown): void {
  if (typeof value === 'string') out.push([key, metaTimeJson(value)]);
}

function ownerReference(o: Record<string, unknown>): Fields {
  const out: Entry[] = [
    ['apiVersion', o.apiVersion ?? ''],
    ['kind', o.kind ?? ''],
    ['name', o.name ?? ''],
    ['uid', o.uid ?? ''],
  ];
  if (typeof o.controller === 'boolean') out.push(['controller', o.controller]);
  if (typeof o.blockOwnerDeletion === 'boolean') out.push(['blockOwnerDeletion', o.blockOwnerDeletion]);
  return new Fields(out);
}

function managedField(m: Record<string, unknown>): Fields {
  const out: Entry[] = [];
  omitEmpty(out, 'manager', m.manager);
  omitEmpty(out, 'operation', m.operation);
  omitEmpty(out, 'apiVersion', m.apiVersion);
  pointerTime(out, 'time', m.time);
  omitEmpty(out, 'fieldsType', m.fieldsType);
  // FieldsV1 is raw JSON: Go re-encodes it as is (compacted or indented with the rest, HTML-escaped).
  if (m.fieldsV1 !== undefined && m.fieldsV1 !== null) out.push(['fieldsV1', rawJson(m.fieldsV1)]);
  return new Fields(out);
}

/** A JSON value with its objects' keys kept in the order received. */
function rawJson(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v), (_k, val: unknown) => (val !== null && typeof val === 'object' && !Array.isArray(val) ? new Fields(Object.entries(val)) : val));
}

function objectMeta(md: ObjectMeta): Fields {
  const out: Entry[] = [];
  omitEmpty(out, 'name', md.name);
  omitEmpty(out, 'generateName', md.generateName);
  omitEmpty(out, 'namespace', md.namespace);
  omitEmpty(out, 'selfLink', md.selfLink);
  omitEmpty(out, 'uid', md.uid);
  omitEmpty(out, 'resourceVersion', md.resourceVersion);
  omitEmpty(out, 'generation', int64(md.generation));
  out.push(['creationTimestamp', metaTimeJson(md.creationTimestamp)]);
  pointerTime(out, 'deletionTimestamp', md.deletionTimestamp);
  const grace = md.deletionGracePeriodSeconds;
  if (typeof grace === 'number' || isInt64Digits(grace)) out.push(['deletionGracePeriodSeconds', int64(grace)]);
  const labels = goSortedMap(md.labels);
  if (labels && labels.entries.length > 0) out.push(['labels', labels]);
  const annotations = goSortedMap(md.annotations);
  if (annotations && annotations.entries.length > 0) out.push(['annotations', annotations]);
  // A null element of a struct list decodes as the zero struct, of a string list as "".
  omitEmpty(out, 'ownerReferences', md.ownerReferences?.map((o) => ownerReference((o ?? {}) as Record<string, unknown>)));
  omitEmpty(out, 'finalizers', md.finalizers?.map((f) => (f as string | null) ?? ''));
  omitEmpty(out, 'clusterName', md.clusterName);
  omitEmpty(out, 'managedFields', md.managedFields?.map((m) => managedField((m ?? {}) as Record<string, unknown>)));
  return new Fields(out);
}

export function objectReferenceFields(o: ObjectReference | undefined | null): Fields {
  const out: Entry[] = [];
  omitEmpty(out, 'kind', o?.kind);
  omitEmpty(out, 'namespace', o?.namespace);
  omitEmpty(out, 'name', o?.name);
  omitEmpty(out, 'uid', o?.uid);
  omitEmpty(out, 'apiVersion', o?.apiVersion);
  omitEmpty(out, 'resourceVersion', o?.resourceVersion);
  omitEmpty(out, 'fieldPath', o?.fieldPath);
  return new Fields(out);
}

export function sourceFields(e: KubeEvent): Fields {
  const out: Entry[] = [];
  omitEmpty(out, 'component', e.source?.component);
  omitEmpty(out, 'host', e.source?.host);
  return new Fields(out);
}

export function objectMetaFields(e: KubeEvent): Fields {
  return objectMeta(e.metadata ?? {});
}

function eventFields(e: KubeEvent): Fields {
  const out: Entry[] = [['metadata', objectMeta(e.metadata ?? {})], ['involvedObject', objectReferenceFields(e.involvedObject)]];
  omitEmpty(out, 'reason', e.reason);
  omitEmpty(out, 'message', e.message);
  out.push(['source', sourceFields(e)]);
  out.push(['firstTimestamp', metaTimeJson(e.firstTimestamp)]);
  out.push(['lastTimestamp', metaTimeJson(e.lastTimestamp)]);
  omitEmpty(out, 'count', e.count);
  omitEmpty(out, 'type', e.type);
  out.push(['eventTime', microTimeJson(e.eventTime)]);
  if (e.series) {
    const series: Entry[] = [];
    omitEmpty(series, 'count', e.series.count);
    series.push(['lastObservedTime', microTimeJson(e.series.lastObservedTime)]);
    omitEmpty(series, 'state', e.series.state);
    out.push(['series', new Fields(series)]);
  }
  omitEmpty(out, 'action', e.action);
  if (e.related) out.push(['related', objectReferenceFields(e.related)]);
  out.push(['reportingComponent', e.reportingComponent ?? '']);
  out.push(['reportingInstance', e.reportingInstance ?? '']);
  return new Fields(out);
}

/** json.Marshal(event): no sink sends it; kept as the compact form the Go-parity tests compare byte for byte (event-json-go, payload-oracle). */
export function eventJson(e: KubeEvent): string {
  return write(eventFields(e), undefined, 0);
}

/** json.MarshalIndent(event, "", " "): what kube-eventer's kafka and influxdb sinks carry. */
export function eventJsonIndent(e: KubeEvent): string {
  return write(eventFields(e), ' ', 0);
}

/** Go JSON of an ordered structure built with `goStruct` (compact). */
export function goStructJson(value: unknown): string {
  return write(value, undefined, 0);
}

/** A Go struct value for `goStructJson`: keys stay in the order given. */
export function goStruct(entries: Array<[string, unknown]>): Fields {
  return new Fields(entries);
}

/** A map[string]string as Go encodes it (keys sorted). */
export function goStringMap(m: Record<string, string>): Fields {
  return goSortedMap(m) ?? new Fields([]);
}

function sortedFields(value: unknown): unknown {
  if (value instanceof Fields) {
    const entries = inGoKeyOrder(value.entries, ([k]) => k);
    return new Fields(entries.map(([k, v]) => [k, sortedFields(v)]));
  }
  // interface{} holds a JSON number as a float64: the nearest double, as Number() parses it.
  if (value instanceof Int64) return Number(value.digits);
  return Array.isArray(value) ? value.map(sortedFields) : value;
}

/**
 * The event after a round trip through Go's map[string]interface{} (eventbridge's SDK re-encodes the
 * event so): the same values with every object's keys sorted, and int64s beyond ±2^53 rounded.
 */
export function eventJsonSorted(e: KubeEvent): string {
  return write(sortedFields(eventFields(e)), undefined, 0);
}
