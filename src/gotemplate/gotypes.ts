// Go types the templates can meet: time.Time and friends, and the k8s.io/api v0.17 core/v1
// Event with its apimachinery parts, including their gogo-generated String() methods.
import { civil, goFormat, goTimeString, isZeroGoTime, local, type GoTime, unixNano, utc, UTC } from '../gotime/index.js';
import { sprint } from './fmt.js';
import { type Box, type Field, GoError, GoType, type Method, mapOf, namedType, sliceOf, T, Value, zeroOpaque, normInt } from './values.js';

function method(ptrRecv: boolean, params: GoType[], results: GoType[], call: (recv: Value, args: Value[]) => Value): Method {
  return { ptrRecv, params, results, call };
}

/** A struct type; each field is [name, type, json tag, embedded]. */
function struct(name: string, fields: [string, GoType, string, boolean?][]): GoType {
  const t = new GoType('struct', name);
  t.fields = fields.map(([n, type, json, embedded]): Field => ({ name: n, type, json, embedded: embedded ?? false }));
  return t;
}

// ---- time ----

export const TimeType = new GoType('struct', 'time.Time');
TimeType.opaque = true;
zeroOpaque.set(TimeType, () => ({ sec: -62135596800, nsec: 0, loc: UTC }) satisfies GoTime);

export const MonthType = namedType('int', 'time.Month');
export const WeekdayType = namedType('int', 'time.Weekday');
export const DurationType = namedType('int64', 'time.Duration');

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

MonthType.methods.set('String', method(false, [], [T.string], (r) => str(MONTHS[(r.raw as number) - 1] ?? `%!Month(${String(r.raw)})`)));
WeekdayType.methods.set('String', method(false, [], [T.string], (r) => str(DAYS[r.raw as number] ?? `%!Weekday(${String(r.raw)})`)));
DurationType.methods.set('String', method(false, [], [T.string], (r) => str(durationString(BigInt(r.raw as number | bigint)))));

function str(s: string): Value {
  return new Value(T.string, s);
}

function int(n: number | bigint, t: GoType = T.int): Value {
  return new Value(t, normInt(n));
}

export function timeValue(t: GoTime): Value {
  return new Value(TimeType, t);
}

/** Go's Duration.String(): 1h2m3.5s, 1.5ms, 0s. */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1000000000n) {
    const units: [bigint, string][] = [
      [1n, 'ns'],
      [1000n, 'µs'],
      [1000000n, 'ms'],
    ];
    const [scale, unit] = u < 1000n ? units[0]! : u < 1000000n ? units[1]! : units[2]!;
    out = fracString(u, scale) + unit;
  } else {
    const h = u / 3600000000000n;
    u -= h * 3600000000000n;
    const m = u / 60000000000n;
    u -= m * 60000000000n;
    out = fracString(u, 1000000000n) + 's';
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return neg ? '-' + out : out;
}

