// The protobuf encoding gogo-protobuf generates for the API types (k8s.io/api v0.17.16), so that a
// template's `.Marshal`, `.Size`, `.MarshalTo` … give Go's bytes: fields in field-number order, every
// non-pointer field written even when empty, pointer fields only when set, map entries by sorted key,
// metav1.Time as a Timestamp of whole seconds (MicroTime keeps nanoseconds) and nothing for the zero time.
import type { GoTime } from '../gotime/index.js';
import { isZeroGoTime } from '../gotime/index.js';

type FieldKind =
  | 'string'
  | 'varint'
  | 'bool'
  | 'bytes'
  | 'time'
  | 'microTime'
  | 'message'
  | 'stringMap'
  | 'strings'
  | 'messages';

/** [field number, Go field name, kind, message name for messages, pointer field (written only when set)]. */
type FieldSpec = readonly [number, string, FieldKind, string?, boolean?];

export const PROTO_MESSAGES: Readonly<Record<string, readonly FieldSpec[]>> = {
  'v1.TypeMeta': [
    [1, 'Kind', 'string'],
    [2, 'APIVersion', 'string'],
  ],
  'v1.ObjectMeta': [
    [1, 'Name', 'string'],
    [2, 'GenerateName', 'string'],
    [3, 'Namespace', 'string'],
    [4, 'SelfLink', 'string'],
    [5, 'UID', 'string'],
    [6, 'ResourceVersion', 'string'],
    [7, 'Generation', 'varint'],
    [8, 'CreationTimestamp', 'time'],
    [9, 'DeletionTimestamp', 'time', undefined, true],
    [10, 'DeletionGracePeriodSeconds', 'varint', undefined, true],
    [11, 'Labels', 'stringMap'],
    [12, 'Annotations', 'stringMap'],
    [13, 'OwnerReferences', 'messages', 'v1.OwnerReference'],
    [14, 'Finalizers', 'strings'],
    [15, 'ClusterName', 'string'],
    [17, 'ManagedFields', 'messages', 'v1.ManagedFieldsEntry'],
  ],
  'v1.OwnerReference': [
    [1, 'Kind', 'string'],
    [3, 'Name', 'string'],
    [4, 'UID', 'string'],
    [5, 'APIVersion', 'string'],
    [6, 'Controller', 'bool', undefined, true],
    [7, 'BlockOwnerDeletion', 'bool', undefined, true],
  ],
  'v1.ManagedFieldsEntry': [
    [1, 'Manager', 'string'],
    [2, 'Operation', 'string'],
    [3, 'APIVersion', 'string'],
    [4, 'Time', 'time', undefined, true],
    [6, 'FieldsType', 'string'],
    [7, 'FieldsV1', 'message', 'v1.FieldsV1', true],
  ],
  'v1.FieldsV1': [[1, 'Raw', 'bytes']],
  'v1.ObjectReference': [
    [1, 'Kind', 'string'],
    [2, 'Namespace', 'string'],
    [3, 'Name', 'string'],
    [4, 'UID', 'string'],
    [5, 'APIVersion', 'string'],
    [6, 'ResourceVersion', 'string'],
    [7, 'FieldPath', 'string'],
  ],
  'v1.EventSource': [
    [1, 'Component', 'string'],
    [2, 'Host', 'string'],
  ],
  'v1.EventSeries': [
    [1, 'Count', 'varint'],
    [2, 'LastObservedTime', 'microTime'],
    [3, 'State', 'string'],
  ],
  'v1.Event': [
    [1, 'ObjectMeta', 'message', 'v1.ObjectMeta'],
    [2, 'InvolvedObject', 'message', 'v1.ObjectReference'],
    [3, 'Reason', 'string'],
    [4, 'Message', 'string'],
    [5, 'Source', 'message', 'v1.EventSource'],
    [6, 'FirstTimestamp', 'time'],
    [7, 'LastTimestamp', 'time'],
    [8, 'Count', 'varint'],
    [9, 'Type', 'string'],
    [10, 'EventTime', 'microTime'],
    [11, 'Series', 'message', 'v1.EventSeries', true],
    [12, 'Action', 'string'],
    [13, 'Related', 'message', 'v1.ObjectReference', true],
    [14, 'ReportingController', 'string'],
    [15, 'ReportingInstance', 'string'],
  ],
  'v1.Timestamp': [
    [1, 'Seconds', 'varint'],
    [2, 'Nanos', 'varint'],
  ],
};

