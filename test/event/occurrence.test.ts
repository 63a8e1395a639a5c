import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastOccurrence, occurrences, seriesCount } from '../../src/event/occurrence.js';
import type { EventRecord, KubeEvent } from '../../src/event/types.js';
import { goTimeFromUnix, localFromEnv, rfc3339NanoUTC, setLocalLocation, UTC, type GoTime } from '../../src/gotime/index.js';
import { RepeatCollapser } from '../../src/pipeline/repeats.js';
import { assertSeriesShown, ownFormats } from '../sinks/chat/series-formats.js';
import { podEvent } from '../helpers/events.js';

setLocalLocation(localFromEnv({ TZ: 'Asia/Shanghai' }));
const fixedNow: GoTime = goTimeFromUnix(1_700_000_000, 0, UTC);
const now = () => fixedNow;

/** As an events.k8s.io/v1 writer leaves it in the core/v1 view: count 0 or 1, no lastTimestamp. */
const seriesEvent: KubeEvent = podEvent({
  count: 1,
  firstTimestamp: null,
  lastTimestamp: null,
  eventTime: '2024-03-05T06:07:09.123456Z',
  series: { count: 7, lastObservedTime: '2024-03-05T06:19:10.654321Z' },
  reason: 'FailedScheduling',
});

test('occurrences and lastOccurrence prefer the series; without one they are count and kube-eventer\'s time', () => {
  assert.equal(seriesCount(seriesEvent), 7);
  assert.equal(occurrences(seriesEvent), 7);
  assert.equal(rfc3339NanoUTC(lastOccurrence(seriesEvent, now)), '2024-03-05T06:19:10.654321Z');
  const plain = podEvent({ count: 3 });
  assert.equal(seriesCount(plain), undefined);
  assert.equal(occurrences(plain), 3);
  assert.equal(rfc3339NanoUTC(lastOccurrence(plain, now)), '2024-03-05T06:07:09Z');
  assert.equal(occurrences(podEvent({ count: undefined })), 0);
  assert.equal(occurrences(podEvent({ series: { count: 0 } })), 3, 'an empty series does not hide count');
});

test('every format of ours shows the series count and last observation', () => {
  assertSeriesShown(seriesEvent, 7, '2024-03-05T06:19:10.654321Z', now);
});

test('without a series the formats are unchanged: kube-eventer\'s robot texts carry no Count line', () => {
  const f = ownFormats(podEvent({ count: 3 }), now);
  assert.equal(f.wechat, 'Level:Warning \nKind:Pod \nNamespace:team \nName:web-0.17a1b2c3d4e5f6a7 \nReason:BackOff \nTimestamp:2024-03-05 14:07:09 +0800 CST \nMessage:Back-off restarting failed container web in pod web-0');
  assert.ok(!f.dingtalkMarkdown.includes('Count:'));
  assert.ok(f.log.includes('(cnt:3)'));
  assert.ok(f.slack.includes('count 3'));
  assert.ok(!f.summary.includes('(count'));
});

test('repeat collapsing holds the repeat with the highest series count, even when updates arrive out of order', () => {
  const sent: EventRecord[] = [];
  const collapsed: EventRecord[] = [];
  let t = 0;
  const collapser = new RepeatCollapser(1000, (r) => sent.push(r), (r) => collapsed.push(r), () => t);
  const record = (count: number): EventRecord => ({ event: { ...seriesEvent, series: { count, lastObservedTime: seriesEvent.series!.lastObservedTime } } }) as EventRecord;
  collapser.offer(record(2));
  collapser.offer(record(5));
  collapser.offer(record(4)); // a late update with a lower count
  t = 2000;
  collapser.sweep();
  assert.deepEqual(sent.map((r) => r.event.series!.count), [2, 5]);
  assert.deepEqual(collapsed.map((r) => r.event.series!.count), [4]);
  collapser.flush();
});
