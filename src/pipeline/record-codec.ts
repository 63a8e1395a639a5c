import { createRequire } from 'node:module';
import type { EventRecord } from '../event/types.js';
import type { QueueCodec } from './queue.js';
import { freezeEvent } from './freeze.js';

type Zlib = typeof import('node:zlib');
let zlib: Zlib | undefined;
/** zlib is loaded once a backlog spills, not at start: most daemons never need it. */
const loadZlib = (): Zlib => (zlib ??= createRequire(import.meta.url)('node:zlib') as Zlib);

/** Compresses a run of queued records (a backlog behind a slow sink) at zlib's fastest level. */
export const recordCodec: QueueCodec<EventRecord> = {
  encode(items) {
    return loadZlib().deflateRawSync(JSON.stringify(items), { level: 1 });
  },
  decode(bytes) {
    const records = JSON.parse(loadZlib().inflateRawSync(bytes).toString('utf8')) as EventRecord[];
    for (const r of records) {
      freezeEvent(r.event);
      Object.freeze(r);
    }
    return records;
  },
};
