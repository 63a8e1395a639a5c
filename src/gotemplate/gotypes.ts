// Go types the templates can meet: the k8s.io/api v0.17 core/v1 Event with its apimachinery parts
// and every exported method of each (gogo-generated String() included); time.Time and friends are in
// timetypes.ts, GroupVersionKind and friends in schema.ts.
import { goFormat, isZeroGoTime, local, type GoTime, unixNano, utc, zeroGoTime } from '../gotime/index.js';
import { sprint } from './fmt.js';
import { goParseTime, RFC3339, RFC3339_MICRO } from './timeparse.js';
import { type Chunk, encodedSize, encodeMessage, encodeTime, marshalToSizedBuffer } from './protobuf.js';
import { protobufDecoder } from './protobuf-decode.js';
import { gvkFromAPIVersionAndKind, GroupVersionKindType, interfaceMethod, interfaceType, ObjectKindType } from './schema.js';
import { bool, bytes, ErrorStringType, errorValue, method, neverCalled, noError, ParseErrorType, str, TimeType } from './timetypes.js';
import { unmarshalJSONString } from './json-scan.js';
import { swaggerDocMethod } from './swagger-docs.js';
import { type Box, type Field, GoError, GoType, type Method, mapOf, namedType, sliceOf, T, Value } from './values.js';

/** A struct type; each field is [name, type, json tag, embedded]. */
function struct(name: string, fields: [string, GoType, string, boolean?][]): GoType {
  const t = new GoType('struct', name);
  t.fields = fields.map(([n, type, json, embedded]): Field => ({ name: n, type, json, embedded: embedded ?? false }));
  return t;
}

// ---- apimachinery meta/v1 ----

export const UIDType = namedType('string', 'types.UID');

/** metav1.Time / MicroTime: a struct embedding time.Time; their own methods are added below. */
export const MetaTimeType = struct('v1.Time', [['Time', TimeType, '', true]]);
export const MicroTimeType = struct('v1.MicroTime', [['Time', TimeType, '', true]]);
TimeType.marshalJSON = (raw) => JSON.stringify(goFormat(raw as GoTime, '2006-01-02T15:04:05.999999999Z07:00'));
MetaTimeType.marshalJSON = (raw) => {
  const t = (raw as { Time: GoTime }).Time;
  return isZeroGoTime(t) ? 'null' : JSON.stringify(goFormat(utc(t), '2006-01-02T15:04:05Z07:00'));
};
MicroTimeType.marshalJSON = (raw) => {
  const t = (raw as { Time: GoTime }).Time;
  return isZeroGoTime(t) ? 'null' : JSON.stringify(goFormat(utc(t), '2006-01-02T15:04:05.000000Z07:00'));
};

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


// ---- the rest of every method set (names, receivers and signatures as Go's reflection lists them) ----

const ProtoMessageType = interfaceType('proto.Message');
const FuzzContinueType = new GoType('struct', 'fuzz.Continue');
const byteSlice = sliceOf(T.uint8);

/** A deep copy of a raw value of type t (DeepCopy). */
function cloneRaw(t: GoType, raw: unknown): unknown {
  if (raw === null || raw === undefined) return raw;
  switch (t.kind) {
    case 'struct': {
      if (t.opaque) return raw;
      const out: Record<string, unknown> = {};
      for (const f of t.fields) out[f.name] = cloneRaw(f.type, (raw as Record<string, unknown>)[f.name]);
      return out;
    }
    case 'ptr':
      return { v: cloneRaw(t.elem!, (raw as Box).v) };
    case 'slice':
      return (raw as unknown[]).map((e) => cloneRaw(t.elem!, e));
    case 'map':
      return new Map([...(raw as Map<unknown, unknown>)].map(([k, e]) => [k, cloneRaw(t.elem!, e)]));
    default:
      return raw;
  }
}

function deepCopy(t: GoType, r: Value): Value {
  const box = r.raw as Box | null;
  return new Value(t.pointer(), box === null ? null : { v: cloneRaw(t, box.v) });
}

function setOnce(t: GoType, name: string, m: Method): void {
  if (!t.methods.has(name)) t.methods.set(name, m);
}

/** metav1.Time and MicroTime encode as a Timestamp; their methods accept a nil receiver. */
const timeEncoders = new Map<GoType, (raw: unknown) => Chunk[]>();

