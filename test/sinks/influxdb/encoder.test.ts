// The influxdb sink's points, byte for byte: kube-eventer's two layouts, line-protocol escaping, the
// indented Go JSON of the event.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventJsonIndent } from '../../../src/event/event-json.js';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodePoint } from '../../../src/sinks/influxdb/encoder.js';

const SMALL: KubeEvent = {
  metadata: { name: 'a', namespace: 'ns', uid: 'u1', creationTimestamp: '2026-01-02T03:04:05Z', labels: { b: '2', a: '1', '10': 'x', '2': 'y' } },
  involvedObject: { kind: 'Pod', name: 'p', uid: 'pu' },
  reason: 'R',
  message: 'm <x> "q" \\ end',
  source: { host: 'h' },
  lastTimestamp: '2026-01-02T03:04:05Z',
  count: 2,
  type: 'Normal',
};

/** json.MarshalIndent(event, "", " ") of SMALL, written out by hand. */
const SMALL_JSON_INDENT = [
  '{',
  ' "metadata": {',
  '  "name": "a",',
  '  "namespace": "ns",',
  '  "uid": "u1",',
  '  "creationTimestamp": "2026-01-02T03:04:05Z",',
  '  "labels": {',
  '   "10": "x",',
  '   "2": "y",',
  '   "a": "1",',
  '   "b": "2"',
  '  }',
  ' },',
  ' "involvedObject": {',
  '  "kind": "Pod",',
  '  "name": "p",',
  '  "uid": "pu"',
  ' },',
  ' "reason": "R",',
  ' "message": "m \\u003cx\\u003e \\"q\\" \\\\ end",',
  ' "source": {',
  '  "host": "h"',
  ' },',
  ' "firstTimestamp": null,',
  ' "lastTimestamp": "2026-01-02T03:04:05Z",',
  ' "count": 2,',
  ' "type": "Normal",',
  ' "eventTime": null,',
  ' "reportingComponent": "",',
  ' "reportingInstance": ""',
  '}',
].join('\n');

const SMALL_NS = `${Date.UTC(2026, 0, 2, 3, 4, 5)}000000`;

/** Line-protocol string field quoting: backslash and double quote escaped. */
function quoted(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

describe('payload', () => {
  test("kube-eventer's default point: log/events, sorted non-empty tags, the indented Go JSON of the event", () => {
    assert.equal(eventJsonIndent(SMALL), SMALL_JSON_INDENT);
    assert.equal(encodePoint(SMALL, { withFields: false, clusterName: 'default' }), `log/events,cluster_name=default,hostname=h,pod_id=pu,pod_name=p,uid=u1 value=${quoted(SMALL_JSON_INDENT)} ${SMALL_NS}\n`);
  });

  test("withfields=true: events measurement, kube-eventer's tags (no pod_name), message field; escaping", () => {
    const e: KubeEvent = { ...SMALL, reason: 'Back Off', source: { component: 'kube let', host: 'h=1,2' } };
    assert.equal(
      encodePoint(e, { withFields: true, clusterName: 'prod a' }),
      `events,cluster_name=prod\\ a,component=kube\\ let,hostname=h\\=1\\,2,kind=Pod,namespace_name=ns,object_name=p,pod_id=pu,reason=Back\\ Off,type=Normal,uid=u1 message="m <x> \\"q\\" \\\\ end" ${SMALL_NS}\n`,
    );
    const node: KubeEvent = { metadata: { uid: 'n1' }, involvedObject: { kind: 'Node', name: 'n' }, eventTime: '2026-01-02T03:04:05.123456Z' };
    assert.equal(encodePoint(node, { withFields: true, clusterName: 'default' }), `events,cluster_name=default,kind=Node,object_name=n,uid=n1 message="" ${SMALL_NS.slice(0, -9)}123456000\n`);
  });
});
