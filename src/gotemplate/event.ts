// The core/v1 Event as kube-eventer's webhook template sees it: a *v1.Event Go value.
import { isInt64Digits } from '../event/exact-int64.js';
import type { KubeEvent, ObjectReference } from '../event/types.js';
import { type GoTime, nowGoTime, parseKubeTime, zeroGoTime } from '../gotime/index.js';
import { EventType, metaTimeRaw } from './gotypes.js';
import { normInt, Value } from './values.js';

function time(s: string | null | undefined): { Time: GoTime } {
  return metaTimeRaw(parseKubeTime(s) ?? zeroGoTime);
}

function stringMap(m: Record<string, string> | undefined): Map<string, string> | null {
  return m === undefined ? null : new Map(Object.entries(m));
}

function objectReference(o: ObjectReference | undefined): Record<string, unknown> {
  return {
    Kind: o?.kind ?? '',
    Namespace: o?.namespace ?? '',
    Name: o?.name ?? '',
    UID: o?.uid ?? '',
    APIVersion: o?.apiVersion ?? '',
    ResourceVersion: o?.resourceVersion ?? '',
    FieldPath: o?.fieldPath ?? '',
  };
}

function boolPtr(b: unknown): { v: boolean } | null {
  return typeof b === 'boolean' ? { v: b } : null;
}

function ownerReference(o: Record<string, unknown>): Record<string, unknown> {
  return {
    APIVersion: o.apiVersion ?? '',
    Kind: o.kind ?? '',
    Name: o.name ?? '',
    UID: o.uid ?? '',
    Controller: boolPtr(o.controller),
    BlockOwnerDeletion: boolPtr(o.blockOwnerDeletion),
  };
}

function managedFields(m: Record<string, unknown>): Record<string, unknown> {
  const t = parseKubeTime(m.time as string | undefined);
  return {
    Manager: m.manager ?? '',
    Operation: m.operation ?? '',
    APIVersion: m.apiVersion ?? '',
    Time: t ? { v: metaTimeRaw(t) } : null,
    FieldsType: m.fieldsType ?? '',
    // FieldsV1 keeps the raw JSON bytes of the value.
    FieldsV1: m.fieldsV1 === undefined ? null : { v: { Raw: [...Buffer.from(JSON.stringify(m.fieldsV1), 'utf8')] } },
  };
}

/** Where a struct's lazy fields (see lazyFields) find what they are computed from. */
const SOURCE = Symbol('source');

/**
 * A prototype whose getters compute the named fields from the object's SOURCE on first read, then
 * keep the value as the object's own field (enumerable, and assignable like a plain field): a template
 * reads a few fields, so the costly conversions (times, maps, managedFields) are not paid for every
 * event, and nothing is allocated per event for the fields it never reads.
 */
function lazyFields<S>(fields: Record<string, (source: S) => unknown>): object {
  const proto = {};
  for (const [name, compute] of Object.entries(fields)) {
    const settle = (target: object, value: unknown) => Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
    Object.defineProperty(proto, name, {
      get(this: { [SOURCE]: S }) {
        const value = compute(this[SOURCE]);
        settle(this, value);
        return value;
      },
      set(this: object, value: unknown) {
        settle(this, value);
      },
    });
  }
  return proto;
}

const LAZY_META = lazyFields<NonNullable<KubeEvent['metadata']>>({
  CreationTimestamp: (md) => time(md.creationTimestamp),
  DeletionTimestamp: (md) => (md.deletionTimestamp ? { v: time(md.deletionTimestamp) } : null),
  Labels: (md) => stringMap(md.labels ?? undefined),
  Annotations: (md) => stringMap(md.annotations ?? undefined),
  OwnerReferences: (md) => md.ownerReferences?.map((o) => ownerReference(o as Record<string, unknown>)) ?? null,
  ManagedFields: (md) => md.managedFields?.map((m) => managedFields(m as Record<string, unknown>)) ?? null,
});

