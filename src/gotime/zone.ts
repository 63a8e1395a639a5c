// Time zones as Go's time package sees them: TZif files (v1/v2/v3 plus the POSIX TZ footer),
// the Local zone chosen from $TZ exactly like Go's initLocal, and zone lookups by Unix second.
import { readFileSync } from 'node:fs';

interface ZoneType {
  readonly name: string;
  readonly offset: number;
  readonly isDST: boolean;
}

interface Transition {
  readonly when: number;
  readonly index: number;
}

/** The zone in effect at one instant. */
export interface ZoneInfo {
  readonly name: string;
  readonly offset: number;
  readonly isDST: boolean;
}

const UTC_INFO: ZoneInfo = { name: 'UTC', offset: 0, isDST: false };
const SECONDS_PER_DAY = 86400;

export class Location {
  private cacheStart = 0;
  private cacheEnd = -1;
  private cacheInfo: ZoneInfo = UTC_INFO;

  constructor(
    readonly name: string,
    private readonly zones: readonly ZoneType[] = [],
    private readonly tx: readonly Transition[] = [],
    private readonly extend = '',
  ) {}

  /** Zone name and offset (seconds east of UTC) in effect at Unix second `sec`. */
  lookup(sec: number): ZoneInfo {
    if (this.zones.length === 0) return UTC_INFO;
    if (sec >= this.cacheStart && sec < this.cacheEnd) return this.cacheInfo;
    const found = this.lookupUncached(sec);
    this.cacheStart = found.start;
    this.cacheEnd = found.end;
    this.cacheInfo = found.info;
    return found.info;
  }

  private lookupUncached(sec: number): { info: ZoneInfo; start: number; end: number } {
    const tx = this.tx;
    if (tx.length === 0 || sec < tx[0]!.when) {
      const z = this.zones[this.firstZoneIndex()]!;
      return { info: { name: z.name, offset: z.offset, isDST: z.isDST }, start: -Infinity, end: tx.length > 0 ? tx[0]!.when : Infinity };
    }
    let lo = 0;
    let hi = tx.length;
    let end = Infinity;
    while (hi - lo > 1) {
      const m = (lo + hi) >>> 1;
      if (sec < tx[m]!.when) {
        end = tx[m]!.when;
        hi = m;
      } else {
        lo = m;
      }
    }
    const z = this.zones[tx[lo]!.index]!;
    const start = tx[lo]!.when;
    if (lo === tx.length - 1 && this.extend !== '') {
      const rule = tzset(this.extend, start, sec);
      if (rule) return rule;
    }
    return { info: { name: z.name, offset: z.offset, isDST: z.isDST }, start, end };
  }

  // Go's lookupFirstZone: the zone used before the first transition.
  private firstZoneIndex(): number {
    if (!this.tx.some((t) => t.index === 0)) return 0;
    if (this.tx.length > 0 && this.zones[this.tx[0]!.index]!.isDST) {
      for (let zi = this.tx[0]!.index - 1; zi >= 0; zi--) if (!this.zones[zi]!.isDST) return zi;
    }
    const std = this.zones.findIndex((z) => !z.isDST);
    return std >= 0 ? std : 0;
  }
}

export const UTC = new Location('UTC');

/** Go's time.FixedZone: one zone, always `offset` seconds east of UTC. */
export function fixedZone(name: string, offset: number): Location {
  return new Location(name, [{ name, offset, isDST: false }]);
}

