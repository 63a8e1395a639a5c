// Events → Kafka messages, byte for byte what kube-eventer's kafka sink produces as the value:
//   {"EventValue":"<EventJSONIndent>","EventTimestamp":"<RFC3339Nano UTC of the event time>",
//    "EventTags":{"eventID":..,"hostname":..[,"pod_id":..,"pod_name":..]}}
import { eventJsonIndent } from '../../event/event-json.js';
import { goJson } from '../../event/go-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { rfc3339NanoUTC, type GoTime } from '../../gotime/index.js';
import type { KeyMode } from './options.js';

export interface KafkaMessage {
  key: string | null;
  value: string;
}

/** kube-eventer's tags (a Go map, so keys sorted): pod_id/pod_name only for Pods. */
function eventTags(e: Readonly<KubeEvent>): Record<string, string> {
  const tags: Record<string, string> = { eventID: e.metadata.uid ?? '', hostname: e.source?.host ?? '' };
  if (e.involvedObject.kind === 'Pod') {
    tags['pod_id'] = e.involvedObject.uid ?? '';
    tags['pod_name'] = e.involvedObject.name ?? '';
  }
  return tags;
}

/** The message value (UTF-8 JSON text). `now` supplies the event time when the Event has none, as kube-eventer does. */
export function encodeValue(e: Readonly<KubeEvent>, now?: () => GoTime): string {
  return goJson({
    EventValue: eventJsonIndent(e),
    EventTimestamp: rfc3339NanoUTC(lastTimestamp(e, now)),
    EventTags: eventTags(e),
  });
}

/**
 * The message key. kube-eventer sends none (messages spread over partitions); `uid` keeps every
 * update of one Event on one partition, in order; `object` does so for all events of one object.
 */
export function messageKey(e: Readonly<KubeEvent>, mode: KeyMode): string | null {
  switch (mode) {
    case 'none':
      return null;
    case 'uid':
      return e.metadata.uid ?? null;
    case 'object': {
      const o = e.involvedObject;
      return `${o.kind ?? ''}/${o.namespace ?? ''}/${o.name ?? ''}`;
    }
  }
}

export function encodeMessage(e: Readonly<KubeEvent>, mode: KeyMode, now?: () => GoTime): KafkaMessage {
  return { key: messageKey(e, mode), value: encodeValue(e, now) };
}
