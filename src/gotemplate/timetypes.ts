// Go's time package as templates meet it: time.Time, Duration, Month, Weekday and *Location, with
// every exported method (the list is checked against Go's reflection in the tests).
import { civil, daysFromCivil, fixedZone, goFormat, goTimeString, isZeroGoTime, local, localLocation, Location, type GoTime, unixNano, utc, UTC } from '../gotime/index.js';
import { goParseStrictRFC3339 } from './timeparse.js';
import { goStringOfBytes } from './utf8.js';
import { GoError, GoType, type Method, namedType, normInt, sliceOf, T, Value, zeroOpaque } from './values.js';

export function method(ptrRecv: boolean, params: GoType[], results: GoType[], call: (recv: Value, args: Value[]) => Value): Method {
  return { ptrRecv, params, results, call };
}

/** A method text/template refuses before calling it (no result, or a second result that is not an error). */
export function neverCalled(ptrRecv: boolean, params: GoType[], results: GoType[]): Method {
  return method(ptrRecv, params, results, () => {
    throw new GoError(`unreachable: text/template does not call a method with ${results.length} results`);
  });
}

export const str = (s: string): Value => new Value(T.string, s);
export const bool = (b: boolean): Value => new Value(T.bool, b);
export const int = (n: number | bigint, t: GoType = T.int): Value => new Value(t, normInt(n));
export const bytes = (s: string): Value => new Value(sliceOf(T.uint8), [...Buffer.from(s, 'utf8')]);

// Errors some methods return as their only result (so a template prints them).
export const ParseErrorType = opaqueError('time.ParseError');
export const ErrorStringType = opaqueError('errors.errorString');
export const noError = new Value(T.error, null);

export function opaqueError(name: string): GoType {
  const t = new GoType('struct', name);
  t.opaque = true;
  t.methods.set('Error', method(true, [], [T.string], (r) => str((r.raw as { v: string }).v)));
  return t;
}

export function errorValue(t: GoType, message: string): Value {
  return new Value(T.error, new Value(t.pointer(), { v: message }));
}

export const TimeType = new GoType('struct', 'time.Time');
TimeType.opaque = true;
zeroOpaque.set(TimeType, () => ({ sec: -62135596800, nsec: 0, loc: UTC }) satisfies GoTime);

export const LocationType = new GoType('struct', 'time.Location');
LocationType.opaque = true;

/** time.Time's own fields, which fmt shows for verbs without a String method (printf "%d" .LastTimestamp). */
const TimeFieldsType = new GoType('struct', 'time.Time');
TimeFieldsType.fields = [
  { name: 'wall', type: T.uint64, embedded: false, json: '' },
  { name: 'ext', type: T.int64, embedded: false, json: '' },
  { name: 'loc', type: LocationType.pointer(), embedded: false, json: '' },
];
/** Seconds from Go's zero time (January 1, year 1) to the Unix epoch, and to 1885 where wall seconds count from. */
const UNIX_TO_INTERNAL = 62135596800n;
const WALL_TO_INTERNAL = 59453308800n;
TimeType.fmtFields = (raw) => {
  const t = raw as GoTime;
  const wallSec = BigInt(t.sec) + UNIX_TO_INTERNAL - WALL_TO_INTERNAL;
  const monotonic = t.mono !== undefined && wallSec >= 0n && wallSec < 1n << 33n;
  return new Value(TimeFieldsType, {
    wall: monotonic ? (1n << 63n) | (wallSec << 30n) | BigInt(t.nsec) : BigInt(t.nsec),
    ext: monotonic ? t.mono : BigInt(t.sec) + UNIX_TO_INTERNAL,
    // Go keeps UTC as a nil *Location; every other zone (Local too, even named UTC) is a pointer.
    loc: t.loc === UTC ? null : { v: t.loc },
  });
};
export const MonthType = namedType('int', 'time.Month');
export const WeekdayType = namedType('int', 'time.Weekday');
export const DurationType = namedType('int64', 'time.Duration');

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

