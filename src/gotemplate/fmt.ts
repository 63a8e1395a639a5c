// Go's fmt package over the Go value model: Sprint, Sprintln, Sprintf with Go's verbs, flags,
// width/precision, argument indexes, Stringer/error/GoStringer methods and printing rules.
import { canBackquote, formatFloat, quote, quoteRune, isPrint } from './strconv.js';
import { canonicalGoString, goBytes, goStringOfBytes } from './utf8.js';
import {
  type Box,
  type Val,
  findMethod,
  isFloatKind,
  isIntKind,
  isUintKind,
  sortedMapKeys,
  T,
  toBig,
  Value,
  GoError,
  type GoType,
} from './values.js';

/** The address of every non-nil pointer, map or slice: Go prints a real (run-dependent) one. */
const FAKE_ADDRESS = 0xc000010000n;
const POINTER_KINDS = new Set(['ptr', 'map', 'slice', 'func']);

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

function noFlags(): Flags {
  return { plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: 0, widPresent: false, prec: 0, precPresent: false };
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

class Printer {
  out = '';
  f: Flags = noFlags();
  private erroring = false;

  private padding(n: number): string {
    if (n <= 0) return '';
    return (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) this.out += this.padding(width) + s;
    else this.out += s + this.padding(width);
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.f.prec;
    let i = 0;
    for (const ch of s) {
      if (n-- <= 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  private fmtSx(s: string | Buffer, upper: boolean): void {
    const bytes = typeof s === 'string' ? goBytes(s) : s;
    let length = bytes.length;
    if (this.f.precPresent && this.f.prec < length) length = this.f.prec;
    let width = 2 * length;
    if (width <= 0) {
      if (this.f.widPresent) this.out += this.padding(this.f.wid);
      return;
    }
    if (this.f.space) {
      if (this.f.sharp) width *= 2;
      width += length - 1;
    } else if (this.f.sharp) width += 2;
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.out += this.padding(this.f.wid - width);
    const prefix = upper ? '0X' : '0x';
    let body = this.f.sharp ? prefix : '';
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) body += this.f.sharp ? ' ' + prefix : ' ';
      const hex = bytes[i]!.toString(16).padStart(2, '0');
      body += upper ? hex.toUpperCase() : hex;
    }
    this.out += body;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.out += this.padding(this.f.wid - width);
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) {
      this.pad('`' + s + '`');
      return;
    }
    this.pad(quote(s, this.f.plus));
  }

  /** `type`: the string's own Go type, which a bad verb names (`%!d(types.UID=…)`). */
  fmtString(s: string, verb: string, type: GoType = T.string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case 's':
        return this.fmtS(s);
      case 'x':
        return this.fmtSx(s, false);
      case 'X':
        return this.fmtSx(s, true);
      case 'q':
        return this.fmtQ(s);
    }
    this.badVerb(verb, new Value(type, s));
  }

  private fmtBool(b: boolean, verb: string, v: Value): void {
    if (verb === 't' || verb === 'v') this.pad(b ? 'true' : 'false');
    else this.badVerb(verb, v);
  }

  private fmtIntegerBase(u: bigint, base: number, verb: string, upper: boolean): void {
    const f = this.f;
    const negative = u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.out += this.padding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (f.plus) digits = '+' + digits;
    else if (f.space) digits = ' ' + digits;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(digits);
    f.zero = oldZero;
  }

  private fmtInteger(n: bigint, signed: boolean, verb: string, v: Value): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !signed) {
          const oldSharp = this.f.sharp;
          this.f.sharp = true;
          this.fmtIntegerBase(n, 16, 'v', false);
          this.f.sharp = oldSharp;
        } else this.fmtIntegerBase(n, 10, verb, false);
        return;
      case 'd':
        return this.fmtIntegerBase(n, 10, verb, false);
      case 'b':
        return this.fmtIntegerBase(n, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtIntegerBase(n, 8, verb, false);
      case 'x':
        return this.fmtIntegerBase(n, 16, verb, false);
      case 'X':
        return this.fmtIntegerBase(n, 16, verb, true);
      case 'c':
        return this.pad(String.fromCodePoint(n > 0x10ffffn || n < 0n || (n >= 0xd800n && n <= 0xdfffn) ? 0xfffd : Number(n)));
      case 'q':
        return this.pad(quoteRune(n > 0x10ffffn || n < 0n ? 0xfffd : Number(n), this.f.plus));
      case 'U':
        return this.fmtUnicode(n);
    }
    this.badVerb(verb, v);
  }

  private fmtUnicode(n: bigint): void {
    // Go formats the integer's bits as a uint64: a negative rune prints as U+FFFFFFFF….
    const u = BigInt.asUintN(64, n);
    const prec = this.f.precPresent && this.f.prec > 4 ? this.f.prec : 4;
    let s = 'U+' + u.toString(16).toUpperCase().padStart(prec, '0');
    if (this.f.sharp && u <= 0x10ffffn && isPrint(Number(u))) s += " '" + String.fromCodePoint(Number(u)) + "'";
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  private fmtFloatVerb(x: number, size: 32 | 64, verb: string, v: Value): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(x, size, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloat(x, size, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloat(x, size, verb, 6);
      case 'F':
        return this.fmtFloat(x, size, 'f', 6);
    }
    this.badVerb(verb, v);
  }

  private fmtFloat(x: number, size: 32 | 64, verb: 'b' | 'e' | 'E' | 'f' | 'g' | 'G' | 'x' | 'X', prec: number): void {
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(x, verb, prec, size);
    num = num[0] === '-' || num[0] === '+' ? num : '+' + num;
    if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp && verb !== 'b') num = sharpFloat(num, verb, prec);
    if (f.plus || num[0] !== '+') {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.out += num[0] + this.padding(f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private fmtComplex(c: { re: number; im: number }, verb: string, v: Value): void {
    if (!'vbgGxXfFeE'.includes(verb)) return this.badVerb(verb, v);
    const oldPlus = this.f.plus;
    this.out += '(';
    this.fmtFloatVerb(c.re, 64, verb, v);
    this.f.plus = true;
    this.fmtFloatVerb(c.im, 64, verb, v);
    this.out += 'i)';
    this.f.plus = oldPlus;
  }

  /** Go's fmtPointer: only maps, slices, pointers and funcs have an address; other kinds are bad verbs. */
  private fmtPointer(v: Value, verb: string): void {
    if (!POINTER_KINDS.has(v.type.kind)) return this.badVerb(verb, v);
    const u = v.raw === null ? 0n : FAKE_ADDRESS;
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.out += `(${v.type.name})(${u === 0n ? 'nil' : '0x' + u.toString(16)})`;
        else if (u === 0n) this.pad('<nil>');
        else this.fmt0x64(u, !this.f.sharp);
        return;
      case 'p':
        return this.fmt0x64(u, !this.f.sharp);
      case 'b':
      case 'o':
      case 'd':
      case 'x':
      case 'X':
        return this.fmtInteger(u, false, verb, v);
    }
    this.badVerb(verb, v);
  }

  private fmt0x64(u: bigint, leading0x: boolean): void {
    const oldSharp = this.f.sharp;
    this.f.sharp = leading0x;
    this.fmtIntegerBase(u, 16, 'v', false);
    this.f.sharp = oldSharp;
  }

  badVerb(verb: string, v: Val): void {
    this.erroring = true;
    this.out += '%!' + verb + '(';
    if (v !== null) {
      this.out += v.type.name + '=';
      this.printArg(v, 'v');
    } else this.out += '<nil>';
    this.out += ')';
    this.erroring = false;
  }

  /** fmt's handleMethods: GoString for %#v, Error/String for string-friendly verbs. */
  private handleMethods(v: Value, verb: string): boolean {
    if (this.erroring) return false;
    const asArg = v.addressable ? new Value(v.type, v.raw, false) : v;
    if (this.f.sharpV) {
      const m = findMethod(asArg, 'GoString');
      if (!m || m.method.params.length !== 0) return false;
      this.fmtS(panicsOnNil(m) ? '<nil>' : callStringMethod(m.method, m.recv));
      return true;
    }
    if (!'vsxXq'.includes(verb)) return false;
    const m = findMethod(asArg, 'Error') ?? findMethod(asArg, 'String');
    if (!m || m.method.params.length !== 0 || m.method.results.length !== 1 || m.method.results[0]!.kind !== 'string') return false;
    if (panicsOnNil(m)) this.fmtS('<nil>');
    else this.fmtString(callStringMethod(m.method, m.recv), verb);
    return true;
  }

  printArg(v: Val, verb: string): void {
    if (v === null) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    if (v.type.kind === 'interface') return this.printArg(v.raw as Val, verb);
    if (verb === 'T') return this.fmtS(v.type.name);
    if (verb === 'p') return this.fmtPointer(v, 'p');
    const t = v.type;
    // Unnamed basic types are printed directly; everything else may have methods.
    if (t === T.bool) return this.fmtBool(v.raw as boolean, verb, v);
    if (t === T.float64 || t === T.float32) return this.fmtFloatVerb(v.raw as number, t === T.float32 ? 32 : 64, verb, v);
    if (t === T.complex128) return this.fmtComplex(v.raw as { re: number; im: number }, verb, v);
    if (t === T.string) return this.fmtString(v.raw as string, verb);
    if (isIntKind(t.kind) && t.name === t.kind) return this.fmtInteger(toBig(v.raw), true, verb, v);
    if (isUintKind(t.kind) && t.name === t.kind) return this.fmtInteger(toBig(v.raw), false, verb, v);
    if (!this.handleMethods(v, verb)) this.printValue(v, verb, 0);
  }

  printValue(v: Val, verb: string, depth: number): void {
    if (depth > 0 && v !== null && this.handleMethods(v, verb)) return;
    if (v === null) {
      if (depth === 0) this.fmtS('<invalid reflect.Value>');
      else if (verb === 'v') this.fmtS('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    const t = v.type;
    const k = t.kind;
    if (k === 'bool') return this.fmtBool(v.raw as boolean, verb, v);
    if (isIntKind(k)) return this.fmtInteger(toBig(v.raw), true, verb, v);
    if (isUintKind(k)) return this.fmtInteger(toBig(v.raw), false, verb, v);
    if (isFloatKind(k)) return this.fmtFloatVerb(v.raw as number, k === 'float32' ? 32 : 64, verb, v);
    if (k === 'complex128') return this.fmtComplex(v.raw as { re: number; im: number }, verb, v);
    if (k === 'string') return this.fmtString(v.raw as string, verb, t);
    if (k === 'map') {
      const m = v.raw as Map<unknown, unknown> | null;
      if (this.f.sharpV) {
        this.out += t.name;
        if (m === null) {
          this.out += '(nil)';
          return;
        }
        this.out += '{';
      } else this.out += 'map[';
      if (m !== null) {
        sortedMapKeys(m).forEach((key, i) => {
          if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
          this.printValue(new Value(t.key!, key), verb, depth + 1);
          this.out += ':';
          this.printValue(new Value(t.elem!, m.get(key)), verb, depth + 1);
        });
      }
      this.out += this.f.sharpV ? '}' : ']';
      return;
    }
    if (k === 'struct') {
      if (t.fmtFields) return this.printValue(t.fmtFields(v.raw), verb, depth);
      if (this.f.sharpV) this.out += t.name;
      this.out += '{';
      const raw = v.raw as Record<string, unknown>;
      t.fields.forEach((field, i) => {
        if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
        if (this.f.plusV || this.f.sharpV) this.out += field.name + ':';
        let fv: Val = new Value(field.type, raw[field.name]);
        if (field.type.kind === 'interface' && fv.raw !== null) fv = fv.raw as Value;
        this.printValue(fv, verb, depth + 1);
      });
      this.out += '}';
      return;
    }
    if (k === 'interface') {
      const inner = v.raw as Val;
      if (inner === null) this.out += this.f.sharpV ? t.name + '(nil)' : '<nil>';
      else this.printValue(inner, verb, depth + 1);
      return;
    }
    if (k === 'slice') {
      const arr = v.raw as unknown[] | null;
      if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && t.elem!.kind === 'uint8') {
        const bytes = Buffer.from((arr ?? []) as number[]);
        // Hex digits of the bytes themselves; %s and %q read them as UTF-8 text.
        if (verb === 'x' || verb === 'X') return this.fmtSx(bytes, verb === 'X');
        return this.fmtString(goStringOfBytes([...bytes]), verb);
      }
      if (this.f.sharpV) {
        this.out += t.name;
        if (arr === null) {
          this.out += '(nil)';
          return;
        }
        this.out += '{';
        (arr ?? []).forEach((e, i) => {
          if (i > 0) this.out += ', ';
          this.printValue(new Value(t.elem!, e), verb, depth + 1);
        });
        this.out += '}';
        return;
      }
      this.out += '[';
      (arr ?? []).forEach((e, i) => {
        if (i > 0) this.out += ' ';
        this.printValue(new Value(t.elem!, e), verb, depth + 1);
      });
      this.out += ']';
      return;
    }
    if (k === 'ptr') {
      if (depth === 0 && v.raw !== null) {
        const ek = t.elem!.kind;
        if (ek === 'struct' || ek === 'slice' || ek === 'map') {
          this.out += '&';
          this.printValue(new Value(t.elem!, (v.raw as Box).v), verb, depth + 1);
          return;
        }
      }
      return this.fmtPointer(v, verb);
    }
    if (k === 'func') return this.fmtPointer(v, verb);
    this.out += '?';
  }
}

/**
 * fmt's # flag on a formatted float (sign first): a decimal point always, and the trailing zeros
 * %g (and, as Go has it, %x but not %X) would drop, up to the precision (default 6).
 */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = verb === 'g' || verb === 'G' || verb === 'x' ? (prec === -1 ? 6 : prec) : 0;
  let body = num;
  let tail = '';
  let hasDecimalPoint = false;
  let sawNonzeroDigit = false;
  for (let i = 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === '.') {
      hasDecimalPoint = true;
      continue;
    }
    if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
      tail = body.slice(i);
      body = body.slice(0, i);
      break;
    }
    if (c !== '0') sawNonzeroDigit = true;
    if (sawNonzeroDigit) digits--;
  }
  if (!hasDecimalPoint) {
    if (body.length === 2 && body[1] === '0') digits--;
    body += '.';
  }
  while (digits-- > 0) body += '0';
  return body + tail;
}

