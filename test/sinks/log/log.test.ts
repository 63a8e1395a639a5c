import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
process.env.TZ = 'Asia/Shanghai';
const { encodeBatch, formatTextLine } = await import('../../../src/sinks/log/encoder.js');
const { createLogSink } = await import('../../../src/sinks/log/sink.js');
const { parseUri } = await import('../../../src/base/uri.js');
const { makeEvent } = await import('../../helpers/events.js');
const { silentLog } = await import('../../helpers/log.js');
const { Registry } = await import('prom-client');

const ctx = { log: silentLog, metrics: new Registry(), shutdown: new AbortController().signal };

test('text line keeps kube-eventer\'s time, (cnt:N) and message, on one line', () => {
  const e = makeEvent({
    type: 'Warning',
    reason: 'BackOff',
    count: 3,
    message: 'Back-off restarting\nfailed container',
    lastTimestamp: '2026-11-25T10:00:00Z',
    involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-7d9c' },
  });
  assert.equal(formatTextLine(e), 'Warning BackOff Pod shop/web-7d9c   2026-11-25 18:00:00 +0800 CST (cnt:3): Back-off restarting\\nfailed container\n');
});

test('eventTime is used when lastTimestamp is empty; cluster-scoped objects print their name', () => {
  const e = makeEvent({ lastTimestamp: null, eventTime: '2026-11-25T10:00:00.123456Z', involvedObject: { kind: 'Node', name: 'node-1' }, type: 'Normal', reason: 'Starting', count: undefined });
  assert.equal(formatTextLine(e), 'Normal Starting Node node-1   2026-11-25 18:00:00.123456 +0800 CST (cnt:0): Back-off restarting failed container\n');
});

test('json format writes the API object, one per line', () => {
  const a = makeEvent();
  const b = makeEvent();
  const lines = encodeBatch([a, b], 'json').split('\n');
  assert.equal(lines.length, 3);
  assert.deepEqual(JSON.parse(lines[1]!), b);
});

test('options: format validated, unknown options refused', async () => {
  await assert.rejects(createLogSink(parseUri('log:?format=xml', '--sink'), ctx), /option format="xml" must be one of text, json/);
  await assert.rejects(createLogSink(parseUri('log:?fromat=json', '--sink'), ctx), /unknown option "fromat"/);
  const out = new PassThrough();
  const built = await createLogSink(parseUri('log:?format=json&batch_size=5', '--sink'), ctx, out);
  const outcome = await built.sink.send([makeEvent()], new AbortController().signal);
  assert.deepEqual(outcome, { status: 'ok' });
  assert.match(String(out.read()), /^\{"metadata"/);
});
