// Compares each payload our sinks build from an Event with the Go oracle's form of it (differential
// fuzzing, test/event/event-payload-fuzz.*). Our side parses the line as the watch does (JSON.parse).
import { eventJson, eventJsonIndent, eventJsonSorted } from '../../src/event/event-json.js';
import { lastTimestamp } from '../../src/event/last-timestamp.js';
import type { KubeEvent } from '../../src/event/types.js';
import { loadLocation, parseKubeTime, setLocalLocation } from '../../src/gotime/index.js';
import { encodeDocument } from '../../src/sinks/elasticsearch/encoder.js';
import { encodeValue } from '../../src/sinks/kafka/encoder.js';
import { encodeRow } from '../../src/sinks/mysql/encoder.js';
import { goEventFormsOfJson, type GoEventForms } from '../fixtures/event-json-oracle/oracle.js';

export interface Mismatch {
  readonly line: number;
  readonly form: string;
  readonly go: string;
  readonly ours: string;
}

/** The event time of Events with neither lastTimestamp nor eventTime. */
export const FUZZ_NOW = '2026-12-06T03:30:00.123456789Z';

type Forms = Omit<GoEventForms, 'error'>;

function ourForms(line: string): Forms {
  const e = JSON.parse(line) as KubeEvent;
  const now = () => parseKubeTime(FUZZ_NOW)!;
  const row = encodeRow(e, 'kube-eventer', now);
  return {
    compact: eventJson(e),
    indent: eventJsonIndent(e),
    sorted: eventJsonSorted(e),
    es: encodeDocument(e, { index: 'heapster', clusterName: 'default', useNamespace: false, dataStream: false }, lastTimestamp(e, now)),
    kafkaValue: encodeValue(e, now),
    mysqlFirst: String(row[7]),
    mysqlLast: String(row[8]),
  };
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
    for (const form of Object.keys(ours) as Array<keyof Forms>) {
      if (ours[form] !== g[form]) out.push({ line: i, form, go: g[form], ours: ours[form] });
    }
  });
  return out;
}
