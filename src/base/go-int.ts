// Go's integer literals as strconv.ParseInt/ParseUint read them with base 0, which is what the flag
// package's Int and Uint flags use: `--healthz-port=010` is port 8 in kube-eventer.

const PREFIX_BASES: Record<string, number> = { x: 16, o: 8, b: 2 };
const DIGITS: Record<number, RegExp> = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ };

/** Go's strconv underscoreOK: each `_` sits between digits (a base prefix counts as a digit). */
function underscoresOk(body: string): boolean {
  let i = 0;
  let saw: 'start' | 'digit' | 'underscore' | 'other' = 'start';
  let hex = false;
  if (body.length >= 2 && body[0] === '0' && PREFIX_BASES[body[1]!.toLowerCase()] !== undefined) {
    i = 2;
    saw = 'digit';
    hex = body[1]!.toLowerCase() === 'x';
  }
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = 'digit';
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

/**
 * Go's strconv.ParseInt (signed) or ParseUint (unsigned) with base 0: `0x1F`, `0o17`, `017`, `0b101`,
 * `1_000`. With `decimalOnly`, base 10 as klog's `-v` reads it. Undefined when Go would report a
 * syntax error or the value is beyond a safe integer.
 */
export function parseGoInteger(text: string, unsigned: boolean, decimalOnly = false): number | undefined {
  const signed = !unsigned && (text[0] === '-' || text[0] === '+');
  const negative = signed && text[0] === '-';
  let body = signed ? text.slice(1) : text;
  let base = 10;
  if (!decimalOnly) {
    if (!underscoresOk(body)) return undefined;
    const prefixBase = body[0] === '0' ? PREFIX_BASES[body[1]?.toLowerCase() ?? ''] : undefined;
    if (prefixBase !== undefined) {
      base = prefixBase;
      body = body.slice(2);
    } else if (body.length > 1 && body[0] === '0') {
      base = 8;
      body = body.slice(1);
    }
    body = body.replaceAll('_', '');
  }
  if (!DIGITS[base]!.test(body)) return undefined;
  const magnitude = parseInt(body, base);
  if (!Number.isSafeInteger(magnitude)) return undefined;
  return negative ? -magnitude : magnitude;
}