MonthType.methods.set('String', method(false, [], [T.string], (r) => str(MONTHS[(r.raw as number) - 1] ?? `%!Month(${String(r.raw)})`)));
WeekdayType.methods.set('String', method(false, [], [T.string], (r) => str(DAYS[r.raw as number] ?? `%!Weekday(${String(r.raw)})`)));
LocationType.methods.set(
  'String',
  method(true, [], [T.string], (r) => {
    const box = r.raw as { v: Location } | null;
    return str((box?.v ?? UTC).name);
  }),
);

export function timeValue(t: GoTime): Value {
  return new Value(TimeType, t);
}

function locationValue(loc: Location): Value {
  return new Value(LocationType.pointer(), { v: loc });
}

// ---- Duration ----

const MIN_DURATION = -(1n << 63n);
const MAX_DURATION = (1n << 63n) - 1n;
const SECOND = 1000000000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

/** Go's Duration.String(): 1h2m3.5s, 1.5ms, 0s. */
export function durationString(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    const [scale, unit] = u < 1000n ? [1n, 'ns'] : u < 1000000n ? [1000n, 'µs'] : [1000000n, 'ms'];
    out = fracString(u, scale) + unit;
  } else {
    const h = u / HOUR;
    u -= h * HOUR;
    const m = u / MINUTE;
    u -= m * MINUTE;
    out = fracString(u, SECOND) + 's';
    if (h > 0n) out = `${h}h${m}m${out}`;
    else if (m > 0n) out = `${m}m${out}`;
  }
  return neg ? '-' + out : out;
}

function fracString(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = v % scale;
  if (frac === 0n) return String(whole);
  const digits = String(scale).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

const big = (v: Value): bigint => BigInt(v.raw as number | bigint);
const dur = (n: bigint): Value => int(n, DurationType);
/** float64(d/unit) + float64(d%unit)/unit, as Go's Hours/Minutes/Seconds. */
const inUnits = (d: bigint, unit: bigint): Value => new Value(T.float64, Number(d / unit) + Number(d % unit) / Number(unit));
const lessThanHalf = (x: bigint, y: bigint): boolean => BigInt.asUintN(64, x) + BigInt.asUintN(64, x) < BigInt.asUintN(64, y);

function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (lessThanHalf(r, m)) return d + r;
    const d1 = d - m + r;
    return d1 < d && d1 >= MIN_DURATION ? d1 : MIN_DURATION;
  }
  if (lessThanHalf(r, m)) return d - r;
  const d1 = d + m - r;
  return d1 > d && d1 <= MAX_DURATION ? d1 : MAX_DURATION;
}

const durationMethods: Record<string, Method> = {
  Abs: method(false, [], [DurationType], (r) => {
    const d = big(r);
    return dur(d >= 0n ? d : d === MIN_DURATION ? MAX_DURATION : -d);
  }),
  Hours: method(false, [], [T.float64], (r) => inUnits(big(r), HOUR)),
  Minutes: method(false, [], [T.float64], (r) => inUnits(big(r), MINUTE)),
  Seconds: method(false, [], [T.float64], (r) => inUnits(big(r), SECOND)),
  Milliseconds: method(false, [], [T.int64], (r) => int(big(r) / 1000000n, T.int64)),
  Microseconds: method(false, [], [T.int64], (r) => int(big(r) / 1000n, T.int64)),
  Nanoseconds: method(false, [], [T.int64], (r) => int(big(r), T.int64)),
  Round: method(false, [DurationType], [DurationType], (r, [m]) => dur(roundDuration(big(r), big(m!)))),
  Truncate: method(false, [DurationType], [DurationType], (r, [m]) => {
    const d = big(r);
    const unit = big(m!);
    return dur(unit <= 0n ? d : d - (d % unit));
  }),
  String: method(false, [], [T.string], (r) => str(durationString(big(r)))),
};
for (const [name, m] of Object.entries(durationMethods)) DurationType.methods.set(name, m);

// ---- Time ----

export function goTimeOf(v: Value): GoTime {
  return v.raw as GoTime;
}

/** Go's UnixMilli/UnixMicro/UnixNano: seconds scaled plus the truncated fraction, wrapping in int64 (the zero time's UnixNano). */
function unixIn(t: GoTime, perSecond: bigint): Value {
  return int(BigInt.asIntN(64, BigInt(t.sec) * perSecond + BigInt(t.nsec) / (1000000000n / perSecond)), T.int64);
}

