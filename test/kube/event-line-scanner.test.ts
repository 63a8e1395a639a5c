// Deferred decoding against JSON.parse: for every line, the decoder with deferred Events must give
// what the plain decoder gives (the same events, or the same refusal), the summary must hold what the
// parsed object holds, and only lines in the API server's layout may come deferred.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeferredEvent } from '../../src/event/deferred-event.js';
import { WatchLineDecoder, type WatchEvent } from '../../src/kube/client.js';

const EVENT_TYPE_META = { kind: 'Event', apiVersion: 'v1' };

/** A typical kubelet Event in the API server's layout, with variations chosen by `i`. */
function eventLine(i: number, overrides: Record<string, unknown> = {}): string {
  const object = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: {
      name: `web-${i}.17b2c${i.toString(16)}`,
      namespace: `team-${i % 3}`,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: '2026-11-25T10:00:00Z',
      labels: { reason: 'a label named like a field', 'app.kubernetes.io/name': 'web' },
      annotations: { namespace: 'not the namespace', deep: JSON.stringify({ a: [1, { b: null }] }) },
      managedFields: [
        { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: '2026-11-25T10:00:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {}, 'f:source': { 'f:component': {}, 'f:host': {} }, 'k:{"type":"Ready"}': { '.': {} } } },
      ],
    },
    involvedObject: { kind: 'Pod', namespace: `team-${i % 3}`, name: `web-${i}`, uid: `pod-${i}`, apiVersion: 'v1', resourceVersion: '12345', fieldPath: 'spec.containers{web}' },
    reason: ['BackOff', 'Pulled', 'Zurückgesetzt', 'Fa\u0000iled'.replace('\u0000', '\\'), '再起動'][i % 5],
    message: [
      'Back-off restarting failed container web in pod team/web',
      'quotes " and backslashes \\ and a tab \t and a newline \n in a message',
      'unicode: é 😀 \u2028 \ud800 (a lone surrogate)',
      `a long message ${'x'.repeat(300)}`,
      '',
    ][i % 5],
    source: { component: 'kubelet', host: `node-${i % 4}` },
    firstTimestamp: '2026-11-25T10:00:00Z',
    lastTimestamp: '2026-11-25T10:00:05Z',
    count: [1, 0, -3, 2.5e3, 2 ** 70][i % 5],
    type: i % 2 === 0 ? 'Warning' : 'Normal',
    eventTime: null,
    series: i % 4 === 0 ? { count: 3, lastObservedTime: '2026-11-25T10:00:05.123456Z' } : undefined,
    reportingComponent: 'kubelet',
    reportingInstance: `node-${i % 4}`,
    ...overrides,
  };
  return JSON.stringify({ type: ['ADDED', 'MODIFIED', 'DELETED'][i % 3], object });
}

/** Lines the API server would not write but a fake or a proxy might: each must decode as JSON.parse reads it. */
const unusual: string[] = [
  eventLine(1, { metadata: null }),
  eventLine(2, { metadata: ['an', 'array'] }),
  eventLine(3, { metadata: 'a string' }),
  eventLine(4, { involvedObject: null }),
  eventLine(5, { involvedObject: {} }),
  eventLine(6, { reason: 42, type: null, count: '7', message: { nested: [true, false] } }),
  eventLine(7, { metadata: { uid: 'u', resourceVersion: '1', namespace: 'a', extra: { namespace: 'deeper' } } }),
  // Duplicate members: JSON.parse keeps the last.
  eventLine(8).replace('"reason":', '"reason":"First","reason":'),
  eventLine(9).replace('"metadata":{', '"metadata":{"uid":"replaced-later",'),
  eventLine(10).replace('"count":', '"kind":"Pod","count":'),
  eventLine(11).replace('"involvedObject":', '"apiVersion":"v2","involvedObject":'),
  // Escapes in keys and values, whitespace between tokens.
  eventLine(12).replace('"reason":', '"re\\u0061son":').replace('"uid":', '"\\u0075id":'),
  eventLine(13).replace(/,"/g, ' ,\t"').replace(/":/g, '" : '),
  eventLine(14).replace('"type":"Warning"', '"type":"Warn\\u0069ng"'),
  eventLine(15).replace('"count":', '"count":1e2,"count":'),
  eventLine(16).replace('"count":', '"count":-0.5E-3,"count":'),
  eventLine(17, { metadata: { uid: 'u', resourceVersion: '1', annotations: { deep: JSON.parse(`${'['.repeat(300)}${']'.repeat(300)}`) as unknown } } }),
  eventLine(18, { metadata: { uid: 'u', resourceVersion: '1', annotations: { deep: JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown } } }),
  eventLine(19).replace('}}', '} }'),
  eventLine(20).replace('}}', '},"extra":1}'),
  `  ${eventLine(21)}`,
  `${eventLine(22)}\r`,
  eventLine(23).replace('"type":"ADDED"', '"type":"BOOKMARK"'),
  // Counts are added up digit by digit up to 15 digits, then converted from text.
  eventLine(24, { count: 999999999999999 }),
  eventLine(25, { count: 1234567890123456 }),
  eventLine(26, { count: 120 }),
  JSON.stringify({ type: 'ADDED', object: { kind: 'Event', apiVersion: 'v1' } }),
  JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410, message: 'too old' } }),
];

