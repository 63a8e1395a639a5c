import { ConfigError } from '../base/errors.js';
import { parseGoBool } from '../base/go-bool.js';
import { FlagError, parseGoFlags, type FlagSpec } from './goflag.js';
import { formatGoDuration, parseGoDurationNs } from '../base/go-duration.js';
import { parseGoInt } from '../base/go-int.js';
import { expandEnv, parseUri, unsetEnvNames, type SinkUri } from '../base/uri.js';
import { LEADER_ELECTION_DEFAULTS } from '../kube/leader.js';

export type LogFormat = 'auto' | 'text' | 'json';

/** Everything the daemon needs from its command line, validated. */
export interface DaemonConfig {
  readonly source: SinkUri;
  readonly sinks: readonly SinkUri[];
  readonly frequencyMs: number;
  readonly healthzIp: string;
  readonly healthzPort: number;
  readonly eventMetrics: boolean;
  /** Serve the HTML status page at `/` of the health port (recent events, sink errors). */
  readonly statusPage: boolean;
  /** klog's -v: 0 = info, 1-4 = debug, 5+ = trace. */
  readonly verbosity: number;
  readonly logFormat: LogFormat;
  readonly shutdownGraceMs: number;
  /** How long the watch may be down (reconnecting) before /healthz reports unhealthy. */
  readonly watchUnhealthyAfterMs: number;
  /** Connected but no event or bookmark for this long = stalled (/healthz fails); 0 = off. */
  readonly watchStallTimeoutMs: number;
  /** `configmap:<ns>/<name>` or `file:<path>`; undefined = start at "now" like kube-eventer. */
  readonly checkpoint: string | undefined;
  readonly leaderElection: LeaderElectionFlags | undefined;
  /** Flags accepted but without effect, for the log at startup. */
  readonly warnings: readonly string[];
}

export interface LeaderElectionFlags {
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly leaseName: string;
  /** Empty = the pod's namespace. */
  readonly leaseNamespace: string;
}

const KLOG_BOOL = ['logtostderr', 'alsologtostderr', 'skip_headers', 'skip_log_headers', 'add_dir_header', 'one_output', 'legacy_stderr_threshold_behavior'];
const KLOG_STRING = ['vmodule', 'log_dir', 'log_file', 'log_backtrace_at', 'stderrthreshold', 'alsologtostderrthreshold'];

const goDurationOfMs = (ms: number) => formatGoDuration(ms * 1e6);

export const FLAG_SPECS: readonly FlagSpec[] = [
  { name: 'source', kind: 'list', usage: 'source(s) to read events from (exactly one: kubernetes:<url>?<options>)', defaultText: '[]' },
  { name: 'sink', kind: 'list', usage: 'external sink(s) that receive events (repeatable: <name>:<url>?<options>)', defaultText: '[]' },
  { name: 'frequency', kind: 'duration', usage: 'how often to log the "Exporting <n> events" line (5s..3m); events are delivered as they arrive', defaultText: '30s' },
  { name: 'healthz-ip', kind: 'string', usage: 'ip eventer health check service uses', defaultText: '0.0.0.0' },
  { name: 'healthz-port', kind: 'uint', usage: 'port eventer health check listens on', defaultText: '8084' },
  { name: 'event-metrics', kind: 'bool', usage: 'whether to export per-event Prometheus counters', defaultText: 'true' },
  { name: 'status-page', kind: 'bool', usage: 'serve an HTML status page (recent event messages, sink errors) at / of the health port', defaultText: 'true' },
  { name: 'max_procs', kind: 'int', usage: 'accepted for compatibility (Go GOMAXPROCS); has no effect', defaultText: '0' },
  { name: 'version', kind: 'bool', usage: 'print version info and exit', defaultText: 'false' },
  { name: 'log-format', kind: 'string', usage: 'log format: auto (text on a terminal, else json), text or json', defaultText: 'auto' },
  { name: 'shutdown-grace', kind: 'duration', usage: 'on SIGTERM/SIGINT, how long sinks may drain queued events', defaultText: '25s' },
  { name: 'watch-unhealthy-after', kind: 'duration', usage: 'how long the event watch may be reconnecting, or a standby (--leader-elect) unable to read the Lease, before /healthz fails', defaultText: '1m0s' },
  { name: 'watch-stall-timeout', kind: 'duration', usage: 'connected but no event or bookmark for this long means the watch is stuck and /healthz fails (0 = off)', defaultText: '5m0s' },
  { name: 'checkpoint', kind: 'string', usage: 'record what each sink delivered and resume there after a restart: configmap:<namespace>/<name> or file:<path>' },
  { name: 'leader-elect', kind: 'bool', usage: 'run several replicas; only the holder of a coordination.k8s.io Lease delivers', defaultText: 'false' },
  { name: 'leader-elect-lease-duration', kind: 'duration', usage: 'how long a standby waits after the last renewal before taking the Lease', defaultText: goDurationOfMs(LEADER_ELECTION_DEFAULTS.leaseDurationMs) },
  { name: 'leader-elect-renew-deadline', kind: 'duration', usage: 'how long the leader keeps trying to renew before it gives up leading', defaultText: goDurationOfMs(LEADER_ELECTION_DEFAULTS.renewDeadlineMs) },
  { name: 'leader-elect-retry-period', kind: 'duration', usage: 'how often to try to acquire or renew the Lease', defaultText: goDurationOfMs(LEADER_ELECTION_DEFAULTS.retryPeriodMs) },
  { name: 'leader-elect-resource-name', kind: 'string', usage: 'name of the Lease', defaultText: LEADER_ELECTION_DEFAULTS.leaseName },
  { name: 'leader-elect-resource-namespace', kind: 'string', usage: "namespace of the Lease (default: the pod's namespace)" },
  { name: 'v', kind: 'level', usage: 'log level verbosity (klog)', defaultText: '0' },
  { name: 'log_file_max_size', kind: 'uint', usage: 'klog flag, accepted and ignored', defaultText: '1800' },
  ...KLOG_BOOL.map((name): FlagSpec => ({ name, kind: 'bool', usage: 'klog flag, accepted and ignored' })),
  ...KLOG_STRING.map((name): FlagSpec => ({ name, kind: 'string', usage: 'klog flag, accepted and ignored' })),
];

