// Go time.Duration parsing and printing, for flags such as --frequency (kube-eventer prints them in
// its messages, e.g. "supplied 1m30s").

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go's time.ParseDuration; returns nanoseconds, or undefined when the text is not a duration. */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  while (s !== '') {
    const m = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || (m[1] === '' && !m[2])) return undefined;
    const unit = UNIT_NS[m[3]!]!;
    const fraction = m[2] ?? '';
    // As Go: whole units exactly, the fraction truncated to whole nanoseconds.
    total += Number(m[1] || '0') * unit + Math.trunc(Number(fraction || '0') * (unit / 10 ** fraction.length));
    s = s.slice(m[0].length);
  }
  return sign * total;
}

/** Go's Duration.String(): `1m30s`, `3m0s`, `500ms`, `1.5µs`, `0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let u = Math.abs(ns);
  const trim = (v: string) => v.replace(/\.?0+$/, '');
  let out: string;
  if (u < 1e9) {
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${trim((u / 1e3).toFixed(3))}µs`;
    else out = `${trim((u / 1e6).toFixed(6))}ms`;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const sec = `${trim((u / 1e9).toFixed(9)) || '0'}s`;
    out = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${out}` : out;
}
