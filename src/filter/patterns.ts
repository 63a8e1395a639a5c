import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { ConfigError } from '../base/errors.js';

type Re2js = typeof import('re2js');
let re2js: Re2js | undefined;
/** The RE2 engine is loaded when a sink first has a regexp option: most daemons never need its code in memory. */
const loadRe2js = (): Re2js => (re2js ??= createRequire(import.meta.url)('re2js') as Re2js);

/**
 * Splits an option value into regexps at top-level commas, so `BackOff,Failed` is two patterns
 * (kube-eventer's comma list) while commas inside `{1,3}`, `[,;]`, `(a,b)` or `\Q…\E` stay part
 * of their pattern, and `\,` is a literal comma. Empty items are dropped.
 */
export function splitPatternList(value: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c === '\\') {
      if (value[i + 1] === 'Q') {
        const end = value.indexOf('\\E', i + 2);
        i = end < 0 ? value.length : end + 2;
      } else {
        i += 2;
      }
      continue;
    }
    if (c === '[') {
      i = skipClass(value, i);
      continue;
    }
    if (c === '{') {
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(value.slice(i));
      i += repeat ? repeat[0].length : 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push(value.slice(start, i));
      start = i + 1;
    }
    i++;
  }
  items.push(value.slice(start));
  return items.filter((item) => item !== '');
}

/** Index just past a character class starting at `open` (RE2 rules: a leading `]` is literal). */
function skipClass(s: string, open: number): number {
  let i = open + 1;
  if (s[i] === '^') i++;
  if (s[i] === ']') i++;
  while (i < s.length && s[i] !== ']') {
    if (s[i] === '\\') i += 2;
    else if (s.startsWith('[:', i)) {
      const end = s.indexOf(':]', i + 2);
      i = end < 0 ? i + 1 : end + 2;
    } else i++;
  }
  return i + 1;
}

/** A `\\Q` literal left open runs to the end of a pattern; close it so it cannot swallow the next one. */
function closeQuote(pattern: string): string {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    if (pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      if (end < 0) return `${pattern}\\E`;
      i = end + 1;
    } else i++;
  }
  return pattern;
}

/** Compiles one pattern with Go RE2 syntax; a bad one is a ConfigError naming option, pattern and reason. */
export function compileRegexp(sinkKey: string, option: string, pattern: string): RE2JS {
  const { RE2JS, RE2JSException } = loadRe2js();
  try {
    return RE2JS.compile(pattern);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    const reason = err.message.replace(/^error parsing regexp: /, '');
    throw new ConfigError(`${sinkKey}: option ${option}: invalid regexp ${JSON.stringify(pattern)}: ${reason}`);
  }
}

const LONE_SURROGATE = /\p{Surrogate}/gu;

/**
 * Go decodes a lone surrogate escape in the API server's JSON as U+FFFD; JSON.parse keeps it, and the
 * regexp would then see a code point no Go string holds (`\p{Cs}`, `[^\x{FFFD}]`).
 */
function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

/** `search` finds a pattern anywhere (Go regexp.MatchString); `full` must match the whole value. */
export type MatchMode = 'search' | 'full';

/** Values remembered per matcher before the memo starts over (names are few; this bounds memory). */
const MEMO_LIMIT = 4096;

/**
 * One compiled alternation of the patterns (one regexp per pattern when their group names collide).
 * With `memo`, results are remembered per value, so low-cardinality fields (reason, kind, namespace)
 * cost one Map lookup after first sight.
 */
export class PatternMatcher {
  private readonly regexps: readonly RE2JS[];
  private readonly memo: Map<string, boolean> | undefined;

  constructor(
    readonly patterns: readonly string[],
    private readonly mode: MatchMode,
    memo: boolean,
  ) {
    this.regexps = compileAlternatives(patterns);
    this.memo = memo ? new Map() : undefined;
  }

  test(value: string): boolean {
    const memo = this.memo;
    if (memo === undefined) return this.run(value);
    const known = memo.get(value);
    if (known !== undefined) return known;
    const result = this.run(value);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(value, result);
    return result;
  }

  private run(value: string): boolean {
    const full = this.mode === 'full';
    const text = wellFormed(value);
    for (const re of this.regexps) if (full ? re.matches(text) : re.test(text)) return true;
    return false;
  }
}

/**
 * Each pattern is already valid, so joining them fails only when two reuse a group name
 * (`(?P<r>a),(?P<r>b)`), which kube-eventer accepts because it compiles each alone: so do we then.
 */
function compileAlternatives(patterns: readonly string[]): RE2JS[] {
  const { RE2JS, RE2JSException } = loadRe2js();
  try {
    // Each pattern's group keeps a leading `(?i)` scoped to that pattern.
    return [RE2JS.compile(patterns.map((p) => `(?:${closeQuote(p)})`).join('|'))];
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    return patterns.map((p) => RE2JS.compile(p));
  }
}

/** Splits, validates and compiles every value of a repeatable regexp option; undefined when none is given. */
export function compilePatternOption(
  sinkKey: string,
  option: string,
  values: readonly string[],
  mode: MatchMode,
  memo: boolean,
): PatternMatcher | undefined {
  const patterns = values.flatMap(splitPatternList);
  if (patterns.length === 0) return undefined;
  for (const p of patterns) compileRegexp(sinkKey, option, p);
  return new PatternMatcher(patterns, mode, memo);
}
