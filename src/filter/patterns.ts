import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';
import { ConfigError } from '../base/errors.js';
import { goDecodedString } from '../event/go-json.js';
import { goUnicodeClasses, UnknownUnicodeClass } from './go-unicode-classes.js';

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
  for (let i = 0; i < value.length; i = pieceEnd(value, i)) {
    const c = value[i];
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      items.push(value.slice(start, i));
      start = i + 1;
    }
  }
  items.push(value.slice(start));
  return items.filter((item) => item !== '');
}

/**
 * Index just past the piece of RE2 syntax at `i`: an escape, a `\Q…\E` literal (to the end when left
 * open), a character class, a `{n,m}` repeat, or else one character.
 */
function pieceEnd(s: string, i: number): number {
  switch (s[i]) {
    case '\\': {
      if (s[i + 1] !== 'Q') return i + 2;
      const end = s.indexOf('\\E', i + 2);
      return end < 0 ? s.length : end + 2;
    }
    case '[':
      return skipClass(s, i);
    case '{': {
      const repeat = /^\{\d+(?:,\d*)?\}/.exec(s.slice(i));
      return i + (repeat ? repeat[0].length : 1);
    }
    default:
      return i + 1;
  }
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
  for (let i = 0; i < pattern.length; i = pieceEnd(pattern, i)) {
    if (pattern.startsWith('\\Q', i) && !pattern.includes('\\E', i + 2)) return `${pattern}\\E`;
  }
  return pattern;
}

/** A named group's opening, `(?P<name>` or `(?<name>`, with a name Go accepts. */
const NAMED_GROUP = /^\(\?P?<(\w+)>/;

/**
 * Go accepts a group name given twice (`(?P<r>a)|(?P<r>b)`), RE2/J refuses it: later uses get fresh
 * names (captures are never read).
 */
function renameRepeatedGroups(pattern: string): string {
  const seen = new Set<string>();
  let out = '';
  let fresh = 0;
  let i = 0;
  while (i < pattern.length) {
    const group = pattern[i] === '(' ? NAMED_GROUP.exec(pattern.slice(i)) : null;
    if (group === null) {
      const end = pieceEnd(pattern, i);
      out += pattern.slice(i, end);
      i = end;
      continue;
    }
    let name = group[1]!;
    if (seen.has(name)) {
      do name = `_${fresh++}`;
      while (pattern.includes(`<${name}>`));
      out += `(?P<${name}>`;
    } else out += group[0];
    seen.add(name);
    i += group[0].length;
  }
  return out;
}

/** Compiles one pattern with Go RE2 syntax; a bad one is a ConfigError naming option, pattern and reason. */
export function compileRegexp(sinkKey: string, option: string, pattern: string): RE2JS {
  const { RE2JS, RE2JSException } = loadRe2js();
  try {
    return RE2JS.compile(renameRepeatedGroups(goUnicodeClasses(pattern)));
  } catch (err) {
    if (!(err instanceof RE2JSException || err instanceof UnknownUnicodeClass)) throw err;
    const reason = err.message.replace(/^error parsing regexp: /, '');
    throw new ConfigError(`${sinkKey}: option ${option}: invalid regexp ${JSON.stringify(pattern)}: ${reason}`);
  }
}

/** `search` finds a pattern anywhere (Go regexp.MatchString); `full` must match the whole value. */
export type MatchMode = 'search' | 'full';

/** Values remembered per matcher before the memo starts over (names are few; this bounds memory). */
const MEMO_LIMIT = 4096;

/**
 * One compiled alternation of the patterns.
 * With `memo`, results are remembered per value, so low-cardinality fields (reason, kind, namespace)
 * cost one Map lookup after first sight.
 */
export class PatternMatcher {
  private readonly regexp: RE2JS;
  private readonly memo: Map<string, boolean> | undefined;

  constructor(
    readonly patterns: readonly string[],
    private readonly mode: MatchMode,
    memo: boolean,
  ) {
    this.regexp = compileAlternatives(patterns);
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
    // A lone surrogate would be a code point no Go string holds (`\p{Cs}`, `[^\x{FFFD}]`).
    const text = goDecodedString(value);
    return this.mode === 'full' ? this.regexp.matches(text) : this.regexp.test(text);
  }
}

/** One regexp for all the patterns; each pattern's group keeps a leading `(?i)` scoped to that pattern. */
function compileAlternatives(patterns: readonly string[]): RE2JS {
  return loadRe2js().RE2JS.compile(renameRepeatedGroups(patterns.map((p) => `(?:${closeQuote(goUnicodeClasses(p))})`).join('|')));
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
