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

/** The raw Go struct of a decoded core/v1 Event (timestamps in the Local zone, TypeMeta empty). */
function eventRaw(e: KubeEvent): Record<string, unknown> {
  const md = e.metadata ?? {};
  return {
    TypeMeta: { Kind: '', APIVersion: '' },
    ObjectMeta: {
      Name: md.name ?? '',
      GenerateName: md.generateName ?? '',
      Namespace: md.namespace ?? '',
      SelfLink: md.selfLink ?? '',
      UID: md.uid ?? '',
      ResourceVersion: md.resourceVersion ?? '',
      Generation: md.generation ?? 0,
      CreationTimestamp: time(md.creationTimestamp),
      DeletionTimestamp: md.deletionTimestamp ? { v: time(md.deletionTimestamp) } : null,
      DeletionGracePeriodSeconds: md.deletionGracePeriodSeconds === undefined ? null : { v: md.deletionGracePeriodSeconds },
      Labels: stringMap(md.labels),
      Annotations: stringMap(md.annotations),
      OwnerReferences: md.ownerReferences ? md.ownerReferences.map((o) => ownerReference(o as Record<string, unknown>)) : null,
      Finalizers: md.finalizers ?? null,
      ClusterName: md.clusterName ?? '',
      ManagedFields: md.managedFields ? md.managedFields.map((m) => managedFields(m as Record<string, unknown>)) : null,
    },
    InvolvedObject: objectReference(e.involvedObject),
    Reason: e.reason ?? '',
    Message: e.message ?? '',
    Source: { Component: e.source?.component ?? '', Host: e.source?.host ?? '' },
    FirstTimestamp: time(e.firstTimestamp),
    LastTimestamp: time(e.lastTimestamp),
    Count: e.count ?? 0,
    Type: e.type ?? '',
    EventTime: time(e.eventTime),
    Series: e.series ? { v: { Count: e.series.count ?? 0, LastObservedTime: time(e.series.lastObservedTime), State: (e.series as { state?: string }).state ?? '' } } : null,
    Action: e.action ?? '',
    Related: e.related ? { v: objectReference(e.related) } : null,
    ReportingController: e.reportingComponent ?? '',
    ReportingInstance: e.reportingInstance ?? '',
  };
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
