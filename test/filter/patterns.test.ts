import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/base/errors.js';
import { compilePatternOption, compileRegexp, splitPatternList } from '../../src/filter/patterns.js';

test('splitPatternList splits on top-level commas only', () => {
  assert.deepEqual(splitPatternList('BackOff,Failed'), ['BackOff', 'Failed']);
  assert.deepEqual(splitPatternList('x{1,3},y'), ['x{1,3}', 'y']);
  assert.deepEqual(splitPatternList('x{,3},y'), ['x{', '3}', 'y']); // `{,3}` is no repeat in RE2: literal braces
  assert.deepEqual(splitPatternList('[,;],(a,b)'), ['[,;]', '(a,b)']);
  assert.deepEqual(splitPatternList('[],]x,y'), ['[],]x', 'y']);
  assert.deepEqual(splitPatternList('[[:punct:],]z,w'), ['[[:punct:],]z', 'w']);
  assert.deepEqual(splitPatternList('a\\,b,c'), ['a\\,b', 'c']);
  assert.deepEqual(splitPatternList('\\Qa,b\\E,c'), ['\\Qa,b\\E', 'c']);
  assert.deepEqual(splitPatternList('\\Qa,b'), ['\\Qa,b']);
  assert.deepEqual(splitPatternList(',a,,b,'), ['a', 'b']);
  assert.deepEqual(splitPatternList(''), []);
});

test('compileRegexp accepts Go RE2 syntax and rejects what Go rejects', () => {
  assert.ok(compileRegexp('webhook', 'reason', '(?i)back').test('BackOff'));
  assert.ok(compileRegexp('webhook', 'reason', '(?P<n>a)(?<m>b)').test('ab'));
  assert.ok(compileRegexp('webhook', 'reason', '[[:upper:]]\\pL+').test('Back'));
  for (const [pattern, reason] of [
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?<!a)b', 'invalid named capture'],
    ['\\8', 'invalid escape sequence: `\\8`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['(?P<n>a)(?P<n>b)(', 'missing closing )'],
    ['(?P<n>a)(?P<é>b)', 'invalid named capture'],
  ] as const) {
    assert.throws(
      () => compileRegexp('webhook', 'reason', pattern),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.message.startsWith(`webhook: option reason: invalid regexp ${JSON.stringify(pattern)}: `) &&
        err.message.includes(reason),
    );
  }
});

test('a group name given twice in one pattern is accepted, as by Go', () => {
  const m = compilePatternOption('webhook', 'reason', ['(?P<n>Back)(?<n>Off)|(?P<n>Fail)(?P<_0>ed)'], 'full', false)!;
  assert.equal(m.test('BackOff'), true);
  assert.equal(m.test('Failed'), true);
  assert.equal(m.test('Back'), false);
  assert.ok(compileRegexp('webhook', 'reason', '[(?P<n>](?P<n>a)').test('(a'));
});

test('an open \\Q in one pattern does not swallow the next', () => {
  const m = compilePatternOption('webhook', 'reason', ['\\Qa.b', 'x'], 'full', false)!;
  assert.equal(m.test('a.b'), true);
  assert.equal(m.test('x'), true);
  assert.equal(m.test('axb'), false);
});

test('a leading (?i) applies to its own pattern only', () => {
  const m = compilePatternOption('webhook', 'exclude_kinds', ['(?i)pod,Node'], 'full', true)!;
  assert.equal(m.test('POD'), true);
  assert.equal(m.test('Node'), true);
  assert.equal(m.test('NODE'), false);
});

test('full mode matches whole values, search mode anywhere', () => {
  const full = compilePatternOption('w', 'o', ['Fail'], 'full', true)!;
  const search = compilePatternOption('w', 'o', ['Fail'], 'search', false)!;
  assert.equal(full.test('FailedMount'), false);
  assert.equal(search.test('FailedMount'), true);
  assert.equal(compilePatternOption('w', 'o', ['', ','], 'full', true), undefined);
});

test('patterns of one list may reuse a group name, as each is its own regexp in kube-eventer', () => {
  for (const mode of ['search', 'full'] as const) {
    const m = compilePatternOption('webhook', 'reason', ['(?P<r>Back)Off,(?P<r>Fail)ed', '(?<r>Unhealthy)'], mode, false)!;
    assert.equal(m.test('BackOff'), true);
    assert.equal(m.test('Failed'), true);
    assert.equal(m.test('Unhealthy'), true);
    assert.equal(m.test('Killing'), false);
  }
});

test('a lone surrogate in a value is U+FFFD, as Go decodes it from the API server JSON', () => {
  const replacement = compilePatternOption('webhook', 'reason', ['\\p{So}x'], 'search', false)!;
  assert.equal(replacement.test('\udc00x'), true);
  const surrogate = compilePatternOption('webhook', 'exclude_reasons', ['\\p{Cs}.*', '\\x{D800}'], 'full', true)!;
  assert.equal(surrogate.test('\ud800'), false);
  assert.equal(surrogate.test('a\udc00'), false);
  const full = compilePatternOption('webhook', 'exclude_reasons', ['a\\x{FFFD}b'], 'full', true)!;
  assert.equal(full.test('a\ud83db'), true);
  assert.equal(full.test('a\ud83d\ude00b'), false);
});

test('\\p names read as Go 1.25 reads them: any case, aliases, ASCII; multi-word scripts and other properties refused', () => {
  const accepts = (pattern: string, value: string) => compileRegexp('webhook', 'reason', pattern).test(value);
  assert.equal(accepts('^\\p{greek}$', 'Σ'), true);
  assert.equal(accepts('^\\p{Letter}\\pl\\p{cased letter}\\p{other-symbol}$', 'abc😀'), true);
  assert.equal(accepts('^\\p{^greek}$', 'Σ'), false);
  assert.equal(accepts('^[\\p{digit}x]+$', 'x1٣'), true);
  assert.equal(accepts('^\\p{ASCII}+$', 'Pod'), true);
  assert.equal(accepts('^\\P{ascii}$', 'ſ'), true);
  assert.equal(accepts('(?i)^\\P{ascii}$', 'ſ'), false); // folded into ASCII, as Go does
  assert.equal(accepts('(?i)^[\\p{ASCII}]$', '\u212a'), true);
  assert.equal(accepts('^\\Q\\p{Foo}\\E$', '\\p{Foo}'), true);
  for (const pattern of ['\\p{Old_Italic}', '\\p{Alphabetic}', '\\p{White_Space}', '\\p{Garay}', '[\\p{L&}]']) {
    assert.throws(
      () => compileRegexp('webhook', 'reason', pattern),
      (err: unknown) => err instanceof ConfigError && err.message.includes(`invalid regexp ${JSON.stringify(pattern)}: invalid character class range`),
      pattern,
    );
  }
});
