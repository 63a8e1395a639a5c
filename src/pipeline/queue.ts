/** A bounded FIFO ring buffer; `push` reports what overflowed so the lane can count it. */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(Math.min(capacity, 1024));
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item; when full, evicts per policy and returns the item that was dropped. */
  push(item: T, overflow: 'drop-oldest' | 'drop-newest'): T | undefined {
    let dropped: T | undefined;
    if (this.count >= this.capacity) {
      if (overflow === 'drop-newest') return item;
      dropped = this.shift();
    }
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = item;
    this.count++;
    const waiters = this.waiters;
    if (waiters.length > 0) {
      this.waiters = [];
      for (const wake of waiters) wake();
    }
    return dropped;
  }

  /** Puts items back at the front (a batch to retry), keeping their order; never evicts them. */
  unshiftAll(items: readonly T[]): void {
    while (this.count + items.length > this.items.length) this.grow();
    for (let i = items.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.items.length) % this.items.length;
      this.items[this.head] = items[i];
      this.count++;
    }
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return item;
  }

  take(max: number): T[] {
    const n = Math.min(max, this.count);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = this.shift()!;
    return out;
  }

  /** Resolves once the queue holds at least one item (or at once if it already does). */
  whenNonEmpty(): Promise<void> {
    if (this.count > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter (used on shutdown so idle workers notice). */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.max(1, this.items.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
