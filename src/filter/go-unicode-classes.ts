// Go 1.25's regexp (kube-eventer's release images) reads `\p{…}` names its own way: without regard to
// case, spaces, `_` and `-` (`\p{letter}`, `\p{greek}`), with Unicode's category aliases (`\p{Letter}`),
// and `Any`, `ASCII`, `Assigned`, `LC`; but only the scripts whose name is one word (its canonical form
// drops the `_` of `Old_Italic`, which then names nothing). RE2/J knows other names (binary properties,
// multi-word scripts), so each `\p` is rewritten to the form RE2/J reads the same, or refused as Go does.

/** unicode.Categories of Go 1.25. */
const CATEGORIES = new Set('C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '));

/** unicode.Scripts of Go 1.25 that its lookup can reach (one-word names). */
const SCRIPTS = new Set(
  ('Adlam Ahom Arabic Armenian Avestan Balinese Bamum Batak Bengali Bhaiksuki Bopomofo Brahmi Braille Buginese Buhid ' +
    'Carian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dogra Duployan ' +
    'Elbasan Elymaic Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gurmukhi Han Hangul Hanunoo Hatran Hebrew ' +
    'Hiragana Inherited Javanese Kaithi Kannada Katakana Kawi Kharoshthi Khmer Khojki Khudawadi Lao Latin Lepcha Limbu ' +
    'Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Medefaidrin Miao Modi Mongolian Mro Multani ' +
    'Myanmar Nabataean Nandinagari Newa Nko Nushu Ogham Oriya Osage Osmanya Palmyrene Phoenician Rejang Runic Samaritan ' +
    'Saurashtra Sharada Shavian Siddham Sinhala Sogdian Soyombo Sundanese Syriac Tagalog Tagbanwa Takri Tamil Tangsa ' +
    'Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Yezidi Yi').split(' '),
);

/** Go's canonicalName: no `_`, `-` or spaces; first letter upper case, the rest lower case (ASCII only). */
function canonicalName(name: string): string {
  const kept = name.replace(/[-_ ]/g, '');
  return kept.slice(0, 1).replace(/[a-z]/, (c) => c.toUpperCase()) + kept.slice(1).replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** unicode.CategoryAliases of Go 1.25, by canonical name (`Casedletter`). */
const ALIASES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    CasedLetter: 'LC', ClosePunctuation: 'Pe', CombiningMark: 'M', ConnectorPunctuation: 'Pc', Control: 'Cc',
    CurrencySymbol: 'Sc', DashPunctuation: 'Pd', DecimalNumber: 'Nd', EnclosingMark: 'Me', FinalPunctuation: 'Pf',
    Format: 'Cf', InitialPunctuation: 'Pi', Letter: 'L', LetterNumber: 'Nl', LineSeparator: 'Zl', LowercaseLetter: 'Ll',
    Mark: 'M', MathSymbol: 'Sm', ModifierLetter: 'Lm', ModifierSymbol: 'Sk', NonspacingMark: 'Mn', Number: 'N',
    OpenPunctuation: 'Ps', Other: 'C', OtherLetter: 'Lo', OtherNumber: 'No', OtherPunctuation: 'Po', OtherSymbol: 'So',
    ParagraphSeparator: 'Zp', PrivateUse: 'Co', Punctuation: 'P', Separator: 'Z', SpaceSeparator: 'Zs', SpacingMark: 'Mc',
    Surrogate: 'Cs', Symbol: 'S', TitlecaseLetter: 'Lt', Unassigned: 'Cn', UppercaseLetter: 'Lu', Cntrl: 'Cc',
    Digit: 'Nd', Punct: 'P',
  }).map(([name, category]) => [canonicalName(name), category]),
);

/** What RE2/J must read for Go's `\p` or `\P` class `name`; undefined when Go knows no such name. */
function translate(name: string, negated: boolean, inClass: boolean): string | undefined {
  let sign = negated;
  let bare = name;
  if (bare.startsWith('^')) {
    sign = !sign;
    bare = bare.slice(1);
  }
  const canonical = canonicalName(bare);
  if (canonical === 'Ascii') {
    // RE2/J has no \p{ASCII}; the POSIX class folds as Go folds it under (?i) (K and ſ join it).
    const posix = sign ? '[:^ascii:]' : '[:ascii:]';
    return inClass ? posix : `[${posix}]`;
  }
  const known =
    canonical === 'Any' || canonical === 'Assigned'
      ? canonical
      : canonical === 'Lc'
        ? 'LC'
        : CATEGORIES.has(canonical) || SCRIPTS.has(canonical)
          ? canonical
          : ALIASES.get(canonical);
  return known === undefined ? undefined : `\\${sign ? 'P' : 'p'}{${known}}`;
}

/** Thrown for a `\p` name Go refuses; the caller reports it like any other invalid regexp. */
export class UnknownUnicodeClass extends Error {}

/** The pattern with every `\p`/`\P` class spelt as RE2/J reads Go's meaning of it. */
export function goUnicodeClasses(pattern: string): string {
  if (!/\\[pP]/.test(pattern)) return pattern;
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    let end = i + 1;
    if (c === '\\' && next === 'Q' && !inClass) {
      const close = pattern.indexOf('\\E', i + 2);
      end = close < 0 ? pattern.length : close + 2;
    } else if (c === '\\' && (next === 'p' || next === 'P') && i + 2 < pattern.length) {
      const braced = pattern[i + 2] === '{';
      const close = braced ? pattern.indexOf('}', i + 3) : -1;
      // An unclosed `\p{` is left for RE2/J to refuse, as Go does.
      if (!braced || close >= 0) {
        const width = braced ? close + 1 - i : 2 + (pattern.codePointAt(i + 2)! > 0xffff ? 2 : 1);
        const text = pattern.slice(i, i + width);
        const spelt = translate(braced ? text.slice(3, -1) : text.slice(2), next === 'P', inClass);
        if (spelt === undefined) throw new UnknownUnicodeClass(`invalid character class range: \`${text}\``);
        out += spelt;
        i += width;
        continue;
      }
      end = i + 2;
    } else if (c === '\\') {
      end = i + 2;
    } else if (c === '[' && !inClass) {
      inClass = true;
      if (pattern[end] === '^') end++;
      if (pattern[end] === ']') end++;
    } else if (c === '[' && inClass && next === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close >= 0) end = close + 2;
    } else if (c === ']' && inClass) {
      inClass = false;
    }
    out += pattern.slice(i, end);
    i = end;
  }
  return out;
}
