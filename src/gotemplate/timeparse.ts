// Go's time.Parse for the two layouts metav1.Time and MicroTime read (RFC 3339, and RFC 3339 with
// exactly six fractional digits): the same accepted inputs and the same *time.ParseError texts.
import { daysFromCivil, fixedZone, localLocation, type GoTime, UTC } from '../gotime/index.js';
import { rawByte } from './utf8.js';

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

type Std = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'zone';
type Element = readonly [text: string, std: Std | undefined];

const ELEMENTS: Record<string, readonly Element[]> = {
  [RFC3339]: [
    ['2006', 'year'], ['-', undefined], ['01', 'month'], ['-', undefined], ['02', 'day'], ['T', undefined],
    ['15', 'hour'], [':', undefined], ['04', 'minute'], [':', undefined], ['05', 'second'], ['Z07:00', 'zone'],
  ],
  [RFC3339_MICRO]: [
    ['2006', 'year'], ['-', undefined], ['01', 'month'], ['-', undefined], ['02', 'day'], ['T', undefined],
    ['15', 'hour'], [':', undefined], ['04', 'minute'], [':', undefined], ['05', 'second'], ['.000000', 'fraction'], ['Z07:00', 'zone'],
  ],
};

/** The time package's own quoting in error texts (non-ASCII and control bytes as \xNN). */
function timeQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const raw = rawByte(c);
    if (raw !== undefined) out += '\\x' + raw.toString(16);
    else if (c >= 0x80 || c < 0x20) for (const b of Buffer.from(ch, 'utf8')) out += '\\x' + b.toString(16).padStart(2, '0');
    else out += (ch === '"' || ch === '\\' ? '\\' : '') + ch;
  }
  return out + '"';
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

/** Go's atoi: an optional sign and decimal digits only. */
function atoi(s: string): number | undefined {
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  return m ? (m[1] === '-' ? -1 : 1) * Number(m[2]) : undefined;
}

function daysIn(month: number, year: number): number {
  return month === 12 ? 31 : daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
}

/** time.Parse(layout, value): the time (in UTC for Z, Local when the offset is Local's, else a fixed zone), or the error text. */
export function goParseTime(layout: typeof RFC3339 | typeof RFC3339_MICRO, value: string): GoTime | { error: string } {
  const fail = (layoutElem: string, valueElem: string): { error: string } => ({
    error: `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}`,
  });
  const failWith = (message: string): { error: string } => ({ error: `parsing time ${timeQuote(value)}${message}` });
  let rest = value;
  let [year, month, day, hour, minute, second, nsec] = [0, 1, 1, 0, 0, 0, 0];
  let offset: number | undefined;
  const elements = ELEMENTS[layout]!;
  for (let k = 0; k < elements.length; k++) {
    const [text, std] = elements[k]!;
    const hold = rest;
    if (std === undefined) {
      if (!rest.startsWith(text)) return fail(text, rest);
      rest = rest.slice(text.length);
      continue;
    }
    let range = '';
    switch (std) {
      case 'year': {
        const y = rest.length < 4 || !isDigit(rest, 0) ? undefined : atoi(rest.slice(0, 4));
        if (y === undefined) return fail(text, hold);
        year = y;
        rest = rest.slice(4);
        break;
      }
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second': {
        const got = getnum(rest, std !== 'hour');
        if (got === undefined) return fail(text, hold);
        const [n, after] = got;
        rest = after;
        if (std === 'month') [month, range] = [n, n <= 0 || n > 12 ? 'month' : ''];
        if (std === 'day') day = n;
        if (std === 'hour') [hour, range] = [n, n >= 24 ? 'hour' : ''];
        if (std === 'minute') [minute, range] = [n, n >= 60 ? 'minute' : ''];
        if (std === 'second') {
          [second, range] = [n, n >= 60 ? 'second' : ''];
          // A fraction the layout does not spell out is still read.
          if (range === '' && elements[k + 1]?.[1] !== 'fraction' && rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
            let n2 = 2;
            while (n2 < rest.length && isDigit(rest, n2)) n2++;
            nsec = Number(rest.slice(1, Math.min(n2, 10)).padEnd(9, '0'));
            rest = rest.slice(n2);
          }
        }
        break;
      }
      case 'fraction': {
        if (rest.length < 7 || (rest[0] !== '.' && rest[0] !== ',') || !/^[0-9]{6}$/.test(rest.slice(1, 7))) return fail(text, hold);
        nsec = Number(rest.slice(1, 7)) * 1000;
        rest = rest.slice(7);
        break;
      }
      case 'zone': {
        if (rest.startsWith('Z')) {
          // UTC itself, not a zone that happens to be at offset 0.
          rest = rest.slice(1);
          break;
        }
        if (rest.length < 6 || rest[3] !== ':') return fail(text, hold);
        const hr = getnum(rest.slice(1, 3), true);
        const mm = getnum(rest.slice(4, 6), true);
        if (hr === undefined || mm === undefined || (rest[0] !== '+' && rest[0] !== '-')) return fail(text, hold);
        if (hr[0] > 24) range = 'time zone offset hour';
        if (mm[0] > 60) range = 'time zone offset minute';
        offset = (rest[0] === '-' ? -1 : 1) * (hr[0] * 60 + mm[0]) * 60;
        rest = rest.slice(6);
        break;
      }
    }
    if (range !== '') return failWith(`: ${range} out of range`);
  }
  if (rest.length > 0) return failWith(`: extra text: ${timeQuote(rest)}`);
  if (day < 1 || day > daysIn(month, year)) return failWith(': day out of range');
  const sec = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - (offset ?? 0);
  return { sec, nsec, loc: zoneFor(sec, offset) };
}

function zoneFor(sec: number, offset: number | undefined): GoTime['loc'] {
  if (offset === undefined) return UTC;
  return localLocation().lookup(sec).offset === offset ? localLocation() : fixedZone('', offset);
}

const STRICT = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-]([0-9]{2}):([0-9]{2}))$/;

/**
 * Time.UnmarshalText and UnmarshalJSON's parser (Go's parseStrictRFC3339): RFC 3339 as time.Parse
 * reads it, minus what RFC 3339 forbids (one-digit hour, `,` before the fraction, zone out of range).
 */
export function goParseStrictRFC3339(value: string): GoTime | { error: string } {
  const parsed = goParseTime(RFC3339, value);
  if ('error' in parsed) return parsed;
  const m = STRICT.exec(value);
  if (m !== null && (m[3] === undefined || (Number(m[3]) < 24 && Number(m[4]) < 60)) && Number(value.slice(11, 13)) < 24) return parsed;
  const head = `parsing time ${timeQuote(value)}`;
  if (value[12] === ':') return { error: `${head} as ${timeQuote(RFC3339)}: cannot parse ${timeQuote(value[11]!)} as "15"` };
  if (value[19] === ',') return { error: `${head} as ${timeQuote(RFC3339)}: cannot parse "," as "."` };
  if (!value.endsWith('Z')) {
    if (Number(value.slice(-5, -3)) >= 24) return { error: `${head}: timezone hour out of range` };
    if (Number(value.slice(-2)) >= 60) return { error: `${head}: timezone minute out of range` };
  }
  return { error: `${head} as ${timeQuote(RFC3339)}: cannot parse ${timeQuote(value)} as ${timeQuote(RFC3339)}` };
}
