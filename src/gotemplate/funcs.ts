// text/template's builtin functions with Go's type rules and error texts.
import { REFLECT_VALUE, type FuncMap, type TemplateFunc, printableValue, truth } from './exec.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import { isPrint } from './strconv.js';
import {
  type Box,
  type GoFunc,
  type Val,
  GoError,
  GoType,
  indirect,
  indirectInterface,
  isFloatKind,
  isIntKind,
  isUintKind,
  T,
  Value,
  zeroValue,
  byteLength,
} from './values.js';
import { compareGoStrings, goBytes, goStringOfBytes, rawByte } from './utf8.js';

function fn(params: GoType[], variadic: boolean, results: GoType[], call: (args: Val[]) => Val): TemplateFunc {
  return { params, variadic, results, call };
}

/** fmt.Sprint of the arguments, each indirected as template printing does (Go's evalArgs). */
export function evalArgs(args: readonly Val[]): string {
  // Each argument arrives as an interface{}: a nil one is Go's invalid reflect.Value (<no value>).
  const concrete = args.map(indirectInterface);
  if (concrete.length === 1 && concrete[0] !== null && concrete[0].type === T.string) return concrete[0].raw as string;
  return sprint(
    concrete.map((a) => {
      const p = printableValue(a);
      if (p === undefined) return a;
      return typeof p === 'string' ? new Value(T.string, p) : p;
    }),
  );
}

export function htmlEscape(s: string): string {
  if (!/['"&<>\0]/.test(s)) return s;
  return s.replace(/['"&<>\0]/g, (c) => ({ "'": '&#39;', '"': '&#34;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' })[c]!);
}

export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    // A byte that is not UTF-8 decodes as U+FFFD, which is printable: Go copies the byte.
    else if (r < 0x80 || isPrint(r) || rawByte(r) !== undefined) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of goBytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// ---- index / slice / len ----

function indexArg(index: Val, cap: number): number {
  if (index === null) throw new GoError('cannot index slice/array with nil');
  if (!isIntKind(index.type.kind) && !isUintKind(index.type.kind)) throw new GoError(`cannot index slice/array with type ${index.type.name}`);
  const x = Number(index.raw);
  if (x < 0 || x > cap) throw new GoError(`index out of range: ${String(index.raw)}`);
  return x;
}

function intLike(t: GoType): boolean {
  return isIntKind(t.kind) || isUintKind(t.kind);
}

function prepareArg(value: Val, argType: GoType): Value {
  if (value === null) {
    if (!['func', 'interface', 'map', 'ptr', 'slice'].includes(argType.kind)) throw new GoError(`value is nil; should be of type ${argType.name}`);
    return zeroValue(argType);
  }
  if (value.type === argType || argType === T.any) return value;
  if (intLike(value.type) && intLike(argType)) return new Value(argType, value.raw);
  throw new GoError(`value has type ${value.type.name}; should be ${argType.name}`);
}

function index(args: Val[]): Val {
  let item = indirectInterface(args[0]!);
  if (item === null) throw new GoError('index of untyped nil');
  for (const raw of args.slice(1)) {
    const idx = indirectInterface(raw);
    const ind = indirect(item!);
    if (ind.isNil) throw new GoError('index of nil pointer');
    item = ind.value;
    const t = item.type;
    if (t.kind === 'slice') {
      const arr = (item.raw as unknown[] | null) ?? [];
      const x = indexArg(idx, arr.length);
      if (x === arr.length) throw new GoError('reflect: slice index out of range');
      item = new Value(t.elem!, arr[x], true);
    } else if (t.kind === 'string') {
      const bytes = goBytes(item.raw as string);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new GoError('reflect: string index out of range');
      item = new Value(T.uint8, bytes[x]!);
    } else if (t.kind === 'map') {
      const key = prepareArg(idx, t.key!);
      const m = item.raw as Map<unknown, unknown> | null;
      item = m !== null && m.has(key.raw) ? new Value(t.elem!, m.get(key.raw)) : zeroValue(t.elem!);
    } else {
      throw new GoError(`can't index item of type ${t.name}`);
    }
  }
  return item;
}

function slice(args: Val[]): Val {
  let item = indirectInterface(args[0]!);
  if (item === null) throw new GoError('slice of untyped nil');
  const ind = indirect(item);
  if (ind.isNil) throw new GoError('slice of nil pointer');
  item = ind.value;
  const indexes = args.slice(1);
  if (indexes.length > 3) throw new GoError(`too many slice indexes: ${indexes.length}`);
  let len: number;
  let bytes: Buffer | undefined;
  if (item.type.kind === 'string') {
    if (indexes.length === 3) throw new GoError('cannot 3-index slice a string');
    bytes = goBytes(item.raw as string);
    len = bytes.length;
  } else if (item.type.kind === 'slice') {
    len = ((item.raw as unknown[] | null) ?? []).length;
  } else {
    throw new GoError(`can't slice item of type ${item.type.name}`);
  }
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len)));
  if (idx[0]! > idx[1]!) throw new GoError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1]! > idx[2]!) throw new GoError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (bytes) return new Value(item.type, goStringOfBytes([...bytes.subarray(idx[0], idx[1])]));
  const arr = item.raw as unknown[] | null;
  return new Value(item.type, arr === null ? null : arr.slice(idx[0], idx[1]));
}

