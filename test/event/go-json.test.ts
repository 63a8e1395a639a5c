import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJson, goJsonString, goJsonStringBytes, jsonEscape } from '../../src/event/go-json.js';

test('goJson escapes like Go: <>& and U+2028/9 as \\u, lone surrogates become U+FFFD, keys too', () => {
  assert.equal(
    goJson({ a: '<&>\u2028\u2029', b: 'x\ud800y', c: '😀', 'k\udc00<': [1, true, null] }),
    '{"a":"\\u003c\\u0026\\u003e\\u2028\\u2029","b":"x\uFFFDy","c":"😀","k\uFFFD\\u003c":[1,true,null]}',
  );
});

test('control characters, quotes and backslashes as Go writes them (\\b and \\f short, others \\u00xx)', () => {
  assert.equal(goJsonString('"\\\b\f\n\r\t\u0001\u001f\u007f'), '"\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\u007f"');
});

test('a literal backslash before "ud800" is not mistaken for an escaped surrogate', () => {
  assert.equal(jsonEscape('\\ud800 & \ud800'), '\\\\ud800 \\u0026 \uFFFD');
  assert.equal(goJson(['\\\\ud9ff\udbff']), '["\\\\\\\\ud9ff\uFFFD"]');
});

test('goJsonStringBytes counts escaped UTF-8 bytes without the quotes', () => {
  assert.equal(goJsonStringBytes('a<事\n'), 1 + 6 + 3 + 2);
});
