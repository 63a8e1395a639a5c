// ObjectMeta's int64s beyond ±2^53 stay exact, as kube-eventer's Go keeps them: from the watch's bytes
// (parsed whole or deferred), a list, into the Go JSON forms, the log sink's JSON line and templates
// (against real Go's text/template). The sinks' payloads are compared with Go's for generated Events
// holding such values in test/event/event-payload-fuzz.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { wholeEvent, type WatchedEvent } from '../../src/event/deferred-event.js';
import { keepExactInt64s, stringifyExact } from '../../src/event/exact-int64.js';
import { eventJson, eventJsonSorted } from '../../src/event/event-json.js';
import type { KubeEvent } from '../../src/event/types.js';
import { WatchLineDecoder, type WatchEvent } from '../../src/kube/client.js';
import { ListScanner } from '../../src/kube/list-scanner.js';
import { formatJsonLine } from '../../src/sinks/log/encoder.js';
import { renderWithEncoder } from '../fixtures/go-template-oracle/webhook.js';
import { runOracle } from '../fixtures/go-template-oracle/oracle.js';
import { FIXED_NOW } from '../fixtures/go-template-oracle/corpus.js';

const GENERATION = '9007199254740993';
const GRACE = '-9223372036854775808';
const OBJECT = `{"metadata":{"name":"web-1.1","namespace":"shop","uid":"u-1","resourceVersion":"7","generation":${GENERATION},"creationTimestamp":"2026-11-25T10:00:00Z","deletionGracePeriodSeconds":${GRACE}},"involvedObject":{"kind":"Pod","namespace":"shop","name":"web-1"},"reason":"BackOff","message":"m","type":"Warning","count":1}`;

function parsed(text: string, path: readonly string[]): Record<string, unknown> {
  const value = JSON.parse(text) as Record<string, unknown>;
  keepExactInt64s(value, text, path);
  return value;
}

describe('keepExactInt64s', () => {
  test('a rounded int64 gets its digits; safe, fractional, exponent and out-of-int64 values stay as JSON.parse gives them', () => {
    const meta = (text: string) => parsed(text, ['metadata']).metadata;
    assert.deepEqual(meta(`{"metadata":{"generation":${GENERATION},"deletionGracePeriodSeconds":${GRACE}}}`), { generation: GENERATION, deletionGracePeriodSeconds: GRACE });
    assert.deepEqual(meta('{"metadata":{"generation":9007199254740991,"deletionGracePeriodSeconds":30}}'), { generation: 9007199254740991, deletionGracePeriodSeconds: 30 });
    assert.deepEqual(meta('{"metadata":{"generation":9007199254740993.5,"deletionGracePeriodSeconds":1e300}}'), { generation: 9007199254740994, deletionGracePeriodSeconds: 1e300 });
    assert.deepEqual(meta('{"metadata":{"generation":9223372036854775808}}'), { generation: 9223372036854775808 });
  });

  test('the member JSON.parse kept: the last duplicate, an escaped name; not a nested or quoted look-alike', () => {
    const text = `{"x":{"metadata":{"generation":1}},"message":"\\"generation\\":12345678901234567","metadata":{"labels":{"generation":"9"},"managedFields":[{"generation":99999999999999999}],"generation":11111111111111111,"gen\\u0065ration" : ${GENERATION}}}`;
    assert.equal((parsed(text, ['metadata']).metadata as Record<string, unknown>).generation, GENERATION);
  });

  test('a watch notification: its object\'s metadata', () => {
    const text = `{"type":"ADDED","object":${OBJECT}}`;
    assert.equal(((parsed(text, ['object', 'metadata']).object as KubeEvent).metadata).generation, GENERATION);
  });
});

function watched(line: string, deferEvents: boolean): KubeEvent {
  const events: Array<WatchEvent<WatchedEvent>> = [];
  new WatchLineDecoder<WatchedEvent>(1 << 20, { kind: 'Event', apiVersion: 'v1' }, deferEvents).push(Buffer.from(`${line}\n`), events);
  assert.equal(events.length, 1);
  return wholeEvent(events[0]!.object);
}

describe('int64s beyond ±2^53 from the API server to the sinks', () => {
  const lines = {
    'the API server\'s layout': `{"type":"ADDED","object":{"kind":"Event","apiVersion":"v1",${OBJECT.slice(1)}}`,
    'another layout (parsed whole)': `{"object":{"kind":"Event","apiVersion":"v1",${OBJECT.slice(1)},"type":"ADDED"}`,
  };
  for (const [layout, line] of Object.entries(lines)) {
    for (const deferEvents of [false, true]) {
      test(`a watch line, ${layout}${deferEvents ? ', deferred' : ''}`, () => {
        const e = watched(line, deferEvents);
        assert.equal(e.metadata.generation, GENERATION);
        assert.equal(e.metadata.deletionGracePeriodSeconds, GRACE);
      });
    }
  }

  test('a list item', () => {
    const items: KubeEvent[] = [];
    new ListScanner<KubeEvent>((item) => items.push(item), 1 << 20).push(Buffer.from(`{"kind":"EventList","metadata":{"resourceVersion":"9"},"items":[${OBJECT}]}`));
    assert.equal(items[0]!.metadata.generation, GENERATION);
  });

  test('Go JSON forms: exact, except the map[string]interface{} round trip, which Go rounds to a float64 too', () => {
    const e = watched(lines['the API server\'s layout'], true);
    assert.match(eventJson(e), new RegExp(`"generation":${GENERATION},"creationTimestamp":"2026-11-25T10:00:00Z","deletionGracePeriodSeconds":${GRACE}}`));
    assert.match(eventJsonSorted(e), /"deletionGracePeriodSeconds":-9223372036854776000,"generation":9007199254740992,/);
  });

  test('the log sink\'s JSON line: the Event as sent, numbers exact', () => {
    const e = watched(lines['the API server\'s layout'], false);
    assert.equal(formatJsonLine(e), `${OBJECT}\n`);
    assert.equal(stringifyExact({ metadata: { generation: 5 } }), '{"metadata":{"generation":5}}');
  });

  test('templates print them as Go does', async () => {
    const e = watched(lines['the API server\'s layout'], true);
    const template = '{{ .Generation }}|{{ .DeletionGracePeriodSeconds }}|{{ printf "%d %x %v" .Generation .Generation .ObjectMeta.Generation }}|{{ .GetGeneration }}|{{ json .ObjectMeta }}';
    const c = { id: 'int64', kind: 'template' as const, tz: 'UTC', template, event: e, now: FIXED_NOW, data: 'kube-eventer' as const, funcs: 'extra' as const };
    const [go] = await runOracle([c]);
    assert.equal(go!.error, undefined);
    assert.match(go!.output!, new RegExp(`^${GENERATION}\\|`));
    assert.deepEqual(renderWithEncoder(c), { output: go!.output });
  });
});
