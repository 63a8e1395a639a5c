// The Unmarshal methods gogo-protobuf generates for the API types (k8s.io/api and apimachinery
// v0.17.16), driven by the field table in protobuf.ts: decoding merges into the receiver as Go's
// does (scalars overwrite, repeated fields append, map entries insert, sub-messages merge), skips
// unknown fields, leaves what it wrote before an error in place, and returns Go's error texts.
// Positions and lengths are int64 arithmetic in Go, so they are bigints here: a crafted length
// wraps exactly where Go's does.
import { goTimeFromUnix, type GoTime, zeroGoTime } from '../gotime/index.js';
import { PROTO_MESSAGES } from './protobuf.js';
import { goStringOfBytes } from './utf8.js';
import { type Box, GoError, type GoType, normInt, zeroValue } from './values.js';

type Raw = Record<string, unknown>;
type Bytes = readonly number[];

const UNEXPECTED_EOF = 'unexpected EOF';
const INVALID_LENGTH = 'proto: negative length found during unmarshaling';
const INT_OVERFLOW = 'proto: integer overflow';

/** A varint as the generated loops read it: at most 10 bytes, low 64 bits kept; or Go's error. */
function readVarint(data: Bytes, at: bigint, onByte?: (soFar: bigint) => void): { value: bigint; next: bigint } | string {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    if (shift >= 64n) return INT_OVERFLOW;
    if (at >= BigInt(data.length)) return UNEXPECTED_EOF;
    if (at < 0n) throw new GoError(`runtime error: index out of range [${at}]`);
    const b = data[Number(at)]!;
    at++;
    value = BigInt.asUintN(64, value | (BigInt(b & 0x7f) << shift));
    onByte?.(value);
    if (b < 0x80) return { value, next: at };
  }
}

/**
 * skipGenerated(data[from:]): the length of the field starting there, or Go's error. Groups nest
 * through an explicit stack (Go recurses), each frame keeping Go's offsets relative to its start.
 */
function skipGenerated(data: Bytes, from: bigint): bigint | string {
  const groups: { base: bigint; pos: bigint; start: bigint }[] = [];
  let base = from;
  for (;;) {
    // One call of skipGenerated on data[base:]: n is its result unless it opens a group.
    let n: bigint;
    const tag = readVarint(data, base);
    if (typeof tag === 'string') return tag;
    const pos = tag.next - base;
    const wireType = Number(tag.value & 7n);
    switch (wireType) {
      case 0: {
        const skipped = readVarint(data, base + pos);
        if (typeof skipped === 'string') return skipped;
        n = skipped.next - base;
        break;
      }
      case 1:
        n = pos + 8n;
        break;
      case 2: {
        const length = readVarint(data, base + pos);
        if (typeof length === 'string') return length;
        const signed = BigInt.asIntN(64, length.value);
        if (signed < 0n) return INVALID_LENGTH;
        n = BigInt.asIntN(64, length.next - base + signed);
        if (n < 0n) return INVALID_LENGTH;
        break;
      }
      case 3:
        groups.push({ base, pos, start: pos });
        n = -1n; // this call opened a group: its frame scans on below
        break;
      case 4:
        n = pos;
        break;
      case 5:
        n = pos + 4n;
        break;
      default:
        return `proto: illegal wireType ${wireType}`;
    }
    // Return n to the enclosing group scans, reading their next inner tag until one needs a call.
    for (;;) {
      const group = groups.at(-1);
      if (group === undefined) return n;
      if (n >= 0n) {
        group.pos = BigInt.asIntN(64, group.start + n);
        if (group.pos < 0n) return INVALID_LENGTH;
      }
      group.start = group.pos;
      const inner = readVarint(data, group.base + group.pos);
      if (typeof inner === 'string') return inner;
      if ((inner.value & 7n) === 4n) {
        groups.pop();
        n = inner.next - group.base;
        continue;
      }
      base = group.base + group.start;
      break;
    }
  }
}

/** The length-delimited payload at `at`: [start, end) or Go's error. */
function delimited(data: Bytes, at: bigint): { start: bigint; end: bigint } | string {
  const length = readVarint(data, at);
  if (typeof length === 'string') return length;
  const signed = BigInt.asIntN(64, length.value);
  if (signed < 0n) return INVALID_LENGTH;
  const end = BigInt.asIntN(64, length.next + signed);
  if (end < 0n) return INVALID_LENGTH;
  if (end > BigInt(data.length)) return UNEXPECTED_EOF;
  return { start: length.next, end };
}

const slice = (data: Bytes, from: bigint, to: bigint): number[] => data.slice(Number(from), Number(to));

/** An integer field's value in its Go width (int32 fields keep the low 32 bits). */
function integer(type: GoType, value: bigint): number | bigint {
  return normInt(type.kind === 'int32' ? BigInt.asIntN(32, value) : BigInt.asIntN(64, value));
}

/** A map<string,string> entry as the generated code reads it: bounds against the whole message. */
function readMapEntry(data: Bytes, at: bigint, end: bigint): { key: string; value: string; next: bigint } | string {
  let key = '';
  let value = '';
  while (at < end) {
    const tag = readVarint(data, at);
    if (typeof tag === 'string') return tag;
    const fieldNum = BigInt.asIntN(32, tag.value >> 3n);
    if (fieldNum === 1n || fieldNum === 2n) {
      const text = delimited(data, tag.next);
      if (typeof text === 'string') return text;
      if (fieldNum === 1n) key = goStringOfBytes(slice(data, text.start, text.end));
      else value = goStringOfBytes(slice(data, text.start, text.end));
      at = text.end;
    } else {
      const n = skipGenerated(data, at);
      if (typeof n === 'string') return n;
      if (n < 0n) return INVALID_LENGTH;
      // Go does not check this sum for wrapping; a negative position then fails at the next read.
      const next = BigInt.asIntN(64, at + n);
      if (next > end) return UNEXPECTED_EOF;
      at = next;
    }
  }
  return { key, value, next: at };
}

