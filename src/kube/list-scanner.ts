// Reads a Kubernetes list response (`{"kind":…,"metadata":{…},"items":[{…},{…},…]}`) as it streams in:
// each item is parsed on its own as soon as its last byte arrives, so a list is never held whole (a
// server that ignores `limit` may send every Event of a large cluster in one body).
import { keepExactInt64s, OWN_METADATA } from '../event/exact-int64.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** The list is not what a Kubernetes list looks like, or an item or the envelope is too large. */
export class ListScanError extends Error {
  override readonly name = 'ListScanError';
}

export class ListScanner<T> {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of a string at depth 1 (a candidate key of the envelope). */
  private keyParts: number[] | undefined;
  private lastKey = '';
  /** Inside the envelope's `items` array. */
  private inItems = false;
  /** Parts of the item being read (undefined between items). */
  private item: Buffer[] | undefined;
  private itemLength = 0;
  /** The envelope without the items' contents: parsed at the end for `metadata`. */
  private envelope: Buffer[] = [];
  private envelopeLength = 0;

  constructor(
    private readonly onItem: (item: T) => void,
    private readonly maxItemBytes: number,
    private readonly maxEnvelopeBytes = 1024 * 1024,
  ) {}

  push(chunk: Buffer): void {
    // Where the current run of envelope bytes (outside the items array) and of item bytes began in this chunk.
    let envelopeFrom = this.inItems ? -1 : 0;
    let itemFrom = this.item === undefined ? -1 : 0;
    let depth = this.depth;
    let i = 0;
    if (this.inString) i = this.skipString(chunk, 0);
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === QUOTE) {
        if (this.inItems && depth === 2) throw new ListScanError('a list item is not an object');
        this.inString = true;
        // The last string of the envelope before a `[` is that array's key.
        if (depth === 1) this.keyParts = [];
        i = this.skipString(chunk, i + 1) - 1;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (this.inItems && depth === 2) {
          if (byte !== OPEN_OBJECT) throw new ListScanError('a list item is not an object');
          this.item = [];
          this.itemLength = 0;
          itemFrom = i;
        }
        depth++;
        if (depth === 2 && byte === OPEN_ARRAY && this.lastKey === 'items') {
          // The envelope keeps `[` and `]`, none of the items.
          this.appendEnvelope(chunk.subarray(envelopeFrom, i + 1));
          envelopeFrom = -1;
          this.inItems = true;
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth--;
        if (depth < 0) throw new ListScanError('unbalanced brackets');
        if (this.inItems && depth === 2 && this.item !== undefined) {
          this.appendItem(chunk.subarray(itemFrom, i + 1));
          itemFrom = -1;
          this.finishItem();
        } else if (this.inItems && depth === 1) {
          this.inItems = false;
          envelopeFrom = i;
        }
      } else if (this.inItems && depth === 2 && byte !== COMMA && byte > 0x20) {
        throw new ListScanError('a list item is not an object');
      }
    }
    this.depth = depth;
    if (itemFrom >= 0 && this.item !== undefined) this.appendItem(chunk.subarray(itemFrom));
    if (envelopeFrom >= 0) this.appendEnvelope(chunk.subarray(envelopeFrom));
  }

  /** Moves through a string from `from`; returns the index after its closing quote, or chunk.length if it goes on. */
  private skipString(chunk: Buffer, from: number): number {
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    while (i < chunk.length) {
      const quote = chunk.indexOf(QUOTE, i);
      const end = quote < 0 ? chunk.length : quote;
      // An escape before the quote: skip the escaped byte and look again.
      let backslash = -1;
      for (let j = i; j < end; j++) {
        if (chunk[j] === BACKSLASH) {
          backslash = j;
          break;
        }
      }
      if (backslash >= 0) {
        this.keyBytes(chunk, i, backslash + 2);
        if (backslash + 1 >= chunk.length) {
          this.escaped = true;
          return chunk.length;
        }
        i = backslash + 2;
        continue;
      }
      this.keyBytes(chunk, i, end);
      if (quote < 0) return chunk.length;
      this.inString = false;
      if (this.keyParts !== undefined) {
        this.lastKey = Buffer.from(this.keyParts).toString('utf8');
        this.keyParts = undefined;
      }
      return quote + 1;
    }
    return chunk.length;
  }

  private keyBytes(chunk: Buffer, from: number, to: number): void {
    if (this.keyParts === undefined) return;
    for (let j = from; j < Math.min(to, chunk.length) && this.keyParts.length < 64; j++) this.keyParts.push(chunk[j]!);
  }

  /** The envelope (kind, apiVersion, metadata) once the body has ended. */
  end(): { metadata?: { resourceVersion?: string; continue?: string } } {
    if (this.depth !== 0 || this.inString || this.item !== undefined) throw new ListScanError('the list ended in the middle');
    try {
      return JSON.parse(Buffer.concat(this.envelope, this.envelopeLength).toString('utf8')) as { metadata?: { resourceVersion?: string; continue?: string } };
    } catch {
      throw new ListScanError('the list is not JSON');
    }
  }

  private appendItem(part: Buffer): void {
    this.itemLength += part.length;
    if (this.itemLength > this.maxItemBytes) throw new ListScanError(`a list item is longer than ${this.maxItemBytes / (1024 * 1024)} MiB`);
    this.item!.push(part);
  }

  private finishItem(): void {
    const parts = this.item!;
    this.item = undefined;
    let value: T;
    const text = Buffer.concat(parts, this.itemLength).toString('utf8');
    try {
      value = JSON.parse(text) as T;
    } catch {
      throw new ListScanError('a list item is not valid JSON');
    }
    keepExactInt64s(value, text, OWN_METADATA);
    this.onItem(value);
  }

  private appendEnvelope(part: Buffer): void {
    if (part.length === 0) return;
    this.envelopeLength += part.length;
    if (this.envelopeLength > this.maxEnvelopeBytes) throw new ListScanError('the list envelope (without items) is too large');
    this.envelope.push(part);
  }
}
