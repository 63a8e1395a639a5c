// A small model of Go values, enough to honour text/template's and fmt's type rules: every
// value carries its Go type (kind, name as reflect prints it, fields, methods).
import { compareGoStrings } from './utf8.js';

export type Kind =
  | 'bool'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex128'
  | 'string'
  | 'struct'
  | 'ptr'
  | 'map'
  | 'slice'
  | 'interface'
  | 'func';

/** A Go error raised by a method or function (text/template reports "error calling X: <msg>"). */
export class GoError extends Error {}

/** Arguments after the receiver; the result; whether a second, error result exists. */
export interface Method {
  readonly ptrRecv: boolean;
  readonly params: readonly GoType[];
  readonly variadic?: boolean;
  readonly results: readonly GoType[];
  /** Receiver is a pointer Value for ptrRecv methods, else a value. Throws GoError for a non-nil error result. */
  readonly call: (recv: Value, args: Value[]) => Value;
}

export interface Field {
  readonly name: string;
  readonly type: GoType;
  readonly embedded: boolean;
  /** The Go struct tag's json part, e.g. "name,omitempty" ("" when untagged). */
  readonly json: string;
}

export interface GoFunc {
  readonly params: readonly GoType[];
  readonly variadic: boolean;
  readonly results: readonly GoType[];
  readonly call: (args: Value[]) => Value;
}

export class GoType {
  readonly methods = new Map<string, Method>();
  fields: readonly Field[] = [];
  /** Struct whose internals are not a plain field list (time.Time): printing goes through methods only. */
  opaque = false;
  /** For an opaque struct: the fields fmt prints when no String method applies (time.Time with %d). */
  fmtFields?: (raw: unknown) => Value;
  /** A MarshalJSON method: the JSON text for a raw value of this type. */
  marshalJSON?: (raw: unknown) => string;
  /** reflect's PkgPath of a named type ("k8s.io/api/core/v1"); Go's runtime panics name it. */
  pkgPath = '';

  constructor(
    readonly kind: Kind,
    /** reflect.Type.String(): "int", "*v1.Event", "map[string]string", "v1.Time". */
    readonly name: string,
    readonly elem?: GoType,
    readonly key?: GoType,
    readonly func?: Omit<GoFunc, 'call'>,
  ) {}

  private ptrType?: GoType;

  /** *T (one instance per T, so types compare by identity). */
  pointer(): GoType {
    this.ptrType ??= new GoType('ptr', '*' + this.name, this);
    return this.ptrType;
  }

  field(name: string): Field | undefined {
    return this.fields.find((f) => f.name === name);
  }
}

/**
 * A Go value. Raw forms: bool → boolean; integers → number (bigint beyond 2^53); floats → number;
 * complex → {re, im}; string → string; struct → object keyed by field name (embedded fields
 * under their type's short name) or an opaque payload; pointer → {v: pointee raw} or null;
 * map → Map or null; slice → array or null; interface → Value or null; func → GoFunc or null.
 */
export class Value {
  readonly #raw: unknown;

  constructor(
    readonly type: GoType,
    raw: unknown,
    readonly addressable = false,
    /** Where an addressable value lives (its struct or slice, and key): pointer methods write there. */
    readonly place?: Place,
  ) {
    this.#raw = raw;
  }

  /** An addressable value reads its place, so that (as with reflect) it sees later writes there. */
  get raw(): unknown {
    const place = this.place;
    return place === undefined ? this.#raw : (place.holder as Record<string | number, unknown>)[place.key];
  }
}

export interface Box {
  v: unknown;
}