function fracString(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = v % scale;
  if (frac === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

function goTimeOf(v: Value): GoTime {
  return v.raw as GoTime;
}

const timeMethods: Record<string, Method> = {
  String: method(false, [], [T.string], (r) => str(goTimeString(goTimeOf(r)))),
  GoString: method(false, [], [T.string], (r) => str(timeGoString(goTimeOf(r)))),
  Format: method(false, [T.string], [T.string], (r, [layout]) => str(goFormat(goTimeOf(r), layout!.raw as string))),
  Unix: method(false, [], [T.int64], (r) => int(goTimeOf(r).sec, T.int64)),
  UnixMilli: method(false, [], [T.int64], (r) => int(unixNano(goTimeOf(r)) / 1000000n, T.int64)),
  UnixMicro: method(false, [], [T.int64], (r) => int(unixNano(goTimeOf(r)) / 1000n, T.int64)),
  UnixNano: method(false, [], [T.int64], (r) => int(unixNano(goTimeOf(r)), T.int64)),
  UTC: method(false, [], [TimeType], (r) => timeValue(utc(goTimeOf(r)))),
  Local: method(false, [], [TimeType], (r) => timeValue(local(goTimeOf(r)))),
  Year: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).year)),
  Month: method(false, [], [MonthType], (r) => int(civil(goTimeOf(r)).month, MonthType)),
  Day: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).day)),
  Hour: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).hour)),
  Minute: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).minute)),
  Second: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).second)),
  Nanosecond: method(false, [], [T.int], (r) => int(goTimeOf(r).nsec)),
  YearDay: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).yearDay)),
  Weekday: method(false, [], [WeekdayType], (r) => int(civil(goTimeOf(r)).weekday, WeekdayType)),
  IsZero: method(false, [], [T.bool], (r) => new Value(T.bool, isZeroGoTime(goTimeOf(r)))),
  Before: method(false, [TimeType], [T.bool], (r, [u]) => new Value(T.bool, unixNano(goTimeOf(r)) < unixNano(goTimeOf(u!)))),
  After: method(false, [TimeType], [T.bool], (r, [u]) => new Value(T.bool, unixNano(goTimeOf(r)) > unixNano(goTimeOf(u!)))),
  Equal: method(false, [TimeType], [T.bool], (r, [u]) => new Value(T.bool, unixNano(goTimeOf(r)) === unixNano(goTimeOf(u!)))),
  Sub: method(false, [TimeType], [DurationType], (r, [u]) => int(unixNano(goTimeOf(r)) - unixNano(goTimeOf(u!)), DurationType)),
  Add: method(false, [DurationType], [TimeType], (r, [d]) => {
    const t = goTimeOf(r);
    const ns = unixNano(t) + BigInt(d!.raw as number | bigint);
    const sec = ns / 1000000000n - (ns % 1000000000n < 0n ? 1n : 0n);
    return timeValue({ sec: Number(sec), nsec: Number(ns - sec * 1000000000n), loc: t.loc, ...(t.mono !== undefined ? { mono: t.mono + BigInt(d!.raw as number | bigint) } : {}) });
  }),
};
for (const [name, m] of Object.entries(timeMethods)) TimeType.methods.set(name, m);

function timeGoString(t: GoTime): string {
  const c = civil(t);
  let loc = 'time.Local';
  if (t.loc === UTC) loc = 'time.UTC';
  else if (t.loc !== local(t).loc) loc = `time.Location(${JSON.stringify(t.loc.name)})`;
  return `time.Date(${c.year}, time.${MONTHS[c.month - 1]}, ${c.day}, ${c.hour}, ${c.minute}, ${c.second}, ${t.nsec}, ${loc})`;
}

// ---- apimachinery meta/v1 ----

export const UIDType = namedType('string', 'types.UID');

/** metav1.Time / MicroTime: a struct embedding time.Time, with their own pointer methods. */
function metaTime(name: string): GoType {
  const t = struct(name, [['Time', TimeType, '', true]]);
  const inner = (v: Value): GoTime => ((v.raw as Box).v as { Time: GoTime }).Time;
  t.methods.set('IsZero', method(true, [], [T.bool], (r) => new Value(T.bool, r.raw === null || isZeroGoTime(inner(r)))));
  t.methods.set('Before', method(true, [t.pointer()], [T.bool], (r, [u]) => new Value(T.bool, unixNano(inner(r)) < unixNano(inner(u!)))));
  t.methods.set('Equal', method(true, [t.pointer()], [T.bool], (r, [u]) => new Value(T.bool, unixNano(inner(r)) === unixNano(inner(u!)))));
  return t;
}

export const MetaTimeType = metaTime('v1.Time');
export const MicroTimeType = metaTime('v1.MicroTime');
TimeType.marshalJSON = (raw) => JSON.stringify(goFormat(raw as GoTime, '2006-01-02T15:04:05.999999999Z07:00'));
MetaTimeType.marshalJSON = (raw) => {
  const t = (raw as { Time: GoTime }).Time;
  return isZeroGoTime(t) ? 'null' : JSON.stringify(goFormat(utc(t), '2006-01-02T15:04:05Z07:00'));
};
MicroTimeType.marshalJSON = (raw) => {
  const t = (raw as { Time: GoTime }).Time;
  return isZeroGoTime(t) ? 'null' : JSON.stringify(goFormat(utc(t), '2006-01-02T15:04:05.000000Z07:00'));
};
MetaTimeType.methods.set(
  'Rfc3339Copy',
  method(false, [], [MetaTimeType], (r) => {
    const t = (r.raw as { Time: GoTime }).Time;
    return new Value(MetaTimeType, { Time: { sec: t.sec, nsec: 0, loc: t.loc } });
  }),
);

/** metav1.Time{Time: t} as a raw struct. */
export function metaTimeRaw(t: GoTime): { Time: GoTime } {
  return { Time: t };
}

/** gogo's strings.Replace(s, old, new, 1). */
function replaceFirst(s: string, from: string, to: string): string {
  const i = s.indexOf(from);
  return i < 0 ? s : s.slice(0, i) + to + s.slice(i + from.length);
}

