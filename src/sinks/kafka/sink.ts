// The kafka sink: one produce request per batch through kafkajs (no buffering of its own, no
// retries: the lane retries). Messages carry kube-eventer's payload (encoder.ts).
import kafkajs, { type CompressionTypes, type Producer, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { redact } from '../../base/redact.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { groupBySize } from '../group-by-size.js';
import { isAborted, untilAborted } from '../until-aborted.js';
import { registerCodec } from './codecs.js';
import { encodeMessage, type KafkaMessage } from './encoder.js';
import { parseKafkaOptions, type KafkaOptions } from './options.js';

const { Kafka, Partitioners, logLevel } = kafkajs;

/** Broker errors about the records themselves: sending them again cannot succeed. */
const BAD_RECORD_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_TIMESTAMP']);

interface ErrorLike {
  name?: string;
  type?: string;
  message?: string;
  originalError?: ErrorLike;
  cause?: ErrorLike;
}

/** The innermost kafkajs error (retries wrap the broker's answer). */
function rootError(err: unknown): ErrorLike {
  let e = err as ErrorLike;
  for (let i = 0; i < 5 && (e.originalError ?? e.cause); i++) e = (e.originalError ?? e.cause)!;
  return e;
}

function describe(err: unknown): string {
  const outer = err as ErrorLike;
  const inner = rootError(err);
  const text = inner === outer ? `${outer.name ?? 'Error'}: ${outer.message}` : `${outer.message} (${inner.name ?? 'Error'}: ${inner.message})`;
  return redact(text);
}

export function kafkaClientConfig(opts: KafkaOptions): kafkajs.KafkaConfig {
  let ssl: ConnectionOptions | undefined;
  if (opts.tls) {
    ssl = { rejectUnauthorized: !opts.tls.insecure };
    if (opts.tls.ca !== undefined) ssl.ca = opts.tls.ca;
    if (opts.tls.cert !== undefined) ssl.cert = opts.tls.cert;
    if (opts.tls.key !== undefined) ssl.key = opts.tls.key;
  }
  let sasl: SASLOptions | undefined;
  if (opts.sasl) sasl = { mechanism: opts.sasl.mechanism, username: opts.sasl.user, password: opts.sasl.password } as SASLOptions;
  return {
    clientId: opts.clientId,
    brokers: opts.brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
    // kube-eventer's dial timeout; the lane's send deadline bounds a whole batch.
    connectionTimeout: 10_000,
    requestTimeout: 30_000,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  };
}

export class KafkaSink implements Sink {
  readonly name = 'Apache Kafka Sink';

  constructor(
    private readonly opts: KafkaOptions,
    /** kafkajs's producer (its `events` show each request, for tests and diagnostics). */
    readonly producer: Producer,
    private readonly compression: CompressionTypes,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<readonly Outcome[]> {
    const outcomes: Outcome[] = new Array<Outcome>(batch.length);
    const fits: number[] = [];
    const messages: KafkaMessage[] = [];
    const sizes: number[] = [];
    batch.forEach((event, i) => {
      const message = encodeMessage(event, this.opts.key);
      const bytes = Buffer.byteLength(message.value) + (message.key === null ? 0 : Buffer.byteLength(message.key)) + 64;
      if (bytes > this.opts.maxRequestBytes) {
        outcomes[i] = reject(`message of ${bytes} bytes exceeds max_request_bytes=${this.opts.maxRequestBytes}`);
        return;
      }
      fits.push(i);
      messages.push(message);
      sizes.push(bytes);
    });
    let failed: Outcome | undefined;
    for (const request of groupBySize(sizes, this.opts.maxRequestBytes)) {
      const verdict = failed ?? (await this.produce(request.map((k) => messages[k]!), signal));
      // A retry stops the rest of the batch from being tried; a reject concerns these records only.
      if (verdict.status === 'retry') failed = verdict;
      for (const k of request) outcomes[fits[k]!] = verdict;
    }
    return outcomes;
  }

  /** One produce request's verdict for all its records. */
  private async produce(messages: KafkaMessage[], signal: AbortSignal): Promise<Outcome> {
    if (signal.aborted) return retry('send deadline passed before the produce request');
    try {
      await untilAborted(this.producer.send({ topic: this.opts.topic, messages, acks: this.opts.acks, compression: this.compression }), signal);
      return OK;
    } catch (err) {
      if (isAborted(err)) return retry('send deadline passed while the broker had not acknowledged (the batch may still arrive: a duplicate)');
      const type = rootError(err).type;
      const reason = `produce to ${this.opts.topic} failed: ${describe(err)}`;
      return type !== undefined && BAD_RECORD_ERRORS.has(type) ? reject(reason) : retry(reason);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.producer.disconnect();
  }

  private closed = false;
}

/** Who the sink talks to, for startup messages (never the password). */
function target(opts: KafkaOptions): string {
  const auth = opts.sasl ? ` as user=${opts.sasl.user} mechanism=${opts.sasl.mechanism.toUpperCase()}` : '';
  return `brokers=${opts.brokers.join(',')}${opts.tls ? ' (TLS)' : ''}${auth}`;
}

export async function createKafkaSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  const opts = parseKafkaOptions(uri);
  let compression: CompressionTypes;
  try {
    compression = await registerCodec(opts.compression);
  } catch (err) {
    throw new ConfigError(`sink kafka: option compression=${opts.compression}: the codec cannot load (${(err as Error).message})`);
  }
  const kafka = new Kafka(kafkaClientConfig(opts));
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true, retry: { retries: 0 } });
  // As kube-eventer: the brokers must answer at startup (it skips the sink; here startup stops and says why).
  try {
    await producer.connect();
  } catch (err) {
    await producer.disconnect().catch(() => undefined);
    throw new ConfigError(`sink kafka: cannot connect to ${target(opts)}: ${describe(err)}`);
  }
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const topics = await admin.listTopics();
    if (!topics.includes(opts.topic)) {
      ctx.log.warn(`kafka topic ${opts.topic} (option eventstopic) does not exist: events wait in the queue until it is created (or the broker auto-creates it)`);
    }
  } catch (err) {
    ctx.log.warn(`kafka: could not list topics on ${target(opts)}: ${describe(err)}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return { sink: new KafkaSink(opts, producer, compression), tuning: { maxBatch: 500 } };
}
