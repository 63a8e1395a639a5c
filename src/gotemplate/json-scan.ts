// Go's encoding/json decoding as template methods meet it (metav1.Time and MicroTime's UnmarshalJSON
// call json.Unmarshal(b, &str)): the syntax check with the exact texts and offsets of Go's scanner,
// Go's unquoting (invalid UTF-8 and lone surrogates become U+FFFD), and the type errors.
import { interfaceType } from './schema.js';
import { method, str } from './timetypes.js';
import { GoType, namedType, T, Value } from './values.js';
import { quote } from './strconv.js';
import { decodeRune } from './utf8.js';

/** What a *json.SyntaxError holds: the message and the count of bytes read when it was found. */
interface JSONSyntaxError {
  readonly msg: string;
  readonly offset: number;
}

const MAX_NESTING_DEPTH = 10000;

type Context = 'objectKey' | 'objectValue' | 'arrayValue';
type State =
  | 'value'
  | 'valueOrEmpty'
  | 'keyOrEmpty'
  | 'key'
  | 'afterValue'
  | 'afterTop'
  | 'string'
  | 'escape'
  | 'hex'
  | 'minus'
  | 'integer'
  | 'zero'
  | 'dot'
  | 'fraction'
  | 'exponent'
  | 'exponentSign'
  | 'exponentDigits'
  | 'word'
  | 'failed';

const LITERALS: Record<number, string> = { 0x74: 'true', 0x66: 'false', 0x6e: 'null' };
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** The byte as Go's scanner names it: strconv.Quote of the byte read as a rune, in single quotes. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return `'"'`;
  return "'" + quote(String.fromCharCode(c)).slice(1, -1) + "'";
}

/** A byte-at-a-time JSON well-formedness checker with Go's error texts. */
class Scanner {
  private state: State = 'value';
  private readonly contexts: Context[] = [];
  private word = '';
  private wordAt = 0;
  private hexLeft = 0;
  private endTop = false;
  error: JSONSyntaxError | undefined;
  bytes = 0;

  step(c: number): void {
    switch (this.state) {
      case 'value':
        return this.beginValue(c);
      case 'valueOrEmpty':
        if (isSpace(c)) return;
        return c === 0x5d ? this.afterValue(c) : this.beginValue(c);
      case 'keyOrEmpty':
        if (isSpace(c)) return;
        if (c === 0x7d) {
          this.contexts[this.contexts.length - 1] = 'objectValue';
          return this.afterValue(c);
        }
        return this.beginKey(c);
      case 'key':
        return this.beginKey(c);
      case 'afterValue':
        return this.afterValue(c);
      case 'afterTop':
        return this.afterTop(c);
      case 'string':
        if (c === 0x22) this.state = 'afterValue';
        else if (c === 0x5c) this.state = 'escape';
        else if (c < 0x20) this.fail(c, 'in string literal');
        return;
      case 'escape':
        if ('bfnrt\\/"'.includes(String.fromCharCode(c))) this.state = 'string';
        else if (c === 0x75) [this.state, this.hexLeft] = ['hex', 4];
        else this.fail(c, 'in string escape code');
        return;
      case 'hex':
        if (!isHex(c)) return this.fail(c, 'in \\u hexadecimal character escape');
        if (--this.hexLeft === 0) this.state = 'string';
        return;
      case 'minus':
        if (c === 0x30) this.state = 'zero';
        else if (c >= 0x31 && c <= 0x39) this.state = 'integer';
        else this.fail(c, 'in numeric literal');
        return;
      case 'integer':
        return isDigit(c) ? undefined : this.afterZero(c);
      case 'zero':
        return this.afterZero(c);
      case 'dot':
        if (isDigit(c)) this.state = 'fraction';
        else this.fail(c, 'after decimal point in numeric literal');
        return;
      case 'fraction':
        if (isDigit(c)) return;
        if (c === 0x65 || c === 0x45) this.state = 'exponent';
        else this.afterValue(c);
        return;
      case 'exponent':
        if (c === 0x2b || c === 0x2d) this.state = 'exponentSign';
        else this.exponentDigit(c);
        return;
      case 'exponentSign':
        return this.exponentDigit(c);
      case 'exponentDigits':
        return isDigit(c) ? undefined : this.afterValue(c);
      case 'word':
        if (c !== this.word.charCodeAt(this.wordAt)) return this.fail(c, `in literal ${this.word} (expecting '${this.word[this.wordAt]}')`);
        if (++this.wordAt === this.word.length) this.state = 'afterValue';
        return;
      case 'failed':
        return;
    }
  }

