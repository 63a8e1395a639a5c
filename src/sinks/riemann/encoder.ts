// Events → Riemann protobuf `Msg` frames: the fields kube-eventer's Riemann client sends.
import { hostname } from 'node:os';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { isZeroGoTime, nowGoTime, parseKubeTime, type GoTime } from '../../gotime/index.js';
import { ProtoWriter } from '../wire/protobuf.js';

export interface RiemannEventSettings {
  readonly ttl: number;
  readonly tags: readonly string[];
  /** Host for events without source.host (kube-eventer: this machine's name). */
  readonly localHost?: string;
}

const LOCAL_HOST = hostname();

function unixSeconds(s: string | null | undefined): string {
  const t = parseKubeTime(s ?? null);
  return t === null || isZeroGoTime(t) ? '' : String(t.sec);
}

/** kube-eventer's attributes, sorted by key, always all present. */
export function riemannAttributes(e: Readonly<KubeEvent>, now: () => GoTime = nowGoTime): Array<readonly [string, string]> {
  const o = e.involvedObject ?? {};
  return [
    ['api-version', o.apiVersion ?? ''],
    ['component', e.source?.component ?? ''],
    ['field-path', o.fieldPath ?? ''],
    ['first-timestamp', unixSeconds(e.firstTimestamp)],
    ['last-timestamp', String(lastTimestamp(e, now).sec)],
    ['name', o.name ?? ''],
    ['namespace', o.namespace ?? ''],
    ['resource-version', o.resourceVersion ?? ''],
    ['uid', o.uid ?? ''],
  ];
}

/** One `Event`: time (s and µs) of the event, state, service, host, description, tags, ttl, attributes, metric. */
export function encodeRiemannEvent(e: Readonly<KubeEvent>, settings: RiemannEventSettings, now: () => GoTime = nowGoTime): ProtoWriter {
  const t = lastTimestamp(e, now);
  const w = new ProtoWriter(512);
  w.int64(1, t.sec);
  w.string(2, e.type === 'Normal' ? 'ok' : 'warning');
  w.string(3, `${e.involvedObject?.kind ?? ''}.${e.reason ?? ''}`);
  w.string(4, e.source?.host || settings.localHost || LOCAL_HOST);
  if (e.message) w.string(5, e.message);
  for (const tag of settings.tags) w.string(7, tag);
  if (settings.ttl !== 0) w.float(8, settings.ttl);
  for (const [key, value] of riemannAttributes(e, () => t)) w.message(9, new ProtoWriter(key.length + value.length + 8).string(1, key).string(2, value));
  w.int64(10, BigInt(t.sec) * 1_000_000n + BigInt(Math.floor(t.nsec / 1000)));
  w.sint64(13, e.count ?? 0);
  return w;
}

/** A length-prefixed `Msg` (events = field 6) ready for the TCP stream. */
export function encodeRiemannFrame(events: readonly Readonly<KubeEvent>[], settings: RiemannEventSettings, now: () => GoTime = nowGoTime): Buffer {
  const msg = new ProtoWriter(events.length * 512);
  for (const e of events) msg.message(6, encodeRiemannEvent(e, settings, now));
  const body = msg.finish();
  const frame = Buffer.allocUnsafe(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
