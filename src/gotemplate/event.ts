// The core/v1 Event as kube-eventer's webhook template sees it: a *v1.Event Go value.
import type { KubeEvent, ObjectReference } from '../event/types.js';
import { type GoTime, nowGoTime, parseKubeTime, zeroGoTime } from '../gotime/index.js';
import { EventType, metaTimeRaw } from './gotypes.js';
import { Value } from './values.js';

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

/**
 * Defines `name` on `target` as a field computed on first read and then kept: a template reads a
 * few fields, so the costly conversions (times, maps, managedFields) are not paid for every event.
 * Enumerable, and assignable like a plain field.
 */
function lazyField(target: Record<string, unknown>, name: string, compute: () => unknown): void {
  const settle = (value: unknown) => Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** The raw Go struct of a decoded core/v1 Event (timestamps in the Local zone, TypeMeta empty). */
function eventRaw(e: KubeEvent): Record<string, unknown> {
  const md = e.metadata ?? {};
  const meta: Record<string, unknown> = {
    Name: md.name ?? '',
    GenerateName: md.generateName ?? '',
    Namespace: md.namespace ?? '',
    SelfLink: md.selfLink ?? '',
    UID: md.uid ?? '',
    ResourceVersion: md.resourceVersion ?? '',
    Generation: md.generation ?? 0,
    CreationTimestamp: undefined,
    DeletionTimestamp: null,
    DeletionGracePeriodSeconds: md.deletionGracePeriodSeconds === undefined ? null : { v: md.deletionGracePeriodSeconds },
    Labels: null,
    Annotations: null,
    OwnerReferences: null,
    Finalizers: md.finalizers ?? null,
    ClusterName: md.clusterName ?? '',
    ManagedFields: null,
  };
  lazyField(meta, 'CreationTimestamp', () => time(md.creationTimestamp));
  if (md.deletionTimestamp) lazyField(meta, 'DeletionTimestamp', () => ({ v: time(md.deletionTimestamp) }));
  if (md.labels) lazyField(meta, 'Labels', () => stringMap(md.labels));
  if (md.annotations) lazyField(meta, 'Annotations', () => stringMap(md.annotations));
  if (md.ownerReferences) lazyField(meta, 'OwnerReferences', () => md.ownerReferences!.map((o) => ownerReference(o as Record<string, unknown>)));
  if (md.managedFields) lazyField(meta, 'ManagedFields', () => md.managedFields!.map((m) => managedFields(m as Record<string, unknown>)));
  const raw: Record<string, unknown> = {
    TypeMeta: { Kind: '', APIVersion: '' },
    ObjectMeta: meta,
    InvolvedObject: objectReference(e.involvedObject),
    Reason: e.reason ?? '',
    Message: e.message ?? '',
    Source: { Component: e.source?.component ?? '', Host: e.source?.host ?? '' },
    FirstTimestamp: undefined,
    LastTimestamp: undefined,
    Count: e.count ?? 0,
    Type: e.type ?? '',
    EventTime: undefined,
    Series: null,
    Action: e.action ?? '',
    Related: e.related ? { v: objectReference(e.related) } : null,
    ReportingController: e.reportingComponent ?? '',
    ReportingInstance: e.reportingInstance ?? '',
  };
  lazyField(raw, 'FirstTimestamp', () => time(e.firstTimestamp));
  lazyField(raw, 'LastTimestamp', () => time(e.lastTimestamp));
  lazyField(raw, 'EventTime', () => time(e.eventTime));
  const series = e.series;
  if (series) lazyField(raw, 'Series', () => ({ v: { Count: series.count ?? 0, LastObservedTime: time(series.lastObservedTime), State: (series as { state?: string }).state ?? '' } }));
  return raw;
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
export function kubeEventerTemplateData(event: KubeEvent, now: GoTime = nowGoTime()): Value {
  const raw = eventRaw(event);
  raw.Message = (raw.Message as string).replaceAll('"', '');
  const last = parseKubeTime(event.lastTimestamp) ?? parseKubeTime(event.eventTime) ?? now;
  raw.LastTimestamp = metaTimeRaw(last);
  return new Value(EventType.pointer(), { v: raw });
}
