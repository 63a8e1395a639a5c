import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli/flags.js';
import { ConfigError } from '../../src/base/errors.js';
import { FlagError } from '../../src/cli/goflag.js';
import { formatGoDuration, parseGoDuration } from '../../src/base/go-duration.js';

const SRC = '--source=kubernetes:https://kubernetes.default';

function run(...args: string[]) {
  const c = parseCommandLine(args);
  assert.equal(c.kind, 'run');
  return (c as Extract<typeof c, { kind: 'run' }>).config;
}

test('defaults match kube-eventer', () => {
  const c = run(SRC);
  assert.equal(c.frequencyMs, 30_000);
  assert.equal(c.healthzIp, '0.0.0.0');
  assert.equal(c.healthzPort, 8084);
  assert.equal(c.eventMetrics, true);
  assert.equal(c.statusPage, true);
  assert.equal(c.sinks.length, 0);
  assert.equal(run(SRC, '--status-page=false').statusPage, false);
});

test('Go flag forms: -name=value, --name=value, -name value, bare booleans, repeated sinks', () => {
  const c = run('-source', 'kubernetes:', '--sink=log', '-sink', 'log:?format=json', '-frequency=1m', '--event-metrics=false', '-v', '3', '-logtostderr');
  assert.equal(c.sinks.length, 2);
  assert.equal(c.frequencyMs, 60_000);
  assert.equal(c.eventMetrics, false);
  assert.equal(c.verbosity, 3);
});

test('parsing stops at the first non-flag argument', () => {
  const c = run(SRC, 'positional', '--frequency=1s');
  assert.equal(c.frequencyMs, 30_000);
});

test('klog flags and --max_procs are accepted', () => {
  run(SRC, '--max_procs=4', '--logtostderr=true', '--alsologtostderr', '--log_dir=/tmp', '--vmodule=x=2', '--stderrthreshold=INFO', '--log_file_max_size=10', '--skip_headers');
});

test('frequency bounds give kube-eventer messages', () => {
  assert.throws(() => run(SRC, '--frequency=1s'), (e: Error) => e instanceof ConfigError && e.message === 'frequency needs to be no less than 5s, supplied 1s');
  assert.throws(() => run(SRC, '--frequency=3m1s'), (e: Error) => e instanceof ConfigError && e.message === 'frequency needs to be no greater than 3m0s, supplied 3m1s');
  assert.equal(run(SRC, '--frequency=5s').frequencyMs, 5000);
  assert.equal(run(SRC, '--frequency=3m').frequencyMs, 180_000);
});

test('bad port: over 65534 is fatal, negative or text is a flag error', () => {
  assert.throws(() => run(SRC, '--healthz-port=65535'), (e: Error) => e instanceof ConfigError && /invalid port supplied for healthz 65535/.test(e.message));
  assert.throws(() => run(SRC, '--healthz-port=-1'), FlagError);
  assert.throws(() => run(SRC, '--healthz-port=http'), FlagError);
  assert.equal(run(SRC, '--healthz-port=0').healthzPort, 0);
});

test('integer flags take Go\'s literals (strconv base 0): 0x, 0o, 0b, a leading 0 for octal, digit separators', () => {
  assert.equal(run(SRC, '--healthz-port=0x1f90').healthzPort, 8080);
  assert.equal(run(SRC, '--healthz-port=010').healthzPort, 8);
  assert.equal(run(SRC, '--healthz-port=0o17').healthzPort, 15);
  assert.equal(run(SRC, '--healthz-port=0b101').healthzPort, 5);
  assert.equal(run(SRC, '--healthz-port=8_084').healthzPort, 8084);
  assert.equal(run(SRC, '--healthz-port=0_10').healthzPort, 8);
  assert.equal(run(SRC, '--healthz-port=00').healthzPort, 0);
  run(SRC, '--max_procs=-0x2', '--log_file_max_size=0b1');
  for (const bad of ['08084', '0x', '1__0', '_1', '1_', '0x_', '+80', '0b2']) {
    assert.throws(() => run(SRC, `--healthz-port=${bad}`), FlagError, bad);
  }
  // klog's -v is decimal only.
  assert.equal(run(SRC, '-v=010').verbosity, 10);
  assert.throws(() => run(SRC, '-v=0x2'), FlagError);
});

test('unknown flags, missing values and bad values are flag errors', () => {
  assert.throws(() => parseCommandLine(['--nope']), /flag provided but not defined: -nope/);
  assert.throws(() => parseCommandLine([SRC, '--frequency']), /flag needs an argument: -frequency/);
  assert.throws(() => parseCommandLine([SRC, '--frequency=soon']), /invalid value "soon" for flag -frequency/);
  assert.throws(() => parseCommandLine([SRC, '--event-metrics=maybe']), /invalid boolean value/);
});

