// The text/template lexer, state for state as Go's text/template/parse/lex.go behaves
// (same tokens, same trimming, same error texts). Positions are string indices.
import { isPrint, quote } from './strconv.js';

export const enum ItemType {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword, // delimits keywords
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  readonly typ: ItemType;
  readonly pos: number;
  readonly val: string;
  readonly line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': ItemType.Dot,
  block: ItemType.Block,
  break: ItemType.Break,
  continue: ItemType.Continue,
  define: ItemType.Define,
  else: ItemType.Else,
  end: ItemType.End,
  if: ItemType.If,
  range: ItemType.Range,
  nil: ItemType.Nil,
  template: ItemType.Template,
  with: ItemType.With,
};

const EOF = -1;
const LEFT_DELIM = '{{';
const RIGHT_DELIM = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';

function isSpace(r: number): boolean {
  return r === 0x20 || r === 0x09 || r === 0x0d || r === 0x0a;
}

const ALNUM = /^[\p{L}\p{Nd}_]$/u;

export function isAlphaNumeric(r: number): boolean {
  if (r < 0) return false;
  if (r < 0x80) return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  return ALNUM.test(String.fromCodePoint(r));
}

function hasLeftTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && s[i] === '-' && isSpace(s.charCodeAt(i + 1));
}

