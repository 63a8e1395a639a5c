// Opt-in template functions beyond Go's builtins, for bodies that need real JSON escaping.
import { type FuncMap, type TemplateFunc, truth } from './exec.js';
import { sprint } from './fmt.js';
import { goStringJsonEscape, marshalJSON } from './json.js';
import { quote } from './strconv.js';
import { splitAtRawBytes } from './utf8.js';
import { type GoType, T, type Val, Value } from './values.js';

function fn(params: GoType[], results: GoType[], call: (args: Val[]) => Val): TemplateFunc {
  return { params, variadic: false, results, call };
}

const text = (s: string): Value => new Value(T.string, s);
/** strings.ToUpper/ToLower write U+FFFD for each byte that is not UTF-8. */
const validUTF8 = (s: string): string => splitAtRawBytes(s).join('\uFFFD');

/** Greek letters with ypogegrammeni: Go's simple upper case is the prosgegrammeni form (ᾀ → ᾈ), JS's full one expands (ἈΙ). */
const GREEK_IOTA_UPPER: Readonly<Record<number, number>> = { 0x1fb3: 0x1fbc, 0x1fc3: 0x1fcc, 0x1ff3: 0x1ffc };

/**
 * Go's strings.ToUpper/ToLower: unicode's simple one-to-one mapping of each code point, without
 * JavaScript's expansions (ß → SS, ﬀ → FF, İ → i̇) or context (final sigma).
 */
function goCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of validUTF8(s)) {
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

const toJson = fn([T.any], [T.string, T.error], ([v]) => text(marshalJSON(v!)));

/**
 * json/toJson: Go encoding/json of the value; quote: strconv.Quote of its printed form;
 * jsonEscape: JSON string contents without quotes; default DEFAULT VALUE: VALUE unless empty;
 * upper/lower: case of the printed form; trunc N VALUE: first N characters of the printed form.
 */
export const extraFuncs: FuncMap = {
  json: toJson,
  toJson,
  quote: fn([T.any], [T.string], ([v]) => text(quote(sprint([v!])))),
  jsonEscape: fn([T.any], [T.string], ([v]) => text(goStringJsonEscape(sprint([v!])))),
  default: fn([T.any, T.any], [T.any], ([d, v]) => (truth(v!) ? v! : d!)),
  upper: fn([T.any], [T.string], ([v]) => text(goCase(sprint([v!]), true))),
  lower: fn([T.any], [T.string], ([v]) => text(goCase(sprint([v!]), false))),
  trunc: fn([T.int, T.any], [T.string], ([n, v]) => {
    const chars = [...sprint([v!])];
    const len = Number(n!.raw);
    return text(len < 0 ? chars.slice(Math.max(chars.length + len, 0)).join('') : chars.slice(0, len).join(''));
  }),
};