  /** After the last byte: an unfinished value is an error (a number is finished by a space). */
  eof(): void {
    if (this.error !== undefined || this.endTop) return;
    this.step(0x20);
    if (!this.endTop && this.error === undefined) this.error = { msg: 'unexpected end of JSON input', offset: this.bytes };
  }

  private fail(c: number, context: string): void {
    this.state = 'failed';
    this.error ??= { msg: `invalid character ${quoteChar(c)} ${context}`, offset: this.bytes };
  }

  private enter(c: number, context: Context, state: State): void {
    this.state = state;
    this.contexts.push(context);
    if (this.contexts.length > MAX_NESTING_DEPTH) this.fail(c, 'exceeded max depth');
  }

  private beginValue(c: number): void {
    if (isSpace(c)) return;
    const literal = LITERALS[c];
    if (literal !== undefined) [this.state, this.word, this.wordAt] = ['word', literal, 1];
    else if (c === 0x7b) this.enter(c, 'objectKey', 'keyOrEmpty');
    else if (c === 0x5b) this.enter(c, 'arrayValue', 'valueOrEmpty');
    else if (c === 0x22) this.state = 'string';
    else if (c === 0x2d) this.state = 'minus';
    else if (c === 0x30) this.state = 'zero';
    else if (c >= 0x31 && c <= 0x39) this.state = 'integer';
    else this.fail(c, 'looking for beginning of value');
  }

  private beginKey(c: number): void {
    if (isSpace(c)) this.state = 'key';
    else if (c === 0x22) this.state = 'string';
    else this.fail(c, 'looking for beginning of object key string');
  }

  private afterZero(c: number): void {
    if (c === 0x2e) this.state = 'dot';
    else if (c === 0x65 || c === 0x45) this.state = 'exponent';
    else this.afterValue(c);
  }

  private exponentDigit(c: number): void {
    if (isDigit(c)) this.state = 'exponentDigits';
    else this.fail(c, 'in exponent of numeric literal');
  }

  private afterValue(c: number): void {
    const depth = this.contexts.length;
    if (depth === 0) {
      [this.state, this.endTop] = ['afterTop', true];
      return this.afterTop(c);
    }
    this.state = 'afterValue';
    if (isSpace(c)) return;
    switch (this.contexts[depth - 1]!) {
      case 'objectKey':
        if (c !== 0x3a) return this.fail(c, 'after object key');
        [this.contexts[depth - 1], this.state] = ['objectValue', 'value'];
        return;
      case 'objectValue':
        if (c === 0x2c) [this.contexts[depth - 1], this.state] = ['objectKey', 'key'];
        else if (c === 0x7d) this.leave();
        else this.fail(c, 'after object key:value pair');
        return;
      case 'arrayValue':
        if (c === 0x2c) this.state = 'value';
        else if (c === 0x5d) this.leave();
        else this.fail(c, 'after array element');
        return;
    }
  }

  private leave(): void {
    this.contexts.pop();
    if (this.contexts.length > 0) return;
    [this.state, this.endTop] = ['afterTop', true];
  }

  private afterTop(c: number): void {
    if (!isSpace(c)) this.fail(c, 'after top-level value');
  }
}

/** json.Valid's check (checkValid): the first syntax error, or undefined for one well-formed value. */
function checkJSON(data: readonly number[]): JSONSyntaxError | undefined {
  const scanner = new Scanner();
  for (const c of data) {
    scanner.bytes++;
    scanner.step(c);
    if (scanner.error !== undefined) return scanner.error;
  }
  scanner.eof();
  return scanner.error;
}

/** Four hex digits after "\u" at i, or -1. */
function hex4(b: readonly number[], i: number): number {
  if (b[i] !== 0x5c || b[i + 1] !== 0x75 || i + 6 > b.length) return -1;
  const digits = String.fromCharCode(...b.slice(i + 2, i + 6));
  return /^[0-9a-fA-F]{4}$/.test(digits) ? parseInt(digits, 16) : -1;
}

const SIMPLE_ESCAPES: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x27: "'", 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

/** The text of a well-formed JSON string literal (quotes included), unquoted as Go does it. */
function unquote(b: readonly number[]): string {
  let out = '';
  let i = 1;
  const end = b.length - 1;
  while (i < end) {
    const c = b[i]!;
    if (c !== 0x5c) {
      const [cp, size] = decodeRune(b, i);
      out += String.fromCodePoint(cp);
      i += size;
      continue;
    }
    const simple = SIMPLE_ESCAPES[b[i + 1]!];
    if (simple !== undefined) {
      out += simple;
      i += 2;
      continue;
    }
    const unit = hex4(b, i);
    i += 6;
    if (unit < 0xd800 || unit > 0xdfff) {
      out += String.fromCharCode(unit);
      continue;
    }
    // A surrogate counts only as the first half of a pair; anything else is U+FFFD.
    const low = hex4(b, i);
    if (unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
      out += String.fromCharCode(unit, low);
      i += 6;
    } else out += '\ufffd';
  }
  return out;
}