function length(args: Val[]): Val {
  const v = args[0]!;
  if (v === null) throw new GoError('reflect: call of reflect.Value.Type on zero Value');
  const { value: item, isNil } = indirect(v);
  if (isNil) throw new GoError('len of nil pointer');
  switch (item.type.kind) {
    case 'string':
      return new Value(T.int, byteLength(item.raw as string));
    case 'slice':
      return new Value(T.int, ((item.raw as unknown[] | null) ?? []).length);
    case 'map':
      return new Value(T.int, ((item.raw as Map<unknown, unknown> | null) ?? new Map()).size);
  }
  throw new GoError(`len of type ${item.type.name}`);
}

// ---- comparison ----

type BasicKind = 'invalid' | 'bool' | 'complex' | 'int' | 'float' | 'string' | 'uint';

function basicKind(v: Val): BasicKind {
  if (v === null) return 'invalid';
  const k = v.type.kind;
  if (k === 'bool') return 'bool';
  if (isIntKind(k)) return 'int';
  if (isUintKind(k)) return 'uint';
  if (isFloatKind(k)) return 'float';
  if (k === 'complex128') return 'complex';
  if (k === 'string') return 'string';
  return 'invalid';
}

function isNilValue(v: Val): boolean {
  if (v === null) return true;
  return ['func', 'interface', 'map', 'ptr', 'slice'].includes(v.type.kind) && v.raw === null;
}

function comparable(t: GoType): boolean {
  if (t.kind === 'map' || t.kind === 'slice' || t.kind === 'func') return false;
  if (t.kind === 'struct' && !t.opaque) return t.fields.every((f) => comparable(f.type));
  return true;
}

function goEqual(t: GoType, a: unknown, b: unknown): boolean {
  // time.Time compares its own fields: the zone pointer and the monotonic reading count (UTC != Local).
  if (t.fmtFields) {
    const fa = t.fmtFields(a);
    return goEqual(fa.type, fa.raw, t.fmtFields(b).raw);
  }
  if (t.kind === 'struct' && !t.opaque) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return t.fields.every((f) => goEqual(f.type, ra[f.name], rb[f.name]));
  }
  if (t.kind === 'ptr') return a === b || (a !== null && b !== null && (a as Box).v === (b as Box).v && typeof (a as Box).v === 'object');
  if (t.kind === 'interface') {
    const va = a as Value | null;
    const vb = b as Value | null;
    if (va === null || vb === null) return va === vb;
    return va.type === vb.type && goEqual(va.type, va.raw, vb.raw);
  }
  if (t.kind === 'complex128') {
    const ca = a as { re: number; im: number };
    const cb = b as { re: number; im: number };
    return ca.re === cb.re && ca.im === cb.im;
  }
  if (t.opaque) return JSON.stringify(a) === JSON.stringify(b);
  return a == b;
}

function eq(args: Val[]): Val {
  const arg1 = indirectInterface(args[0]!);
  if (args.length < 2) throw new GoError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const raw of args.slice(1)) {
    const arg = indirectInterface(raw);
    const k2 = basicKind(arg);
    let result = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') result = (arg1!.raw as number) >= 0 && arg1!.raw == arg!.raw;
      else if (k1 === 'uint' && k2 === 'int') result = (arg!.raw as number) >= 0 && arg1!.raw == arg!.raw;
      else if (arg1 !== null && arg !== null) throw new GoError(`incompatible types for comparison: ${arg1.type.name} and ${arg.type.name}`);
    } else if (k1 !== 'invalid') {
      if (k1 === 'complex') result = goEqual(T.complex128, arg1!.raw, arg!.raw);
      else result = arg1!.raw == arg!.raw;
    } else {
      const sameKind = arg1 === null || arg === null || arg1.type.kind === arg.type.kind;
      if (!sameKind) throw new GoError(`non-comparable types ${sprintf('%s', [arg1])}: ${arg1!.type.name}, ${arg!.type.name}: ${sprint([arg])}`);
      if (isNilValue(arg1) || isNilValue(arg)) result = isNilValue(arg) === isNilValue(arg1);
      else {
        if (!comparable(arg!.type)) throw new GoError(`non-comparable type ${sprintf('%s', [arg])}: ${arg!.type.name}`);
        result = arg1!.type === arg!.type && goEqual(arg1!.type, arg1!.raw, arg!.raw);
      }
    }
    if (result) return new Value(T.bool, true);
  }
  return new Value(T.bool, false);
}