/** A value method through a nil pointer panics; fmt catches the panic and prints <nil>. */
function panicsOnNil(m: { method: { ptrRecv: boolean }; recv: Value }): boolean {
  return !m.method.ptrRecv && m.recv.type.kind === 'ptr' && m.recv.raw === null;
}

function callStringMethod(method: { call: (recv: Value, args: Value[]) => Value }, recv: Value): string {
  try {
    return method.call(recv, []).raw as string;
  } catch (err) {
    if (err instanceof GoError) return `%!v(PANIC=String method: ${err.message})`;
    throw err;
  }
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly Val[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const concrete = arg !== null && arg.type.kind === 'interface' ? (arg.raw as Val) : arg;
    const isString = concrete !== null && concrete.type.kind === 'string';
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.f = noFlags();
    p.printArg(concrete, 'v');
    prevString = isString;
  });
  return canonicalGoString(p.out);
}

/** fmt.Sprintln. */
export function sprintln(args: readonly Val[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.out += ' ';
    p.f = noFlags();
    p.printArg(arg, 'v');
  });
  return canonicalGoString(p.out) + '\n';
}

function parseNum(s: string, i: number, end: number): { num: number; ok: boolean; next: number } {
  if (i >= end) return { num: 0, ok: false, next: i };
  let num = 0;
  let ok = false;
  while (i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) {
    if (num > 1e6) return { num: 0, ok: false, next: end };
    num = num * 10 + (s.charCodeAt(i) - 0x30);
    ok = true;
    i++;
  }
  return { num, ok, next: i };
}