/** What json.Unmarshal(data, &s) with s a Go string gives: the string, a syntax error or a type error. */
type StringDecoding =
  | { value: string }
  | { syntax: JSONSyntaxError }
  /** Offset as Go's decoder reports it: just past "{" or "[", or at the end of a literal. */
  | { typeError: { value: 'object' | 'array' | 'bool' | 'number'; offset: number } };

function decodeJSONString(data: readonly number[]): StringDecoding {
  const syntax = checkJSON(data);
  if (syntax !== undefined) return { syntax };
  let start = 0;
  while (isSpace(data[start]!)) start++;
  let end = data.length;
  while (isSpace(data[end - 1]!)) end--;
  switch (data[start]) {
    case 0x22:
      return { value: unquote(data.slice(start, end)) };
    case 0x6e: // null leaves the string as it was: empty
      return { value: '' };
    case 0x7b:
      return { typeError: { value: 'object', offset: start + 1 } };
    case 0x5b:
      return { typeError: { value: 'array', offset: start + 1 } };
    case 0x74:
    case 0x66:
      return { typeError: { value: 'bool', offset: end } };
    default:
      return { typeError: { value: 'number', offset: end } };
  }
}

/** *json.SyntaxError: its unexported message and its Offset, as %#v and .Offset show them. */
const SyntaxErrorType = new GoType('struct', 'json.SyntaxError');
SyntaxErrorType.fields = [
  { name: 'msg', type: T.string, embedded: false, json: '' },
  { name: 'Offset', type: T.int64, embedded: false, json: '' },
];
SyntaxErrorType.methods.set('Error', method(true, [], [T.string], (r) => str((r.raw as { v: { msg: string } }).v.msg)));

/** The reflect.Type of the Go string decoded into, as *json.UnmarshalTypeError holds it (its naming methods only). */
const ReflectTypeType = interfaceType('reflect.Type');
const RtypeType = new GoType('struct', 'reflect.rtype');
RtypeType.opaque = true;
const KindType = namedType('uint', 'reflect.Kind');
KindType.methods.set('String', method(false, [], [T.string], () => str('string')));
RtypeType.methods.set('String', method(true, [], [T.string], () => str('string')));
RtypeType.methods.set('Name', method(true, [], [T.string], () => str('string')));
RtypeType.methods.set('PkgPath', method(true, [], [T.string], () => str('')));
RtypeType.methods.set('Kind', method(true, [], [KindType], () => new Value(KindType, 24)));

/** *json.UnmarshalTypeError with its exported fields (Struct and Field stay empty at the top level). */
const UnmarshalTypeErrorType = new GoType('struct', 'json.UnmarshalTypeError');
UnmarshalTypeErrorType.fields = [
  { name: 'Value', type: T.string, embedded: false, json: '' },
  { name: 'Type', type: ReflectTypeType, embedded: false, json: '' },
  { name: 'Offset', type: T.int64, embedded: false, json: '' },
  { name: 'Struct', type: T.string, embedded: false, json: '' },
  { name: 'Field', type: T.string, embedded: false, json: '' },
];
UnmarshalTypeErrorType.methods.set(
  'Error',
  method(true, [], [T.string], (r) => str(`json: cannot unmarshal ${(r.raw as { v: { Value: string } }).v.Value} into Go value of type string`)),
);

/** json.Unmarshal into a Go string: the string, or the error value Go returns. */
export function unmarshalJSONString(data: readonly number[]): string | Value {
  const decoded = decodeJSONString(data);
  if ('value' in decoded) return decoded.value;
  if ('syntax' in decoded) return new Value(T.error, new Value(SyntaxErrorType.pointer(), { v: { msg: decoded.syntax.msg, Offset: decoded.syntax.offset } }));
  const { value, offset } = decoded.typeError;
  const stringType = new Value(ReflectTypeType, new Value(RtypeType.pointer(), { v: null }));
  return new Value(T.error, new Value(UnmarshalTypeErrorType.pointer(), { v: { Value: value, Type: stringType, Offset: offset, Struct: '', Field: '' } }));
}