function lessThan(a: Val, b: Val): boolean {
  const arg1 = indirectInterface(a);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new GoError('invalid type for comparison');
  const arg2 = indirectInterface(b);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new GoError('invalid type for comparison');
  const x = arg1!.raw as number | bigint | string;
  const y = arg2!.raw as number | bigint | string;
  if (k1 !== k2) {
    const xi = x as number | bigint;
    const yi = y as number | bigint;
    if (k1 === 'int' && k2 === 'uint') return xi < 0 || xi < yi;
    if (k1 === 'uint' && k2 === 'int') return yi >= 0 && xi < yi;
    throw new GoError(`incompatible types for comparison: ${arg1!.type.name} and ${arg2!.type.name}`);
  }
  if (k1 === 'bool' || k1 === 'complex') throw new GoError('invalid type for comparison');
  if (k1 === 'string') return compareGoStrings(x as string, y as string) < 0;
  return x < y;
}

const boolV = (b: boolean): Val => new Value(T.bool, b);

function call(args: Val[]): Val {
  const name = args[0]!.raw as string;
  const f = indirectInterface(args[1]!);
  if (f === null) throw new GoError('call of nil');
  if (f.type.kind !== 'func') throw new GoError(`non-function ${name} of type ${f.type.name}`);
  const g = f.raw as GoFunc | null;
  if (g === null) throw new GoError('reflect: call of nil function');
  const rest = args.slice(2);
  const numIn = g.params.length;
  if (g.variadic ? rest.length < numIn - 1 : rest.length !== numIn) {
    throw new GoError(`wrong number of args for ${name}: got ${rest.length} want ${g.variadic ? 'at least ' : ''}${g.variadic ? numIn - 1 : numIn}`);
  }
  const argv = rest.map((a, i) => {
    try {
      return prepareArg(indirectInterface(a), g.params[Math.min(i, numIn - 1)]!);
    } catch (err) {
      if (err instanceof GoError) throw new GoError(`arg ${i}: ${err.message}`);
      throw err;
    }
  });
  return g.call(argv);
}

const RV = REFLECT_VALUE;

/** The builtin function map (Go's builtins()). */
export const builtins: FuncMap = {
  and: fn([RV, RV], true, [RV], () => null),
  or: fn([RV, RV], true, [RV], () => null),
  call: fn([RV, RV], true, [RV], call),
  html: fn([T.any], true, [T.string], (a) => new Value(T.string, htmlEscape(evalArgs(a)))),
  index: fn([RV, RV], true, [RV, T.error], index),
  slice: fn([RV, RV], true, [RV, T.error], slice),
  js: fn([T.any], true, [T.string], (a) => new Value(T.string, jsEscape(evalArgs(a)))),
  len: fn([RV], false, [T.int, T.error], length),
  not: fn([RV], false, [T.bool], (a) => boolV(!truth(a[0]!))),
  print: fn([T.any], true, [T.string], (a) => new Value(T.string, sprint(a))),
  printf: fn([T.string, T.any], true, [T.string], (a) => new Value(T.string, sprintf(a[0]!.raw as string, a.slice(1)))),
  println: fn([T.any], true, [T.string], (a) => new Value(T.string, sprintln(a))),
  urlquery: fn([T.any], true, [T.string], (a) => new Value(T.string, queryEscape(evalArgs(a)))),
  eq: fn([RV, RV], true, [T.bool, T.error], eq),
  ne: fn([RV, RV], false, [T.bool, T.error], (a) => boolV(!(eq(a)!.raw as boolean))),
  lt: fn([RV, RV], false, [T.bool, T.error], (a) => boolV(lessThan(a[0]!, a[1]!))),
  le: fn([RV, RV], false, [T.bool, T.error], (a) => boolV(lessThan(a[0]!, a[1]!) || (eq(a)!.raw as boolean))),
  gt: fn([RV, RV], false, [T.bool, T.error], (a) => boolV(!(lessThan(a[0]!, a[1]!) || (eq(a)!.raw as boolean)))),
  ge: fn([RV, RV], false, [T.bool, T.error], (a) => boolV(!lessThan(a[0]!, a[1]!))),
};