/** Marshal, Size and friends: gogo-protobuf's bytes for the value. */
function protobufMethods(t: GoType): Record<string, Method> {
  const timeEncoder = timeEncoders.get(t);
  const encode = timeEncoder ?? ((raw: unknown) => encodeMessage(t.name, raw as Record<string, unknown>));
  const chunks = (r: Value): Chunk[] => {
    const box = r.raw as Box | null;
    if (box !== null) return encode(box.v);
    // Time's methods check for nil; the generated ones read a field first.
    return timeEncoder !== undefined ? [] : nilDeref();
  };
  const size = (r: Value): number => (r.raw === null ? 0 : encodedSize(chunks(r)));
  const intoBuffer = (c: readonly Chunk[], buffer: number[]): number => {
    const n = marshalToSizedBuffer(c, buffer);
    if (typeof n === 'string') throw new GoError(n);
    return n;
  };
  return {
    Marshal: method(true, [], [byteSlice, T.error], (r) => {
      const n = size(r);
      const c = chunks(r);
      const out = new Array<number>(n).fill(0);
      intoBuffer(c, out);
      return new Value(byteSlice, out);
    }),
    MarshalTo: method(true, [byteSlice], [T.int, T.error], (r, [d]) => {
      const n = size(r);
      const buffer = (d!.raw as number[] | null) ?? [];
      if (buffer.length < n) throw new GoError(`runtime error: slice bounds out of range [:${n}] with capacity ${buffer.length}`);
      const head = buffer.slice(0, n);
      const written = intoBuffer(chunks(r), head);
      head.forEach((b, i) => (buffer[i] = b));
      return new Value(T.int, written);
    }),
    MarshalToSizedBuffer: method(true, [byteSlice], [T.int, T.error], (r, [d]) => new Value(T.int, intoBuffer(chunks(r), (d!.raw as number[] | null) ?? []))),
    Size: method(true, [], [T.int], (r) => new Value(T.int, size(r))),
    XXX_Size: method(true, [], [T.int], (r) => new Value(T.int, size(r))),
    XXX_Marshal: method(true, [byteSlice, T.bool], [byteSlice, T.error], (r, [b]) => {
      const buffer = (b!.raw as number[] | null) ?? [];
      const n = intoBuffer(chunks(r), buffer);
      return new Value(byteSlice, buffer.slice(0, n));
    }),
    ...unmarshalMethods(t, timeEncoder !== undefined),
  };
}

/** Unmarshal and XXX_Unmarshal: decode into the receiver in place (this render's copy of the event). */
function unmarshalMethods(t: GoType, isTime: boolean): Record<string, Method> {
  const result = (err: string | null): Value => (err === null ? noError : errorValue(ErrorStringType, err));
  const data = (b: Value): number[] => (b.raw as number[] | null) ?? [];
  const unmarshal = isTime
    ? method(true, [byteSlice], [T.error], (r, [b]) => result(decoder.time(() => rawOf(r) as { Time: GoTime }, data(b!), t === MicroTimeType)))
    : method(true, [byteSlice], [T.error], (r, [b]) => result(decoder.message(t, () => rawOf(r), data(b!))));
  // Time's XXX_Unmarshal goes through gogo's table-driven decoder, which panics on its untagged field.
  const panics = method(true, [byteSlice], [T.error], () => {
    throw new GoError(`protobuf tag not enough fields in ${t.name.slice('v1.'.length)}.Time: -`);
  });
  return { Unmarshal: unmarshal, XXX_Unmarshal: isTime ? panics : unmarshal };
}

/** The methods gogo-protobuf and deepcopy-gen generate for an API message type. */
function apiMessage(t: GoType, opts: { deepCopy: boolean; swaggerDoc: boolean }): void {
  if (opts.deepCopy) {
    setOnce(t, 'DeepCopy', method(true, [], [t.pointer()], (r) => deepCopy(t, r)));
    setOnce(t, 'DeepCopyInto', neverCalled(true, [t.pointer()], []));
  }
  for (const [name, m] of Object.entries(protobufMethods(t))) setOnce(t, name, m);
  setOnce(t, 'Descriptor', neverCalled(true, [], [byteSlice, sliceOf(T.int)]));
  setOnce(t, 'ProtoMessage', neverCalled(true, [], []));
  setOnce(t, 'Reset', neverCalled(true, [], []));
  setOnce(t, 'XXX_DiscardUnknown', neverCalled(true, [], []));
  setOnce(t, 'XXX_Merge', neverCalled(true, [ProtoMessageType], []));
  if (opts.swaggerDoc) setOnce(t, 'SwaggerDoc', swaggerDocMethod(t));
}

const nilDeref = (): never => {
  throw new GoError('runtime error: invalid memory address or nil pointer dereference');
};
const rawOf = (r: Value): Record<string, unknown> => ((r.raw as Box | null) ?? nilDeref()).v as Record<string, unknown>;