/**
 * The encoding as gogo's MarshalToSizedBuffer writes it, in forward order: single bytes (tags, bools),
 * varints and copied byte runs. Kept apart so a write into a short buffer fails where Go's does.
 */
export type Chunk = { readonly op: 'byte' | 'varint' | 'copy'; readonly bytes: readonly number[] };

function varintBytes(v: bigint): number[] {
  const out: number[] = [];
  let u = BigInt.asUintN(64, v);
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return out;
}

function key(out: Chunk[], field: number, wireType: 0 | 2): void {
  // gogo writes a multi-byte tag one byte at a time.
  for (const b of varintBytes(BigInt((field << 3) | wireType))) out.push({ op: 'byte', bytes: [b] });
}

function lengthDelimited(out: Chunk[], field: number, content: readonly Chunk[]): void {
  key(out, field, 2);
  out.push({ op: 'varint', bytes: varintBytes(BigInt(chunksLength(content))) });
  out.push(...content);
}

const copyOf = (s: string): Chunk[] => [{ op: 'copy', bytes: [...Buffer.from(s, 'utf8')] }];
const chunksLength = (chunks: readonly Chunk[]): number => chunks.reduce((n, c) => n + c.bytes.length, 0);

/** metav1.Time / MicroTime as a message: nothing for the zero time, else a Timestamp. */
export function encodeTime(t: GoTime, micro: boolean): Chunk[] {
  if (isZeroGoTime(t)) return [];
  return encodeMessage('v1.Timestamp', { Seconds: t.sec, Nanos: micro ? t.nsec : 0 });
}

/** What gogo's MarshalToSizedBuffer writes for a raw struct of the named message type. */
export function encodeMessage(type: string, raw: Record<string, unknown>): Chunk[] {
  const out: Chunk[] = [];
  for (const [field, name, kind, message, pointer] of PROTO_MESSAGES[type]!) {
    let value = raw[name];
    if (pointer) {
      if (value === null || value === undefined) continue;
      value = (value as { v: unknown }).v;
    }
    switch (kind) {
      case 'string':
        lengthDelimited(out, field, copyOf(value as string));
        break;
      case 'varint':
        key(out, field, 0);
        out.push({ op: 'varint', bytes: varintBytes(BigInt(value as number | bigint)) });
        break;
      case 'bool':
        key(out, field, 0);
        out.push({ op: 'byte', bytes: [value ? 1 : 0] });
        break;
      case 'bytes':
        if (value !== null) lengthDelimited(out, field, [{ op: 'copy', bytes: value as number[] }]);
        break;
      case 'time':
      case 'microTime':
        lengthDelimited(out, field, encodeTime((value as { Time: GoTime }).Time, kind === 'microTime'));
        break;
      case 'message':
        lengthDelimited(out, field, encodeMessage(message!, value as Record<string, unknown>));
        break;
      case 'stringMap': {
        const m = value as Map<string, string> | null;
        if (m === null) break;
        for (const k of [...m.keys()].sort()) {
          const entry: Chunk[] = [];
          lengthDelimited(entry, 1, copyOf(k));
          lengthDelimited(entry, 2, copyOf(m.get(k)!));
          lengthDelimited(out, field, entry);
        }
        break;
      }
      case 'strings':
        for (const s of (value as string[] | null) ?? []) lengthDelimited(out, field, copyOf(s));
        break;
      case 'messages':
        for (const item of (value as Record<string, unknown>[] | null) ?? []) lengthDelimited(out, field, encodeMessage(message!, item));
        break;
    }
  }
  return out;
}

export function encodedSize(chunks: readonly Chunk[]): number {
  return chunksLength(chunks);
}

/**
 * gogo's MarshalToSizedBuffer into `buffer`: writes backwards from its end and returns the bytes
 * written, or the text of Go's runtime panic when the buffer is too short.
 */
export function marshalToSizedBuffer(chunks: readonly Chunk[], buffer: number[]): number | string {
  let i = buffer.length;
  for (let k = chunks.length - 1; k >= 0; k--) {
    const { op, bytes } = chunks[k]!;
    if (op === 'copy') {
      i -= bytes.length;
      if (i < 0) return `runtime error: slice bounds out of range [${i}:]`;
    } else if (op === 'varint') {
      i -= bytes.length;
      if (i < 0) return `runtime error: index out of range [${i}]`;
    } else {
      i--;
      if (i < 0) return `runtime error: index out of range [${i}]`;
    }
    bytes.forEach((b, j) => (buffer[i + j] = b));
  }
  return buffer.length - i;
}
