import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EventRecord } from '../event/types.js';
import type { QueueCodec } from './queue.js';
import { freezeEvent } from './freeze.js';

/** Compresses a run of queued records (a backlog behind a slow sink) at zlib's fastest level. */
export const recordCodec: QueueCodec<EventRecord> = {
  encode(items) {
    return deflateRawSync(JSON.stringify(items), { level: 1 });
  },
  decode(bytes) {
    const records = JSON.parse(inflateRawSync(bytes).toString('utf8')) as EventRecord[];
    for (const r of records) {
      freezeEvent(r.event);
      Object.freeze(r);
    }
    return records;
  },
};