/**
 * Decoders for the message types of protobuf.ts. `timestamp` is metav1.Timestamp's Go type, which
 * metav1.Time and MicroTime decode through.
 */
export function protobufDecoder(timestamp: GoType): {
  message: (type: GoType, receiver: () => Raw, data: Bytes) => string | null;
  time: (receiver: () => { Time: GoTime }, data: Bytes, micro: boolean) => string | null;
} {
  /** metav1.Time/MicroTime.Unmarshal: the zero time for no bytes, else a Timestamp in Local (Time drops the nanoseconds). */
  function time(receiver: () => { Time: GoTime }, data: Bytes, micro: boolean): string | null {
    if (data.length === 0) {
      receiver().Time = zeroGoTime;
      return null;
    }
    const stamp: Raw = { Seconds: 0, Nanos: 0 };
    const err = message(timestamp, () => stamp, data);
    if (err !== null) return err;
    receiver().Time = goTimeFromUnix(Number(stamp.Seconds), micro ? Number(stamp.Nanos) : 0);
    return null;
  }

  /** (*T).Unmarshal: `receiver` dereferences the receiver (throwing Go's panic for nil) when a field is written. */
  function message(type: GoType, receiver: () => Raw, data: Bytes): string | null {
    const short = type.name.slice(type.name.indexOf('.') + 1);
    const fields = PROTO_MESSAGES[type.name]!;
    const l = BigInt(data.length);
    let at = 0n;
    while (at < l) {
      const tag = readVarint(data, at);
      if (typeof tag === 'string') return tag;
      const fieldNum = BigInt.asIntN(32, tag.value >> 3n);
      const wireType = Number(tag.value & 7n);
      if (wireType === 4) return `proto: ${short}: wiretype end group for non-group`;
      if (fieldNum <= 0n) return `proto: ${short}: illegal tag ${fieldNum} (wire type ${tag.value})`;
      const spec = fields.find(([number]) => BigInt(number) === fieldNum);
      if (spec === undefined) {
        const n = skipGenerated(data, at);
        if (typeof n === 'string') return n;
        const end = BigInt.asIntN(64, at + n);
        if (n < 0n || end < 0n) return INVALID_LENGTH;
        if (end > l) return UNEXPECTED_EOF;
        at = end;
        continue;
      }
      const [, name, kind, , pointer] = spec;
      const goType = type.field(name)!.type;
      const varint = kind === 'varint' || kind === 'bool';
      if (wireType !== (varint ? 0 : 2)) return `proto: wrong wireType = ${wireType} for field ${name}`;
      if (varint) {
        const elem = pointer ? goType.elem! : goType;
        const settle = (v: bigint): unknown => (kind === 'bool' ? v !== 0n : integer(elem, v));
        if (pointer) {
          // Read into a local, then point the field at it.
          const v = readVarint(data, tag.next);
          if (typeof v === 'string') return v;
          receiver()[name] = { v: settle(v.value) } satisfies Box;
          at = v.next;
        } else {
          // The field is zeroed, then or-ed into byte by byte: a truncated varint leaves a partial value.
          const record = receiver();
          record[name] = settle(0n);
          const v = readVarint(data, tag.next, (soFar) => (record[name] = settle(soFar)));
          if (typeof v === 'string') return v;
          at = v.next;
        }
        continue;
      }
      const payload = delimited(data, tag.next);
      if (typeof payload === 'string') return payload;
      const bytes = (): number[] => slice(data, payload.start, payload.end);
      let err: string | null = null;
      switch (kind) {
        case 'string':
          receiver()[name] = goStringOfBytes(bytes());
          break;
        case 'strings': {
          const record = receiver();
          // A new array: the old one may be the watched event's or a template variable's.
          record[name] = [...((record[name] as string[] | null) ?? []), goStringOfBytes(bytes())];
          break;
        }
        case 'bytes':
          receiver()[name] = bytes();
          break;
        case 'time':
        case 'microTime': {
          const held = pointed(receiver(), name, goType);
          err = time(() => held as { Time: GoTime }, bytes(), kind === 'microTime');
          break;
        }
        case 'message': {
          const held = pointed(receiver(), name, goType);
          err = message(pointer ? goType.elem! : goType, () => held, bytes());
          break;
        }
        case 'messages': {
          const record = receiver();
          const item = zeroValue(goType.elem!).raw as Raw;
          record[name] = [...((record[name] as Raw[] | null) ?? []), item];
          err = message(goType.elem!, () => item, bytes());
          break;
        }
        case 'stringMap': {
          const record = receiver();
          const map = (record[name] as Map<string, string> | null) ?? new Map<string, string>();
          record[name] = map;
          const entry = readMapEntry(data, payload.start, payload.end);
          if (typeof entry === 'string') return entry;
          map.set(entry.key, entry.value);
          break;
        }
      }
      if (err !== null) return err;
      at = payload.end;
    }
    return null;
  }

  return { message, time };
}

/** The struct a sub-message field holds, allocating a pointer field's struct when it is nil. */
function pointed(record: Raw, name: string, type: GoType): Raw {
  if (type.kind !== 'ptr') return record[name] as Raw;
  const box = record[name] as Box | null;
  if (box !== null) return box.v as Raw;
  const fresh = zeroValue(type.elem!).raw as Raw;
  record[name] = { v: fresh } satisfies Box;
  return fresh;
}
