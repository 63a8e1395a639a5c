// The hand-written protobuf writer against protobufjs (an independent implementation) for every
// wire type the sinks use, at the edges of each range; and the reader on what protobufjs writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { ProtoWriter, readFields } from '../../../src/sinks/wire/protobuf.js';

const root = protobuf.parse(`
syntax = "proto2";
message Inner { optional string s = 1; }
message All {
  optional uint32 u32 = 1; optional int64 i64 = 2; optional sint64 s64 = 3; optional bool b = 4;
  optional float f = 5; optional double d = 6; optional fixed32 x32 = 7; optional string str = 8;
  optional bytes raw = 9; repeated Inner inner = 20;
}`).root;
const All = root.lookupType('All');

test('ProtoWriter output decodes with protobufjs to the same values', () => {
  const cases: Array<{ u32: number; i64: bigint; s64: bigint; str: string }> = [
    { u32: 0, i64: 0n, s64: 0n, str: '' },
    { u32: 127, i64: 128n, s64: -1n, str: 'é中\u{1F600}' },
    { u32: 4294967295, i64: 9223372036854775807n, s64: -9223372036854775808n, str: 'x'.repeat(300) },
    { u32: 1_700_000_000, i64: -5n, s64: 9223372036854775807n, str: 'k=v' },
  ];
  for (const c of cases) {
    const w = new ProtoWriter(4)
      .uint32(1, c.u32)
      .int64(2, c.i64)
      .sint64(3, c.s64)
      .bool(4, true)
      .float(5, 30.5)
      .double(6, -1.25e300)
      .fixed32(7, 4294967295)
      .string(8, c.str)
      .bytes(9, Buffer.from([0, 255, 1]))
      .message(20, new ProtoWriter().string(1, 'a'))
      .message(20, new ProtoWriter().string(1, 'b'));
    const got = All.toObject(All.decode(w.finish()), { longs: String, bytes: Array }) as Record<string, unknown>;
    assert.deepEqual(got, {
      u32: c.u32,
      i64: String(c.i64),
      s64: String(c.s64),
      b: true,
      f: 30.5,
      d: -1.25e300,
      x32: 4294967295,
      str: c.str,
      raw: [0, 255, 1],
      inner: [{ s: 'a' }, { s: 'b' }],
    });
  }
});

test('readFields reads what protobufjs writes; truncated input throws', () => {
  const bytes = All.encode(All.create({ b: false, str: 'error text', u32: 300 })).finish();
  const fields = readFields(Buffer.from(bytes));
  assert.deepEqual(
    fields.map((f) => [f.field, f.varint ?? f.bytes?.toString()]),
    [
      [1, 300n],
      [4, 0n],
      [8, 'error text'],
    ],
  );
  assert.throws(() => readFields(Buffer.from(bytes).subarray(0, bytes.length - 2)), /truncated/);
});
