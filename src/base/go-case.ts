// Go's strings.ToUpper/ToLower on a string of valid UTF-8 (a lone surrogate, Go's U+FFFD, maps to itself).

/** Greek letters with ypogegrammeni: Go's simple upper case is the prosgegrammeni form (ᾀ → ᾈ), JS's full one expands (ἈΙ). */
const GREEK_IOTA_UPPER: Readonly<Record<number, number>> = { 0x1fb3: 0x1fbc, 0x1fc3: 0x1fcc, 0x1ff3: 0x1ffc };

/**
 * Go's strings.ToUpper/ToLower: unicode's simple one-to-one mapping of each code point, without
 * JavaScript's expansions (ß → SS, ﬀ → FF, İ → i̇) or context (final sigma).
 */
export function goCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (upper && ((cp >= 0x1f80 && cp <= 0x1faf && (cp & 0xf) < 8) || GREEK_IOTA_UPPER[cp] !== undefined)) {
      out += String.fromCodePoint(GREEK_IOTA_UPPER[cp] ?? cp + 8);
      continue;
    }
    if (!upper && cp === 0x130) {
      out += 'i';
      continue;
    }
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += mapped.length === ch.length ? mapped : ch;
  }
  return out;
}