/** Invalid JSON in places the summary does not read: must be refused as JSON.parse refuses it. */
const invalid: string[] = [
  eventLine(30).replace('"f:count":{}', '"f:count":{},'),
  eventLine(31).replace('"f:count":{}', '"f:count" {}'),
  eventLine(32).replace('"operation":"Update"', '"operation":Update'),
  eventLine(33).replace('"eventTime":null', '"eventTime":nul'),
  eventLine(34).replace('"eventTime":null', '"eventTime":01'),
  eventLine(35).replace('"eventTime":null', '"eventTime":1.'),
  eventLine(36).replace('"eventTime":null', '"eventTime":-'),
  eventLine(37).replace('"eventTime":null', '"eventTime":1e'),
  eventLine(38).replace('"eventTime":null', '"eventTime":"a\\x"'),
  eventLine(39).replace('"eventTime":null', '"eventTime":"\\u12G4"'),
  eventLine(40).replace('"eventTime":null', '"eventTime":"a\u0001b"'),
  eventLine(41).replace('"eventTime":null', '"eventTime":[1,]'),
  eventLine(42).replace('"eventTime":null', '"eventTime":{"a":1,}'),
  eventLine(43).replace('"eventTime":null', '"eventTime":[1 2]'),
  eventLine(44).replace('"eventTime":null', '"eventTime":}'),
  eventLine(45).replace('"manager":"kubelet"', '"manager":"kubelet'),
  eventLine(46).slice(0, -1),
  `${eventLine(47)}}`,
  eventLine(48).replace('"source":{', '"source":{{'),
  eventLine(49).replace('"source":{', '"source":['),
];

/** The same line with a few bytes deleted, replaced or duplicated (a seeded generator, so failures repeat). */
function mutations(lines: readonly string[], count: number): string[] {
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = '{}[]",:\\ 0123456789-+.eEtrufalsn\tuA\u00e9';
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let line = lines[random(lines.length)]!;
    for (let edits = 1 + random(2); edits > 0; edits--) {
      const at = random(line.length);
      const edit = random(3);
      const c = alphabet[random(alphabet.length)]!;
      line = edit === 0 ? line.slice(0, at) + line.slice(at + 1) : edit === 1 ? line.slice(0, at) + c + line.slice(at + 1) : line.slice(0, at) + line[at] + line.slice(at);
    }
    out.push(line.replace(/\n/g, ' '));
  }
  return out;
}

type Decoded = { events: Array<WatchEvent<unknown>> } | { error: unknown };