test('source count and key', () => {
  assert.throws(() => parseCommandLine([]), /Wrong number of sources specified/);
  assert.throws(() => parseCommandLine([SRC, SRC]), /Wrong number of sources specified/);
  assert.throws(() => parseCommandLine(['--source=prometheus:http://x']), /Source not recognized: prometheus/);
});

test('an unparsable URI is a flag error that names the problem', () => {
  assert.throws(() => parseCommandLine(['--source=kubernetes:https://h:port']), (e: Error) => e instanceof FlagError && /invalid port/.test(e.message));
  assert.throws(() => parseCommandLine([SRC, '--sink=:x']), (e: Error) => e instanceof FlagError && /missing uri key/.test(e.message));
});

test('--version and -h', () => {
  assert.equal(parseCommandLine(['--version']).kind, 'version');
  assert.equal(parseCommandLine(['-h']).kind, 'help');
  assert.equal(parseCommandLine(['--help']).kind, 'help');
});

test('--version comes after the flag values Go parses as it reads them (a bad URI, duration or integer is a flag error, exit 2) and before any check of the values', () => {
  for (const bad of ['--sink=webhook:http://h:x/', '--source=kubernetes:http://h:x', '--frequency=5 s', '--healthz-port=80a']) {
    assert.throws(() => parseCommandLine(['--version', bad]), FlagError, bad);
    assert.throws(() => parseCommandLine([bad, '--version']), FlagError, bad);
  }
  // Checked only when the daemon would run: --version still prints.
  for (const unchecked of ['--frequency=1s', '--healthz-port=70000', '--source=nope:', '--sink=nosuchsink:']) {
    assert.equal(parseCommandLine(['--version', unchecked]).kind, 'version', unchecked);
  }
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.equal(parseGoDuration('300ms'), 300e6);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('5'), undefined);
  assert.equal(parseGoDuration(''), undefined);
  assert.equal(formatGoDuration(90e9), '1m30s');
  assert.equal(formatGoDuration(180e9), '3m0s');
  assert.equal(formatGoDuration(500e6), '500ms');
  assert.equal(formatGoDuration(1.5e9), '1.5s');
  assert.equal(formatGoDuration(3600e9), '1h0m0s');
});

test('Go durations drop what is finer than a nanosecond, so 4.9999999999s is under the 5s minimum', () => {
  assert.equal(parseGoDuration('4.9999999999s'), 4_999_999_999);
  assert.equal(parseGoDuration('0.9ns'), 0);
  assert.equal(parseGoDuration('1.0000000001s'), 1e9);
  assert.equal(parseGoDuration('-1.5us'), -1500);
  assert.throws(() => run(SRC, '--frequency=4.9999999999s'), (e: Error) => e instanceof ConfigError && /supplied 4.999999999s/.test(e.message));
});

test('--leader-elect-* without --leader-elect=true: accepted, with a startup warning naming each flag', () => {
  const c = run(SRC, '--leader-elect-lease-duration=30s', '--leader-elect-resource-name=x');
  assert.equal(c.leaderElection, undefined);
  assert.equal(c.warnings.length, 2);
  assert.match(c.warnings[0]!, /--leader-elect-lease-duration is ignored without --leader-elect=true/);
  assert.match(c.warnings[1]!, /--leader-elect-resource-name is ignored/);
  assert.deepEqual(run(SRC, '--leader-elect=true', '--leader-elect-lease-duration=30s').warnings, []);
  assert.deepEqual(run(SRC).warnings, []);
});