export interface Place {
  readonly holder: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

/** &x for a value at `place`: a pointer whose writes land in the struct field or slice element. */
function pointerTo(v: Value): Box {
  const place = v.place;
  if (place === undefined) return { v: v.raw };
  const holder = place.holder as Record<string | number, unknown>;
  return {
    get v() {
      return holder[place.key];
    },
    set v(x: unknown) {
      holder[place.key] = x;
    },
  };
}

/** A value or "no value" (Go's invalid reflect.Value), which prints as <no value>. */
export type Val = Value | null;

const named = new Map<string, GoType>();

function basic(kind: Kind, name: string = kind): GoType {
  const t = new GoType(kind, name);
  named.set(name, t);
  return t;
}

export const T = {
  bool: basic('bool'),
  int: basic('int'),
  int8: basic('int8'),
  int16: basic('int16'),
  int32: basic('int32'),
  int64: basic('int64'),
  uint: basic('uint'),
  uint8: basic('uint8'),
  uint16: basic('uint16'),
  uint32: basic('uint32'),
  uint64: basic('uint64'),
  uintptr: basic('uintptr'),
  float32: basic('float32'),
  float64: basic('float64'),
  complex128: basic('complex128'),
  string: basic('string'),
  any: new GoType('interface', 'interface {}'),
  error: new GoType('interface', 'error'),
};

/** T(name) for a named type of the given underlying kind, e.g. types.UID (string). */
export function namedType(kind: Kind, name: string): GoType {
  const existing = named.get(name);
  if (existing) return existing;
  return basic(kind, name);
}

const sliceTypes = new Map<GoType, GoType>();
const mapTypes = new Map<string, GoType>();

export function sliceOf(elem: GoType): GoType {
  let t = sliceTypes.get(elem);
  if (!t) {
    t = new GoType('slice', '[]' + elem.name, elem);
    sliceTypes.set(elem, t);
  }
  return t;
}

export function mapOf(key: GoType, elem: GoType): GoType {
  const id = `map[${key.name}]${elem.name}`;
  let t = mapTypes.get(id);
  if (!t) {
    t = new GoType('map', id, elem, key);
    mapTypes.set(id, t);
  }
  return t;
}

export function isIntKind(k: Kind): boolean {
  return k === 'int' || k === 'int8' || k === 'int16' || k === 'int32' || k === 'int64';
}

export function isUintKind(k: Kind): boolean {
  return k === 'uint' || k === 'uint8' || k === 'uint16' || k === 'uint32' || k === 'uint64' || k === 'uintptr';
}

export function isFloatKind(k: Kind): boolean {
  return k === 'float32' || k === 'float64';
}

export const str = (s: string): Value => new Value(T.string, s);
export const int = (n: number | bigint): Value => new Value(T.int, normInt(n));
export const bool = (b: boolean): Value => new Value(T.bool, b);
export const float = (n: number): Value => new Value(T.float64, n);

/** Integers stay numbers while exact, bigints beyond. */
export function normInt(n: number | bigint): number | bigint {
  if (typeof n === 'bigint') return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  return n;
}

export function toBig(n: unknown): bigint {
  return typeof n === 'bigint' ? n : BigInt(n as number);
}

/** Zero value of a type (reflect.Zero). */
export function zeroValue(t: GoType): Value {
  switch (t.kind) {
    case 'bool':
      return new Value(t, false);
    case 'string':
      return new Value(t, '');
    case 'complex128':
      return new Value(t, { re: 0, im: 0 });
    case 'struct':
      return new Value(t, t.opaque ? zeroOpaque.get(t)?.() : zeroStruct(t));
    case 'ptr':
    case 'map':
    case 'slice':
    case 'interface':
    case 'func':
      return new Value(t, null);
    default:
      return new Value(t, 0);
  }
}

/** Zero payloads of opaque structs (time.Time registers its own). */
export const zeroOpaque = new Map<GoType, () => unknown>();

function zeroStruct(t: GoType): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of t.fields) o[f.name] = zeroValue(f.type).raw;
  return o;
}

/** Go's len() for strings: UTF-8 bytes (a byte that is not UTF-8 counts one, see goStringOfBytes). */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else if (c >= 0xdc80 && c <= 0xdcff) n += 1;
    else n += 3;
  }
  return n;
}

// ---- fields and methods ----

/** A struct field found by name, searching embedded structs breadth-first as Go does. */
export function findField(structType: GoType, raw: Record<string, unknown>, name: string, addressable: boolean): Value | undefined {
  const direct = structType.field(name);
  if (direct) return new Value(direct.type, raw[name], addressable, addressable ? { holder: raw, key: name } : undefined);
  for (const f of structType.fields) {
    if (!f.embedded) continue;
    let inner = f.type;
    let innerRaw = raw[f.name];
    let innerAddr = addressable;
    if (inner.kind === 'ptr') {
      inner = inner.elem!;
      innerRaw = (innerRaw as Box | null)?.v;
      innerAddr = true;
      if (innerRaw === undefined) continue;
    }
    if (inner.kind !== 'struct' || inner.opaque) continue;
    const found = findField(inner, innerRaw as Record<string, unknown>, name, innerAddr);
    if (found) return found;
  }
  return undefined;
}

export function hasField(structType: GoType, name: string): boolean {
  if (structType.field(name)) return true;
  return structType.fields.some((f) => {
    const inner = f.type.kind === 'ptr' ? f.type.elem! : f.type;
    return f.embedded && inner.kind === 'struct' && !inner.opaque && hasField(inner, name);
  });
}

export interface BoundMethod {
  readonly method: Method;
  readonly recv: Value;
}

/**
 * Method `name` of v, as reflect's MethodByName sees it: pointers and addressable values get the
 * pointer method set; other values only value-receiver methods. Promoted methods included.
 */
export function findMethod(v: Value, name: string): BoundMethod | undefined {
  const t = v.type;
  if (!mayHaveMethod(t, name)) return undefined;
  if (t.kind === 'ptr') {
    const elem = t.elem!;
    const own = elem.methods.get(name);
    if (own) {
      if (own.ptrRecv) return { method: own, recv: v };
      const box = v.raw as Box | null;
      if (box === null) return { method: { ...own, call: () => valueMethodOnNil(elem, name) }, recv: v };
      return { method: own, recv: new Value(elem, box.v, true) };
    }
    if (elem.kind !== 'struct') return undefined;
    if (v.raw !== null) return promoted(new Value(elem, (v.raw as Box).v, true), name);
    // A promoted method through a nil pointer exists (reflect finds it) and panics when called.
    const entry = methodSet(elem).get(name);
    return entry === undefined ? undefined : { method: { ...entry.method, call: nilDereference }, recv: v };
  }
  const own = t.methods.get(name);
  if (own) {
    if (!own.ptrRecv) return { method: own, recv: v };
    if (v.addressable) return { method: own, recv: new Value(t.pointer(), pointerTo(v)) };
    return undefined;
  }
  if (t.kind === 'struct' && !t.opaque) return promoted(v, name);
  return undefined;
}

