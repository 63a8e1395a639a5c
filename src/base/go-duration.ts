// Go time.Duration parsing and printing, for flags such as --frequency (kube-eventer prints them in
// its messages, e.g. "supplied 1m30s").

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_MAGNITUDE = 1n << 63n;

/** Go's time.ParseDuration in nanoseconds (the nearest double beyond 2^53); undefined as parseGoDurationNs. */
export function parseGoDuration(text: string): number | undefined {
  const ns = parseGoDurationNs(text);
  return ns === undefined ? undefined : Number(ns);
}

/** Go's time.ParseDuration, exact; undefined when the text is not a duration or lies outside int64. */
export function parseGoDurationNs(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/.exec(s)!;
    const [whole = '', fraction] = [m[1], m[2]];
    if (whole === '' && !fraction) return undefined;
    const unit = UNIT_NS[m[3]!];
    if (unit === undefined) return undefined;
    const wholeValue = BigInt(whole || '0');
    if (wholeValue > MAX_MAGNITUDE) return undefined;
    let value = wholeValue * unit;
    if (wholeValue > MAX_MAGNITUDE / unit) return undefined;
    if (fraction) {
      // As Go: digits while they fit in int64, scaled in float64, truncated to whole nanoseconds.
      let f = 0n;
      let scale = 1;
      for (const digit of fraction) {
        const next = f * 10n + BigInt(digit);
        if (next > MAX_MAGNITUDE) break;
        f = next;
        scale *= 10;
      }
      value += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (value > MAX_MAGNITUDE) return undefined;
    }
    total += value;
    if (total > MAX_MAGNITUDE) return undefined;
    s = s.slice(m[0].length);
  }
  if (!negative && total === MAX_MAGNITUDE) return undefined;
  return negative ? -total : total;
}

/** Go's Duration.String(): `1m30s`, `3m0s`, `500ms`, `1.5µs`, `0s`. */
export function formatGoDuration(ns: number | bigint): string {
  const value = typeof ns === 'bigint' ? ns : BigInt(Math.round(ns));
  if (value === 0n) return '0s';
  let u = value < 0n ? -value : value;
  /** `.ddd` of the last `digits` digits of v, trailing zeros trimmed. */
  const fraction = (v: bigint, digits: number) => {
    const text = (v % 10n ** BigInt(digits)).toString().padStart(digits, '0').replace(/0+$/, '');
    return text === '' ? '' : `.${text}`;
  };
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${u / 1_000n}${fraction(u, 3)}µs`;
    else out = `${u / 1_000_000n}${fraction(u, 6)}ms`;
  } else {
    const h = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    const sec = `${u / 1_000_000_000n}${fraction(u, 9)}s`;
    out = h > 0n ? `${h}h${m}m${sec}` : m > 0n ? `${m}m${sec}` : sec;
  }
  return value < 0n ? `-${out}` : out;
}
