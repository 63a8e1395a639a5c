// Compares each payload our sinks build from an Event with the Go oracle's form of it (differential
// fuzzing, test/event/event-payload-fuzz.*). Our side parses the line as the watch does (JSON.parse with
// int64s kept exact, then what the watch makes of a parsed Event).
import { eventJson, eventJsonIndent, eventJsonSorted } from '../../src/event/event-json.js';
import { lastTimestamp } from '../../src/event/last-timestamp.js';
import { lastOccurrence } from '../../src/event/occurrence.js';
import { keepExactInt64s } from '../../src/event/exact-int64.js';
import type { KubeEvent } from '../../src/event/types.js';
import { asTyped } from '../../src/kube/watcher.js';
import { goTimeString, loadLocation, parseKubeTime, setLocalLocation } from '../../src/gotime/index.js';
import { encodeDocument, indexName } from '../../src/sinks/elasticsearch/encoder.js';
import { cloudEventAttributes } from '../../src/sinks/eventbridge/encoder.js';
import { honeycombEvent } from '../../src/sinks/honeycomb/encoder.js';
import { encodePoint } from '../../src/sinks/influxdb/encoder.js';
import { encodeValue } from '../../src/sinks/kafka/encoder.js';
import { encodeDocument as mongoDocument } from '../../src/sinks/mongo/encoder.js';
import { encodeRow } from '../../src/sinks/mysql/encoder.js';
import { riemannAttributes } from '../../src/sinks/riemann/encoder.js';
import { encodeLog } from '../../src/sinks/sls/encoder.js';
import { goEventFormsOfJson, type GoEventForms } from '../fixtures/event-json-oracle/oracle.js';

export interface Mismatch {
  readonly line: number;
  readonly form: string;
  readonly go: string;
  readonly ours: string;
}

/** The event time of Events with neither lastTimestamp nor eventTime. */
export const FUZZ_NOW = '2026-12-06T03:30:00.123456789Z';

type Forms = Record<string, string>;

/** The Log's first field, its time (tag 0x08, then a varint). */
function slsLogTime(log: Buffer): string {
  let value = 0;
  for (let i = 1, shift = 1; ; i++, shift *= 128) {
    value += (log[i]! & 0x7f) * shift;
    if (log[i]! < 0x80) return String(value);
  }
}

function goForms(g: GoEventForms): Forms {
  return {
    compact: g.compact, indent: g.indent, sorted: g.sorted, es: g.es, kafkaValue: g.kafkaValue, mysqlFirst: g.mysqlFirst, mysqlLast: g.mysqlLast,
    influx: g.influx, influxWithFields: g.influxWithFields, eventbridge: [g.ebSubject, g.ebType, g.ebTime].join('\n'), slsTime: String(g.slsTime),
    honeycomb: `{"data":${g.honeycombData},"time":${g.honeycombTime}}`, riemann: [g.riemannService, g.riemannFirst, g.riemannLast].join('\n'),
    mongo: [g.mongoFirst, g.mongoLast].join('\n'),
    esIndex: g.esIndex,
    logTime: g.mysqlLast,
  };
}

const CLOUD_EVENT_CONTEXT = { region: 'cn-hangzhou', accountId: '1234', clusterId: 'c1', eventBusName: 'default' };

function ourForms(line: string): Forms {
  const parsed: unknown = JSON.parse(line);
  keepExactInt64s(parsed, line, ['metadata']);
  const e = asTyped(parsed as KubeEvent) as KubeEvent;
  const now = () => parseKubeTime(FUZZ_NOW)!;
  const row = encodeRow(e, 'kube-eventer', now);
  const eb = cloudEventAttributes(e, CLOUD_EVENT_CONTEXT, now);
  const attributes = new Map(riemannAttributes(e, now));
  const mongo = mongoDocument(e, now);
  const forms: Forms = {
    compact: eventJson(e),
    indent: eventJsonIndent(e),
    sorted: eventJsonSorted(e),
    es: encodeDocument(e, { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false }, lastTimestamp(e, now)),
    kafkaValue: encodeValue(e, now),
    mysqlFirst: String(row[7]),
    mysqlLast: String(row[8]),
    influx: encodePoint(e, { withFields: false, clusterName: 'default' }, now).slice(0, -1),
    influxWithFields: encodePoint(e, { withFields: true, clusterName: 'default' }, now).slice(0, -1),
    eventbridge: [eb.subject, eb.type, eb.time].join('\n'),
    slsTime: slsLogTime(encodeLog(e, [], now)),
    honeycomb: honeycombEvent(e, now),
    riemann: [`${e.involvedObject.kind ?? ''}.${e.reason ?? ''}`, attributes.get('first-timestamp'), attributes.get('last-timestamp')].join('\n'),
    mongo: [mongo.first_occurrence_time?.getTime() ?? '', mongo.last_occurrence_time?.getTime() ?? ''].join('\n'),
    esIndex: indexName(e, { index: 'heapster', clusterName: 'default', useNamespace: true, dataStream: false }, lastTimestamp(e, now)),
  };
  // The log sink's time; with a series it deliberately shows the series' last observation.
  if (!e.series) forms.logTime = goTimeString(lastOccurrence(e, now));
  return forms;
}

/** Every form that differs, for lines Go decodes (a line Go rejects never reaches a sink). */
export async function payloadMismatches(lines: readonly string[], tz: string): Promise<Mismatch[]> {
  setLocalLocation(loadLocation(tz)!);
  const go = await goEventFormsOfJson(lines, { tz, now: FUZZ_NOW });
  const out: Mismatch[] = [];
  lines.forEach((line, i) => {
    const g = go[i]!;
    if (g.error !== undefined) return;
    let ours: Forms;
    try {
      ours = ourForms(line);
    } catch (err) {
      out.push({ line: i, form: 'exception', go: '', ours: String(err) });
      return;
    }
    const expected = goForms(g);
    for (const form of Object.keys(ours)) {
      // What reaches a sink is UTF-8, where a lone surrogate is U+FFFD as in Go.
      if (Buffer.from(ours[form]!).toString() !== expected[form]) out.push({ line: i, form, go: expected[form]!, ours: ours[form]! });
    }
  });
  return out;
}