export type Command =
  | { readonly kind: 'run'; readonly config: DaemonConfig }
  | { readonly kind: 'version' }
  | { readonly kind: 'help' };

function last(values: Map<string, string[]>, name: string): string | undefined {
  const list = values.get(name);
  return list?.[list.length - 1];
}

// parseGoFlags has checked every value: these read them back.
function durationFlag(values: Map<string, string[]>, name: string, fallbackNs: number): bigint {
  const text = last(values, name);
  return text === undefined ? BigInt(fallbackNs) : parseGoDurationNs(text)!;
}

const msOf = (ns: bigint) => Number(ns) / 1e6;
/** The longest delay Node's timers keep (2^31-1 ms, about 24.8 days). */
const MAX_TIMER_NS = 2_147_483_647n * 1_000_000n;

function intFlag(values: Map<string, string[]>, name: string, fallback: bigint, options: Parameters<typeof parseGoInt>[1]): bigint {
  const text = last(values, name);
  if (text === undefined) return fallback;
  return (parseGoInt(text, options) as { value: bigint }).value;
}

function parseUriFlag(value: string, flag: string): SinkUri {
  try {
    return parseUri(value, `--${flag}`);
  } catch (err) {
    // Go's flag package reports a bad URI as a flag error (exit 2).
    throw new FlagError(`invalid value for flag -${flag}: ${(err as Error).message}`);
  }
}

/**
 * Parses and validates kube-eventer's command line. FlagError = syntax (Go exits 2);
 * ConfigError = validation that kube-eventer reports with klog.Fatal (exit 255).
 */