function fromUnixNano(ns: bigint, loc: Location): GoTime {
  const sec = ns / SECOND - (ns % SECOND < 0n ? 1n : 0n);
  return { sec: Number(sec), nsec: Number(ns - sec * SECOND), loc };
}

/** Go's Time.Add (the monotonic reading moves along). */
export function addDuration(t: GoTime, d: bigint): GoTime {
  const moved = fromUnixNano(unixNano(t) + d, t.loc);
  return t.mono === undefined ? moved : { ...moved, mono: t.mono + d };
}

/** Go's time.Date: normalises every field, then resolves the wall clock in loc. */
export function goDate(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, loc: Location): GoTime {
  const m0 = month - 1;
  year += Math.floor(m0 / 12);
  month = (((m0 % 12) + 12) % 12) + 1;
  const days = BigInt(daysFromCivil(year, month, 1) + day - 1);
  const wall = (days * 86400n + BigInt(hour) * 3600n + BigInt(min) * 60n + BigInt(sec)) * SECOND + BigInt(nsec);
  const wallSec = Number(wall / SECOND - (wall % SECOND < 0n ? 1n : 0n));
  const offset = loc.lookup(wallSec - loc.lookup(wallSec).offset).offset;
  return fromUnixNano(wall - BigInt(offset) * SECOND, loc);
}

/** The remainder of t since Go's zero time modulo d (d > 0), as Go's div. */
function sinceZeroModulo(t: GoTime, d: bigint): bigint {
  const r = ((BigInt(t.sec) + UNIX_TO_INTERNAL) * SECOND + BigInt(t.nsec)) % d;
  return r < 0n ? r + d : r;
}

const stripMono = (t: GoTime): GoTime => ({ sec: t.sec, nsec: t.nsec, loc: t.loc });

function subTimes(t: GoTime, u: GoTime): bigint {
  if (t.mono !== undefined && u.mono !== undefined) return t.mono - u.mono;
  const d = unixNano(t) - unixNano(u);
  if (d > MAX_DURATION) return MAX_DURATION;
  if (d < MIN_DURATION) return MIN_DURATION;
  return d;
}

const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

/** Time.MarshalText's strict RFC 3339 (years 0..9999 only). */
function strictRFC3339(t: GoTime, caller: string): string {
  const year = civil(t).year;
  if (year < 0 || year > 9999) throw new GoError(`${caller}: year outside of range [0,9999]`);
  return goFormat(t, RFC3339_NANO);
}

/** Time.MarshalBinary's encoding (version 1, or 2 when the offset has seconds). */
function timeBinary(t: GoTime): number[] {
  let offsetMin = -1;
  let version = 1;
  let offsetSec = 0;
  if (t.loc !== UTC) {
    const offset = t.loc.lookup(t.sec).offset;
    if (offset % 60 !== 0) {
      version = 2;
      offsetSec = offset % 60;
    }
    const minutes = Math.trunc(offset / 60);
    if (minutes < -32768 || minutes === -1 || minutes > 32767) throw new GoError('Time.MarshalBinary: unexpected zone offset');
    offsetMin = minutes;
  }
  const out = Buffer.alloc(version === 2 ? 16 : 15);
  out[0] = version;
  out.writeBigInt64BE(BigInt(t.sec) + UNIX_TO_INTERNAL, 1);
  out.writeInt32BE(t.nsec, 9);
  out.writeInt16BE(offsetMin, 13);
  if (version === 2) out.writeInt8(offsetSec, 15);
  return [...out];
}

const byteSlice = sliceOf(T.uint8);
const byteArg = (v: Value): number[] => (v.raw as number[] | null) ?? [];

