// Reads an Event watch line's summary (the fields read before any sink takes the Event) straight from
// its bytes, checking the whole line is valid JSON on the way but building nothing else: parsing
// every Event whole cost more than everything else the watch does, and a filtered daemon drops most.
// Each step takes the position and returns the next one (kept in a register, not in an object); what
// else a step finds is left in the module's `found*` variables (the scanner never runs re-entrantly).
import { DeferredEvent } from '../event/deferred-event.js';
import type { EventSummary } from '../event/types.js';

const TAB = 9;
const NEWLINE = 10;
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
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
/** repeatedValue keeps strings up to this long, this many at most (then starts over). */
const MAX_REPEATED_LENGTH = 64;
const MAX_REPEATED = 4096;
/** The involved object of an Event that has none (null or absent), shared: summaries are never changed. */
const NO_OBJECT: EventSummary['involvedObject'] = Object.freeze({});
/** Nesting past this is left to JSON.parse (the line is parsed whole). */
const MAX_DEPTH = 128;

/** Anything the scanner does not take (invalid JSON, another layout): the caller parses the line whole. */
class NotTaken extends Error {}
const NOT_TAKEN = new NotTaken('not taken');

/** How a byte inside a JSON string is read: most are plain, in one table look-up. */
const PLAIN = 0;
const ENDS = 1;
const ESCAPE = 2;
const WIDE = 3;
const STRING_BYTES = new Uint8Array(256).map((_, c) => (c === QUOTE ? ENDS : c === BACKSLASH ? ESCAPE : c < SPACE ? 4 : c >= 128 ? WIDE : PLAIN));
/** A JSON escape's letter after the backslash (`u` is checked apart). */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, SLASH, 98, 102, 110, 114, 116]);

/** Buffer's own slicers: toString(encoding, …) only adds argument handling on top of them. */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
type Bytes = Buffer & Slicers;

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

const isDigit = (c: number) => c >= ZERO && c <= NINE;
const isHex = (c: number) => (c >= ZERO && c <= NINE) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);

/** Of the last string scanned: it held an escape, a byte outside ASCII. */
let foundEscape = false;
let foundWide = false;
/** The index in its Keys of the last member name read, or -1. */
let foundKey = -1;
/** The last value read. */
let foundValue: unknown;
/** The last value summarized was an object (its members are in the scanner's values), not foundValue. */
let foundObject = false;

function ws(b: Bytes, i: number): number {
  for (let c = b[i]; c === SPACE || c === TAB || c === RETURN; c = b[++i]);
  return i;
}

/** At a quote: past the closing quote. Control bytes (the line's newline among them) end the scan. */
function stringEnd(b: Bytes, i: number): number {
  let escaped = false;
  let wide = false;
  for (i++; ; ) {
    // Past the buffer's end (undefined) reads as invalid too, which a line ending with its newline never reaches.
    const kind = STRING_BYTES[b[i]!];
    if (kind === PLAIN) i++;
    else if (kind === ENDS) break;
    else if (kind === WIDE) {
      wide = true;
      i++;
    } else if (kind === ESCAPE) {
      escaped = true;
      const e = b[i + 1]!;
      if (e === 117) {
        if (!isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) throw NOT_TAKEN;
        i += 6;
      } else if (SIMPLE_ESCAPES.has(e)) i += 2;
      else throw NOT_TAKEN;
    } else throw NOT_TAKEN;
  }
  foundEscape = escaped;
  foundWide = wide;
  return i + 1;
}

/** JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
function numberEnd(b: Bytes, i: number): number {
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
  return i;
}

function wordEnd(b: Bytes, i: number, word: string): number {
  for (let j = 0; j < word.length; j++) if (b[i + j] !== word.charCodeAt(j)) throw NOT_TAKEN;
  return i + word.length;
}

/** At a member: past its name, colon and the blanks after; the name's index in `keys` is left in foundKey. */
function memberKey(b: Bytes, i: number, keys: Keys): number {
  if (b[i] !== QUOTE) throw NOT_TAKEN;
  const start = i + 1;
  i = stringEnd(b, i);
  const end = i - 1;
  let found = -1;
  if (foundEscape) found = keys.texts.indexOf(JSON.parse(b.utf8Slice(start - 1, i)) as string);
  else {
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
  foundKey = found;
  i = ws(b, i);
  if (b[i] !== COLON) throw NOT_TAKEN;
  return ws(b, i + 1);
}

/** After a member's value: past the comma and blanks (foundKey = 0), or past the object's end (foundKey = -1). */
function memberEnd(b: Bytes, i: number): number {
  i = ws(b, i);
  const c = b[i];
  if (c === COMMA) {
    foundKey = 0;
    return ws(b, i + 1);
  }
  if (c !== CLOSE_BRACE) throw NOT_TAKEN;
  foundKey = -1;
  return i + 1;
}

/** Past one value, checked against JSON's grammar; containers are walked with their nesting on a stack. */
function valueEnd(b: Bytes, i: number, stack: Uint8Array): number {
  let depth = 0;
  for (;;) {
    // At a value.
    const c = b[i]!;
    if (c === QUOTE) i = stringEnd(b, i);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= MAX_DEPTH) throw NOT_TAKEN;
      i = ws(b, i + 1);
      if (b[i] === c + 2) i++; // `}` and `]` are two past `{` and `[`
      else {
        stack[depth++] = c;
        if (c === OPEN_BRACE) i = objectKey(b, i);
        continue;
      }
    } else if (c === MINUS || isDigit(c)) i = numberEnd(b, i);
    else if (c === 116) i = wordEnd(b, i, 'true');
    else if (c === 102) i = wordEnd(b, i, 'false');
    else if (c === 110) i = wordEnd(b, i, 'null');
    else throw NOT_TAKEN;
    // After a value: the containers it ends, up to the next value.
    for (;;) {
      if (depth === 0) return i;
      i = ws(b, i);
      const open = stack[depth - 1]!;
      const next = b[i++];
      if (next === COMMA) {
        i = ws(b, i);
        if (open === OPEN_BRACE) i = objectKey(b, i);
        break;
      }
      if (next !== open + 2) throw NOT_TAKEN;
      depth--;
    }
  }
}

/** An object member's name and colon (not matched against anything), up to its value. */
function objectKey(b: Bytes, i: number): number {
  if (b[i] !== QUOTE) throw NOT_TAKEN;
  i = ws(b, stringEnd(b, i));
  if (b[i] !== COLON) throw NOT_TAKEN;
  return ws(b, i + 1);
}

/** A value as JSON.parse gives it, into foundValue; strings without escapes are cut straight from the bytes. */
function valueAt(b: Bytes, i: number, stack: Uint8Array): number {
  const start = i;
  const c = b[start]!;
  if (c === QUOTE) {
    i = stringEnd(b, i);
    foundValue = foundEscape ? JSON.parse(b.utf8Slice(start, i)) : foundWide ? b.utf8Slice(start + 1, i - 1) : b.latin1Slice(start + 1, i - 1);
    return i;
  }
  i = valueEnd(b, i, stack);
  foundValue = c === MINUS || isDigit(c) ? numberValue(b, start, i) : JSON.parse(b.utf8Slice(start, i));
  return i;
}

/** A number checked by numberEnd: digits alone (a count) are added up here, anything else cut and converted. */
function numberValue(b: Bytes, start: number, end: number): number {
  // Up to 15 digits stay exact as a double.
  if (end - start > 15) return Number(b.latin1Slice(start, end));
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = b[i]! - ZERO;
    if (digit < 0 || digit > 9) return Number(b.latin1Slice(start, end));
    value = value * 10 + digit;
  }
  return value;
}

/**
 * One scanner per decoder. `summarize` is given a line that ends with its newline inside `bytes`
 * (a newline cannot occur inside a line's JSON, so every loop stops there without bounds checks).
 */
export class EventLineScanner {
  /** Open containers while a value is skipped. */
  private readonly stack = new Uint8Array(MAX_DEPTH);
  private readonly values: unknown[] = [undefined, undefined, undefined];
  /** repeatedValue's strings by a hash of their bytes. */
  private readonly repeated = new Map<number, string>();

  /** Where the last line summarized ends: its newline. */
  newline = 0;

  /**
   * The summary of the Event whose members after its TypeMeta start at `from` (a line laid out as
   * `{"type":"…","object":{"kind":"Event","apiVersion":"v1",…}}` followed by its newline, which is
   * left in `newline`), or undefined when the line is anything else or not valid JSON.
   */
  summarize(bytes: Buffer, from: number): DeferredEvent | undefined {
    try {
      return this.event(bytes as Bytes, from);
    } catch (err) {
      if (err === NOT_TAKEN) return undefined;
      throw err;
    } finally {
      foundValue = undefined;
    }
  }

