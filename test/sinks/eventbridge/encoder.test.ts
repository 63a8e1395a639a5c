// eventbridge encoder: kube-eventer's subject/type rules (its own test vectors), the CloudEvent as its
// SDK serialises it (data byte-identical to Go's map round trip), stable ids, unsendable events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTimeFromUnix, UTC } from '../../../src/gotime/index.js';
import { cloudEventId, encodeCloudEvent, eventSubject, eventType, guessResource, putEventsBody, unsendable } from '../../../src/sinks/eventbridge/encoder.js';
import { goEventJson } from '../../fixtures/event-json-oracle/oracle.js';
import { sampleEvent } from '../data/sample-events.js';

test('eventbridge: kube-eventer\'s own test vectors (subject, type, plural rules)', () => {
  const ctx = { region: 'cn-hangzhou', accountId: '15210987', clusterId: '123', eventBusName: 'default' };
  assert.equal(eventSubject({ kind: 'Pod', namespace: 'my-namespace', name: 'my-pod', apiVersion: 'v1' }, ctx), 'acs:cs:cn-hangzhou:15210987:123/apis/v1/namespaces/my-namespace/pods/my-pod');
  assert.equal(eventType('Pod'), 'cs:k8s:PodRelatedEvent');
  assert.equal(eventType(''), 'cs:k8s:UnknownTypeEvent');
  assert.deepEqual(['Endpoints', 'Ingress', 'NetworkPolicy', 'Node', ''].map(guessResource), ['endpoints', 'ingresses', 'networkpolicies', 'nodes', '']);
});


test('one CloudEvent, byte for byte', async () => {
  const e = sampleEvent(5); // a VolumeSnapshot: apiVersion without '/', so /versionUnknown
  const [go] = await goEventJson([e]);
  const ctx = { region: 'cn-shanghai', accountId: '1234567890', clusterId: 'c9', eventBusName: 'k8s' };
  const { json } = encodeCloudEvent(e, ctx);
  assert.equal(
    json,
    `{"aliyuneventbusname":"k8s","data":${go!.sorted},"datacontenttype":"application/json","id":"${cloudEventId(e)}","source":"acs.cs","specversion":"1.0",` +
      `"subject":"acs:cs:cn-shanghai:1234567890:c9/apis/snapshot.storage.k8s.io/versionUnknown/namespaces/data/volumesnapshots/volumesnapshot-5",` +
      `"time":"${e.lastTimestamp}","type":"cs:k8s:VolumeSnapshotRelatedEvent"}`,
  );
  assert.equal(putEventsBody([json, json]), `[${json},${json}]`);
  const timeless = { ...e, lastTimestamp: null, eventTime: null };
  const t = encodeCloudEvent(timeless, ctx, () => goTimeFromUnix(1_800_000_000, 5, UTC)).attributes.time;
  assert.equal(t, '2027-01-15T08:00:00Z');
});

test('ids: stable for one version of an Event, different for another version or Event', () => {
  const e = sampleEvent(1);
  assert.equal(cloudEventId(e), cloudEventId({ ...e }));
  assert.notEqual(cloudEventId(e), cloudEventId({ ...e, metadata: { ...e.metadata, resourceVersion: '999999' } }));
  assert.notEqual(cloudEventId(e), cloudEventId(sampleEvent(2)));
});

test('unsendable: a type over 64 characters, a CloudEvent over 256 KiB', () => {
  const ctx = { region: 'cn-hangzhou', accountId: '1', clusterId: 'c', eventBusName: 'default' };
  const long = encodeCloudEvent({ ...sampleEvent(1), involvedObject: { kind: 'X'.repeat(50) } }, ctx);
  assert.match(unsendable(long.attributes, long.json) ?? '', /longer than 64/);
  const huge = encodeCloudEvent({ ...sampleEvent(1), message: 'm'.repeat(300 * 1024) }, ctx);
  assert.match(unsendable(huge.attributes, huge.json) ?? '', /over EventBridge's 262144/);
  const fine = encodeCloudEvent(sampleEvent(1), ctx);
  assert.equal(unsendable(fine.attributes, fine.json), undefined);
});
