// Options of the influxdb sink: kube-eventer's InfluxDB 1.x options (same names and defaults), plus an
// InfluxDB 2.x/3.x mode (`bucket`, `org`, `token`) and the retention policy to write to (`rp`).
import { ConfigError } from '../../base/errors.js';
import { parseGoDuration } from '../../base/go-duration.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { registerSecret } from '../../base/redact.js';
import { boolOption, rejectUnknownOptions } from '../options.js';

export const INFLUX_OPTIONS = [
  'user',
  'pw',
  'db',
  'rp',
  'retention',
  'withfields',
  'insecuressl',
  'cluster_name',
  'disable_counter_metrics',
  'org',
  'bucket',
  'token',
] as const;

export type InfluxTarget =
  | {
      readonly api: 'v1';
      readonly user: string;
      readonly password: string;
      readonly db: string;
      /** Retention policy written to (kube-eventer: `default`). */
      readonly rp: string;
      /** InfluxQL duration of that policy when this sink creates it (`INF` = keep forever). */
      readonly retention: string;
    }
  | {
      readonly api: 'v2';
      readonly org: string | undefined;
      readonly bucket: string;
      readonly token: string | undefined;
    };

export interface InfluxOptions {
  readonly base: URL;
  readonly target: InfluxTarget;
  readonly withFields: boolean;
  readonly verifyTls: boolean;
  readonly clusterName: string;
}

const DAYS_OR_WEEKS = /^(\d+)([dw])$/;

/**
 * The policy's duration as InfluxQL writes one: whole seconds, or INF for 0 (the default, keep forever).
 * A Go duration (`720h`) or, as Heapster's docs for this option show, days or weeks (`7d`, `2w`):
 * kube-eventer took any text and never used it.
 */
function retentionDuration(text: string | undefined): string {
  if (text === undefined) return 'INF';
  const trimmed = text.trim();
  const days = DAYS_OR_WEEKS.exec(trimmed);
  const ns = trimmed === '0' ? 0 : days ? Number(days[1]) * (days[2] === 'w' ? 7 : 1) * 86_400e9 : parseGoDuration(trimmed);
  if (ns === undefined || ns < 0) throw new ConfigError(`sink influxdb: option retention=${JSON.stringify(text)} must be a duration such as 720h or 30d (0 = keep forever)`);
  if (ns === 0) return 'INF';
  if (ns < 3600e9) throw new ConfigError(`sink influxdb: option retention=${JSON.stringify(text)} is shorter than InfluxDB's minimum of 1h`);
  return `${Math.round(ns / 1e9)}s`;
}

export function parseInfluxOptions(uri: SinkUri): InfluxOptions {
  rejectUnknownOptions(uri, INFLUX_OPTIONS);
  for (const name of INFLUX_OPTIONS) {
    if (options(uri, name).length > 1) throw new ConfigError(`sink influxdb: option ${name} is given more than once`);
  }
  const password = option(uri, 'pw');
  const token = option(uri, 'token');
  registerSecret(password);
  registerSecret(token);

  const scheme = uri.scheme === '' ? 'http' : uri.scheme;
  if (scheme !== 'http' && scheme !== 'https') {
    throw new ConfigError(`sink influxdb: scheme ${JSON.stringify(scheme)} is not supported (use influxdb:http(s)://host:8086)`);
  }
  let base: URL;
  try {
    base = new URL(`${scheme}://${uri.host === '' ? 'localhost:8086' : uri.host}/`);
  } catch {
    throw new ConfigError(`sink influxdb: uri host ${JSON.stringify(uri.host)} is not valid (use influxdb:http(s)://host:8086)`);
  }
  if (base.password !== '') registerSecret(decodeURIComponent(base.password));
  base.username = '';
  base.password = '';

  const bucket = option(uri, 'bucket');
  const org = option(uri, 'org');
  let target: InfluxTarget;
  if (bucket !== undefined || org !== undefined || token !== undefined) {
    for (const v1Only of ['db', 'rp', 'retention', 'user', 'pw'] as const) {
      if (option(uri, v1Only) !== undefined) throw new ConfigError(`sink influxdb: option ${v1Only} is for InfluxDB 1.x; with bucket/org/token (InfluxDB 2.x/3.x) leave it out`);
    }
    if (bucket === undefined || bucket === '') throw new ConfigError('sink influxdb: InfluxDB 2.x/3.x needs option bucket (with org and token)');
    target = { api: 'v2', org: org === '' ? undefined : org, bucket, token: token === '' ? undefined : token };
  } else {
    const db = option(uri, 'db') ?? 'k8s';
    const rp = option(uri, 'rp') ?? 'default';
    if (db === '') throw new ConfigError('sink influxdb: option db is empty');
    if (rp === '') throw new ConfigError('sink influxdb: option rp is empty');
    target = { api: 'v1', user: option(uri, 'user') ?? 'root', password: password ?? 'root', db, rp, retention: retentionDuration(option(uri, 'retention')) };
  }
  boolOption(uri, 'disable_counter_metrics', false); // checked as kube-eventer does; it has no effect there either
  return {
    base,
    target,
    withFields: boolOption(uri, 'withfields', false),
    verifyTls: !boolOption(uri, 'insecuressl', false),
    clusterName: option(uri, 'cluster_name') ?? 'default',
  };
}