  private event(b: Bytes, from: number): DeferredEvent {
    const values = this.values;
    let metadata: unknown;
    let involvedObject: unknown;
    let reason: unknown;
    let message: unknown;
    let type: unknown;
    let count: unknown;
    let i = from;
    do {
      i = memberKey(b, i, EVENT_KEYS);
      switch (foundKey) {
        case METADATA:
          i = this.summary(b, i, METADATA_KEYS, 0b001);
          metadata = foundObject ? { namespace: values[0], uid: values[1], resourceVersion: values[2] } : foundValue;
          break;
        case INVOLVED_OBJECT:
          i = this.summary(b, i, REFERENCE_KEYS, 0b111);
          involvedObject = foundObject ? { kind: values[0], namespace: values[1], name: values[2] } : foundValue;
          break;
        case REASON:
          i = this.repeatedValue(b, i);
          reason = foundValue;
          break;
        case MESSAGE:
          i = valueAt(b, i, this.stack);
          message = foundValue;
          break;
        case TYPE:
          i = this.repeatedValue(b, i);
          type = foundValue;
          break;
        case COUNT:
          i = valueAt(b, i, this.stack);
          count = foundValue;
          break;
        case KIND:
        case API_VERSION:
          // TypeMeta again: the object as JSON.parse gives it carries it, which the summary would not show.
          throw NOT_TAKEN;
        default:
          i = valueEnd(b, i, this.stack);
      }
      i = memberEnd(b, i);
    } while (foundKey === 0);
    // No step reads past a newline (a control byte ends every one), so this is the line's first.
    if (b[i] !== CLOSE_BRACE || b[i + 1] !== NEWLINE) throw NOT_TAKEN;
    this.newline = i + 1;
    const summary: EventSummary = {
      metadata: metadata as EventSummary['metadata'],
      // null or absent: the empty ObjectReference Go decodes; any other value is not an Event's.
      involvedObject: (involvedObject ?? NO_OBJECT) as EventSummary['involvedObject'],
      reason: reason as string | undefined,
      message: message as string | undefined,
      type: type as string | undefined,
      count: count as number | undefined,
    };
    return new DeferredEvent(summary, b, from, i);
  }

  /**
   * At a value: for an object, its members named in `keys` go to `values` (undefined when absent; the
   * last one wins, as in JSON.parse) and foundObject is set; any other value goes to foundValue.
   * The keys whose bit is set in `repeated` hold values shared by many events (see repeatedValue).
   */
  private summary(b: Bytes, i: number, keys: Keys, repeated: number): number {
    const values = this.values;
    values[0] = values[1] = values[2] = undefined;
    foundObject = b[i] === OPEN_BRACE;
    if (!foundObject) return valueAt(b, i, this.stack);
    i = ws(b, i + 1);
    if (b[i] === CLOSE_BRACE) return i + 1;
    do {
      i = memberKey(b, i, keys);
      const matched = foundKey;
      if (matched < 0) i = valueEnd(b, i, this.stack);
      else {
        i = (repeated >> matched) & 1 ? this.repeatedValue(b, i) : valueAt(b, i, this.stack);
        values[matched] = foundValue;
      }
      i = memberEnd(b, i);
    } while (foundKey === 0);
    return i;
  }

  /**
   * valueAt for a field many events share a value of (namespace, kind, reason, type, the involved object's name): a short
   * plain string is looked up by its bytes and the same string returned each time, so no new string
   * is cut and the filters' and metrics' look-ups reuse its hash.
   */
  private repeatedValue(b: Bytes, i: number): number {
    const start = i;
    if (b[start] !== QUOTE) return valueAt(b, i, this.stack);
    i = stringEnd(b, i);
    const end = i - 1;
    if (foundEscape || foundWide || end - start > MAX_REPEATED_LENGTH) return valueAt(b, start, this.stack);
    // Kept within a small integer (31 bits), which a Map hashes without boxing.
    let hash = end - start;
    for (let j = start + 1; j < end; j++) hash = (Math.imul(hash, 31) + b[j]!) & 0x3fffffff;
    const known = this.repeated.get(hash);
    if (known !== undefined && known.length === end - start - 1) {
      let j = 0;
      while (j < known.length && known.charCodeAt(j) === b[start + 1 + j]) j++;
      if (j === known.length) {
        foundValue = known;
        return i;
      }
    }
    const text = b.latin1Slice(start + 1, end);
    if (this.repeated.size >= MAX_REPEATED) this.repeated.clear();
    this.repeated.set(hash, text);
    foundValue = text;
    return i;
  }
}
