// Go's time.Time semantics: an instant (Unix seconds + nanoseconds), the zone it is shown in, and
// an optional monotonic clock reading; formatting with Go layouts and Go's Time.String().
import { civilFromDays, daysFromCivil, localLocation, Location, UTC } from './zone.js';

export interface GoTime {
  /** Seconds since the Unix epoch (may be negative; Go's zero time is year 1). */
  readonly sec: number;
  /** Nanoseconds within the second, 0..999999999. */
  readonly nsec: number;
  readonly loc: Location;
  /** Monotonic clock reading in nanoseconds since process start, as time.Now() carries it. */
  readonly mono?: bigint;
}

/** Seconds from 0001-01-01T00:00:00Z (Go's zero time) to the Unix epoch. */
const ZERO_UNIX_SEC = -62135596800;

export const zeroGoTime: GoTime = Object.freeze({ sec: ZERO_UNIX_SEC, nsec: 0, loc: UTC });

export function isZeroGoTime(t: GoTime): boolean {
  return t.sec === ZERO_UNIX_SEC && t.nsec === 0;
}

export function inZone(t: GoTime, loc: Location): GoTime {
  // Go's In/UTC/Local strip the monotonic reading.
  return { sec: t.sec, nsec: t.nsec, loc };
}

export function utc(t: GoTime): GoTime {
  return inZone(t, UTC);
}

export function local(t: GoTime): GoTime {
  return inZone(t, localLocation());
}

export function goTimeFromUnix(sec: number, nsec = 0, loc: Location = localLocation()): GoTime {
  const carry = Math.floor(nsec / 1e9);
  return { sec: sec + carry, nsec: nsec - carry * 1e9, loc };
}

// Monotonic readings count from process start, as Go's do.
const hrtimeAtStart = process.hrtime.bigint() - BigInt(Math.round(performance.now() * 1e6));

/** time.Now(): the wall clock in the Local zone, with a monotonic reading. */
export function nowGoTime(): GoTime {
  const hr = process.hrtime.bigint();
  const ms = Date.now();
  // Date.now() has millisecond precision; the high-resolution clock supplies the rest.
  const nsec = (ms % 1000) * 1e6 + Number(hr % 1000000n);
  let mono = hr - hrtimeAtStart;
  if (mono <= 0n) mono = 1n;
  return { sec: Math.floor(ms / 1000), nsec, loc: localLocation(), mono };
}

const KUBE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses a Kubernetes RFC3339 timestamp (optional fraction) into a GoTime in the Local zone, as
 * apimachinery's metav1.Time/MicroTime decoding does. null/undefined/"" give null; so does text
 * that is not RFC3339 (the API server never sends such text).
 */
export function parseKubeTime(s: string | null | undefined): GoTime | null {
  if (!s) return null;
  const m = KUBE_TIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, , sign, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return null;
  let sec = daysFromCivil(Number(y), month, day) * 86400 + Number(h) * 3600 + Number(mi) * 60 + Number(se);
  if (sign) sec -= (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60);
  const nsec = frac ? Number(frac.slice(0, 9).padEnd(9, '0')) : 0;
  return { sec, nsec, loc: localLocation() };
}

// ---- layouts ----

const enum Std {
  Literal,
  LongMonth,
  Month,
  NumMonth,
  ZeroMonth,
  LongWeekDay,
  WeekDay,
  Day,
  UnderDay,
  ZeroDay,
  UnderYearDay,
  ZeroYearDay,
  Hour,
  Hour12,
  ZeroHour12,
  Minute,
  ZeroMinute,
  Second,
  ZeroSecond,
  LongYear,
  Year,
  PM,
  pm,
  TZ,
  ISO8601TZ,
  ISO8601SecondsTZ,
  ISO8601ShortTZ,
  ISO8601ColonTZ,
  ISO8601ColonSecondsTZ,
  NumTZ,
  NumSecondsTz,
  NumShortTZ,
  NumColonTZ,
  NumColonSecondsTZ,
  FracSecond0,
  FracSecond9,
}

interface Chunk {
  readonly std: Std;
  readonly text: string;
  /** Fraction digits, for FracSecond0/9. */
  readonly digits: number;
  readonly sep: string;
}

const TZ_CHUNKS: readonly [string, Std][] = [
  ['-070000', Std.NumSecondsTz],
  ['-07:00:00', Std.NumColonSecondsTZ],
  ['-0700', Std.NumTZ],
  ['-07:00', Std.NumColonTZ],
  ['-07', Std.NumShortTZ],
];
const ISO_CHUNKS: readonly [string, Std][] = [
  ['Z070000', Std.ISO8601SecondsTZ],
  ['Z07:00:00', Std.ISO8601ColonSecondsTZ],
  ['Z0700', Std.ISO8601TZ],
  ['Z07:00', Std.ISO8601ColonTZ],
  ['Z07', Std.ISO8601ShortTZ],
];
const ZERO_X = [Std.ZeroMonth, Std.ZeroDay, Std.ZeroHour12, Std.ZeroMinute, Std.ZeroSecond, Std.Year];