test('a raw # in a --sink or --source (a URL fragment, dropped as Go drops it) is warned about, without echoing what follows', () => {
  const c = run(`${SRC}#x`, '--sink=slack:https://hooks.slack.com/services/T1/B1/X1?channel=#alerts&label=secret-ish', '--sink=slack:https://hooks.slack.com/services/T1/B1/X1?channel=%23alerts');
  assert.equal(c.warnings.length, 2);
  assert.match(c.warnings[0]!, /^--source=kubernetes: everything after "#" is a URL fragment and is ignored, options included; write # as %23/);
  assert.match(c.warnings[1]!, /^--sink=slack: everything after "#"/);
  assert.ok(!c.warnings.join('\n').includes('secret-ish'));
  assert.equal(c.sinks[1]!.query.find(([k]) => k === 'channel')?.[1], '#alerts');
});

test('a $VAR in a --sink that the environment lacks is warned about by name (it expands to nothing, as in Go)', () => {
  delete process.env.KUBE_EVENTER_TEST_UNSET;
  process.env.KUBE_EVENTER_TEST_SET = 'tok3n';
  const c = run(SRC, '--sink=webhook:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=$KUBE_EVENTER_TEST_UNSET&a=${KUBE_EVENTER_TEST_UNSET}&b=$KUBE_EVENTER_TEST_SET');
  assert.deepEqual(c.warnings, ['--sink=webhook: $KUBE_EVENTER_TEST_UNSET is not set in the environment, so it expands to nothing']);
  assert.deepEqual(c.sinks[0]!.query, [['key', ''], ['a', ''], ['b', 'tok3n']]);
  delete process.env.KUBE_EVENTER_TEST_SET;
});

test('leader election defaults are client-go\'s (LEADER_ELECTION_DEFAULTS)', () => {
  assert.deepEqual(run(SRC, '--leader-elect').leaderElection, { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, leaseName: 'kube-eventer', leaseNamespace: '' });
});

// Differences the command-line fuzzer (test/cli/command-line-fuzz.test.ts) found against Go's flag package.

test('each value is checked as Go reads it, so the first bad argument is the one reported', () => {
  assert.throws(() => parseCommandLine([SRC, '--healthz-port=x', '--frequency=y']), /^FlagError: invalid value "x" for flag -healthz-port: parse error$/);
  assert.throws(() => parseCommandLine([SRC, '-v=x', '--sink=:bad']), /^FlagError: invalid value "x" for flag -v: strconv\.ParseInt: parsing "x": invalid syntax$/);
  assert.throws(() => parseCommandLine([SRC, '--max_procs=', '-=']), /invalid value "" for flag -max_procs: parse error/);
});

test('durations beyond int64 nanoseconds are flag errors; the largest is printed exactly', () => {
  assert.throws(() => parseCommandLine([SRC, '--frequency=9999999999h']), (e: Error) => e instanceof FlagError && e.message === 'invalid value "9999999999h" for flag -frequency: parse error');
  assert.throws(() => parseCommandLine([SRC, '--frequency=9223372036854775808ns']), FlagError);
  assert.throws(() => run(SRC, '--frequency=9223372036854775807ns'), (e: Error) => e instanceof ConfigError && e.message === 'frequency needs to be no greater than 3m0s, supplied 2562047h47m16.854775807s');
  assert.equal(parseGoDuration('-9223372036854775808ns'), -9223372036854775808);
  assert.equal(formatGoDuration(-(2n ** 63n)), '-2562047h47m16.854775808s');
});

test('integers in the whole int64/uint64 range, Go\'s range error beyond, klog -v in 32 bits', () => {
  run(SRC, '--max_procs=9007199254740993', '--log_file_max_size=18446744073709551615');
  assert.throws(() => run(SRC, '--healthz-port=18446744073709551615'), (e: Error) => e instanceof ConfigError && e.message === 'invalid port supplied for healthz 18446744073709551615');
  assert.throws(() => run(SRC, '--healthz-port=18446744073709551616'), (e: Error) => e instanceof FlagError && e.message === 'invalid value "18446744073709551616" for flag -healthz-port: value out of range');
  assert.throws(() => run(SRC, '-v=2147483648'), (e: Error) => e instanceof FlagError && e.message === 'invalid value "2147483648" for flag -v: strconv.ParseInt: parsing "2147483648": value out of range');
  assert.equal(run(SRC, '-v=-2147483648').verbosity, -2147483648);
});

test('values in flag errors are quoted as Go\'s %q', () => {
  assert.throws(() => run(SRC, '--healthz-port=\u0007'), (e: Error) => e.message === 'invalid value "\\a" for flag -healthz-port: parse error');
});

test("our timer flags refuse what Node's timers cannot keep (over 2^31-1 ms): 720h would have fired at once", () => {
  for (const flag of ['shutdown-grace', 'watch-unhealthy-after', 'watch-stall-timeout', 'leader-elect-lease-duration', 'leader-elect-renew-deadline', 'leader-elect-retry-period']) {
    assert.throws(() => run(SRC, `--${flag}=720h`), (e: Error) => e instanceof ConfigError && e.message === `${flag} needs to be no greater than 596h31m23.647s, supplied 720h0m0s`, flag);
  }
  assert.equal(run(SRC, '--shutdown-grace=596h31m23.647s').shutdownGraceMs, 2 ** 31 - 1);
});
