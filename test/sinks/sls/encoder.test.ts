// sls encoder: kube-eventer's contents per log (eventId = Go's indented event JSON), the protobuf
// Log/LogGroup decoded independently with protobufjs, and the split under PutLogs' limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTimeFromUnix, UTC } from '../../../src/gotime/index.js';
import { encodeLog, encodeLogGroup, planRequests, slsContents, SLS_MAX_LOGS, SLS_MAX_RAW_BYTES } from '../../../src/sinks/sls/encoder.js';
import { LogGroupType } from '../../fixtures/aliyun/sls.js';
import { goEventJson } from '../../fixtures/event-json-oracle/oracle.js';
import { sampleEvent } from '../data/sample-events.js';

const pod = sampleEvent(0);
const node = sampleEvent(1);

test('contents: eventId, hostname, level, pod_id/pod_name for Pods only, then labels in order', async () => {
  const [goPod, goNode] = await goEventJson([pod, node]);
  assert.deepEqual(slsContents(pod, [['cluster', 'c1'], ['env', 'prod']]), [
    ['eventId', goPod!.indent],
    ['hostname', 'cn-hangzhou.192.168.0.0'],
    ['level', 'Warning'],
    ['pod_id', pod.involvedObject.uid],
    ['pod_name', 'pod-0'],
    ['cluster', 'c1'],
    ['env', 'prod'],
  ]);
  assert.deepEqual(slsContents(node, []), [
    ['eventId', goNode!.indent],
    ['hostname', 'cn-hangzhou.192.168.0.1'],
    ['level', 'Normal'],
  ]);
});

test('Log and LogGroup decode with protobufjs: Time = the event time in seconds (now when the event has none), topic, empty source', () => {
  const timeless = { ...node, lastTimestamp: null, firstTimestamp: null, eventTime: null };
  const now = () => goTimeFromUnix(1_800_000_000, 999_000_000, UTC);
  const group = encodeLogGroup([encodeLog(pod, [['k', 'v']]), encodeLog(timeless, [], now)], 'k8s-topic');
  const decoded = LogGroupType.toObject(LogGroupType.decode(group), { defaults: true }) as { Logs: Array<{ Time: number; Contents: Array<{ Key: string; Value: string }> }>; Topic: string; Source: string };
  assert.equal(decoded.Topic, 'k8s-topic');
  assert.equal(decoded.Source, '');
  assert.equal(decoded.Logs[0]!.Time, Date.parse(pod.lastTimestamp!) / 1000);
  assert.equal(decoded.Logs[1]!.Time, 1_800_000_000);
  assert.deepEqual(decoded.Logs[0]!.Contents.map((c) => c.Key), ['eventId', 'hostname', 'level', 'pod_id', 'pod_name', 'k']);
  assert.equal(group.length, encodeLog(pod, [['k', 'v']]).length + encodeLog(timeless, [], now).length + 2 * 3 + 'k8s-topic'.length + 2 + 2);
});

test('planRequests: at most 4096 logs and the byte target per request; exact sizes; a log too large alone is set apart', () => {
  const many = planRequests(new Array<number>(10_000).fill(100), '');
  assert.deepEqual(many.requests.map((r) => r.length), [SLS_MAX_LOGS, SLS_MAX_LOGS, 10_000 - 2 * SLS_MAX_LOGS]);
  const big = planRequests([3_000_000, 3_000_000, 3_000_000, SLS_MAX_RAW_BYTES, 10], 't', 4 * 1024 * 1024);
  assert.deepEqual(big.requests, [[0], [1], [2, 4]]);
  assert.deepEqual(big.oversized, [3]);
  // The raw size of what is planned never exceeds the target.
  const sizes = Array.from({ length: 500 }, (_, i) => 1000 + ((i * 7919) % 50_000));
  for (const r of planRequests(sizes, 'topic', 1_000_000).requests) {
    const raw = encodeLogGroup(r.map((i) => Buffer.alloc(sizes[i]!)), 'topic').length;
    assert.ok(raw <= 1_000_000, `${raw}`);
  }
});