const timeMethods: Record<string, Method> = {
  Add: method(false, [DurationType], [TimeType], (r, [d]) => timeValue(addDuration(goTimeOf(r), big(d!)))),
  AddDate: method(false, [T.int, T.int, T.int], [TimeType], (r, [y, m, d]) => {
    const t = goTimeOf(r);
    const c = civil(t);
    return timeValue(goDate(c.year + Number(y!.raw), c.month + Number(m!.raw), c.day + Number(d!.raw), c.hour, c.minute, c.second, t.nsec, t.loc));
  }),
  After: method(false, [TimeType], [T.bool], (r, [u]) => bool(unixNano(goTimeOf(r)) > unixNano(goTimeOf(u!)))),
  AppendBinary: method(false, [byteSlice], [byteSlice, T.error], (r, [b]) => new Value(byteSlice, [...byteArg(b!), ...timeBinary(goTimeOf(r))])),
  AppendFormat: method(false, [byteSlice, T.string], [byteSlice], (r, [b, layout]) => new Value(byteSlice, [...byteArg(b!), ...Buffer.from(goFormat(goTimeOf(r), layout!.raw as string), 'utf8')])),
  AppendText: method(false, [byteSlice], [byteSlice, T.error], (r, [b]) => new Value(byteSlice, [...byteArg(b!), ...Buffer.from(strictRFC3339(goTimeOf(r), 'Time.AppendText'), 'utf8')])),
  Before: method(false, [TimeType], [T.bool], (r, [u]) => bool(unixNano(goTimeOf(r)) < unixNano(goTimeOf(u!)))),
  Clock: neverCalled(false, [], [T.int, T.int, T.int]),
  Compare: method(false, [TimeType], [T.int], (r, [u]) => {
    const a = unixNano(goTimeOf(r));
    const b = unixNano(goTimeOf(u!));
    return int(a < b ? -1 : a > b ? 1 : 0);
  }),
  Date: neverCalled(false, [], [T.int, MonthType, T.int]),
  Day: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).day)),
  Equal: method(false, [TimeType], [T.bool], (r, [u]) => bool(unixNano(goTimeOf(r)) === unixNano(goTimeOf(u!)))),
  Format: method(false, [T.string], [T.string], (r, [layout]) => str(goFormat(goTimeOf(r), layout!.raw as string))),
  GoString: method(false, [], [T.string], (r) => str(timeGoString(goTimeOf(r)))),
  GobDecode: method(true, [byteSlice], [T.error], (r, [b]) => unmarshalBinary(r, byteArg(b!))),
  GobEncode: method(false, [], [byteSlice, T.error], (r) => new Value(byteSlice, timeBinary(goTimeOf(r)))),
  Hour: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).hour)),
  ISOWeek: neverCalled(false, [], [T.int, T.int]),
  In: method(false, [LocationType.pointer()], [TimeType], (r, [loc]) => {
    const box = loc!.raw as { v: Location } | null;
    if (box === null) throw new GoError('time: missing Location in call to Time.In');
    return timeValue({ sec: goTimeOf(r).sec, nsec: goTimeOf(r).nsec, loc: box.v });
  }),
  IsDST: method(false, [], [T.bool], (r) => bool(goTimeOf(r).loc.lookup(goTimeOf(r).sec).isDST)),
  IsZero: method(false, [], [T.bool], (r) => bool(isZeroGoTime(goTimeOf(r)))),
  Local: method(false, [], [TimeType], (r) => timeValue(local(goTimeOf(r)))),
  Location: method(false, [], [LocationType.pointer()], (r) => locationValue(goTimeOf(r).loc)),
  MarshalBinary: method(false, [], [byteSlice, T.error], (r) => new Value(byteSlice, timeBinary(goTimeOf(r)))),
  MarshalJSON: method(false, [], [byteSlice, T.error], (r) => bytes(`"${strictRFC3339(goTimeOf(r), 'Time.MarshalJSON')}"`)),
  MarshalText: method(false, [], [byteSlice, T.error], (r) => bytes(strictRFC3339(goTimeOf(r), 'Time.MarshalText'))),
  Minute: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).minute)),
  Month: method(false, [], [MonthType], (r) => int(civil(goTimeOf(r)).month, MonthType)),
  Nanosecond: method(false, [], [T.int], (r) => int(goTimeOf(r).nsec)),
  Round: method(false, [DurationType], [TimeType], (r, [d]) => {
    const t = stripMono(goTimeOf(r));
    const unit = big(d!);
    if (unit <= 0n) return timeValue(t);
    const rem = sinceZeroModulo(t, unit);
    return timeValue(addDuration(t, lessThanHalf(rem, unit) ? -rem : unit - rem));
  }),
  Second: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).second)),
  String: method(false, [], [T.string], (r) => str(goTimeString(goTimeOf(r)))),
  Sub: method(false, [TimeType], [DurationType], (r, [u]) => dur(subTimes(goTimeOf(r), goTimeOf(u!)))),
  Truncate: method(false, [DurationType], [TimeType], (r, [d]) => {
    const t = stripMono(goTimeOf(r));
    const unit = big(d!);
    return timeValue(unit <= 0n ? t : addDuration(t, -sinceZeroModulo(t, unit)));
  }),
  UTC: method(false, [], [TimeType], (r) => timeValue(utc(goTimeOf(r)))),
  Unix: method(false, [], [T.int64], (r) => int(goTimeOf(r).sec, T.int64)),
  UnixMicro: method(false, [], [T.int64], (r) => unixIn(goTimeOf(r), 1000000n)),
  UnixMilli: method(false, [], [T.int64], (r) => unixIn(goTimeOf(r), 1000n)),
  UnixNano: method(false, [], [T.int64], (r) => unixIn(goTimeOf(r), 1000000000n)),
  UnmarshalBinary: method(true, [byteSlice], [T.error], (r, [b]) => unmarshalBinary(r, byteArg(b!))),
  UnmarshalJSON: method(true, [byteSlice], [T.error], (r, [b]) => {
    const text = goStringOfBytes(byteArg(b!));
    if (text === 'null') return noError;
    if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return errorValue(ErrorStringType, 'Time.UnmarshalJSON: input is not a JSON string');
    return setStrict(r, text.slice(1, -1));
  }),
  UnmarshalText: method(true, [byteSlice], [T.error], (r, [b]) => setStrict(r, goStringOfBytes(byteArg(b!)))),
  Weekday: method(false, [], [WeekdayType], (r) => int(civil(goTimeOf(r)).weekday, WeekdayType)),
  Year: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).year)),
  YearDay: method(false, [], [T.int], (r) => int(civil(goTimeOf(r)).yearDay)),
  Zone: neverCalled(false, [], [T.string, T.int]),
  ZoneBounds: neverCalled(false, [], [TimeType, TimeType]),
};
for (const [name, m] of Object.entries(timeMethods)) TimeType.methods.set(name, m);