// metav1.Timestamp (what ProtoTime returns).
export const TimestampType = struct('v1.Timestamp', [
  ['Seconds', T.int64, 'seconds'],
  ['Nanos', T.int32, 'nanos'],
]);
gogoString(TimestampType, (r) => `&Timestamp{Seconds:${v(T.int64, r.Seconds)},Nanos:${v(T.int32, r.Nanos)},}`);
apiMessage(TimestampType, { deepCopy: true, swaggerDoc: false });
const decoder = protobufDecoder(TimestampType);

// metav1.Time and MicroTime: own methods; the rest of time.Time's are promoted.
const timeOf = (r: Value): GoTime => (rawOf(r) as { Time: GoTime }).Time;
function metaTimeMethods(t: GoType, format: string, protoName: string): void {
  const nilOr = (v: Value): GoTime | null => ((v.raw as Box | null) === null ? null : timeOf(v));
  const before = (r: Value, [u]: Value[]): Value => {
    const [a, b] = [nilOr(r), nilOr(u!)];
    return bool(a !== null && b !== null && unixNano(a) < unixNano(b));
  };
  const equal = (r: Value, [u]: Value[]): Value => {
    const [a, b] = [nilOr(r), nilOr(u!)];
    return bool(a === null && b === null ? true : a !== null && b !== null && unixNano(a) === unixNano(b));
  };
  t.methods.set('Before', method(true, [t.pointer()], [T.bool], before));
  t.methods.set('Equal', method(true, [t.pointer()], [T.bool], equal));
  if (t === MicroTimeType) {
    t.methods.set('BeforeTime', method(true, [MetaTimeType.pointer()], [T.bool], before));
    t.methods.set('EqualTime', method(true, [MetaTimeType.pointer()], [T.bool], equal));
  }
  t.methods.set('IsZero', method(true, [], [T.bool], (r) => bool(r.raw === null || isZeroGoTime(timeOf(r)))));
  t.methods.set('Fuzz', neverCalled(true, [FuzzContinueType], []));
  t.methods.set('MarshalJSON', method(false, [], [byteSlice, T.error], (r) => bytes(t.marshalJSON!(r.raw))));
  t.methods.set(
    'MarshalQueryParameter',
    method(false, [], [T.string, T.error], (r) => {
      const time = (r.raw as { Time: GoTime }).Time;
      return str(isZeroGoTime(time) ? '' : goFormat(utc(time), format));
    }),
  );
  t.methods.set('OpenAPISchemaFormat', method(false, [], [T.string], () => str('date-time')));
  t.methods.set('OpenAPISchemaType', method(false, [], [sliceOf(T.string)], () => new Value(sliceOf(T.string), ['string'])));
  t.methods.set(
    protoName,
    method(true, [], [TimestampType.pointer()], (r) => {
      if (r.raw === null) return new Value(TimestampType.pointer(), { v: { Seconds: 0, Nanos: 0 } });
      const time = timeOf(r);
      // metav1.Time's protobuf form keeps whole seconds only (as its JSON); MicroTime keeps nanoseconds.
      return new Value(TimestampType.pointer(), { v: { Seconds: time.sec, Nanos: t === MicroTimeType ? time.nsec : 0 } });
    }),
  );
  // These change the time in place (only this render's copy of the event) and return the error as a value.
  const layout = t === MicroTimeType ? RFC3339_MICRO : RFC3339;
  const setFrom = (r: Value, text: string, emptyIsZero: boolean): Value => {
    const record = rawOf(r) as { Time: GoTime };
    if (emptyIsZero && (text === '' || text === 'null')) {
      record.Time = zeroGoTime;
      return noError;
    }
    const parsed = goParseTime(layout, text);
    if ('error' in parsed) return errorValue(ParseErrorType, parsed.error);
    record.Time = local(parsed);
    return noError;
  };
  t.methods.set('UnmarshalQueryParameter', method(true, [T.string], [T.error], (r, [s]) => setFrom(r, s!.raw as string, true)));
  t.methods.set(
    'UnmarshalJSON',
    method(true, [byteSlice], [T.error], (r, [b]) => {
      const data = (b!.raw as number[] | null) ?? [];
      if (data.length === 4 && Buffer.from(data).toString('latin1') === 'null') return setFrom(r, 'null', true);
      const decoded = unmarshalJSONString(data);
      return typeof decoded === 'string' ? setFrom(r, decoded, false) : decoded;
    }),
  );
  apiMessage(t, { deepCopy: true, swaggerDoc: false });
}
timeEncoders.set(MetaTimeType, (raw) => encodeTime((raw as { Time: GoTime }).Time, false));
timeEncoders.set(MicroTimeType, (raw) => encodeTime((raw as { Time: GoTime }).Time, true));
metaTimeMethods(MetaTimeType, '2006-01-02T15:04:05Z07:00', 'ProtoTime');
metaTimeMethods(MicroTimeType, '2006-01-02T15:04:05.000000Z07:00', 'ProtoMicroTime');
MetaTimeType.methods.set(
  'Rfc3339Copy',
  method(false, [], [MetaTimeType], (r) => {
    const t = (r.raw as { Time: GoTime }).Time;
    return new Value(MetaTimeType, { Time: { sec: t.sec, nsec: 0, loc: t.loc } });
  }),
);

