import type { EventSummary } from '../event/types.js';
import type { RecentEvent } from './status-page.js';

/**
 * The last `capacity` events the watch delivered, for the status page; a fixed ring, so memory is
 * bounded. The events themselves are kept and turned into rows only when the page is shown: the watch
 * adds every event, the page is read rarely.
 */
export class RecentEvents {
  private readonly events: EventSummary[] = [];
  private readonly receivedAt: Float64Array;
  private next = 0;

  constructor(private readonly capacity = 50) {
    this.receivedAt = new Float64Array(capacity);
  }

  add(event: EventSummary, receivedAt = Date.now()): void {
    this.events[this.next] = event;
    this.receivedAt[this.next] = receivedAt;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): RecentEvent[] {
    const rows: RecentEvent[] = [];
    for (let k = 1; k <= this.events.length; k++) {
      const slot = (this.next - k + this.capacity) % this.capacity;
      rows.push(row(this.events[slot]!, this.receivedAt[slot]!));
    }
    return rows;
  }
}

function row(event: EventSummary, receivedAt: number): RecentEvent {
  const message = event.message ?? '';
  return {
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
}
