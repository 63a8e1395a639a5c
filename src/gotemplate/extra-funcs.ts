// Opt-in template functions beyond Go's builtins, for bodies that need real JSON escaping.
import { type FuncMap, type TemplateFunc, truth } from './exec.js';
import { sprint } from './fmt.js';
import { goStringJsonEscape, marshalJSON } from './json.js';
import { goCase } from '../base/go-case.js';
import { quote } from './strconv.js';
import { splitAtRawBytes } from './utf8.js';
import { type GoType, T, type Val, Value } from './values.js';

function fn(params: GoType[], results: GoType[], call: (args: Val[]) => Val): TemplateFunc {
  return { params, variadic: false, results, call };
}

const text = (s: string): Value => new Value(T.string, s);
/** strings.ToUpper/ToLower write U+FFFD for each byte that is not UTF-8. */
const validUTF8 = (s: string): string => splitAtRawBytes(s).join('\uFFFD');

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
  upper: fn([T.any], [T.string], ([v]) => text(goCase(validUTF8(sprint([v!])), true))),
  lower: fn([T.any], [T.string], ([v]) => text(goCase(validUTF8(sprint([v!])), false))),
  trunc: fn([T.int, T.any], [T.string], ([n, v]) => {
    const chars = [...sprint([v!])];
    const len = Number(n!.raw);
    return text(len < 0 ? chars.slice(Math.max(chars.length + len, 0)).join('') : chars.slice(0, len).join(''));
  }),
};