// metav1.Object and runtime.Object, as GetObjectMeta and DeepCopyObject return them.
export const MetaObjectType = interfaceType('v1.Object');
export const RuntimeObjectType = interfaceType('runtime.Object');
RuntimeObjectType.methods.set('DeepCopyObject', interfaceMethod('DeepCopyObject', [], [RuntimeObjectType]));
RuntimeObjectType.methods.set('GetObjectKind', interfaceMethod('GetObjectKind', [], [ObjectKindType]));

for (const [name, , type] of metaGetters) {
  const setter = 'S' + name.slice(1);
  MetaObjectType.methods.set(name, interfaceMethod(name, [], [type]));
  MetaObjectType.methods.set(setter, interfaceMethod(setter, [type], []));
  ObjectMetaType.methods.set(setter, neverCalled(true, [type], []));
}
ObjectMetaType.methods.set('GetObjectMeta', method(true, [], [MetaObjectType], (r) => new Value(MetaObjectType, new Value(ObjectMetaType.pointer(), r.raw))));

/** TypeMeta and ObjectReference: their kind as schema.ObjectKind and GroupVersionKind. */
function objectKindMethods(t: GoType): void {
  t.methods.set('GetObjectKind', method(true, [], [ObjectKindType], (r) => new Value(ObjectKindType, new Value(t.pointer(), r.raw))));
  t.methods.set(
    'GroupVersionKind',
    method(true, [], [GroupVersionKindType], (r) => {
      const raw = rawOf(r);
      return gvkFromAPIVersionAndKind(raw.APIVersion as string, raw.Kind as string);
    }),
  );
  t.methods.set('SetGroupVersionKind', neverCalled(true, [GroupVersionKindType], []));
}
objectKindMethods(TypeMetaType);
objectKindMethods(ObjectReferenceType);
for (const t of [EventType, ObjectReferenceType]) {
  t.methods.set('DeepCopyObject', method(true, [], [RuntimeObjectType], (r) => new Value(RuntimeObjectType, r.raw === null ? null : deepCopy(t, r))));
}

FieldsV1Type.methods.set(
  'MarshalJSON',
  method(false, [], [byteSlice, T.error], (r) => {
    const raw = (r.raw as { Raw: number[] | null }).Raw;
    return raw === null ? bytes('null') : new Value(byteSlice, raw);
  }),
);
FieldsV1Type.methods.set(
  'UnmarshalJSON',
  method(true, [byteSlice], [T.error], (r, [b]) => {
    const box = r.raw as Box | null;
    if (box === null) return errorValue(ErrorStringType, 'metav1.Fields: UnmarshalJSON on nil pointer');
    const bytes = (b!.raw as number[] | null) ?? [];
    if (Buffer.from(bytes).toString('latin1') !== 'null') (box.v as { Raw: number[] | null }).Raw = [...bytes];
    return noError;
  }),
);

for (const t of [TypeMetaType, ObjectMetaType, OwnerReferenceType, FieldsV1Type, ManagedFieldsEntryType, MetaTimeType, MicroTimeType, TimestampType]) {
  t.pkgPath = 'k8s.io/apimachinery/pkg/apis/meta/v1';
}
for (const t of [ObjectReferenceType, EventSourceType, EventSeriesType, EventType]) t.pkgPath = 'k8s.io/api/core/v1';
apiMessage(TypeMetaType, { deepCopy: false, swaggerDoc: true });
for (const t of [ObjectMetaType, OwnerReferenceType, FieldsV1Type, ManagedFieldsEntryType, ObjectReferenceType, EventSourceType, EventSeriesType, EventType]) {
  apiMessage(t, { deepCopy: true, swaggerDoc: true });
}
