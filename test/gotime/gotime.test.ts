import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  goDateTime,
  goFormat,
  goTimeFromUnix,
  goTimeString,
  inZone,
  isZeroGoTime,
  loadLocation,
  local,
  localFromEnv,
  nowGoTime,
  parseKubeTime,
  rfc3339NanoUTC,
  setLocalLocation,
  utc,
  UTC,
  zeroGoTime,
} from '../../src/gotime/index.js';

const shanghai = loadLocation('Asia/Shanghai')!;
setLocalLocation(shanghai);

test('parseKubeTime reads RFC3339 with optional fraction into the Local zone', () => {
  const t = parseKubeTime('2024-03-05T06:07:09Z')!;
  assert.equal(goTimeString(t), '2024-03-05 14:07:09 +0800 CST');
  assert.equal(goTimeString(parseKubeTime('2024-03-05T06:07:09.123456Z')!), '2024-03-05 14:07:09.123456 +0800 CST');
  assert.equal(goTimeString(parseKubeTime('2024-03-05T14:07:09.5+08:00')!), '2024-03-05 14:07:09.5 +0800 CST');
  assert.equal(parseKubeTime(null), null);
  assert.equal(parseKubeTime(''), null);
  assert.equal(parseKubeTime('yesterday'), null);
  assert.equal(parseKubeTime('2024-13-05T06:07:09Z'), null);
});

test('zero time prints as Go does, in UTC and after Local()', () => {
  assert.equal(goTimeString(zeroGoTime), '0001-01-01 00:00:00 +0000 UTC');
  assert.ok(isZeroGoTime(zeroGoTime));
  assert.equal(goTimeString(local(zeroGoTime)), '0001-01-01 08:05:43 +0805 LMT');
  assert.equal(rfc3339NanoUTC(zeroGoTime), '0001-01-01T00:00:00Z');
});

test('a DST zone switches abbreviation and offset at the transition, also past the TZif table', () => {
  const ny = loadLocation('America/New_York')!;
  const at = (s: string): string => goTimeString(inZone(parseKubeTime(s)!, ny));
  assert.equal(at('2024-03-10T06:59:59Z'), '2024-03-10 01:59:59 -0500 EST');
  assert.equal(at('2024-03-10T07:00:00Z'), '2024-03-10 03:00:00 -0400 EDT');
  assert.equal(at('2024-11-03T05:59:59Z'), '2024-11-03 01:59:59 -0400 EDT');
  assert.equal(at('2024-11-03T06:00:00Z'), '2024-11-03 01:00:00 -0500 EST');
  assert.equal(at('2090-07-04T12:00:00Z'), '2090-07-04 08:00:00 -0400 EDT');
  assert.equal(at('2090-12-25T12:00:00Z'), '2090-12-25 07:00:00 -0500 EST');
});

test('zones whose abbreviation is numeric print it as is', () => {
  const sp = loadLocation('America/Sao_Paulo')!;
  assert.equal(goTimeString(inZone(parseKubeTime('2024-07-01T12:00:00Z')!, sp)), '2024-07-01 09:00:00 -0300 -03');
  assert.equal(goFormat(inZone(parseKubeTime('2024-07-01T12:00:00Z')!, sp), 'MST Z07:00'), '-03 -03:00');
});

test('Local follows TZ like Go: unset → /etc/localtime, "" and "UTC" → UTC, unknown → UTC, names and paths', () => {
  const t = parseKubeTime('2024-01-01T00:00:00Z')!;
  const show = (env: NodeJS.ProcessEnv): string => goTimeString(inZone(t, localFromEnv(env)));
  assert.equal(show({ TZ: '' }), '2024-01-01 00:00:00 +0000 UTC');
  assert.equal(show({ TZ: 'UTC' }), '2024-01-01 00:00:00 +0000 UTC');
  assert.equal(show({ TZ: 'Not/AZone' }), '2024-01-01 00:00:00 +0000 UTC');
  assert.equal(show({ TZ: 'Asia/Shanghai' }), '2024-01-01 08:00:00 +0800 CST');
  assert.equal(show({ TZ: ':Asia/Kolkata' }), '2024-01-01 05:30:00 +0530 IST');
  assert.equal(show({ TZ: '/usr/share/zoneinfo/Asia/Tokyo' }), '2024-01-01 09:00:00 +0900 JST');
  assert.equal(localFromEnv({}).name, 'Local');
  const viaEtc = goTimeString(inZone(t, localFromEnv({})));
  assert.equal(viaEtc, goTimeString(inZone(t, loadLocation('localtime', { ZONEINFO: '/etc' })!)));
});

test('every layout element formats as Go formats it', () => {
  const t = inZone(parseKubeTime('2024-03-05T14:07:09.012345678Z')!, shanghai);
  assert.equal(
    goFormat(t, 'Mon Monday Jan January 1 01 2 _2 02 __2 002 15 3 03 4 04 5 05 PM pm 06 2006'),
    'Tue Tuesday Mar March 3 03 5  5 05  65 065 22 10 10 7 07 9 09 PM pm 24 2024',
  );
  assert.equal(goFormat(t, '-0700 -07:00 -07 -070000 -07:00:00 Z0700 Z07:00 Z07 MST'), '+0800 +08:00 +08 +080000 +08:00:00 +0800 +08:00 +08 CST');
  assert.equal(goFormat(t, '.0 .000 .000000000 .9 .999 .999999999 ,000 ,999'), '.0 .012 .012345678  .012 .012345678 ,012 ,012');
  assert.equal(goFormat(utc(t), 'Z07:00 Z0700'), 'Z Z');
  assert.equal(goFormat(t, 'Janet Monday2 _2006'), 'Janet Tuesday5 _2024');
  assert.equal(goDateTime(t), '2024-03-05 22:07:09');
  assert.equal(rfc3339NanoUTC(t), '2024-03-05T14:07:09.012345678Z');
});

test('time.Now() carries a monotonic reading printed as m=+S.NNNNNNNNN', () => {
  const now = nowGoTime();
  assert.match(goTimeString(now), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0800 CST m=\+\d+\.\d{9}$/);
  assert.doesNotMatch(goTimeString(utc(now)), / m=/, 'UTC() strips the monotonic reading as in Go');
  assert.equal(goTimeString({ ...goTimeFromUnix(0, 0, UTC), mono: 1234567890123n }), '1970-01-01 00:00:00 +0000 UTC m=+1234.567890123');
  assert.equal(goTimeString({ ...goTimeFromUnix(0, 0, UTC), mono: 5n }), '1970-01-01 00:00:00 +0000 UTC m=+0.000000005');
});
