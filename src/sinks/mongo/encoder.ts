// kube-eventer's mongo document: its Go struct with omitempty on every field, in this order; times as
// BSON dates (milliseconds). The _id is an ObjectId whose time is the event's and whose other bytes
// come from the event's identity, so a batch sent again after a lost reply does not store it twice.
import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { lastTimestamp } from '../../event/last-timestamp.js';
import type { KubeEvent } from '../../event/types.js';
import { isZeroGoTime, parseKubeTime, type GoTime } from '../../gotime/index.js';

export interface MongoEventDocument {
  _id: ObjectId;
  count?: number;
  namespace?: string;
  kind?: string;
  name?: string;
  type?: string;
  reason?: string;
  message?: string;
  event_id?: string;
  first_occurrence_time?: Date;
  last_occurrence_time?: Date;
}

function date(t: GoTime): Date {
  return new Date(t.sec * 1000 + Math.floor(t.nsec / 1e6));
}

export function documentId(e: KubeEvent, last: GoTime): ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.max(0, Math.min(0xffffffff, last.sec)), 0);
  const md = e.metadata ?? {};
  const identity = md.uid ? `${md.uid}\0${md.resourceVersion ?? ''}\0${e.count ?? 0}\0${e.lastTimestamp ?? ''}\0${e.eventTime ?? ''}` : `${Math.random()}${process.hrtime.bigint()}`;
  createHash('sha256').update(identity).digest().copy(bytes, 4, 0, 8);
  return new ObjectId(bytes);
}

export function encodeDocument(e: KubeEvent, now?: () => GoTime): MongoEventDocument {
  const last = lastTimestamp(e, now);
  const doc: MongoEventDocument = { _id: documentId(e, last) };
  const put = <K extends keyof MongoEventDocument>(key: K, value: MongoEventDocument[K] | undefined | '' | 0) => {
    if (value !== undefined && value !== '' && value !== 0) doc[key] = value as MongoEventDocument[K];
  };
  put('count', e.count);
  put('namespace', e.involvedObject?.namespace);
  put('kind', e.involvedObject?.kind);
  put('name', e.involvedObject?.name);
  put('type', e.type);
  put('reason', e.reason);
  put('message', e.message);
  put('event_id', e.metadata?.uid);
  const first = parseKubeTime(e.firstTimestamp);
  if (first !== null && !isZeroGoTime(first)) doc.first_occurrence_time = date(first);
  if (!isZeroGoTime(last)) doc.last_occurrence_time = date(last);
  return doc;
}