/** Attaches a gogo-style String() (pointer receiver, "nil" for nil) built from the struct raw. */
function gogoString(t: GoType, render: (raw: Record<string, unknown>) => string): void {
  t.methods.set(
    'String',
    method(true, [], [T.string], (r) => {
      const box = r.raw as Box | null;
      return str(box === null ? 'nil' : render(box.v as Record<string, unknown>));
    }),
  );
}

/** fmt.Sprintf("%v", field) for a field of type `type` holding `raw`. */
function v(type: GoType, raw: unknown): string {
  return sprint([new Value(type, raw)]);
}

function ptrString(type: GoType, raw: unknown): string {
  return sprint([new Value(type, raw)]);
}

/** valueToStringGenerated: "nil" or "*<value>". */
function valueToString(elem: GoType, raw: unknown): string {
  const box = raw as Box | null;
  return box === null ? 'nil' : '*' + v(elem, box.v);
}

function gogoMap(raw: unknown): string {
  const m = (raw as Map<string, string> | null) ?? new Map<string, string>();
  const keys = [...m.keys()].sort();
  return 'map[string]string{' + keys.map((k) => `${k}: ${m.get(k)!},`).join('') + '}';
}

export const TypeMetaType = struct('v1.TypeMeta', [
  ['Kind', T.string, 'kind,omitempty'],
  ['APIVersion', T.string, 'apiVersion,omitempty'],
]);
gogoString(TypeMetaType, (r) => `&TypeMeta{Kind:${v(T.string, r.Kind)},APIVersion:${v(T.string, r.APIVersion)},}`);

export const OwnerReferenceType = struct('v1.OwnerReference', [
  ['APIVersion', T.string, 'apiVersion'],
  ['Kind', T.string, 'kind'],
  ['Name', T.string, 'name'],
  ['UID', UIDType, 'uid'],
  ['Controller', T.bool.pointer(), 'controller,omitempty'],
  ['BlockOwnerDeletion', T.bool.pointer(), 'blockOwnerDeletion,omitempty'],
]);
gogoString(
  OwnerReferenceType,
  (r) =>
    `&OwnerReference{Kind:${v(T.string, r.Kind)},Name:${v(T.string, r.Name)},UID:${v(UIDType, r.UID)},APIVersion:${v(T.string, r.APIVersion)},` +
    `Controller:${valueToString(T.bool, r.Controller)},BlockOwnerDeletion:${valueToString(T.bool, r.BlockOwnerDeletion)},}`,
);

export const FieldsV1Type = struct('v1.FieldsV1', [['Raw', sliceOf(T.uint8), '-']]);
FieldsV1Type.marshalJSON = (raw) => Buffer.from((raw as { Raw: number[] | null }).Raw ?? []).toString('utf8') || 'null';
gogoString(FieldsV1Type, (r) => `&FieldsV1{Raw:${r.Raw === null ? 'nil' : '*' + v(sliceOf(T.uint8), r.Raw)},}`);

const OperationType = namedType('string', 'v1.ManagedFieldsOperationType');
export const ManagedFieldsEntryType = struct('v1.ManagedFieldsEntry', [
  ['Manager', T.string, 'manager,omitempty'],
  ['Operation', OperationType, 'operation,omitempty'],
  ['APIVersion', T.string, 'apiVersion,omitempty'],
  ['Time', MetaTimeType.pointer(), 'time,omitempty'],
  ['FieldsType', T.string, 'fieldsType,omitempty'],
  ['FieldsV1', FieldsV1Type.pointer(), 'fieldsV1,omitempty'],
]);
gogoString(
  ManagedFieldsEntryType,
  (r) =>
    `&ManagedFieldsEntry{Manager:${v(T.string, r.Manager)},Operation:${v(OperationType, r.Operation)},APIVersion:${v(T.string, r.APIVersion)},` +
    `Time:${ptrString(MetaTimeType.pointer(), r.Time)},FieldsType:${v(T.string, r.FieldsType)},` +
    `FieldsV1:${callString(FieldsV1Type, r.FieldsV1)},}`,
);

function callString(t: GoType, box: unknown): string {
  return t.methods.get('String')!.call(new Value(t.pointer(), box), []).raw as string;
}

const StringMap = mapOf(T.string, T.string);

