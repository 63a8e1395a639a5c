// Number literals as Go's text/template/parse reads them (newNumber in node.go, with the
// strconv rules it relies on): one token may be an int, uint, float and complex at once.
import { ItemType } from './lex.js';
import type { NumberNode } from './node.js';
import { quote, unquoteChar } from './strconv.js';
import { parseGoFloat } from '../base/go-float.js';
import { parseGoInt } from '../base/go-int.js';

/** strconv.ParseInt/ParseUint with base 0 (as bigint); undefined on syntax error or overflow. */
function goInteger(text: string, unsigned: boolean): bigint | undefined {
  const r = parseGoInt(text, { unsigned, base: 0 });
  return 'value' in r ? r.value : undefined;
}


function isInt64Float(f: number): boolean {
  return Number.isInteger(f) && f >= -9223372036854775808 && f < 9223372036854775808;
}

function isUint64Float(f: number): boolean {
  return Number.isInteger(f) && f >= 0 && f < 18446744073709551616;
}

export function newNumber(pos: number, text: string, typ: ItemType): NumberNode | string {
  const n: NumberNode = {
    kind: 'number',
    pos,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: { re: 0, im: 0 },
  };
  if (typ === ItemType.CharConstant) {
    let r: { cp: number; next: number };
    try {
      r = unquoteChar(text, 1, text[0]!);
    } catch {
      return 'invalid syntax';
    }
    if (text.slice(r.next) !== "'") return `malformed character constant: ${text}`;
    n.int64 = BigInt(r.cp);
    n.uint64 = BigInt(r.cp);
    n.float64 = r.cp;
    n.isInt = n.isUint = n.isFloat = true;
    return n;
  }
  if (typ === ItemType.Complex) {
    const m = /^([+-]?[^+-]+(?:[eEpP][+-][0-9_]+)?)([+-].+)i$/.exec(text);
    const re = m ? parseGoFloat(m[1]!) : undefined;
    const im = m ? parseGoFloat(m[2]!) : undefined;
    if (re === undefined || im === undefined) return `expected integer`;
    n.isComplex = true;
    n.complex = { re, im };
    simplifyComplex(n);
    return n;
  }
  if (text.endsWith('i')) {
    const f = parseGoFloat(text.slice(0, -1));
    if (f !== undefined) {
      n.isComplex = true;
      n.complex = { re: 0, im: f };
      simplifyComplex(n);
      return n;
    }
  }
  const u = goInteger(text, true);
  if (u !== undefined) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = goInteger(text, false);
  if (i !== undefined) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true;
      n.uint64 = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${quote(text)}`;
      n.isFloat = true;
      n.float64 = f;
      if (isInt64Float(f)) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (isUint64Float(f)) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) return `illegal number syntax: ${quote(text)}`;
  return n;
}

function simplifyComplex(n: NumberNode): void {
  n.isFloat = n.complex.im === 0;
  if (n.isFloat) {
    n.float64 = n.complex.re;
    n.isInt = isInt64Float(n.float64);
    if (n.isInt) n.int64 = BigInt(n.float64);
    n.isUint = isUint64Float(n.float64);
    if (n.isUint) n.uint64 = BigInt(n.float64);
  }
}