function hasRightTrimMarker(s: string, i: number): boolean {
  return s.length - i >= 2 && isSpace(s.charCodeAt(i)) && s[i + 1] === '-';
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Go's %#U of a rune: U+0021 '!' (the quoted form only for printable runes). */
export function describeRune(r: number): string {
  const hex = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(r) ? `${hex} '${String.fromCodePoint(r)}'` : hex;
}

type StateFn = ((l: Lexer) => StateFn) | null;

export interface LexOptions {
  breakOK: boolean;
  continueOK: boolean;
}

export class Lexer {
  pos = 0;
  private start = 0;
  private atEOF = false;
  private parenDepth = 0;
  private line = 1;
  private startLine = 1;
  private item: Item;
  private insideAction = false;

  constructor(
    private input: string,
    readonly options: LexOptions,
  ) {
    this.item = { typ: ItemType.EOF, pos: 0, val: 'EOF', line: 1 };
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      return EOF;
    }
    const r = this.input.codePointAt(this.pos)!;
    this.pos += r > 0xffff ? 2 : 1;
    if (r === 0x0a) this.line++;
    return r;
  }

  private peek(): number {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const c = this.input.charCodeAt(this.pos - 1);
      this.pos -= c >= 0xdc00 && c <= 0xdfff && this.pos >= 2 ? 2 : 1;
      if (c === 0x0a) this.line--;
    }
  }

  private thisItem(typ: ItemType): Item {
    const i: Item = { typ, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return i;
  }

  private emit(typ: ItemType): StateFn {
    return this.emitItem(this.thisItem(typ));
  }

  private emitItem(i: Item): StateFn {
    this.item = i;
    return null;
  }

  private ignore(): void {
    this.line += countNewlines(this.input, this.start, this.pos);
    this.start = this.pos;
    this.startLine = this.line;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.includes(String.fromCodePoint(r))) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || !valid.includes(String.fromCodePoint(r))) break;
    }
    this.backup();
  }

  private errorf(msg: string): StateFn {
    this.item = { typ: ItemType.Error, pos: this.start, val: msg, line: this.startLine };
    this.start = 0;
    this.pos = 0;
    this.input = '';
    return null;
  }

  nextItem(): Item {
    this.item = { typ: ItemType.EOF, pos: this.pos, val: 'EOF', line: this.startLine };
    let state: StateFn = this.insideAction ? lexInsideAction : lexText;
    while (state !== null) state = state(this);
    return this.item;
  }

  // ---- states (methods so they can reach private members) ----

  static lexText(l: Lexer): StateFn {
    const x = l.input.indexOf(LEFT_DELIM, l.pos);
    if (x >= 0) {
      if (x > l.pos) {
        l.pos = x;
        let trimLength = 0;
        const delimEnd = l.pos + LEFT_DELIM.length;
        if (hasLeftTrimMarker(l.input, delimEnd)) {
          const text = l.input.slice(l.start, l.pos);
          trimLength = text.length - text.replace(/[ \t\r\n]+$/, '').length;
        }
        l.pos -= trimLength;
        l.line += countNewlines(l.input, l.start, l.pos);
        const i = l.thisItem(ItemType.Text);
        l.pos += trimLength;
        l.ignore();
        if (i.val.length > 0) return l.emitItem(i);
      }
      return Lexer.lexLeftDelim;
    }
    l.pos = l.input.length;
    if (l.pos > l.start) {
      l.line += countNewlines(l.input, l.start, l.pos);
      return l.emit(ItemType.Text);
    }
    return l.emit(ItemType.EOF);
  }

  private atRightDelim(): { delim: boolean; trimSpaces: boolean } {
    if (hasRightTrimMarker(this.input, this.pos) && this.input.startsWith(RIGHT_DELIM, this.pos + 2)) return { delim: true, trimSpaces: true };
    if (this.input.startsWith(RIGHT_DELIM, this.pos)) return { delim: true, trimSpaces: false };
    return { delim: false, trimSpaces: false };
  }

  private leftTrimLength(from: number): number {
    let i = from;
    while (i < this.input.length && isSpace(this.input.charCodeAt(i))) i++;
    return i - from;
  }

  static lexLeftDelim(l: Lexer): StateFn {
    l.pos += LEFT_DELIM.length;
    const trimSpace = hasLeftTrimMarker(l.input, l.pos);
    const afterMarker = trimSpace ? 2 : 0;
    if (l.input.startsWith(LEFT_COMMENT, l.pos + afterMarker)) {
      l.pos += afterMarker;
      l.ignore();
      return Lexer.lexComment;
    }
    const i = l.thisItem(ItemType.LeftDelim);
    l.insideAction = true;
    l.pos += afterMarker;
    l.ignore();
    l.parenDepth = 0;
    return l.emitItem(i);
  }

  static lexComment(l: Lexer): StateFn {
    l.pos += LEFT_COMMENT.length;
    const x = l.input.indexOf(RIGHT_COMMENT, l.pos);
    if (x < 0) return l.errorf('unclosed comment');
    l.pos = x + RIGHT_COMMENT.length;
    const { delim, trimSpaces } = l.atRightDelim();
    if (!delim) return l.errorf('comment ends before closing delimiter');
    l.line += countNewlines(l.input, l.start, l.pos);
    l.thisItem(ItemType.Comment);
    if (trimSpaces) l.pos += 2;
    l.pos += RIGHT_DELIM.length;
    if (trimSpaces) l.pos += l.leftTrimLength(l.pos);
    l.ignore();
    return Lexer.lexText;
  }

  static lexRightDelim(l: Lexer): StateFn {
    const { trimSpaces } = l.atRightDelim();
    if (trimSpaces) {
      l.pos += 2;
      l.ignore();
    }
    l.pos += RIGHT_DELIM.length;
    const i = l.thisItem(ItemType.RightDelim);
    if (trimSpaces) {
      l.pos += l.leftTrimLength(l.pos);
      l.ignore();
    }
    l.insideAction = false;
    return l.emitItem(i);
  }

  static lexInsideAction(l: Lexer): StateFn {
    const { delim } = l.atRightDelim();
    if (delim) {
      if (l.parenDepth === 0) return Lexer.lexRightDelim;
      return l.errorf('unclosed left paren');
    }
    const r = l.next();
    if (r === EOF) return l.errorf('unclosed action');
    if (isSpace(r)) {
      l.backup();
      return Lexer.lexSpace;
    }
    switch (r) {
      case 0x3d: // =
        return l.emit(ItemType.Assign);
      case 0x3a: // :
        if (l.next() !== 0x3d) return l.errorf('expected :=');
        return l.emit(ItemType.Declare);
      case 0x7c: // |
        return l.emit(ItemType.Pipe);
      case 0x22: // "
        return Lexer.lexQuote;
      case 0x60: // `
        return Lexer.lexRawQuote;
      case 0x24: // $
        return Lexer.lexVariable;
      case 0x27: // '
        return Lexer.lexChar;
      case 0x28: // (
        l.parenDepth++;
        return l.emit(ItemType.LeftParen);
      case 0x29: // )
        l.parenDepth--;
        if (l.parenDepth < 0) return l.errorf('unexpected right paren');
        return l.emit(ItemType.RightParen);
    }
    if (r === 0x2e) {
      if (l.pos < l.input.length) {
        const c = l.input.charCodeAt(l.pos);
        if (c < 0x30 || c > 0x39) return Lexer.lexField;
      }
      l.backup();
      return Lexer.lexNumber;
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      l.backup();
      return Lexer.lexNumber;
    }
    if (isAlphaNumeric(r)) {
      l.backup();
      return Lexer.lexIdentifier;
    }
    if (r < 0x80 && r >= 0x20 && r !== 0x7f) return l.emit(ItemType.Char);
    return l.errorf(`unrecognized character in action: ${describeRune(r)}`);
  }

  static lexSpace(l: Lexer): StateFn {
    let numSpaces = 0;
    while (isSpace(l.peek())) {
      l.next();
      numSpaces++;
    }
    if (hasRightTrimMarker(l.input, l.pos - 1) && l.input.startsWith(RIGHT_DELIM, l.pos - 1 + 2)) {
      l.backup();
      if (numSpaces === 1) return Lexer.lexRightDelim;
    }
    return l.emit(ItemType.Space);
  }

  static lexIdentifier(l: Lexer): StateFn {
    for (;;) {
      const r = l.next();
      if (isAlphaNumeric(r)) continue;
      l.backup();
      const word = l.input.slice(l.start, l.pos);
      if (!l.atTerminator()) return l.errorf(`bad character ${describeRune(r)}`);
      const kw = KEYWORDS[word];
      if (kw !== undefined && kw > ItemType.Keyword) {
        if ((kw === ItemType.Break && !l.options.breakOK) || (kw === ItemType.Continue && !l.options.continueOK)) return l.emit(ItemType.Identifier);
        return l.emit(kw);
      }
      if (word[0] === '.') return l.emit(ItemType.Field);
      if (word === 'true' || word === 'false') return l.emit(ItemType.Bool);
      return l.emit(ItemType.Identifier);
    }
  }

  static lexField(l: Lexer): StateFn {
    return l.lexFieldOrVariable(ItemType.Field);
  }

  static lexVariable(l: Lexer): StateFn {
    if (l.atTerminator()) return l.emit(ItemType.Variable);
    return l.lexFieldOrVariable(ItemType.Variable);
  }

  private lexFieldOrVariable(typ: ItemType): StateFn {
    if (this.atTerminator()) return this.emit(typ === ItemType.Variable ? ItemType.Variable : ItemType.Dot);
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf(`bad character ${describeRune(r)}`);
    return this.emit(typ);
  }

  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e:
      case 0x2c:
      case 0x7c:
      case 0x3a:
      case 0x29:
      case 0x28:
        return true;
    }
    return this.input.startsWith(RIGHT_DELIM, this.pos);
  }

  static lexChar(l: Lexer): StateFn {
    for (;;) {
      let r = l.next();
      if (r === 0x5c) {
        r = l.next();
        if (r !== EOF && r !== 0x0a) continue;
        return l.errorf('unterminated character constant');
      }
      if (r === EOF || r === 0x0a) return l.errorf('unterminated character constant');
      if (r === 0x27) break;
    }
    return l.emit(ItemType.CharConstant);
  }

  static lexNumber(l: Lexer): StateFn {
    if (!l.scanNumber()) return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
    const sign = l.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!l.scanNumber() || l.input[l.pos - 1] !== 'i') return l.errorf(`bad number syntax: ${quote(l.input.slice(l.start, l.pos))}`);
      return l.emit(ItemType.Complex);
    }
    return l.emit(ItemType.Number);
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  static lexQuote(l: Lexer): StateFn {
    for (;;) {
      let r = l.next();
      if (r === 0x5c) {
        r = l.next();
        if (r !== EOF && r !== 0x0a) continue;
        return l.errorf('unterminated quoted string');
      }
      if (r === EOF || r === 0x0a) return l.errorf('unterminated quoted string');
      if (r === 0x22) break;
    }
    return l.emit(ItemType.String);
  }

  static lexRawQuote(l: Lexer): StateFn {
    for (;;) {
      const r = l.next();
      if (r === EOF) return l.errorf('unterminated raw quoted string');
      if (r === 0x60) break;
    }
    return l.emit(ItemType.RawString);
  }
}

const lexText = Lexer.lexText;
const lexInsideAction = Lexer.lexInsideAction;