/** *t, err = parseStrictRFC3339(text): the zero time on error, which is returned as a value. */
function setStrict(r: Value, text: string): Value {
  const box = r.raw as { v: GoTime };
  const parsed = goParseStrictRFC3339(text);
  if ('error' in parsed) {
    box.v = zeroTime();
    return errorValue(ParseErrorType, parsed.error);
  }
  box.v = parsed;
  return noError;
}

const zeroTime = (): GoTime => zeroOpaque.get(TimeType)!() as GoTime;

/** Time.UnmarshalBinary (and GobDecode): the MarshalBinary encoding back into *t. */
function unmarshalBinary(r: Value, data: readonly number[]): Value {
  if (data.length === 0) return errorValue(ErrorStringType, 'Time.UnmarshalBinary: no data');
  const version = data[0];
  if (version !== 1 && version !== 2) return errorValue(ErrorStringType, 'Time.UnmarshalBinary: unsupported version');
  if (data.length !== (version === 2 ? 16 : 15)) return errorValue(ErrorStringType, 'Time.UnmarshalBinary: invalid length');
  const buf = Buffer.from(data);
  const sec = buf.readBigInt64BE(1) - UNIX_TO_INTERNAL;
  const nsec = buf.readInt32BE(9);
  let offset = buf.readInt16BE(13) * 60;
  if (version === 2) offset += buf[15]!;
  const unix = Number(sec);
  let loc: Location;
  if (offset === -60) loc = UTC;
  else if (localLocation().lookup(unix).offset === offset) loc = localLocation();
  else loc = fixedZone('', offset);
  (r.raw as { v: GoTime }).v = { sec: unix, nsec, loc };
  return noError;
}

function timeGoString(t: GoTime): string {
  const c = civil(t);
  let loc = 'time.Local';
  if (t.loc === UTC) loc = 'time.UTC';
  else if (t.loc !== localLocation()) loc = `time.Location(${JSON.stringify(t.loc.name)})`;
  return `time.Date(${c.year}, time.${MONTHS[c.month - 1]}, ${c.day}, ${c.hour}, ${c.minute}, ${c.second}, ${t.nsec}, ${loc})`;
}
