// Go's strconv pieces that fmt and the template language need: float formatting with Go's
// rounding (exact decimal, ties to even), Quote/QuoteRune, Unquote, and unicode.IsPrint.
import { goStringOfBytes, rawByte } from './utf8.js';

interface Decimal {
  digits: string; // no leading zeros; "" for zero
  dp: number; // decimal point position: value = 0.digits × 10^dp
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  digits = digits.replace(/0+$/, '');
  return { digits, dp };
}

function shortestDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const [mant, e] = x.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', '').replace(/0+$/, ''), dp: Number(e) + 1 };
}

/** Rounds to nd significant digits, ties to even on the exact value. */
function roundTo(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: d.dp };
  if (d.digits.length <= nd) return d;
  const rest = d.digits.slice(nd);
  let up: boolean;
  if (rest[0]! > '5') up = true;
  else if (rest[0]! < '5') up = false;
  else if (/[1-9]/.test(rest.slice(1))) up = true;
  else up = nd > 0 && (Number(d.digits[nd - 1]) & 1) === 1;
  let kept = d.digits.slice(0, nd);
  let dp = d.dp;
  if (up) {
    let i = kept.length - 1;
    while (i >= 0 && kept[i] === '9') i--;
    if (i < 0) {
      kept = '1';
      dp++;
    } else {
      kept = kept.slice(0, i) + String(Number(kept[i]) + 1);
    }
  }
  return { digits: kept.replace(/0+$/, ''), dp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? d.digits[i]! : '0';
}

function fmtE(neg: boolean, d: Decimal, prec: number, e: string): string {
  let out = neg ? '-' : '';
  out += d.digits.length === 0 ? '0' : d.digits[0];
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  let exp = d.digits.length === 0 ? 0 : d.dp - 1;
  out += e;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else out += '+';
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += digitAt(d, d.dp + i);
  }
  return out;
}

