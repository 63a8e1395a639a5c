import type { EventSummary } from '../event/types.js';
import type { RecentEvent } from './status-page.js';

/** The last `capacity` events the watch delivered, for the status page; a fixed ring, so memory is bounded. */
export class RecentEvents {
  private readonly ring: RecentEvent[] = [];
  private next = 0;

  constructor(private readonly capacity = 50) {}

  add(event: EventSummary, receivedAt = Date.now()): void {
    const message = event.message ?? '';
    const entry: RecentEvent = {
      receivedAt,
      type: event.type ?? '',
      reason: event.reason ?? '',
      namespace: event.involvedObject?.namespace ?? event.metadata.namespace ?? '',
      kind: event.involvedObject?.kind ?? '',
      name: event.involvedObject?.name ?? '',
      // A page row, not an archive: long messages are cut.
      message: message.length > 500 ? `${message.slice(0, 500)}…` : message,
      count: event.count ?? 1,
    };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): RecentEvent[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.reverse();
  }
}