/** Go's wrapper for a value method panics when called through a nil *T. */
function valueMethodOnNil(t: GoType, name: string): never {
  const short = t.name.slice(t.name.indexOf('.') + 1);
  throw new GoError(`value method ${t.pkgPath}.${short}.${name} called using nil *${short} pointer`);
}

export interface MethodSetEntry {
  readonly method: Method;
  /** As reflect tells them apart: "pointer" methods need a *T or an addressable T. */
  readonly receiver: 'value' | 'pointer' | 'interface';
}

/**
 * The method set of *T (T's own and promoted methods, shallowest first, ambiguous names dropped),
 * each marked with whether a plain T has it too: what reflect's Method(i) lists for T and *T.
 */
function nilDereference(): never {
  throw new GoError('runtime error: invalid memory address or nil pointer dereference');
}

export function methodSet(t: GoType): Map<string, MethodSetEntry> {
  const out = new Map<string, MethodSetEntry>();
  if (t.kind === 'interface') {
    for (const [name, m] of t.methods) out.set(name, { method: m, receiver: 'interface' });
    return out;
  }
  const blocked = new Set<string>();
  let level: { type: GoType; viaPointer: boolean }[] = [{ type: t, viaPointer: false }];
  while (level.length > 0) {
    const found = new Map<string, MethodSetEntry[]>();
    const fields = new Set<string>();
    const next: typeof level = [];
    for (const { type, viaPointer } of level) {
      for (const [name, m] of type.methods) found.set(name, [...(found.get(name) ?? []), { method: m, receiver: m.ptrRecv && !viaPointer ? 'pointer' : 'value' }]);
      if (type.kind !== 'struct' || type.opaque) continue;
      for (const f of type.fields) {
        fields.add(f.name);
        if (!f.embedded) continue;
        if (f.type.kind === 'ptr') next.push({ type: f.type.elem!, viaPointer: true });
        else next.push({ type: f.type, viaPointer });
      }
    }
    for (const [name, entries] of found) if (!blocked.has(name) && entries.length === 1 && !fields.has(name)) out.set(name, entries[0]!);
    for (const name of [...found.keys(), ...fields]) blocked.add(name);
    level = next;
  }
  return out;
}

const methodNames = new WeakMap<GoType, Set<string>>();

/** Every method name reachable from t (own, pointer's, promoted), cached: most lookups are fields. */
function mayHaveMethod(t: GoType, name: string): boolean {
  let names = methodNames.get(t);
  if (!names) {
    names = new Set();
    const collect = (x: GoType, seen: Set<GoType>): void => {
      if (seen.has(x)) return;
      seen.add(x);
      for (const n of x.methods.keys()) names!.add(n);
      if (x.kind === 'ptr') collect(x.elem!, seen);
      if (x.kind === 'struct') for (const f of x.fields) if (f.embedded) collect(f.type, seen);
    };
    collect(t, new Set());
    methodNames.set(t, names);
  }
  return names.has(name);
}

function promoted(v: Value, name: string): BoundMethod | undefined {
  for (const f of v.type.fields) {
    if (!f.embedded) continue;
    const holder = v.raw as Record<string, unknown>;
    const found = findMethod(new Value(f.type, holder[f.name], v.addressable, v.addressable ? { holder, key: f.name } : undefined), name);
    if (found) return found;
  }
  return undefined;
}

/** Dereferences pointers and interfaces (text/template's indirect). */
export function indirect(v: Value): { value: Value; isNil: boolean } {
  let cur = v;
  while (cur.type.kind === 'ptr' || cur.type.kind === 'interface') {
    if (cur.raw === null) return { value: cur, isNil: true };
    if (cur.type.kind === 'ptr') cur = new Value(cur.type.elem!, (cur.raw as Box).v, true);
    else cur = cur.raw as Value;
  }
  return { value: cur, isNil: false };
}

/** The concrete value inside an interface, or null for a nil interface. */
export function indirectInterface(v: Val): Val {
  if (v === null || v.type.kind !== 'interface') return v;
  return v.raw as Value | null;
}

/** Go map keys in fmt/template order: numbers numerically, strings by UTF-8 bytes, false < true. */
export function sortedMapKeys(m: Map<unknown, unknown>): unknown[] {
  return [...m.keys()].sort((a, b) => {
    if (typeof a === 'string' && typeof b === 'string') return compareGoStrings(a, b);
    if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
    if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
    return 0;
  });
}