/** Decodes a TZif file the way Go's LoadLocationFromTZData does. Throws on malformed data. */
export function parseTZif(name: string, data: Uint8Array): Location {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > buf.length) throw new Error(`malformed time zone information: ${name}`);
  };
  const header = (): number[] => {
    need(44);
    if (buf.toString('latin1', pos, pos + 4) !== 'TZif') throw new Error(`malformed time zone information: ${name}`);
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) counts.push(buf.readUInt32BE(pos + 20 + i * 4));
    pos += 44;
    return counts; // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  };
  const version = buf.length > 4 ? buf[4]! : 0;
  let [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = header() as [number, number, number, number, number, number];
  let timeSize = 4;
  if (version >= 0x32) {
    // Skip the 32-bit body; the 64-bit one follows with its own header.
    pos += timecnt * 4 + timecnt + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt;
    [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = header() as [number, number, number, number, number, number];
    timeSize = 8;
  }
  need(timecnt * timeSize + timecnt + typecnt * 6 + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt);
  const whens: number[] = [];
  for (let i = 0; i < timecnt; i++) {
    whens.push(timeSize === 8 ? Number(buf.readBigInt64BE(pos)) : buf.readInt32BE(pos));
    pos += timeSize;
  }
  const indices = Array.from(buf.subarray(pos, pos + timecnt));
  pos += timecnt;
  const raw: { offset: number; isDST: boolean; abbr: number }[] = [];
  for (let i = 0; i < typecnt; i++) {
    raw.push({ offset: buf.readInt32BE(pos), isDST: buf[pos + 4] !== 0, abbr: buf[pos + 5]! });
    pos += 6;
  }
  const chars = buf.subarray(pos, pos + charcnt);
  pos += charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt;
  const zones = raw.map((z) => {
    const endIdx = chars.indexOf(0, z.abbr);
    return { name: chars.toString('latin1', z.abbr, endIdx < 0 ? chars.length : endIdx), offset: z.offset, isDST: z.isDST };
  });
  if (zones.length === 0) throw new Error(`malformed time zone information: ${name}`);
  const tx: Transition[] = whens.map((when, i) => {
    const index = indices[i]!;
    if (index >= zones.length) throw new Error(`malformed time zone information: ${name}`);
    return { when, index };
  });
  // Fixed zones such as Etc/GMT-8 have no transitions: Go adds one covering all time.
  if (tx.length === 0) tx.push({ when: -Infinity, index: 0 });
  let extend = '';
  const rest = buf.subarray(pos);
  if (timeSize === 8 && rest.length > 2 && rest[0] === 0x0a && rest[rest.length - 1] === 0x0a) {
    extend = rest.toString('latin1', 1, rest.length - 1);
  }
  return new Location(name, zones, tx, extend);
}

const PLATFORM_ZONE_SOURCES = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo'];
const zoneCache = new Map<string, Location>();

function loadFrom(name: string, sources: readonly string[]): Location | undefined {
  for (const source of sources) {
    const path = source === '' ? name : `${source}/${name}`;
    try {
      return parseTZif(name, readFileSync(path));
    } catch {
      // try the next source, as Go does
    }
  }
  return undefined;
}

/**
 * Go's time.LoadLocation: "UTC"/"" give UTC, "Local" the local zone; other names are read from
 * $ZONEINFO first, then the system zoneinfo directories. Returns undefined for unknown names.
 */
export function loadLocation(name: string, env: NodeJS.ProcessEnv = process.env): Location | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return localLocation();
  if (name.includes('..') || name.startsWith('/') || name.startsWith('\\')) return undefined;
  const key = `${env.ZONEINFO ?? ''}\0${name}`;
  const cached = zoneCache.get(key);
  if (cached) return cached;
  const sources = env.ZONEINFO ? [env.ZONEINFO, ...PLATFORM_ZONE_SOURCES] : PLATFORM_ZONE_SOURCES;
  const loc = loadFrom(name, sources);
  if (loc) zoneCache.set(key, loc);
  return loc;
}

/**
 * The Local zone as Go's initLocal picks it: TZ unset → /etc/localtime; TZ="" or "UTC" → UTC;
 * TZ="/path" or ":/path" → that file; TZ=Name → the system zoneinfo directories; failures → UTC.
 * (Go ignores $ZONEINFO here, so do we.)
 */
