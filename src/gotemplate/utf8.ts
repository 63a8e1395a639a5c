// UTF-8 as Go reads it: utf8.DecodeRune's rules, and Go strings that hold bytes which are not UTF-8.

/** utf8.DecodeRune: the code point at i and its length; [U+FFFD, 1] for a byte that starts no valid sequence. */
export function decodeRune(b: readonly number[], i: number): [number, number] {
  const b0 = b[i]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (j: number, lo = 0x80, hi = 0xbf): number | undefined => {
    const c = b[i + j];
    return c !== undefined && c >= lo && c <= hi ? c & 0x3f : undefined;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 !== undefined) return [((b0 & 0x1f) << 6) | c1, 2];
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    const c1 = cont(1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
    const c2 = c1 === undefined ? undefined : cont(2);
    if (c1 !== undefined && c2 !== undefined) return [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    const c1 = cont(1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
    const c2 = c1 === undefined ? undefined : cont(2);
    const c3 = c2 === undefined ? undefined : cont(3);
    if (c1 !== undefined && c2 !== undefined && c3 !== undefined) return [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

/**
 * string(b) for Go bytes: each byte that starts no valid UTF-8 sequence becomes U+DC80–U+DCFF (a lone
 * surrogate no Go string yields otherwise), so error texts can still print it as \xNN (see rawByte).
 */
export function goStringOfBytes(b: readonly number[]): string {
  let out = '';
  for (let i = 0; i < b.length; ) {
    const [cp, size] = decodeRune(b, i);
    out += size === 1 && cp === 0xfffd ? String.fromCharCode(0xdc00 + b[i]!) : String.fromCodePoint(cp);
    i += size;
  }
  return out;
}

/** The byte a goStringOfBytes character stands for, when it stands for one that is not UTF-8. */
export function rawByte(c: number): number | undefined {
  return c >= 0xdc80 && c <= 0xdcff ? c - 0xdc00 : undefined;
}

/** A character standing for a byte that is not UTF-8 (a lone surrogate U+DC80–U+DCFF). */
const RAW_BYTE = /[\udc80-\udcff]/u;

/** Whether a Go string holds bytes that are not UTF-8 (see goStringOfBytes). */
export function hasRawBytes(s: string): boolean {
  return RAW_BYTE.test(s);
}

/** The bytes of a Go string: goStringOfBytes' inverse. */
export function goBytes(s: string): Buffer {
  if (!hasRawBytes(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const raw = rawByte(cp);
    if (raw !== undefined && ch.length === 1) out.push(raw);
    else out.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(out);
}

/** Go's string order: byte by byte (code point order, unless a string holds bytes that are not UTF-8). */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  if (hasRawBytes(a) || hasRawBytes(b)) return Buffer.compare(goBytes(a), goBytes(b));
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** The valid UTF-8 runs of a Go string, split at each byte that is not UTF-8. */
export function splitAtRawBytes(s: string): string[] {
  return s.split(/[\udc80-\udcff]/u);
}

/** A Go string re-read from its bytes: raw bytes that together form UTF-8 (print "\xe4" "\xb8\xad") become the character. */
export function canonicalGoString(s: string): string {
  return hasRawBytes(s) ? goStringOfBytes([...goBytes(s)]) : s;
}
