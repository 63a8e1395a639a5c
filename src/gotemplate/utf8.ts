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