export function localFromEnv(env: NodeJS.ProcessEnv): Location {
  let tz = env.TZ;
  if (tz === undefined) {
    const loc = loadFrom('localtime', ['/etc']);
    return loc ? withName(loc, 'Local') : UTC_LOCAL;
  }
  if (tz.startsWith(':')) tz = tz.slice(1);
  if (tz.startsWith('/')) {
    const loc = loadFrom(tz, ['']);
    if (loc) return withName(loc, tz === '/etc/localtime' ? 'Local' : tz);
  } else if (tz !== '' && tz !== 'UTC') {
    const loc = loadFrom(tz, PLATFORM_ZONE_SOURCES);
    if (loc) return loc;
  }
  return UTC_LOCAL;
}

const UTC_LOCAL = new Location('UTC');

function withName(loc: Location, name: string): Location {
  return Object.assign(Object.create(Location.prototype) as Location, loc, { name });
}

let local: Location | undefined;

/** The process's Local zone (from $TZ at first use, then cached for the process lifetime). */
export function localLocation(): Location {
  local ??= localFromEnv(process.env);
  return local;
}

/** Replaces the Local zone (tests that compare several zones in one process). */
export function setLocalLocation(loc: Location): void {
  local = loc;
}

// ---- POSIX TZ strings (the TZif footer), following Go's tzset ----

interface Rule {
  kind: 'julian' | 'doy' | 'mwd';
  day: number;
  week: number;
  mon: number;
  time: number;
}

function tzset(s: string, lastTxSec: number, sec: number): { info: ZoneInfo; start: number; end: number } | undefined {
  const std = tzsetName(s);
  if (!std) return undefined;
  const stdOff = tzsetOffset(std.rest);
  if (!stdOff) return undefined;
  let stdName = std.name;
  let stdOffset = -stdOff.offset;
  s = stdOff.rest;
  if (s.length === 0 || s[0] === ',') {
    return { info: { name: stdName, offset: stdOffset, isDST: false }, start: lastTxSec, end: Infinity };
  }
  const dst = tzsetName(s);
  if (!dst) return undefined;
  let dstName = dst.name;
  let dstOffset: number;
  s = dst.rest;
  if (s.length === 0 || s[0] === ',') {
    dstOffset = stdOffset + 3600;
  } else {
    const off = tzsetOffset(s);
    if (!off) return undefined;
    dstOffset = -off.offset;
    s = off.rest;
  }
  if (s.length === 0) s = ',M3.2.0,M11.1.0';
  if (s[0] !== ',' && s[0] !== ';') return undefined;
  const startRule = tzsetRule(s.slice(1));
  if (!startRule || startRule.rest[0] !== ',') return undefined;
  const endRule = tzsetRule(startRule.rest.slice(1));
  if (!endRule || endRule.rest.length > 0) return undefined;

  const days = Math.floor(sec / SECONDS_PER_DAY);
  const { year } = civilFromDays(days);
  const yday = days - daysFromCivil(year, 1, 1);
  const ysec = yday * SECONDS_PER_DAY + (sec - days * SECONDS_PER_DAY);
  const ystart = sec - ysec;
  let startSec = tzruleTime(year, startRule.rule, stdOffset);
  let endSec = tzruleTime(year, endRule.rule, dstOffset);
  let stdIsDST = false;
  if (endSec < startSec) {
    // Southern hemisphere: DST spans the turn of the year.
    stdIsDST = true;
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
  }
  if (ysec < startSec) return { info: { name: stdName, offset: stdOffset, isDST: stdIsDST }, start: ystart, end: startSec + ystart };
  if (ysec >= endSec) return { info: { name: stdName, offset: stdOffset, isDST: stdIsDST }, start: endSec + ystart, end: ystart + 365 * SECONDS_PER_DAY };
  return { info: { name: dstName, offset: dstOffset, isDST: !stdIsDST }, start: startSec + ystart, end: endSec + ystart };
}

