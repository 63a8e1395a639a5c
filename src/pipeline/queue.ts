/** Turns a run of queued items into bytes and back (used to keep a long backlog compact). */
export interface QueueCodec<T> {
  encode(items: readonly T[]): Buffer;
  decode(bytes: Buffer): T[];
}

export interface QueueOptions<T> {
  /** Items kept as live objects at the head. */
  readonly hotLimit?: number;
  /** Encoding starts only once this many items wait (a short burst stays live and costs no CPU). */
  readonly spillAfter?: number;
  /** Items encoded together in one cold chunk. */
  readonly chunkSize?: number;
  readonly codec?: QueueCodec<T>;
}

/** A growable FIFO ring of live objects. */
class Ring<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(64);
  private head = 0;
  size = 0;

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) % this.items.length] = item;
    this.size++;
  }

  /** Puts items back at the front, in order. */
  unshiftAll(items: readonly T[]): void {
    while (this.size + items.length > this.items.length) this.grow();
    for (let i = items.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.items.length) % this.items.length;
      this.items[this.head] = items[i];
      this.size++;
    }
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return item;
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.max(64, this.items.length * 2));
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}

/**
 * A bounded FIFO; `push` reports what overflowed so the lane can count it. With a codec, a long
 * backlog (a sink that is down) is kept as compressed chunks instead of live objects, so 100,000
 * queued events cost a few MiB rather than hundreds: order is head (live) → cold chunks → tail.
 */
export class BoundedQueue<T> {
  private readonly hot = new Ring<T>();
  private readonly cold: Array<{ bytes: Buffer; count: number }> = [];
  private coldCount = 0;
  private tail: T[] = [];
  private waiters: Array<() => void> = [];
  private readonly hotLimit: number;
  private readonly chunkSize: number;
  private readonly spillAfter: number;

  constructor(
    readonly capacity: number,
    private readonly options: QueueOptions<T> = {},
  ) {
    this.hotLimit = options.codec ? (options.hotLimit ?? 512) : Infinity;
    this.chunkSize = options.chunkSize ?? 512;
    // A live Event costs a few KiB of heap; past a few thousand, compressed chunks keep 100,000 under 100 MiB.
    this.spillAfter = options.spillAfter ?? 2048;
  }

  get size(): number {
    return this.hot.size + this.coldCount + this.tail.length;
  }

  /** Adds an item; when full, evicts per policy and returns the item that was dropped. */
  push(item: T, overflow: 'drop-oldest' | 'drop-newest'): T | undefined {
    let dropped: T | undefined;
    if (this.size >= this.capacity) {
      if (overflow === 'drop-newest') return item;
      dropped = this.shift();
    }
    if (this.coldCount === 0 && this.tail.length === 0 && this.hot.size < this.hotLimit) this.hot.push(item);
    else {
      this.tail.push(item);
      if (this.tail.length >= this.chunkSize && (this.cold.length > 0 || this.size > this.spillAfter)) this.seal();
    }
    const waiters = this.waiters;
    if (waiters.length > 0) {
      this.waiters = [];
      for (const wake of waiters) wake();
    }
    return dropped;
  }

  shift(): T | undefined {
    if (this.hot.size === 0) this.refill();
    return this.hot.shift();
  }

  /** Returns items taken but not sent (deferred) to the front; they are never evicted for it. */
  unshiftAll(items: readonly T[]): void {
    this.hot.unshiftAll(items);
  }

  take(max: number): T[] {
    const out: T[] = [];
    while (out.length < max) {
      const item = this.shift();
      if (item === undefined) break;
      out.push(item);
    }
    return out;
  }

  /** Discards every item and returns how many there were: stored chunks are dropped without being decoded. */
  clear(): number {
    const count = this.size;
    while (this.hot.shift() !== undefined);
    this.cold.length = 0;
    this.coldCount = 0;
    this.tail = [];
    return count;
  }

  /** Resolves once the queue holds at least one item (or at once if it already does). */
  whenNonEmpty(): Promise<void> {
    if (this.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (used on shutdown so idle workers notice). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private seal(): void {
    while (this.tail.length >= this.chunkSize) {
      const items = this.tail.splice(0, this.chunkSize);
      this.cold.push({ bytes: this.options.codec!.encode(items), count: items.length });
      this.coldCount += items.length;
    }
  }

  /** Moves the oldest stored items into the live head. */
  private refill(): void {
    const chunk = this.cold.shift();
    if (chunk !== undefined) {
      this.coldCount -= chunk.count;
      for (const item of this.options.codec!.decode(chunk.bytes)) this.hot.push(item);
      return;
    }
    const tail = this.tail;
    this.tail = [];
    for (const item of tail) this.hot.push(item);
  }
}
