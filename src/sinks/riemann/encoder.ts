// Events → Riemann protobuf `Msg` frames: the fields kube-eventer's Riemann client sends.
import { hostname } from 'node:os';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { isZeroGoTime, parseKubeTime } from '../../gotime/index.js';
import { ProtoWriter } from '../wire/protobuf.js';

export interface RiemannEventSettings {
  readonly ttl: number;
  readonly tags: readonly string[];
}

const LOCAL_HOST = hostname();

function unixSeconds(s: string | null | undefined): string {
  const t = parseKubeTime(s ?? null);
  return t === null || isZeroGoTime(t) ? '' : String(t.sec);
}

/** kube-eventer's attributes, sorted by key, always all present. */
export function riemannAttributes(e: Readonly<KubeEvent>): Array<readonly [string, string]> {
  const o = e.involvedObject ?? {};
  return [
    ['api-version', o.apiVersion ?? ''],
    ['component', e.source?.component ?? ''],
    ['field-path', o.fieldPath ?? ''],
    ['first-timestamp', unixSeconds(e.firstTimestamp)],
    ['last-timestamp', String(lastTimestamp(e).sec)],
    ['name', o.name ?? ''],
    ['namespace', o.namespace ?? ''],
    ['resource-version', o.resourceVersion ?? ''],
    ['uid', o.uid ?? ''],
  ];
}

/** One `Event`: time (s and µs) of the event, state, service, host, description, tags, ttl, attributes, metric. */
export function encodeRiemannEvent(e: Readonly<KubeEvent>, settings: RiemannEventSettings): ProtoWriter {
  const t = lastTimestamp(e);
  const w = new ProtoWriter(512);
  w.int64(1, t.sec);
  w.string(2, e.type === 'Normal' ? 'ok' : 'warning');
  w.string(3, `${e.involvedObject?.kind ?? ''}.${e.reason ?? ''}`);
  w.string(4, e.source?.host || LOCAL_HOST);
  if (e.message) w.string(5, e.message);
  for (const tag of settings.tags) w.string(7, tag);
  if (settings.ttl !== 0) w.float(8, settings.ttl);
  for (const [key, value] of riemannAttributes(e)) w.message(9, new ProtoWriter(key.length + value.length + 8).string(1, key).string(2, value));
  w.int64(10, BigInt(t.sec) * 1_000_000n + BigInt(Math.floor(t.nsec / 1000)));
  w.sint64(13, e.count ?? 0);
  return w;
}

/** A length-prefixed `Msg` (events = field 6) ready for the TCP stream. */
export function encodeRiemannFrame(events: readonly Readonly<KubeEvent>[], settings: RiemannEventSettings): Buffer {
  const msg = new ProtoWriter(events.length * 512);
  for (const e of events) msg.message(6, encodeRiemannEvent(e, settings));
  const body = msg.finish();
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