function decode(line: string, deferEvents: boolean): Decoded {
  const events: Array<WatchEvent<unknown>> = [];
  try {
    new WatchLineDecoder<unknown>(1 << 20, EVENT_TYPE_META, deferEvents).push(Buffer.from(`${line}\n`), events);
    return { events };
  } catch (error) {
    return { error };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const pick = (v: unknown, keys: readonly string[]) => (isObject(v) ? Object.fromEntries(keys.map((k) => [k, v[k]])) : v);

/** An involvedObject null or absent is the empty one Go decodes: a deferred Event has it so, summary and whole. */
const asGoDecodes = (v: unknown) => (isObject(v) && v.involvedObject == null ? { ...v, involvedObject: {} } : v);

/** What the summary must hold, read from the whole object. */
function expectedSummary(object: Record<string, unknown>): unknown {
  return {
    metadata: pick(object.metadata, ['namespace', 'uid', 'resourceVersion']),
    involvedObject: object.involvedObject == null ? {} : pick(object.involvedObject, ['kind', 'namespace', 'name']),
    reason: object.reason,
    message: object.message,
    type: object.type,
    count: object.count,
  };
}

/** Compares the two decoders on one line; returns whether the line came deferred. */
function compare(line: string): boolean {
  const plain = decode(line, false);
  const deferred = decode(line, true);
  if ('error' in plain) {
    assert.ok('error' in deferred, `refused by JSON.parse, so refused deferred too: ${line}`);
    assert.equal((deferred.error as Error).name, (plain.error as Error).name);
    return false;
  }
  assert.ok('events' in deferred, `${line}: ${'error' in deferred ? String(deferred.error) : ''}`);
  assert.equal(deferred.events.length, plain.events.length);
  let came = false;
  deferred.events.forEach((event, k) => {
    const expected = plain.events[k]!;
    assert.equal(event.type, expected.type);
    if (event.object instanceof DeferredEvent) {
      came = true;
      const decoded = asGoDecodes(expected.object) as Record<string, unknown>;
      assert.deepEqual(event.object.summary, expectedSummary(expected.object as Record<string, unknown>), line);
      assert.deepEqual(event.object.metadata, event.object.summary.metadata);
      assert.deepEqual(event.object.whole(), decoded, line);
      assert.equal(event.object.whole(), event.object.whole(), 'parsed once');
      // The watch tells Events from other kinds by a kind the summary cannot show: a deferred one has none.
      assert.ok(!('kind' in event.object.whole()) && !('apiVersion' in event.object.whole()), line);
    } else {
      assert.deepEqual(event.object, expected.object, line);
    }
  });
  return came;
}

describe('deferred Event decoding (EventLineScanner) against JSON.parse', () => {
  test('typical Events come deferred, with the summary and whole object JSON.parse gives', () => {
    for (let i = 0; i < 60; i++) assert.equal(compare(eventLine(i)), true, `line ${i} deferred`);
  });

  test('unusual lines: the same as JSON.parse, deferred or not', () => {
    const deferred = unusual.filter((line) => compare(line)).length;
    assert.ok(deferred >= 10, `${deferred} of ${unusual.length} deferred`);
  });

  test('invalid JSON anywhere in the line is refused as JSON.parse refuses it', () => {
    for (const line of invalid) {
      assert.throws(() => JSON.parse(line), SyntaxError, `the case itself is invalid: ${line}`);
      compare(line);
    }
  });

  test('2,000 seeded mutations of those lines: the same as JSON.parse, every one', () => {
    let deferred = 0;
    let refused = 0;
    for (const line of mutations([...Array.from({ length: 10 }, (_, i) => eventLine(i)), ...unusual], 2000)) {
      if (compare(line)) deferred++;
      else if ('error' in decode(line, false)) refused++;
    }
    assert.ok(deferred > 100 && refused > 100, `deferred ${deferred}, refused ${refused}: both paths exercised`);
  });

  test('lines split anywhere across chunks come deferred and whole', () => {
    const lines = [eventLine(1), eventLine(2), eventLine(3)];
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const expected = lines.map((line) => (JSON.parse(line) as { object: Record<string, unknown> }).object);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const decoder = new WatchLineDecoder<unknown>(1 << 20, EVENT_TYPE_META, true);
      const events: Array<WatchEvent<unknown>> = [];
      decoder.push(bytes.subarray(0, cut), events);
      decoder.push(bytes.subarray(cut), events);
      assert.equal(events.length, 3, `cut at ${cut}`);
      events.forEach((event, k) => {
        assert.ok(event.object instanceof DeferredEvent, `cut at ${cut}: line ${k} deferred`);
        const { kind: _kind, apiVersion: _apiVersion, ...untyped } = expected[k]!;
        assert.deepEqual(event.object.whole(), untyped);
      });
    }
  });

  test('several lines in one chunk: each one ends at its own newline', () => {
    // Deferred lines next to lines parsed whole (a bookmark, an error, blank, trailing blanks).
    const bookmark = JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: '9' } } });
    const error = JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', code: 410 } });
    const mixed = [eventLine(1), bookmark, '', eventLine(2), `${eventLine(3)} `, error, `${eventLine(4)}\r`, eventLine(5)];
    assert.equal(compare(mixed.join('\n')), true);
    const decoded = decode(mixed.join('\n'), true);
    assert.ok('events' in decoded);
    assert.deepEqual(
      decoded.events.map((e) => e.object instanceof DeferredEvent),
      [true, false, true, false, false, false, true],
    );
    // A line cut short by a newline is refused, never read on into the next line.
    const line = eventLine(6);
    for (let cut = 1; cut < line.length; cut += 3) {
      const split = decode(`${line.slice(0, cut)}\n${line.slice(cut)}`, true);
      assert.ok('error' in split && (split.error as Error).name === 'SyntaxError', `cut at ${cut}`);
    }
  });

  test('values many events share (the involved object\'s name among them) read right when they repeat in one stream', () => {
    const names = ['web-1', 'web-2', 'web-1', 'web-12', 'zzz-escape', `web-${'x'.repeat(70)}`, 'wéb-1', 'web-2', 'zzz-escape'];
    const lines = names.map((name, i) => {
      const line = eventLine(i, { involvedObject: { kind: i % 2 === 0 ? 'Pod' : 'Node', namespace: 'team', name } });
      return i === 4 ? line.replace('"name":"zzz-escape"', '"name":"zzz-\\u0065scape"') : line;
    });
    assert.ok(lines[4]!.includes('\\u0065'), 'an escaped name');
    assert.equal(compare(lines.join('\n')), true);
  });

  test('without deferEvents, or without the TypeMeta to omit, nothing comes deferred', () => {
    const events: Array<WatchEvent<unknown>> = [];
    new WatchLineDecoder<unknown>(1 << 20, EVENT_TYPE_META).push(Buffer.from(`${eventLine(1)}\n`), events);
    new WatchLineDecoder<unknown>(1 << 20, undefined, true).push(Buffer.from(`${eventLine(2)}\n`), events);
    assert.equal(events.filter((e) => e.object instanceof DeferredEvent).length, 0);
  });
});
