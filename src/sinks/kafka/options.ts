// kafka:?brokers=host:9092&eventstopic=... → a validated config, kube-eventer's option names and
// defaults (sinks/kafka, common/kafka), plus what users asked for: comma lists, zstd, SCRAM, keys.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../base/errors.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { registerSecret } from '../../base/redact.js';
import { boolOption, choiceOption, intOption, rejectMalformedQuery, rejectUnknownOptions } from '../options.js';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** How the message key is chosen: none (kube-eventer: round-robin partitions), the Event's uid, or the involved object. */
export const KEYS = ['none', 'uid', 'object'] as const;
export type KeyMode = (typeof KEYS)[number];

export interface KafkaTlsOptions {
  /** PEM texts read at startup; undefined = the system's CAs / no client certificate. */
  ca?: string;
  cert?: string;
  key?: string;
  /** `insecuressl=true`: do not verify the broker's certificate. */
  insecure: boolean;
}

export interface KafkaSasl {
  mechanism: Mechanism;
  user: string;
  password: string;
}

export interface KafkaOptions {
  brokers: string[];
  topic: string;
  compression: Compression;
  tls?: KafkaTlsOptions;
  sasl?: KafkaSasl;
  key: KeyMode;
  clientId: string;
  /** Acknowledgements the producer waits for: 1 (leader, as kube-eventer) or -1 (all in-sync replicas). */
  acks: 1 | -1;
  /** Largest uncompressed produce request the sink builds; bigger batches are split. */
  maxRequestBytes: number;
}

export const KAFKA_OPTIONS = [
  'brokers', 'eventstopic', 'compression', 'cacert', 'cert', 'key', 'insecuressl', 'tls',
  'user', 'password', 'mechanism', 'message_key', 'clientid', 'acks', 'max_request_bytes',
  // Heapster's metrics topic: kube-eventer's kafka doc shows it in an example and ignores it; so do we.
  'timeseriestopic',
] as const;

const DEFAULT_TOPIC = 'heapster-events';

function fail(message: string): never {
  throw new ConfigError(`sink kafka: ${message}`);
}

function readPem(name: string, path: string): string {
  if (path === '') fail(`option ${name} is empty (give the path of a PEM file)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`option ${name}=${JSON.stringify(path)}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!text.includes('-----BEGIN ')) fail(`option ${name}=${JSON.stringify(path)}: the file is not PEM`);
  return text;
}

/** `host:port` with a port; kube-eventer passes brokers to sarama as given, which needs one. */
function parseBroker(text: string): string {
  const b = text.trim();
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})$/.exec(b);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) fail(`option brokers=${JSON.stringify(text)} is not host:port`);
  return b;
}

export function parseKafkaOptions(uri: SinkUri): KafkaOptions {
  rejectUnknownOptions(uri, KAFKA_OPTIONS);
  rejectMalformedQuery(uri);
  // kube-eventer takes one broker per repeated key; a comma list is split too (it was not, upstream).
  const brokers = options(uri, 'brokers').flatMap((v) => v.split(',')).filter((b) => b.trim() !== '').map(parseBroker);
  if (brokers.length === 0) fail('There is no broker assigned for connecting kafka (give brokers=host:9092, repeated or comma-separated)');

  const topic = option(uri, 'eventstopic') ?? DEFAULT_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    fail(`option eventstopic=${JSON.stringify(topic)} is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)`);
  }

  const compressionText = option(uri, 'compression') ?? 'none';
  if (!(COMPRESSIONS as readonly string[]).includes(compressionText)) {
    fail(`option compression=${JSON.stringify(compressionText)}: Compression '${compressionText}' is illegal. Use none, gzip, snappy, lz4 or zstd`);
  }

  const cacert = option(uri, 'cacert');
  const cert = option(uri, 'cert');
  const key = option(uri, 'key');
  if ((cert === undefined) !== (key === undefined)) fail(`options cert and key go together (a client certificate and its private key); only ${cert === undefined ? 'key' : 'cert'} was given`);
  const insecure = boolOption(uri, 'insecuressl', false);
  const tlsOn = boolOption(uri, 'tls', cacert !== undefined || cert !== undefined || insecure);
  let tls: KafkaTlsOptions | undefined;
  if (tlsOn) {
    tls = { insecure };
    if (cacert !== undefined) tls.ca = readPem('cacert', cacert);
    if (cert !== undefined && key !== undefined) {
      tls.cert = readPem('cert', cert);
      tls.key = readPem('key', key);
    }
  } else if (cacert !== undefined || cert !== undefined) {
    fail('option tls=false contradicts cacert/cert/key');
  }

  const user = option(uri, 'user');
  const password = option(uri, 'password');
  registerSecret(password);
  const mechanismText = option(uri, 'mechanism');
  let sasl: KafkaSasl | undefined;
  if (user !== undefined || password !== undefined || mechanismText !== undefined) {
    if (user === undefined || user === '' || password === undefined) {
      fail(`SASL needs both user and password${mechanismText !== undefined ? ` (mechanism=${mechanismText})` : ''}; got ${user === undefined || user === '' ? 'no user' : 'no password'}`);
    }
    const mechanism = (mechanismText ?? 'plain').toLowerCase();
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
      fail(`option mechanism=${JSON.stringify(mechanismText)} must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`);
    }
    sasl = { mechanism: mechanism as Mechanism, user, password };
  }

  const acksText = option(uri, 'acks') ?? '1';
  if (acksText !== '1' && acksText !== 'all' && acksText !== '-1') fail(`option acks=${JSON.stringify(acksText)} must be 1 (the leader, as kube-eventer) or all`);
  const maxRequestBytes = intOption(uri, 'max_request_bytes', 900_000, 1024, 100_000_000);
  const clientId = option(uri, 'clientid') ?? 'kafka-sink';
  if (clientId === '') fail('option clientid is empty');

  return {
    brokers,
    topic,
    compression: compressionText as Compression,
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
    key: choiceOption(uri, 'message_key', KEYS, 'none'),
    clientId,
    acks: acksText === '1' ? 1 : -1,
    maxRequestBytes,
  };
}
