// Events → CloudEvents as kube-eventer builds them and as its SDK serialises them: a JSON array of
// objects with alphabetically sorted keys, `data` the event's Go JSON (also key-sorted).
import { createHash } from 'node:crypto';
import { eventJsonValue, sortKeysDeep, type Json } from '../../event/event-json.js';
import { goJson } from '../../event/go-json.js';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent, ObjectReference } from '../../event/types.js';
import { goFormat, nowGoTime, utc, type GoTime } from '../../gotime/index.js';

/** The SDK refuses a longer `type` (kube-eventer then loses the whole request). */
export const CLOUDEVENT_TYPE_MAX = 64;
/** EventBridge's limit for one event. */
export const CLOUDEVENT_MAX_BYTES = 256 * 1024;
/** kube-eventer's events per PutEvents request. */
export const EVENTS_PER_REQUEST = 4;

export interface CloudEventContext {
  readonly region: string;
  readonly accountId: string;
  readonly clusterId: string;
  readonly eventBusName: string;
}

/** apimachinery's UnsafeGuessKindToResource, as kube-eventer's subject uses it. */
export function guessResource(kind: string): string {
  if (kind === '') return '';
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/** `acs:cs:<region>:<account>:<cluster>/apis/<apiVersion>/namespaces/<ns>/<resource>/<name>`. */
export function eventSubject(o: Readonly<ObjectReference>, ctx: CloudEventContext): string {
  let version = o.apiVersion ?? '';
  if (version.includes('.') && !version.includes('/')) version = `${version}/versionUnknown`;
  return `acs:cs:${ctx.region}:${ctx.accountId}:${ctx.clusterId}/apis/${version}/namespaces/${o.namespace ?? ''}/${guessResource(o.kind ?? '')}/${o.name ?? ''}`;
}

export function eventType(kind: string | undefined): string {
  return kind ? `cs:k8s:${kind}RelatedEvent` : 'cs:k8s:UnknownTypeEvent';
}

/**
 * A stable CloudEvents id for one version of an Event (name-based UUID from its uid and
 * resourceVersion): a retried request repeats the same id, so consumers can drop the duplicate.
 */
export function cloudEventId(e: Readonly<KubeEvent>): string {
  const h = createHash('sha1').update(`${e.metadata?.uid ?? ''}/${e.metadata?.resourceVersion ?? ''}/${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** One CloudEvent as the SDK sends it (keys sorted). */
export function cloudEvent(e: Readonly<KubeEvent>, ctx: CloudEventContext, now: () => GoTime = nowGoTime): Record<string, Json> {
  return {
    aliyuneventbusname: ctx.eventBusName,
    data: sortKeysDeep(eventJsonValue(e)),
    datacontenttype: 'application/json',
    id: cloudEventId(e),
    source: 'acs.cs',
    specversion: '1.0',
    subject: eventSubject(e.involvedObject ?? {}, ctx),
    time: goFormat(utc(lastTimestamp(e, now)), '2006-01-02T15:04:05Z07:00'),
    type: eventType(e.involvedObject?.kind),
  };
}

/** Why an event cannot be sent at all, or undefined. */
export function unsendable(event: Record<string, Json>, encoded: string): string | undefined {
  const type = event.type as string;
  if (type.length > CLOUDEVENT_TYPE_MAX) return `CloudEvent type ${JSON.stringify(type)} is longer than ${CLOUDEVENT_TYPE_MAX} characters`;
  const size = Buffer.byteLength(encoded);
  if (size > CLOUDEVENT_MAX_BYTES) return `CloudEvent is ${size} bytes, over EventBridge's ${CLOUDEVENT_MAX_BYTES}`;
  return undefined;
}

/** The request body for already-encoded events: a JSON array. */
export function putEventsBody(encoded: readonly string[]): string {
  return `[${encoded.join(',')}]`;
}

export function encodeCloudEvent(e: Readonly<KubeEvent>, ctx: CloudEventContext, now: () => GoTime = nowGoTime): { value: Record<string, Json>; json: string } {
  const value = cloudEvent(e, ctx, now);
  return { value, json: goJson(value) };
}
