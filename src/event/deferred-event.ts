import { keepExactInt64s, OWN_METADATA } from './exact-int64.js';
import type { EventSummary, KubeEvent } from './types.js';

/**
 * An Event from the watch whose summary was read from its bytes and whose whole object is parsed
 * only when a sink takes it: a filtered daemon drops most events before that. The bytes were checked
 * to be valid JSON when the summary was read. Not a KubeEvent (no involvedObject of its own), so the
 * compiler keeps it from reaching a sink unparsed.
 */
export class DeferredEvent {
  private parsed: KubeEvent | undefined;

  constructor(
    readonly summary: EventSummary,
    /** The object's members after its TypeMeta, up to and with its closing brace. */
    private bytes: Buffer | undefined,
    private readonly from: number,
    private readonly to: number,
  ) {}

  /** The watch's bookkeeping reads only uid and resourceVersion, which the summary has. */
  get metadata(): EventSummary['metadata'] {
    return this.summary.metadata;
  }

  /** The whole Event, parsed on the first call. */
  whole(): KubeEvent {
    if (this.parsed === undefined) {
      const text = `{${this.bytes!.toString('utf8', this.from, this.to)}`;
      this.parsed = JSON.parse(text) as KubeEvent;
      keepExactInt64s(this.parsed, text, OWN_METADATA);
      // null or absent: the empty ObjectReference Go decodes (the summary has it too).
      this.parsed.involvedObject ??= {};
      this.bytes = undefined;
    }
    return this.parsed;
  }
}

/** An Event as the watch hands it on: parsed whole (lists, other layouts) or deferred. */
export type WatchedEvent = KubeEvent | DeferredEvent;

export function summaryOf(event: WatchedEvent): EventSummary {
  return event instanceof DeferredEvent ? event.summary : event;
}

export function wholeEvent(event: WatchedEvent): KubeEvent {
  return event instanceof DeferredEvent ? event.whole() : event;
}
