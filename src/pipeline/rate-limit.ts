/**
 * A sliding-window limiter: at most `limit` sends in any `windowMs`. Exact rather than a token
 * bucket, because robots such as DingTalk count messages per rolling minute and reject the 21st.
 */
export class SlidingWindowLimiter {
  private readonly sent: number[] = [];
  private blockedUntil = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds to wait before the next send is allowed (0 = now). */
  waitMs(): number {
    const t = this.now();
    while (this.sent.length > 0 && this.sent[0]! <= t - this.windowMs) this.sent.shift();
    const windowWait = this.sent.length < this.limit ? 0 : this.sent[0]! + this.windowMs - t + 1;
    return Math.max(windowWait, this.blockedUntil - t, 0);
  }

  record(): void {
    this.sent.push(this.now());
  }

  /** The endpoint said we were too fast: send nothing for `ms`. */
  block(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }
}