export function parseCommandLine(args: readonly string[]): Command {
  // The URIs are parsed as they are read (a bad one is a flag error at its place, as in Go), once.
  const sourceUris: SinkUri[] = [];
  const sinkUris: SinkUri[] = [];
  const parsed = parseGoFlags(args, FLAG_SPECS, (spec, value) => {
    if (spec.kind === 'list') (spec.name === 'source' ? sourceUris : sinkUris).push(parseUriFlag(value, spec.name));
  });
  if (parsed.help) return { kind: 'help' };
  const v = parsed.values;

  const frequencyNs = durationFlag(v, 'frequency', 30e9);
  const healthzPort = intFlag(v, 'healthz-port', 8084n, { base: 0, unsigned: true });
  const shutdownGraceNs = durationFlag(v, 'shutdown-grace', 25e9);
  const unhealthyNs = durationFlag(v, 'watch-unhealthy-after', 60e9);
  const stallNs = durationFlag(v, 'watch-stall-timeout', 300e9);
  const leaderElect = parseGoBool(last(v, 'leader-elect') ?? 'false')!;
  const leaseDurationNs = durationFlag(v, 'leader-elect-lease-duration', LEADER_ELECTION_DEFAULTS.leaseDurationMs * 1e6);
  const renewDeadlineNs = durationFlag(v, 'leader-elect-renew-deadline', LEADER_ELECTION_DEFAULTS.renewDeadlineMs * 1e6);
  const retryPeriodNs = durationFlag(v, 'leader-elect-retry-period', LEADER_ELECTION_DEFAULTS.retryPeriodMs * 1e6);
  // kube-eventer users may carry these flags from client-go setups: accepted, but said to do nothing.
  const warnings = leaderElect
    ? []
    : FLAG_SPECS.filter((f) => f.name.startsWith('leader-elect-') && v.has(f.name)).map((f) => `--${f.name} is ignored without --leader-elect=true`);
  // A raw `#` ends a URL: Go's url.Parse (and so kube-eventer) drops everything after it without a word.
  for (const [flag, uri] of [...sourceUris.map((u) => ['source', u] as const), ...sinkUris.map((u) => ['sink', u] as const)]) {
    if (expandEnv(uri.raw).includes('#')) {
      warnings.push(`--${flag}=${uri.key}: everything after "#" is a URL fragment and is ignored, options included; write # as %23 (channel=%23alerts)`);
    }
    // As in Go, an unset variable expands to nothing: say so, since a missing Secret key looks like a bad token.
    for (const name of unsetEnvNames(uri.raw)) warnings.push(`--${flag}=${uri.key}: $${name} is not set in the environment, so it expands to nothing`);
  }
  const verbosity = Number(intFlag(v, 'v', 0n, { base: 10, bits: 32 }));
  const logFormat = last(v, 'log-format') ?? 'auto';
  if (logFormat !== 'auto' && logFormat !== 'text' && logFormat !== 'json') {
    throw new FlagError(`invalid value ${JSON.stringify(logFormat)} for flag -log-format: must be auto, text or json`);
  }
  // Go's flag package reads every value before kube-eventer looks at -version; the checks below come after.
  if (v.has('version') && parseGoBool(last(v, 'version')!)) return { kind: 'version' };

  if (healthzPort > 65534) throw new ConfigError(`invalid port supplied for healthz ${healthzPort}`);
  if (frequencyNs < 5_000_000_000n) {
    throw new ConfigError(`frequency needs to be no less than 5s, supplied ${formatGoDuration(frequencyNs)}`);
  }
  if (frequencyNs > 180_000_000_000n) {
    throw new ConfigError(`frequency needs to be no greater than 3m0s, supplied ${formatGoDuration(frequencyNs)}`);
  }
  // Our own flags drive timers: Node fires a timer longer than 2^31-1 ms at once, so refuse such values.
  for (const [name, ns] of [['shutdown-grace', shutdownGraceNs], ['watch-unhealthy-after', unhealthyNs], ['watch-stall-timeout', stallNs], ['leader-elect-lease-duration', leaseDurationNs], ['leader-elect-renew-deadline', renewDeadlineNs], ['leader-elect-retry-period', retryPeriodNs]] as const) {
    if (ns > MAX_TIMER_NS) throw new ConfigError(`${name} needs to be no greater than ${formatGoDuration(MAX_TIMER_NS)}, supplied ${formatGoDuration(ns)}`);
  }
  if (shutdownGraceNs < 0n) throw new ConfigError(`shutdown-grace must not be negative, supplied ${formatGoDuration(shutdownGraceNs)}`);
  if (unhealthyNs <= 0n) throw new ConfigError(`watch-unhealthy-after must be positive, supplied ${formatGoDuration(unhealthyNs)}`);
  if (stallNs < 0n) throw new ConfigError(`watch-stall-timeout must not be negative, supplied ${formatGoDuration(stallNs)}`);
  if (sourceUris.length !== 1) throw new ConfigError('Wrong number of sources specified');
  if (sourceUris[0]!.key !== 'kubernetes') {
    throw new ConfigError(`Source not recognized: ${sourceUris[0]!.key} (the only source is kubernetes)`);
  }

  return {
    kind: 'run',
    config: {
      source: sourceUris[0]!,
      sinks: sinkUris,
      frequencyMs: msOf(frequencyNs),
      healthzIp: last(v, 'healthz-ip') ?? '0.0.0.0',
      healthzPort: Number(healthzPort),
      eventMetrics: parseGoBool(last(v, 'event-metrics') ?? 'true')!,
      statusPage: parseGoBool(last(v, 'status-page') ?? 'true')!,
      verbosity,
      logFormat,
      shutdownGraceMs: msOf(shutdownGraceNs),
      watchUnhealthyAfterMs: msOf(unhealthyNs),
      watchStallTimeoutMs: msOf(stallNs),
      checkpoint: last(v, 'checkpoint'),
      leaderElection: leaderElect
        ? {
            leaseDurationMs: msOf(leaseDurationNs),
            renewDeadlineMs: msOf(renewDeadlineNs),
            retryPeriodMs: msOf(retryPeriodNs),
            leaseName: last(v, 'leader-elect-resource-name') ?? LEADER_ELECTION_DEFAULTS.leaseName,
            leaseNamespace: last(v, 'leader-elect-resource-namespace') ?? '',
          }
        : undefined,
      warnings,
    },
  };
}

/** Go's flag.PrintDefaults-like usage text. */
export function usageText(program = 'kube-eventer'): string {
  const lines = [`Usage of ${program}:`];
  for (const spec of FLAG_SPECS) {
    const type = spec.kind === 'bool' ? '' : spec.kind === 'list' || spec.kind === 'level' ? ' value' : ` ${spec.kind}`;
    const def = spec.defaultText && spec.defaultText !== 'false' && spec.defaultText !== '[]' && spec.defaultText !== '0'
      ? ` (default ${spec.kind === 'string' ? JSON.stringify(spec.defaultText) : spec.defaultText})`
      : '';
    lines.push(`  -${spec.name}${type}`, `    \t${spec.usage}${def}`);
  }
  return lines.join('\n') + '\n';
}
