// Go's strconv integer parsing: ParseInt/ParseUint with base 0 (Go literals, what the flag package's Int
// and Uint flags use: `--healthz-port=010` is port 8 in kube-eventer) or base 10 (Atoi, klog's -v).

/** Go's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
export function underscoreOK(text: string): boolean {
  const s = text[0] === '+' || text[0] === '-' ? text.slice(1) : text;
  let saw: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = 'digit';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) saw = 'digit';
    else if (c === '_') {
      if (saw !== 'digit') return false;
      saw = 'underscore';
    } else {
      if (saw === 'underscore') return false;
      saw = 'other';
    }
  }
  return saw !== 'underscore';
}

/** A value, or the flag package's wording of strconv's error. */
export type GoIntResult = { readonly value: bigint } | { readonly error: 'parse error' | 'value out of range' };

export interface GoIntOptions {
  readonly unsigned?: boolean;
  /** 0: Go literals (`0x1F`, `0o17`, `017`, `0b101`, `1_000`); 10: decimal digits only. */
  readonly base: 0 | 10;
  readonly bits?: 32 | 64;
}

const SYNTAX = { error: 'parse error' } as const;
const RANGE = { error: 'value out of range' } as const;

/** strconv.ParseUint: a range error is reported as soon as the value overflows, as Go does. */
function parseUnsigned(text: string, base0: boolean, bits: number): GoIntResult {
  if (text === '') return SYNTAX;
  let s = text;
  let base = 10n;
  if (base0 && s[0] === '0') {
    const prefix = s.length >= 3 ? { b: 2n, o: 8n, x: 16n }[s[1]!.toLowerCase()] : undefined;
    [base, s] = prefix === undefined ? [8n, s.slice(1)] : [prefix, s.slice(2)];
  }
  const max = (1n << BigInt(bits)) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of s) {
    if (c === '_' && base0) {
      underscores = true;
      continue;
    }
    const d = /^[0-9a-zA-Z]$/.test(c) ? BigInt(parseInt(c, 36)) : base;
    if (d >= base) return SYNTAX;
    n = n * base + d;
    if (n > max) return RANGE;
  }
  if (underscores && !underscoreOK(text)) return SYNTAX;
  return { value: n };
}

/** strconv.ParseInt (or ParseUint when `unsigned`) with Go's syntax and range errors. */
export function parseGoInt(text: string, options: GoIntOptions): GoIntResult {
  const bits = options.bits ?? 64;
  if (options.unsigned) return parseUnsigned(text, options.base === 0, bits);
  if (text === '') return SYNTAX;
  const negative = text[0] === '-';
  const magnitude = parseUnsigned(text[0] === '+' || negative ? text.slice(1) : text, options.base === 0, bits);
  if ('error' in magnitude && magnitude.error === 'parse error') return magnitude;
  const cutoff = 1n << BigInt(bits - 1);
  if ('error' in magnitude || (negative ? magnitude.value > cutoff : magnitude.value >= cutoff)) return RANGE;
  return { value: negative ? -magnitude.value : magnitude.value };
}

/** strconv.Atoi, as kube-eventer reads its integer options (`+5`, `007`); undefined when Go refuses it. */
export function goAtoi(text: string): number | undefined {
  const r = parseGoInt(text, { base: 10 });
  return 'value' in r ? Number(r.value) : undefined;
}
