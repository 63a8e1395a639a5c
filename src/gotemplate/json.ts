// Go's encoding/json over the Go value model: struct tags, omitempty, embedded structs,
// sorted map keys, MarshalJSON hooks; strings are escaped by the shared src/event/go-json.ts.
import { jsonEscape } from '../event/go-json.js';
import { formatFloat } from './strconv.js';
import { splitAtRawBytes } from './utf8.js';
import { type Box, type Val, GoError, type GoType, isFloatKind, isIntKind, isUintKind, sortedMapKeys, Value } from './values.js';

export { jsonEscape };

/** Go's JSON string contents for a Go string: a byte that is not UTF-8 becomes the escape \ufffd. */
export function goStringJsonEscape(s: string): string {
  return splitAtRawBytes(s).map(jsonEscape).join('\\ufffd');
}

const jsonString = (s: string): string => `"${goStringJsonEscape(s)}"`;

function jsonFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) throw new GoError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  let fmt: 'e' | 'f' = 'f';
  if (abs !== 0 && (bits === 64 ? abs < 1e-6 || abs >= 1e21 : abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let s = formatFloat(f, fmt, -1, bits);
  if (fmt === 'e') s = s.replace(/e([+-])0(\d)$/, 'e$1$2');
  return s;
}

function isEmpty(v: Value): boolean {
  const k = v.type.kind;
  if (k === 'bool') return v.raw === false;
  if (k === 'string') return v.raw === '';
  if (isIntKind(k) || isUintKind(k) || isFloatKind(k)) return v.raw == 0;
  if (k === 'slice') return v.raw === null || (v.raw as unknown[]).length === 0;
  if (k === 'map') return v.raw === null || (v.raw as Map<unknown, unknown>).size === 0;
  if (k === 'ptr' || k === 'interface' || k === 'func') return v.raw === null;
  return false;
}

interface JsonField {
  key: string;
  omitEmpty: boolean;
  value: Value;
}

function structFields(t: GoType, raw: Record<string, unknown>): JsonField[] {
  const out: JsonField[] = [];
  for (const f of t.fields) {
    const [name = '', ...opts] = f.json.split(',');
    if (name === '-' && opts.length === 0) continue;
    const value = new Value(f.type, raw[f.name]);
    if (f.embedded && name === '' && f.type.kind === 'struct' && !f.type.marshalJSON) {
      out.push(...structFields(f.type, raw[f.name] as Record<string, unknown>));
      continue;
    }
    out.push({ key: name || f.name, omitEmpty: opts.includes('omitempty'), value });
  }
  return out;
}

/** encoding/json.Marshal (HTML-safe escaping, as Go's default). Throws GoError for unsupported values. */
export function marshalJSON(v: Val): string {
  if (v === null) return 'null';
  const t = v.type;
  if (t.marshalJSON) return t.marshalJSON(v.raw);
  const k = t.kind;
  if (k === 'bool') return v.raw ? 'true' : 'false';
  if (k === 'string') return jsonString(v.raw as string);
  if (isIntKind(k) || isUintKind(k)) return String(v.raw);
  if (isFloatKind(k)) return jsonFloat(v.raw as number, k === 'float32' ? 32 : 64);
  if (k === 'interface') return marshalJSON(v.raw as Val);
  if (k === 'ptr') {
    if (v.raw === null) return 'null';
    return marshalJSON(new Value(t.elem!, (v.raw as Box).v));
  }
  if (k === 'slice') {
    const arr = v.raw as unknown[] | null;
    if (arr === null) return 'null';
    if (t.elem!.kind === 'uint8') return '"' + Buffer.from(arr as number[]).toString('base64') + '"';
    return '[' + arr.map((e) => marshalJSON(new Value(t.elem!, e))).join(',') + ']';
  }
  if (k === 'map') {
    const m = v.raw as Map<unknown, unknown> | null;
    if (m === null) return 'null';
    return '{' + sortedMapKeys(m).map((key) => `${jsonString(String(key))}:${marshalJSON(new Value(t.elem!, m.get(key)))}`).join(',') + '}';
  }
  if (k === 'struct') {
    const parts = structFields(t, v.raw as Record<string, unknown>)
      .filter((f) => !(f.omitEmpty && isEmpty(f.value)))
      .map((f) => `${jsonString(f.key)}:${marshalJSON(f.value)}`);
    return '{' + parts.join(',') + '}';
  }
  throw new GoError(`json: unsupported type: ${t.name}`);
}