export const ObjectMetaType = struct('v1.ObjectMeta', [
  ['Name', T.string, 'name,omitempty'],
  ['GenerateName', T.string, 'generateName,omitempty'],
  ['Namespace', T.string, 'namespace,omitempty'],
  ['SelfLink', T.string, 'selfLink,omitempty'],
  ['UID', UIDType, 'uid,omitempty'],
  ['ResourceVersion', T.string, 'resourceVersion,omitempty'],
  ['Generation', T.int64, 'generation,omitempty'],
  ['CreationTimestamp', MetaTimeType, 'creationTimestamp,omitempty'],
  ['DeletionTimestamp', MetaTimeType.pointer(), 'deletionTimestamp,omitempty'],
  ['DeletionGracePeriodSeconds', T.int64.pointer(), 'deletionGracePeriodSeconds,omitempty'],
  ['Labels', StringMap, 'labels,omitempty'],
  ['Annotations', StringMap, 'annotations,omitempty'],
  ['OwnerReferences', sliceOf(OwnerReferenceType), 'ownerReferences,omitempty'],
  ['Finalizers', sliceOf(T.string), 'finalizers,omitempty'],
  ['ClusterName', T.string, 'clusterName,omitempty'],
  ['ManagedFields', sliceOf(ManagedFieldsEntryType), 'managedFields,omitempty'],
]);
gogoString(ObjectMetaType, (r) => {
  const owners = ((r.OwnerReferences as unknown[] | null) ?? []).map((o) => replaceFirst(callString(OwnerReferenceType, { v: o }), '&', '') + ',').join('');
  const managed = ((r.ManagedFields as unknown[] | null) ?? []).map((m) => replaceFirst(callString(ManagedFieldsEntryType, { v: m }), '&', '') + ',').join('');
  return (
    `&ObjectMeta{Name:${v(T.string, r.Name)},GenerateName:${v(T.string, r.GenerateName)},Namespace:${v(T.string, r.Namespace)},` +
    `SelfLink:${v(T.string, r.SelfLink)},UID:${v(UIDType, r.UID)},ResourceVersion:${v(T.string, r.ResourceVersion)},` +
    `Generation:${v(T.int64, r.Generation)},CreationTimestamp:${replaceFirst(v(MetaTimeType, r.CreationTimestamp), '&', '')},` +
    `DeletionTimestamp:${ptrString(MetaTimeType.pointer(), r.DeletionTimestamp)},` +
    `DeletionGracePeriodSeconds:${valueToString(T.int64, r.DeletionGracePeriodSeconds)},` +
    `Labels:${gogoMap(r.Labels)},Annotations:${gogoMap(r.Annotations)},OwnerReferences:[]OwnerReference{${owners}},` +
    `Finalizers:${v(sliceOf(T.string), r.Finalizers)},ClusterName:${v(T.string, r.ClusterName)},ManagedFields:[]ManagedFieldsEntry{${managed}},}`
  );
});
const metaGetters: [string, string, GoType][] = [
  ['GetName', 'Name', T.string],
  ['GetNamespace', 'Namespace', T.string],
  ['GetGenerateName', 'GenerateName', T.string],
  ['GetUID', 'UID', UIDType],
  ['GetResourceVersion', 'ResourceVersion', T.string],
  ['GetGeneration', 'Generation', T.int64],
  ['GetSelfLink', 'SelfLink', T.string],
  ['GetCreationTimestamp', 'CreationTimestamp', MetaTimeType],
  ['GetDeletionTimestamp', 'DeletionTimestamp', MetaTimeType.pointer()],
  ['GetDeletionGracePeriodSeconds', 'DeletionGracePeriodSeconds', T.int64.pointer()],
  ['GetLabels', 'Labels', StringMap],
  ['GetAnnotations', 'Annotations', StringMap],
  ['GetFinalizers', 'Finalizers', sliceOf(T.string)],
  ['GetOwnerReferences', 'OwnerReferences', sliceOf(OwnerReferenceType)],
  ['GetClusterName', 'ClusterName', T.string],
  ['GetManagedFields', 'ManagedFields', sliceOf(ManagedFieldsEntryType)],
];
for (const [name, field, type] of metaGetters) {
  ObjectMetaType.methods.set(
    name,
    method(true, [], [type], (r) => {
      const box = r.raw as Box | null;
      if (box === null) throw new GoError('runtime error: invalid memory address or nil pointer dereference');
      return new Value(type, (box.v as Record<string, unknown>)[field]);
    }),
  );
}

// ---- core/v1 ----