function startsWithLower(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x61 && c <= 0x7a;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

/** Splits a layout into literal text and Go's std elements (Go's nextStdChunk, applied repeatedly). */
function compileLayout(layout: string): Chunk[] {
  const chunks: Chunk[] = [];
  let lit = '';
  const push = (std: Std, skip: number, digits = 0, sep = ''): number => {
    if (lit) chunks.push({ std: Std.Literal, text: lit, digits: 0, sep: '' });
    lit = '';
    chunks.push({ std, text: '', digits, sep });
    return skip;
  };
  let i = 0;
  while (i < layout.length) {
    const c = layout[i]!;
    const at = (s: string): boolean => layout.startsWith(s, i);
    let n = 0;
    switch (c) {
      case 'J':
        if (at('January')) n = push(Std.LongMonth, 7);
        else if (at('Jan') && !startsWithLower(layout, i + 3)) n = push(Std.Month, 3);
        break;
      case 'M':
        if (at('Monday')) n = push(Std.LongWeekDay, 6);
        else if (at('Mon') && !startsWithLower(layout, i + 3)) n = push(Std.WeekDay, 3);
        else if (at('MST')) n = push(Std.TZ, 3);
        break;
      case '0': {
        const d = layout.charCodeAt(i + 1) - 0x31;
        if (d >= 0 && d <= 5) n = push(ZERO_X[d]!, 2);
        else if (at('002')) n = push(Std.ZeroYearDay, 3);
        break;
      }
      case '1':
        n = at('15') ? push(Std.Hour, 2) : push(Std.NumMonth, 1);
        break;
      case '2':
        n = at('2006') ? push(Std.LongYear, 4) : push(Std.Day, 1);
        break;
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) {
            lit += '_';
            i++;
            n = push(Std.LongYear, 4);
          } else {
            n = push(Std.UnderDay, 2);
          }
        } else if (at('__2')) {
          n = push(Std.UnderYearDay, 3);
        }
        break;
      case '3':
        n = push(Std.Hour12, 1);
        break;
      case '4':
        n = push(Std.Minute, 1);
        break;
      case '5':
        n = push(Std.Second, 1);
        break;
      case 'P':
        if (at('PM')) n = push(Std.PM, 2);
        break;
      case 'p':
        if (at('pm')) n = push(Std.pm, 2);
        break;
      case '-':
        for (const [text, std] of TZ_CHUNKS) {
          if (at(text)) {
            n = push(std, text.length);
            break;
          }
        }
        break;
      case 'Z':
        for (const [text, std] of ISO_CHUNKS) {
          if (at(text)) {
            n = push(std, text.length);
            break;
          }
        }
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) n = push(ch === '0' ? Std.FracSecond0 : Std.FracSecond9, j - i, j - i - 1, c);
        }
        break;
      }
    }
    if (n === 0) {
      lit += c;
      i++;
    } else {
      i += n;
    }
  }
  if (lit) chunks.push({ std: Std.Literal, text: lit, digits: 0, sep: '' });
  return chunks;
}

const layoutCache = new Map<string, Chunk[]>();
const MAX_CACHED_LAYOUTS = 256;

function chunksFor(layout: string): Chunk[] {
  let chunks = layoutCache.get(layout);
  if (!chunks) {
    chunks = compileLayout(layout);
    if (layoutCache.size < MAX_CACHED_LAYOUTS) layoutCache.set(layout, chunks);
  }
  return chunks;
}

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function monthName(month: number): string {
  return LONG_MONTHS[month - 1] ?? `%!Month(${month})`;
}

export function weekdayName(day: number): string {
  return LONG_DAYS[day] ?? `%!Weekday(${day})`;
}

/** Go's appendInt: decimal with zero padding to width (the sign does not count). */
function pad(n: number, width: number): string {
  if (n < 0) return '-' + pad(-n, width);
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

/** Calendar fields of t in its own zone. */
export interface GoCivil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
  /** 1-based day of the year. */
  yearDay: number;
  zoneName: string;
  zoneOffset: number;
}

export function civil(t: GoTime): GoCivil {
  const zone = t.loc.lookup(t.sec);
  const localSec = t.sec + zone.offset;
  const days = Math.floor(localSec / 86400);
  const secOfDay = localSec - days * 86400;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor(secOfDay / 60) % 60,
    second: secOfDay % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
    yearDay: days - daysFromCivil(year, 1, 1) + 1,
    zoneName: zone.name,
    zoneOffset: zone.offset,
  };
}

function fraction(nsec: number, chunk: Chunk): string {
  const trim = chunk.std === Std.FracSecond9;
  if (trim && (chunk.digits === 0 || nsec === 0)) return '';
  let digits = pad(nsec, 9);
  if (chunk.digits < 9) digits = digits.slice(0, chunk.digits);
  if (trim) digits = digits.replace(/0+$/, '');
  return digits === '' ? '' : chunk.sep + digits;
}