function tzsetName(s: string): { name: string; rest: string } | undefined {
  if (s.length === 0) return undefined;
  if (s[0] !== '<') {
    const m = /[0-9,+-]/.exec(s);
    if (!m) return s.length < 3 ? undefined : { name: s, rest: '' };
    if (m.index < 3) return undefined;
    return { name: s.slice(0, m.index), rest: s.slice(m.index) };
  }
  const close = s.indexOf('>');
  return close < 0 ? undefined : { name: s.slice(1, close), rest: s.slice(close + 1) };
}

function tzsetNum(s: string, min: number, max: number): { n: number; rest: string } | undefined {
  const m = /^[0-9]+/.exec(s);
  if (!m) return undefined;
  const n = Number(m[0]);
  if (n < min || n > max) return undefined;
  return { n, rest: s.slice(m[0].length) };
}

function tzsetOffset(s: string): { offset: number; rest: string } | undefined {
  if (s.length === 0) return undefined;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    s = s.slice(1);
    neg = true;
  }
  const h = tzsetNum(s, 0, 24 * 7);
  if (!h) return undefined;
  let off = h.n * 3600;
  s = h.rest;
  if (s[0] === ':') {
    const m = tzsetNum(s.slice(1), 0, 59);
    if (!m) return undefined;
    off += m.n * 60;
    s = m.rest;
    if (s[0] === ':') {
      const sec = tzsetNum(s.slice(1), 0, 59);
      if (!sec) return undefined;
      off += sec.n;
      s = sec.rest;
    }
  }
  return { offset: neg ? -off : off, rest: s };
}

function tzsetRule(s: string): { rule: Rule; rest: string } | undefined {
  let rule: Rule;
  if (s[0] === 'J') {
    const d = tzsetNum(s.slice(1), 1, 365);
    if (!d) return undefined;
    rule = { kind: 'julian', day: d.n, week: 0, mon: 0, time: 0 };
    s = d.rest;
  } else if (s[0] === 'M') {
    const mon = tzsetNum(s.slice(1), 1, 12);
    if (!mon || mon.rest[0] !== '.') return undefined;
    const week = tzsetNum(mon.rest.slice(1), 1, 5);
    if (!week || week.rest[0] !== '.') return undefined;
    const day = tzsetNum(week.rest.slice(1), 0, 6);
    if (!day) return undefined;
    rule = { kind: 'mwd', day: day.n, week: week.n, mon: mon.n, time: 0 };
    s = day.rest;
  } else {
    const d = tzsetNum(s, 0, 365);
    if (!d) return undefined;
    rule = { kind: 'doy', day: d.n, week: 0, mon: 0, time: 0 };
    s = d.rest;
  }
  if (s.length === 0 || s[0] !== '/') {
    rule.time = 2 * 3600;
    return { rule, rest: s };
  }
  const off = tzsetOffset(s.slice(1));
  if (!off) return undefined;
  rule.time = off.offset;
  return { rule, rest: off.rest };
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

export function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2 && isLeap(year)) return 29;
  return DAYS_BEFORE[month]! - DAYS_BEFORE[month - 1]!;
}

function tzruleTime(year: number, r: Rule, off: number): number {
  let s: number;
  if (r.kind === 'julian') {
    s = (r.day - 1) * SECONDS_PER_DAY;
    if (isLeap(year) && r.day >= 60) s += SECONDS_PER_DAY;
  } else if (r.kind === 'doy') {
    s = r.day * SECONDS_PER_DAY;
  } else {
    // Day of week of the first day of the month, then the week-th such weekday (5 = last).
    const dow = (((daysFromCivil(year, r.mon, 1) + 4) % 7) + 7) % 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += DAYS_BEFORE[r.mon - 1]!;
    if (isLeap(year) && r.mon > 2) d++;
    s = d * SECONDS_PER_DAY;
  }
  return s + r.time - off;
}

// ---- proleptic Gregorian calendar on days since 1970-01-01 ----

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
