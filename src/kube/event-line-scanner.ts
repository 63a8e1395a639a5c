// Reads an Event watch line's summary (the fields read before any sink takes the Event) straight from
// its bytes, checking the whole line is valid JSON on the way but building nothing else: parsing
// every Event whole cost more than everything else the watch does, and a filtered daemon drops most.
import { DeferredEvent } from '../event/deferred-event.js';
import type { EventSummary } from '../event/types.js';

const TAB = 9;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
/** repeatedLeaf keeps strings up to this long, this many at most (then starts over). */
const MAX_REPEATED_LENGTH = 64;
const MAX_REPEATED = 4096;
/** Nesting past this is left to JSON.parse (the line is parsed whole). */
const MAX_DEPTH = 128;

/** Anything the scanner does not take (invalid JSON, another layout): the caller parses the line whole. */
class NotTaken extends Error {}
const NOT_TAKEN = new NotTaken('not taken');
/** What `summary` returns for an object (its members are in `values`). */
const AN_OBJECT = Symbol('an object');

/** The member names one object's summary reads, found by their length first: most members are not read. */
class Keys {
  readonly texts: readonly string[];
  /** By length: the indexes of the names that long. */
  readonly byLength: ReadonlyArray<readonly number[] | undefined>;
  readonly bytes: readonly Uint8Array[];

  constructor(...texts: string[]) {
    this.texts = texts;
    this.bytes = texts.map((text) => Buffer.from(text, 'latin1'));
    const byLength: number[][] = [];
    texts.forEach((text, index) => (byLength[text.length] ??= []).push(index));
    this.byLength = byLength;
  }
}

const EVENT_KEYS = new Keys('metadata', 'involvedObject', 'reason', 'message', 'type', 'count', 'kind', 'apiVersion');
const [METADATA, INVOLVED_OBJECT, REASON, MESSAGE, TYPE, COUNT, KIND, API_VERSION] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
const METADATA_KEYS = new Keys('namespace', 'uid', 'resourceVersion');
const REFERENCE_KEYS = new Keys('kind', 'namespace', 'name');

/** Held between lines, so the scanner keeps no chunk alive. */
const NO_BYTES = Buffer.alloc(0);

/** How a byte inside a JSON string is read: most are plain, in one table look-up. */
const PLAIN = 0;
const ENDS = 1;
const ESCAPE = 2;
const WIDE = 3;
const INVALID = 4;
const STRING_BYTES = new Uint8Array(256).map((_, c) => (c === QUOTE ? ENDS : c === BACKSLASH ? ESCAPE : c < SPACE ? INVALID : c >= 128 ? WIDE : PLAIN));

/** Buffer's own slicers: toString(encoding, …) only adds argument handling on top of them. */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => (c >= ZERO && c <= NINE) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);

/**
 * One scanner per decoder. `summarize` is given a line that ends with its newline inside `bytes`
 * (a newline cannot occur inside a line's JSON, so every loop stops there without bounds checks).
 */
export class EventLineScanner {
  private b: Buffer & Slicers = NO_BYTES as Buffer & Slicers;
  private i = 0;
  /** Of the last string scanned: it held an escape, a byte outside ASCII. */
  private escaped = false;
  private wide = false;
  private readonly values: unknown[] = [undefined, undefined, undefined];
  /** repeatedLeaf's strings by a hash of their bytes. */
  private readonly repeated = new Map<number, string>();

  /**
   * The summary of the Event whose members after its TypeMeta start at `from` (a line laid out as
   * `{"type":"…","object":{"kind":"Event","apiVersion":"v1",…}}` followed by the newline at `newline`),
   * or undefined when the line is anything else or not valid JSON.
   */
  summarize(bytes: Buffer, from: number, newline: number): DeferredEvent | undefined {
    this.b = bytes as Buffer & Slicers;
    this.i = from;
    try {
      return this.event(from, newline);
    } catch (err) {
      if (err === NOT_TAKEN) return undefined;
      throw err;
    } finally {
      this.b = NO_BYTES as Buffer & Slicers;
    }
  }