/** The lazy fields both template data shapes share (the kube-eventer shape sets LastTimestamp itself). */
const LAZY_EVENT_SHARED = {
  FirstTimestamp: (e: KubeEvent) => time(e.firstTimestamp),
  EventTime: (e: KubeEvent) => time(e.eventTime),
  Series: (e: KubeEvent) => (e.series ? { v: { Count: e.series.count ?? 0, LastObservedTime: time(e.series.lastObservedTime), State: (e.series as { state?: string }).state ?? '' } } : null),
};
const LAZY_EVENT = lazyFields<KubeEvent>({ ...LAZY_EVENT_SHARED, LastTimestamp: (e) => time(e.lastTimestamp) });
/** kube-eventer's data always sets LastTimestamp: a plain field, not one whose setter redefines it. */
const LAZY_KUBE_EVENTER_EVENT = lazyFields<KubeEvent>(LAZY_EVENT_SHARED);

/** An int64 field's raw value: beyond ±2^53 the Event holds its digits, the template a bigint. */
function int64(value: number | string): unknown {
  return isInt64Digits(value) ? normInt(BigInt(value)) : value;
}

/** The raw Go struct of a decoded core/v1 Event (timestamps in the Local zone, TypeMeta empty). */
function eventRaw(e: KubeEvent, lazy: object = LAZY_EVENT): Record<string, unknown> {
  const md = e.metadata ?? {};
  const meta = Object.create(LAZY_META) as Record<string | symbol, unknown>;
  meta[SOURCE] = md;
  meta.Name = md.name ?? '';
  meta.GenerateName = md.generateName ?? '';
  meta.Namespace = md.namespace ?? '';
  meta.SelfLink = md.selfLink ?? '';
  meta.UID = md.uid ?? '';
  meta.ResourceVersion = md.resourceVersion ?? '';
  meta.Generation = int64(md.generation ?? 0);
  meta.DeletionGracePeriodSeconds = md.deletionGracePeriodSeconds === undefined ? null : { v: int64(md.deletionGracePeriodSeconds) };
  meta.Finalizers = md.finalizers ?? null;
  meta.ClusterName = md.clusterName ?? '';
  const raw = Object.create(lazy) as Record<string | symbol, unknown>;
  raw[SOURCE] = e;
  raw.TypeMeta = { Kind: '', APIVersion: '' };
  raw.ObjectMeta = meta;
  raw.InvolvedObject = objectReference(e.involvedObject);
  raw.Reason = e.reason ?? '';
  raw.Message = e.message ?? '';
  raw.Source = { Component: e.source?.component ?? '', Host: e.source?.host ?? '' };
  raw.Count = e.count ?? 0;
  raw.Type = e.type ?? '';
  raw.Action = e.action ?? '';
  raw.Related = e.related ? { v: objectReference(e.related) } : null;
  raw.ReportingController = e.reportingComponent ?? '';
  raw.ReportingInstance = e.reportingInstance ?? '';
  return raw as Record<string, unknown>;
}

/** The Event exactly as decoded by client-go: a *v1.Event value. */
export function eventToGoValue(event: KubeEvent): Value {
  return new Value(EventType.pointer(), { v: eventRaw(event) });
}

/**
 * The data kube-eventer's webhook passes to its template: the decoded Event after its two
 * in-place changes — every `"` removed from Message, and LastTimestamp = lastTimestamp, else
 * eventTime, else `now` (time.Now(), monotonic reading included).
 */
export function kubeEventerTemplateData(event: KubeEvent, now?: GoTime): Value {
  const raw = eventRaw(event, LAZY_KUBE_EVENTER_EVENT);
  raw.Message = (raw.Message as string).replaceAll('"', '');
  // The clock is read only for an event with neither timestamp.
  const last = parseKubeTime(event.lastTimestamp) ?? parseKubeTime(event.eventTime) ?? now ?? nowGoTime();
  raw.LastTimestamp = metaTimeRaw(last);
  return new Value(EventType.pointer(), { v: raw });
}