/** The IEEE 754 fields of x as a float64 or float32: sign, mantissa with its implicit bit, unbiased exponent. */
function floatBits(x: number, bitSize: 32 | 64): { neg: boolean; mant: bigint; exp: number; mantBits: number } {
  const view = new DataView(new ArrayBuffer(8));
  const [mantBits, expBits, bias] = bitSize === 64 ? [52, 11, -1023] : [23, 8, -127];
  let bits: bigint;
  if (bitSize === 64) {
    view.setFloat64(0, x);
    bits = view.getBigUint64(0);
  } else {
    view.setFloat32(0, x);
    bits = BigInt(view.getUint32(0));
  }
  let exp = Number((bits >> BigInt(mantBits)) & ((1n << BigInt(expBits)) - 1n));
  let mant = bits & ((1n << BigInt(mantBits)) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << BigInt(mantBits);
  return { neg: bits >> BigInt(bitSize - 1) === 1n, mant, exp: exp + bias, mantBits };
}

/** strconv's %b: decimal mantissa, binary exponent (-ddddp±ddd). */
function fmtB(x: number, bitSize: 32 | 64): string {
  const { neg, mant, exp, mantBits } = floatBits(x, bitSize);
  const e = exp - mantBits;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** strconv's %x/%X: -0x1.yyyyp±dd, rounded to prec hex digits (prec -1: as many as needed). */
function fmtX(x: number, prec: number, fmt: 'x' | 'X', bitSize: 32 | 64): string {
  const info = floatBits(x, bitSize);
  let { mant, exp } = info;
  if (mant === 0n) exp = 0;
  const top = 1n << 60n;
  mant <<= BigInt(60 - info.mantBits);
  while (mant !== 0n && (mant & top) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (top - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = (d: bigint): string => (fmt === 'X' ? d.toString(16).toUpperCase() : d.toString(16));
  let out = `${info.neg ? '-' : ''}0${fmt}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if ((prec < 0 && mant !== 0n) || prec > 0) {
    out += '.';
    for (let i = 0; prec < 0 ? mant !== 0n : i < prec; i++) {
      out += hex((mant >> 60n) & 15n);
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  out += (fmt === 'X' ? 'P' : 'p') + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return out;
}

/** strconv.FormatFloat(x, fmt, prec, bitSize) for fmt in b e E f g G x X (prec -1 = shortest). */
export function formatFloat(x: number, fmt: 'b' | 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X', prec: number, bitSize: 32 | 64 = 64): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (fmt === 'b') return fmtB(x, bitSize);
  if (fmt === 'x' || fmt === 'X') return fmtX(x, prec, fmt, bitSize);
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = bitSize === 32 ? shortest32(ax) : shortestDecimal(ax);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(d.digits.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(d.digits.length - d.dp, 0);
    else prec = d.digits.length;
  } else {
    const exact = exactDecimal(ax);
    if (fmt === 'e' || fmt === 'E') d = roundTo(exact, prec + 1);
    else if (fmt === 'f') d = roundTo(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      d = roundTo(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, d, prec, fmt);
  if (fmt === 'f') return fmtF(neg, d, prec);
  let eprec = prec;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > d.digits.length) prec = d.digits.length;
    return fmtE(neg, d, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > d.dp) prec = d.digits.length;
  return fmtF(neg, d, Math.max(prec - d.dp, 0));
}

// Shortest digits that round-trip through float32.
function shortest32(x: number): Decimal {
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = f.toExponential(p - 1);
    if (Math.fround(Number(s)) === f) return shortestDecimal(Number(s));
  }
  return shortestDecimal(f);
}

// ---- quoting ----

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp < 0x7f) return true;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return '\\' + String.fromCodePoint(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd'; // lone surrogate: invalid UTF-8 in Go
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const raw = rawByte(ch.codePointAt(0)!);
    out += raw === undefined ? escapeRune(ch.codePointAt(0)!, 0x22, asciiOnly) : '\\x' + raw.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** strconv.QuoteRune (or QuoteRuneToASCII). */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  return "'" + escapeRune(cp, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfeff || rawByte(cp) !== undefined) return false;
    if ((cp < 0x20 && cp !== 9) || cp === 0x60 || cp === 0x7f) return false;
  }
  return true;
}

export class SyntaxError extends Error {}

/** strconv.UnquoteChar: one (possibly escaped) character at s[i]; returns code point and next index. */
export function unquoteChar(s: string, i: number, quoteChar: string): { cp: number; next: number; isByte: boolean } {
  const c = s.codePointAt(i);
  if (c === undefined) throw new SyntaxError();
  if (String.fromCodePoint(c) === quoteChar && (quoteChar === "'" || quoteChar === '"')) throw new SyntaxError();
  if (c !== 0x5c) return { cp: c, next: i + (c > 0xffff ? 2 : 1), isByte: false };
  const e = s[i + 1];
  if (e === undefined) throw new SyntaxError();
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c };
  if (e in simple) return { cp: simple[e]!, next: i + 2, isByte: false };
  if (e === "'" || e === '"') {
    if (e !== quoteChar) throw new SyntaxError();
    return { cp: e.charCodeAt(0), next: i + 2, isByte: false };
  }
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    const hex = s.slice(i + 2, i + 2 + n);
    if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) throw new SyntaxError();
    const v = parseInt(hex, 16);
    if (e === 'x') return { cp: v, next: i + 2 + n, isByte: true };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError();
    return { cp: v, next: i + 2 + n, isByte: false };
  }
  if (e >= '0' && e <= '7') {
    const oct = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(oct)) throw new SyntaxError();
    const v = parseInt(oct, 8);
    if (v > 255) throw new SyntaxError();
    return { cp: v, next: i + 4, isByte: true };
  }
  throw new SyntaxError();
}

/** strconv.Unquote for "…", `…` and '…' literals; throws SyntaxError ("invalid syntax"). */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new SyntaxError();
  const body = lit.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError();
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw new SyntaxError();
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) out += goStringOfBytes(bytes);
    bytes = [];
  };
  let i = 0;
  let count = 0;
  while (i < body.length) {
    if (body[i] === '\n') throw new SyntaxError();
    const r = unquoteChar(body, i, q);
    if (r.isByte) bytes.push(r.cp);
    else {
      flush();
      out += String.fromCodePoint(r.cp);
    }
    i = r.next;
    count++;
  }
  flush();
  if (q === "'" && count !== 1) throw new SyntaxError();
  return out;
}