  private event(from: number, newline: number): DeferredEvent {
    let metadata: unknown;
    let involvedObject: unknown;
    let reason: unknown;
    let message: unknown;
    let type: unknown;
    let count: unknown;
    for (;;) {
      const matched = this.memberKey(EVENT_KEYS);
      switch (matched) {
        case METADATA: {
          const value = this.summary(METADATA_KEYS, 0b001);
          metadata = value === AN_OBJECT ? { namespace: this.values[0], uid: this.values[1], resourceVersion: this.values[2] } : value;
          break;
        }
        case INVOLVED_OBJECT: {
          const value = this.summary(REFERENCE_KEYS, 0b011);
          involvedObject = value === AN_OBJECT ? { kind: this.values[0], namespace: this.values[1], name: this.values[2] } : value;
          break;
        }
        case REASON:
          reason = this.repeatedLeaf();
          break;
        case MESSAGE:
          message = this.leaf();
          break;
        case TYPE:
          type = this.repeatedLeaf();
          break;
        case COUNT:
          count = this.leaf();
          break;
        case KIND:
        case API_VERSION:
          // TypeMeta again: the object as JSON.parse gives it carries it, which the summary would not show.
          throw NOT_TAKEN;
        default:
          this.skipValue(0);
      }
      if (!this.memberEnd()) break;
    }
    const objectEnd = this.i;
    if (this.b[objectEnd] !== CLOSE_BRACE || objectEnd + 1 !== newline) throw NOT_TAKEN;
    const summary: EventSummary = {
      metadata: metadata as EventSummary['metadata'],
      involvedObject: involvedObject as EventSummary['involvedObject'],
      reason: reason as string | undefined,
      message: message as string | undefined,
      type: type as string | undefined,
      count: count as number | undefined,
    };
    return new DeferredEvent(summary, this.b, from, objectEnd);
  }

  /**
   * At a value: for an object, its members named in `keys` go to `values` (undefined when absent; the
   * last one wins, as in JSON.parse) and AN_OBJECT is returned; any other value is returned as it is.
   * The keys whose bit is set in `repeated` hold values shared by many events (see repeatedLeaf).
   */
  private summary(keys: Keys, repeated: number): unknown {
    const values = this.values;
    values[0] = values[1] = values[2] = undefined;
    if (this.b[this.i] !== OPEN_BRACE) return this.leaf();
    this.i++;
    this.ws();
    if (this.b[this.i] === CLOSE_BRACE) {
      this.i++;
      return AN_OBJECT;
    }
    for (;;) {
      const matched = this.memberKey(keys);
      if (matched >= 0) values[matched] = (repeated >> matched) & 1 ? this.repeatedLeaf() : this.leaf();
      else this.skipValue(1);
      if (!this.memberEnd()) return AN_OBJECT;
    }
  }

  /** At a member: reads its key and colon; the index of the key in `keys`, or -1. */
  private memberKey(keys: Keys): number {
    const b = this.b;
    if (b[this.i] !== QUOTE) throw NOT_TAKEN;
    const start = this.i + 1;
    this.string();
    const end = this.i - 1;
    let found = -1;
    if (this.escaped) {
      const text = JSON.parse(b.utf8Slice(start - 1, end + 1)) as string;
      found = keys.texts.indexOf(text);
    } else {
      const length = end - start;
      const candidates = keys.byLength[length];
      if (candidates !== undefined) {
        for (let c = 0; c < candidates.length && found < 0; c++) {
          const bytes = keys.bytes[candidates[c]!]!;
          let j = 0;
          while (j < length && bytes[j] === b[start + j]) j++;
          if (j === length) found = candidates[c]!;
        }
      }
    }
    this.ws();
    if (b[this.i] !== COLON) throw NOT_TAKEN;
    this.i++;
    this.ws();
    return found;
  }

  /** After a member's value: true at a comma (the next member follows), false at the object's end. */
  private memberEnd(): boolean {
    this.ws();
    const c = this.b[this.i];
    this.i++;
    if (c === COMMA) {
      this.ws();
      return true;
    }
    if (c === CLOSE_BRACE) return false;
    throw NOT_TAKEN;
  }

  /**
   * leaf() for a field most events share a few values of (namespace, kind, reason, type): a short
   * plain string is looked up by its bytes and the same string returned each time, so no new string
   * is cut and the filters' and metrics' look-ups reuse its hash.
   */
  private repeatedLeaf(): unknown {
    const b = this.b;
    const start = this.i;
    if (b[start] !== QUOTE) return this.leaf();
    this.string();
    const end = this.i - 1;
    if (this.escaped || this.wide || end - start > MAX_REPEATED_LENGTH) {
      this.i = start;
      return this.leaf();
    }
    let hash = end - start;
    // Kept within a small integer (31 bits), which a Map hashes without boxing.
    for (let j = start + 1; j < end; j++) hash = (Math.imul(hash, 31) + b[j]!) & 0x3fffffff;
    const known = this.repeated.get(hash);
    if (known !== undefined && known.length === end - start - 1) {
      let j = 0;
      while (j < known.length && known.charCodeAt(j) === b[start + 1 + j]) j++;
      if (j === known.length) return known;
    }
    const text = b.latin1Slice(start + 1, end);
    if (this.repeated.size >= MAX_REPEATED) this.repeated.clear();
    this.repeated.set(hash, text);
    return text;
  }