function zoneOffsetText(offset: number, std: Std): string {
  const iso = std >= Std.ISO8601TZ && std <= Std.ISO8601ColonSecondsTZ;
  if (iso && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const minutes = Math.floor(abs / 60);
  let out = sign + pad(Math.floor(minutes / 60), 2);
  const colon = std === Std.ISO8601ColonTZ || std === Std.NumColonTZ || std === Std.ISO8601ColonSecondsTZ || std === Std.NumColonSecondsTZ;
  if (colon) out += ':';
  if (std !== Std.NumShortTZ && std !== Std.ISO8601ShortTZ) out += pad(minutes % 60, 2);
  if (std === Std.ISO8601SecondsTZ || std === Std.NumSecondsTz || std === Std.NumColonSecondsTZ || std === Std.ISO8601ColonSecondsTZ) {
    if (colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

/** Go's Time.Format. */
export function goFormat(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = '';
  for (const chunk of chunksFor(layout)) {
    switch (chunk.std) {
      case Std.Literal:
        out += chunk.text;
        break;
      case Std.Year:
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case Std.LongYear:
        out += pad(c.year, 4);
        break;
      case Std.Month:
        out += monthName(c.month).slice(0, 3);
        break;
      case Std.LongMonth:
        out += monthName(c.month);
        break;
      case Std.NumMonth:
        out += c.month;
        break;
      case Std.ZeroMonth:
        out += pad(c.month, 2);
        break;
      case Std.WeekDay:
        out += weekdayName(c.weekday).slice(0, 3);
        break;
      case Std.LongWeekDay:
        out += weekdayName(c.weekday);
        break;
      case Std.Day:
        out += c.day;
        break;
      case Std.UnderDay:
        out += (c.day < 10 ? ' ' : '') + c.day;
        break;
      case Std.ZeroDay:
        out += pad(c.day, 2);
        break;
      case Std.UnderYearDay:
        out += (c.yearDay < 100 ? ' ' : '') + (c.yearDay < 10 ? ' ' : '') + c.yearDay;
        break;
      case Std.ZeroYearDay:
        out += pad(c.yearDay, 3);
        break;
      case Std.Hour:
        out += pad(c.hour, 2);
        break;
      case Std.Hour12:
        out += c.hour % 12 === 0 ? 12 : c.hour % 12;
        break;
      case Std.ZeroHour12:
        out += pad(c.hour % 12 === 0 ? 12 : c.hour % 12, 2);
        break;
      case Std.Minute:
        out += c.minute;
        break;
      case Std.ZeroMinute:
        out += pad(c.minute, 2);
        break;
      case Std.Second:
        out += c.second;
        break;
      case Std.ZeroSecond:
        out += pad(c.second, 2);
        break;
      case Std.PM:
        out += c.hour >= 12 ? 'PM' : 'AM';
        break;
      case Std.pm:
        out += c.hour >= 12 ? 'pm' : 'am';
        break;
      case Std.TZ:
        if (c.zoneName !== '') {
          out += c.zoneName;
        } else {
          const minutes = Math.trunc(c.zoneOffset / 60);
          out += (minutes < 0 ? '-' : '+') + pad(Math.floor(Math.abs(minutes) / 60), 2) + pad(Math.abs(minutes) % 60, 2);
        }
        break;
      case Std.FracSecond0:
      case Std.FracSecond9:
        out += fraction(t.nsec, chunk);
        break;
      default:
        out += zoneOffsetText(c.zoneOffset, chunk.std);
    }
  }
  return out;
}

/** Go's monotonic suffix: " m=+1.234567890" (seconds, 9 decimals). */
function monotonicSuffix(mono: bigint): string {
  const sign = mono < 0n ? '-' : '+';
  const abs = mono < 0n ? -mono : mono;
  const secs = abs / 1000000000n;
  const frac = (abs % 1000000000n).toString().padStart(9, '0');
  return ` m=${sign}${secs}.${frac}`;
}

const STRING_LAYOUT = '2006-01-02 15:04:05.999999999 -0700 MST';

/** Go's Time.String(): `2006-01-02 15:04:05.999999999 -0700 MST` plus ` m=±…` when monotonic. */
export function goTimeString(t: GoTime): string {
  const s = goFormat(t, STRING_LAYOUT);
  return t.mono === undefined ? s : s + monotonicSuffix(t.mono);
}

/** `2006-01-02 15:04:05` in the Local zone. */
export function goDateTime(t: GoTime): string {
  return goFormat(local(t), '2006-01-02 15:04:05');
}

/** Go's time.Time JSON form in UTC: RFC3339 with the fraction trimmed of trailing zeros. */
export function rfc3339NanoUTC(t: GoTime): string {
  return goFormat(utc(t), '2006-01-02T15:04:05.999999999Z07:00');
}

/** Unix nanoseconds as an exact bigint. */
export function unixNano(t: GoTime): bigint {
  return BigInt(t.sec) * 1000000000n + BigInt(t.nsec);
}
