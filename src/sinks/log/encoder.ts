import { stringifyExact } from '../../event/exact-int64.js';
import type { KubeEvent } from '../../event/types.js';
import { lastOccurrence, occurrences } from '../../event/occurrence.js';
import { goTimeString } from '../../gotime/index.js';

export type LogFormat = 'text' | 'json';

function oneLine(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

/**
 * One readable line per event, keeping the parts of kube-eventer's log sink people grep for:
 * the event time (Go's time format, local zone), `(cnt:N)` and the message. For events with a series
 * (events.k8s.io/v1 writers) the time and count are the series' last observation and count.
 */
export function formatTextLine(e: KubeEvent): string {
  const obj = e.involvedObject;
  const where = obj.namespace ? `${obj.namespace}/${obj.name ?? ''}` : (obj.name ?? '');
  return `${e.type ?? ''} ${e.reason ?? ''} ${obj.kind ?? ''} ${where}   ${goTimeString(lastOccurrence(e))} (cnt:${occurrences(e)}): ${oneLine(e.message ?? '')}\n`;
}

/** The event exactly as the API server sent it, one JSON object per line. */
export function formatJsonLine(e: KubeEvent): string {
  return stringifyExact(e) + '\n';
}

export function encodeBatch(events: readonly KubeEvent[], format: LogFormat): string {
  const format1 = format === 'json' ? formatJsonLine : formatTextLine;
  let out = '';
  for (const e of events) out += format1(e);
  return out;
}
