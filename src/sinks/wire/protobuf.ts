// The few protocol-buffers wire rules the sls (LogGroup) and riemann (Msg) sinks need: varints,
// length-delimited fields and fixed-width numbers. Encoding by hand keeps a dependency out of the
// product and the bytes under test; the test fakes decode with protobufjs, independently.

const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

/** An append-only protobuf encoder. */
export class ProtoWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private varint(value: bigint | number): void {
    this.reserve(10);
    if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      // Tags, lengths and most numbers: no BigInt on the hot path.
      let n = value;
      while (n >= 0x80) {
        this.buf[this.len++] = (n % 0x80) | 0x80;
        n = Math.floor(n / 0x80);
      }
      this.buf[this.len++] = n;
      return;
    }
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, type: WireType): void {
    this.varint((field << 3) | type);
  }

  uint32(field: number, value: number): this {
    this.tag(field, WireType.Varint);
    this.varint(value >>> 0);
    return this;
  }

  int64(field: number, value: bigint | number): this {
    this.tag(field, WireType.Varint);
    this.varint(typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
    return this;
  }

  /** sint64: zig-zag encoded. */
  sint64(field: number, value: bigint | number): this {
    const v = typeof value === 'bigint' ? value : BigInt(Math.trunc(value));
    this.tag(field, WireType.Varint);
    this.varint(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
    return this;
  }

  bool(field: number, value: boolean): this {
    this.tag(field, WireType.Varint);
    this.varint(value ? 1 : 0);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    this.buf.writeFloatLE(value, this.len);
    this.len += 4;
    return this;
  }

  double(field: number, value: number): this {
    this.tag(field, WireType.Fixed64);
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.len);
    this.len += 8;
    return this;
  }

  fixed32(field: number, value: number): this {
    this.tag(field, WireType.Fixed32);
    this.reserve(4);
    this.buf.writeUInt32LE(value >>> 0, this.len);
    this.len += 4;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** An embedded message. */
  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  get length(): number {
    return this.len;
  }

  /** The encoded bytes (a view; do not write after reading it). */
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

/** Bytes a varint takes. */
export function varintSize(value: number): number {
  let n = 1;
  let v = value;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Bytes of a length-delimited field of `length` payload bytes (field number < 16). */
export function lengthDelimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

export interface ProtoField {
  readonly field: number;
  readonly wireType: number;
  /** Varint value (wire type 0). */
  readonly varint?: bigint;
  /** Payload of wire types 1, 2 and 5. */
  readonly bytes?: Buffer;
}

/** Splits a message into its fields (enough to read a Riemann reply); throws on malformed input. */
export function readFields(buf: Buffer): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = readVarint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (wireType === 0) {
      fields.push({ field, wireType, varint: readVarint() });
      continue;
    }
    const size = wireType === 1 ? 8 : wireType === 5 ? 4 : wireType === 2 ? Number(readVarint()) : -1;
    if (size < 0) throw new Error(`unsupported wire type ${wireType}`);
    if (pos + size > buf.length) throw new Error('truncated field');
    fields.push({ field, wireType, bytes: buf.subarray(pos, pos + size) });
    pos += size;
  }
  return fields;
}