export const ObjectReferenceType = struct('v1.ObjectReference', [
  ['Kind', T.string, 'kind,omitempty'],
  ['Namespace', T.string, 'namespace,omitempty'],
  ['Name', T.string, 'name,omitempty'],
  ['UID', UIDType, 'uid,omitempty'],
  ['APIVersion', T.string, 'apiVersion,omitempty'],
  ['ResourceVersion', T.string, 'resourceVersion,omitempty'],
  ['FieldPath', T.string, 'fieldPath,omitempty'],
]);
gogoString(
  ObjectReferenceType,
  (r) =>
    `&ObjectReference{Kind:${v(T.string, r.Kind)},Namespace:${v(T.string, r.Namespace)},Name:${v(T.string, r.Name)},UID:${v(UIDType, r.UID)},` +
    `APIVersion:${v(T.string, r.APIVersion)},ResourceVersion:${v(T.string, r.ResourceVersion)},FieldPath:${v(T.string, r.FieldPath)},}`,
);

export const EventSourceType = struct('v1.EventSource', [
  ['Component', T.string, 'component,omitempty'],
  ['Host', T.string, 'host,omitempty'],
]);
gogoString(EventSourceType, (r) => `&EventSource{Component:${v(T.string, r.Component)},Host:${v(T.string, r.Host)},}`);

const SeriesStateType = namedType('string', 'v1.EventSeriesState');
export const EventSeriesType = struct('v1.EventSeries', [
  ['Count', T.int32, 'count,omitempty'],
  ['LastObservedTime', MicroTimeType, 'lastObservedTime,omitempty'],
  ['State', SeriesStateType, 'state,omitempty'],
]);
gogoString(
  EventSeriesType,
  (r) =>
    `&EventSeries{Count:${v(T.int32, r.Count)},LastObservedTime:${replaceFirst(replaceFirst(v(MicroTimeType, r.LastObservedTime), 'MicroTime', 'v1.MicroTime'), '&', '')},State:${v(SeriesStateType, r.State)},}`,
);

export const EventType = struct('v1.Event', [
  ['TypeMeta', TypeMetaType, ',inline', true],
  ['ObjectMeta', ObjectMetaType, 'metadata', true],
  ['InvolvedObject', ObjectReferenceType, 'involvedObject'],
  ['Reason', T.string, 'reason,omitempty'],
  ['Message', T.string, 'message,omitempty'],
  ['Source', EventSourceType, 'source,omitempty'],
  ['FirstTimestamp', MetaTimeType, 'firstTimestamp,omitempty'],
  ['LastTimestamp', MetaTimeType, 'lastTimestamp,omitempty'],
  ['Count', T.int32, 'count,omitempty'],
  ['Type', T.string, 'type,omitempty'],
  ['EventTime', MicroTimeType, 'eventTime,omitempty'],
  ['Series', EventSeriesType.pointer(), 'series,omitempty'],
  ['Action', T.string, 'action,omitempty'],
  ['Related', ObjectReferenceType.pointer(), 'related,omitempty'],
  ['ReportingController', T.string, 'reportingComponent'],
  ['ReportingInstance', T.string, 'reportingInstance'],
]);
gogoString(EventType, (r) => {
  const time = (t: GoType, raw: unknown, from: string): string => replaceFirst(replaceFirst(v(t, raw), from, 'v1.' + from), '&', '');
  return (
    `&Event{ObjectMeta:${time(ObjectMetaType, r.ObjectMeta, 'ObjectMeta')},` +
    `InvolvedObject:${replaceFirst(callString(ObjectReferenceType, { v: r.InvolvedObject }), '&', '')},` +
    `Reason:${v(T.string, r.Reason)},Message:${v(T.string, r.Message)},` +
    `Source:${replaceFirst(callString(EventSourceType, { v: r.Source }), '&', '')},` +
    `FirstTimestamp:${time(MetaTimeType, r.FirstTimestamp, 'Time')},LastTimestamp:${time(MetaTimeType, r.LastTimestamp, 'Time')},` +
    `Count:${v(T.int32, r.Count)},Type:${v(T.string, r.Type)},EventTime:${time(MicroTimeType, r.EventTime, 'MicroTime')},` +
    `Series:${callString(EventSeriesType, r.Series)},Action:${v(T.string, r.Action)},Related:${callString(ObjectReferenceType, r.Related)},` +
    `ReportingController:${v(T.string, r.ReportingController)},ReportingInstance:${v(T.string, r.ReportingInstance)},}`
  );
});