  /** A value as JSON.parse gives it; strings without escapes are cut straight from the bytes. */
  private leaf(): unknown {
    const b = this.b;
    const start = this.i;
    const c = b[start];
    if (c === QUOTE) {
      this.string();
      if (this.escaped) return JSON.parse(b.utf8Slice(start, this.i)) as unknown;
      return this.wide ? b.utf8Slice(start + 1, this.i - 1) : b.latin1Slice(start + 1, this.i - 1);
    }
    this.skipValue(1);
    if (c === MINUS || isDigit(c!)) return Number(b.latin1Slice(start, this.i));
    return JSON.parse(b.utf8Slice(start, this.i)) as unknown;
  }

  private ws(): void {
    const b = this.b;
    let i = this.i;
    for (let c = b[i]; c === SPACE || c === TAB || c === RETURN; c = b[++i]);
    this.i = i;
  }

  private skipValue(depth: number): void {
    const b = this.b;
    const c = b[this.i];
    if (c === QUOTE) return this.string();
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= MAX_DEPTH) throw NOT_TAKEN;
      const isObject = c === OPEN_BRACE;
      const close = isObject ? CLOSE_BRACE : CLOSE_BRACKET;
      this.i++;
      this.ws();
      if (b[this.i] === close) {
        this.i++;
        return;
      }
      for (;;) {
        if (isObject) {
          if (b[this.i] !== QUOTE) throw NOT_TAKEN;
          this.string();
          this.ws();
          if (b[this.i] !== COLON) throw NOT_TAKEN;
          this.i++;
          this.ws();
        }
        this.skipValue(depth + 1);
        this.ws();
        const next = b[this.i++];
        if (next === close) return;
        if (next !== COMMA) throw NOT_TAKEN;
        this.ws();
      }
    }
    if (c === MINUS || isDigit(c!)) return this.number();
    if (c === 116) return this.word('true');
    if (c === 102) return this.word('false');
    if (c === 110) return this.word('null');
    throw NOT_TAKEN;
  }

  private word(text: string): void {
    for (let j = 0; j < text.length; j++) if (this.b[this.i + j] !== text.charCodeAt(j)) throw NOT_TAKEN;
    this.i += text.length;
  }

  /** JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): void {
    const b = this.b;
    let i = this.i;
    if (b[i] === MINUS) i++;
    if (b[i] === ZERO) i++;
    else if (isDigit(b[i]!)) while (isDigit(b[i]!)) i++;
    else throw NOT_TAKEN;
    if (b[i] === DOT) {
      i++;
      if (!isDigit(b[i]!)) throw NOT_TAKEN;
      while (isDigit(b[i]!)) i++;
    }
    if ((b[i]! | 0x20) === 101) {
      i++;
      if (b[i] === PLUS || b[i] === MINUS) i++;
      if (!isDigit(b[i]!)) throw NOT_TAKEN;
      while (isDigit(b[i]!)) i++;
    }
    this.i = i;
  }

  /** At a quote: past the closing quote. Control bytes (the line's newline among them) end the scan. */
  private string(): void {
    const b = this.b;
    let i = this.i + 1;
    let escaped = false;
    let wide = false;
    for (;;) {
      // Past the buffer's end (undefined) reads as INVALID too, which a line ending with its newline never reaches.
      const kind = STRING_BYTES[b[i]!];
      if (kind === PLAIN) i++;
      else if (kind === ENDS) break;
      else if (kind === WIDE) {
        wide = true;
        i++;
      } else if (kind === ESCAPE) {
        escaped = true;
        const e = b[i + 1];
        if (e === 117) {
          if (!isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) throw NOT_TAKEN;
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === SLASH || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) i += 2;
        else throw NOT_TAKEN;
      } else throw NOT_TAKEN;
    }
    this.i = i + 1;
    this.escaped = escaped;
    this.wide = wide;
  }
}
