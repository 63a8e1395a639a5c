// riemann options: kube-eventer's URI host (default riemann-heapster:5555), ttl, batchsize, tags, state.
import { ConfigError } from '../../base/errors.js';
import { parseGoFloat } from '../../base/go-float.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { intOption, rejectUnknownOptions } from '../options.js';

export const RIEMANN_OPTIONS = ['ttl', 'batchsize', 'tags', 'state'] as const;

export interface RiemannOptions {
  readonly host: string;
  readonly port: number;
  /** Seconds an event stays valid in Riemann's index (0 = not sent). */
  readonly ttl: number;
  /** Events per message. */
  readonly batchSize: number;
  readonly tags: readonly string[];
  /** Accepted like kube-eventer, without effect (kube-eventer never used it). */
  readonly state: string | undefined;
}

export function parseRiemannOptions(uri: SinkUri): RiemannOptions {
  rejectUnknownOptions(uri, [...RIEMANN_OPTIONS, ...FILTER_OPTIONS]);
  const beforeQuery = uri.raw.split('?')[0]!;
  if (uri.host === '' && beforeQuery !== '') {
    // `riemann:host:5555` parses as scheme "host" with no host: kube-eventer silently used its default.
    throw new ConfigError(`sink riemann: no host in ${JSON.stringify(beforeQuery)} (use riemann:tcp://host:5555)`);
  }
  const hostPort = uri.host === '' ? 'riemann-heapster:5555' : uri.host;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(hostPort);
  const port = m?.[2] === undefined ? 5555 : Number(m[2]);
  if (!m || port < 1 || port > 65535) throw new ConfigError(`sink riemann: ${JSON.stringify(hostPort)} is not host:port (use riemann:tcp://host:5555)`);
  const ttlText = option(uri, 'ttl');
  // strconv.ParseFloat as kube-eventer; inf and NaN refused.
  const ttl = ttlText === undefined ? 60 : (parseGoFloat(ttlText) ?? NaN);
  if (ttlText !== undefined && (!Number.isFinite(ttl) || ttl < 0 || ttl > 3.4e38)) {
    throw new ConfigError(`sink riemann: option ttl=${JSON.stringify(ttlText)} must be a non-negative number of seconds`);
  }
  const batchSize = intOption(uri, 'batchsize', 1000, 1, 100_000);
  const given = options(uri, 'tags');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, ttl, batchSize, tags: given.length > 0 ? given : ['heapster'], state: option(uri, 'state') };
}