function intFromArg(args: readonly Val[], argNum: number): { num: number; isInt: boolean; next: number } {
  if (argNum >= args.length) return { num: 0, isInt: false, next: argNum };
  let a: Val = args[argNum]!;
  if (a !== null && a.type.kind === 'interface') a = a.raw as Val;
  let num = 0;
  let isInt = false;
  if (a !== null && (isIntKind(a.type.kind) || isUintKind(a.type.kind))) {
    num = Number(a.raw);
    isInt = true;
  }
  if (num > 1e6 || num < -1e6) {
    num = 0;
    isInt = false;
  }
  return { num, isInt, next: argNum + 1 };
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly Val[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let afterIndex = false;
  let reordered = false;
  let goodArgNum = true;

  const argNumber = (i: number): { i: number; found: boolean } => {
    if (i >= end || format[i] !== '[') return { i, found: false };
    reordered = true;
    const close = format.indexOf(']', i + 1);
    if (format.length - i < 3 || close < 0) {
      goodArgNum = false;
      return { i: i + 1, found: false };
    }
    const n = parseNum(format, i + 1, close);
    if (!n.ok || n.next !== close) {
      goodArgNum = false;
      return { i: close + 1, found: false };
    }
    const index = n.num - 1;
    if (index >= 0 && index < args.length) {
      argNum = index;
      return { i: close + 1, found: true };
    }
    goodArgNum = false;
    return { i: close + 1, found: true };
  };

  let i = 0;
  formatLoop: while (i < end) {
    goodArgNum = true;
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      p.out += format.slice(i);
      break;
    }
    p.out += format.slice(i, pct);
    i = pct + 1;
    p.f = noFlags();
    const f = p.f;
    simple: for (; i < end; i++) {
      const c = format[i]!;
      switch (c) {
        case '#':
          f.sharp = true;
          break;
        case '0':
          f.zero = true;
          break;
        case '+':
          f.plus = true;
          break;
        case '-':
          f.minus = true;
          break;
        case ' ':
          f.space = true;
          break;
        default:
          if (c >= 'a' && c <= 'z' && argNum < args.length) {
            if (c === 'v') {
              f.sharpV = f.sharp;
              f.sharp = false;
              f.plusV = f.plus;
              f.plus = false;
            }
            p.printArg(args[argNum]!, c);
            argNum++;
            i++;
            continue formatLoop;
          }
          break simple;
      }
    }
    ({ i, found: afterIndex } = argNumber(i));
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg(args, argNum);
      f.wid = w.num;
      f.widPresent = w.isInt;
      argNum = w.next;
      if (!f.widPresent) p.out += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const n = parseNum(format, i, end);
      f.wid = n.num;
      f.widPresent = n.ok;
      i = n.next;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      ({ i, found: afterIndex } = argNumber(i));
      if (i < end && format[i] === '*') {
        i++;
        const pr = intFromArg(args, argNum);
        f.prec = pr.num;
        f.precPresent = pr.isInt;
        argNum = pr.next;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const n = parseNum(format, i, end);
        f.prec = n.ok ? n.num : 0;
        f.precPresent = true;
        i = n.next;
      }
    }
    if (!afterIndex) ({ i, found: afterIndex } = argNumber(i));
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      p.out += '%';
    } else if (!goodArgNum) {
      p.out += '%!' + verb + '(BADINDEX)';
    } else if (argNum >= args.length) {
      p.out += '%!' + verb + '(MISSING)';
    } else {
      if (verb === 'v') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(args[argNum]!, verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    p.f = noFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((arg, j) => {
      if (j > 0) p.out += ', ';
      const concrete = arg !== null && arg.type.kind === 'interface' ? (arg.raw as Val) : arg;
      if (concrete === null) p.out += '<nil>';
      else {
        p.out += concrete.type.name + '=';
        p.printArg(concrete, 'v');
      }
    });
    p.out += ')';
  }
  return canonicalGoString(p.out);
}
