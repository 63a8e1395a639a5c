// Events → CloudEvents as kube-eventer builds them and as its SDK serialises them: a JSON array of
// objects with alphabetically sorted keys, `data` the event's Go JSON (also key-sorted).
import { createHash } from 'node:crypto';
import { goCase } from '../../base/go-case.js';
import { eventJsonSorted } from '../../event/event-json.js';
import { goJsonString } from '../../event/go-json.js';
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
  const singular = goCase(kind, false);
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

/** One CloudEvent's attributes (data aside), in the SDK's key order. */
export interface CloudEventAttributes {
  readonly id: string;
  readonly subject: string;
  readonly time: string;
  readonly type: string;
}

export function cloudEventAttributes(e: Readonly<KubeEvent>, ctx: CloudEventContext, now: () => GoTime = nowGoTime): CloudEventAttributes {
  return {
    id: cloudEventId(e),
    subject: eventSubject(e.involvedObject ?? {}, ctx),
    time: goFormat(utc(lastTimestamp(e, now)), '2006-01-02T15:04:05Z07:00'),
    type: eventType(e.involvedObject?.kind),
  };
}

/** Why an event cannot be sent at all, or undefined. */
export function unsendable(attributes: CloudEventAttributes, encoded: string): string | undefined {
  if (attributes.type.length > CLOUDEVENT_TYPE_MAX) return `CloudEvent type ${JSON.stringify(attributes.type)} is longer than ${CLOUDEVENT_TYPE_MAX} characters`;
  const size = Buffer.byteLength(encoded);
  if (size > CLOUDEVENT_MAX_BYTES) return `CloudEvent is ${size} bytes, over EventBridge's ${CLOUDEVENT_MAX_BYTES}`;
  return undefined;
}

/** The request body for already-encoded events: a JSON array. */
export function putEventsBody(encoded: readonly string[]): string {
  return `[${encoded.join(',')}]`;
}

/**
 * One CloudEvent as kube-eventer's SDK sends it: keys in alphabetical order (the SDK re-encodes
 * through a map), `data` the event's Go JSON with its keys sorted likewise.
 */
export function encodeCloudEvent(e: Readonly<KubeEvent>, ctx: CloudEventContext, now: () => GoTime = nowGoTime): { attributes: CloudEventAttributes; json: string } {
  const a = cloudEventAttributes(e, ctx, now);
  const json =
    `{"aliyuneventbusname":${goJsonString(ctx.eventBusName)},"data":${eventJsonSorted(e)},"datacontenttype":"application/json",` +
    `"id":${goJsonString(a.id)},"source":"acs.cs","specversion":"1.0","subject":${goJsonString(a.subject)},` +
    `"time":${goJsonString(a.time)},"type":${goJsonString(a.type)}}`;
  return { attributes: a, json };
}
