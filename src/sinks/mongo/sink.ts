// The mongo sink: one unordered insertMany per batch. The driver keeps the connection pool and
// reconnects by itself; per-document write errors become per-event outcomes.
import { MongoBulkWriteError, MongoClient, MongoServerError, type Collection } from 'mongodb';
import { ConfigError } from '../../base/errors.js';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { redact } from '../../base/redact.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { isAborted, untilAborted } from '../until-aborted.js';
import { encodeDocument, type MongoEventDocument } from './encoder.js';
import { parseMongoOptions, type MongoOptions } from './options.js';

export const MONGO_MAX_BATCH = 1000;
/** How long an operation waits for a server before it fails (and the lane retries). */
const SERVER_SELECTION_MS = 5000;
const DUPLICATE_KEY = 11000;

/** Errors a later attempt may not get: the server is there but says no (validation, auth, bad name). */
function isPermanent(code: number | undefined): boolean {
  // 121 DocumentValidationFailure, 2 BadValue, 10334 BSONObjectTooLarge, 17280 KeyTooLong: the document itself.
  // 13 Unauthorized stays retryable: an operator can grant the role without the events changing.
  return code === 121 || code === 2 || code === 10334 || code === 17280;
}

class MongoSink implements Sink {
  readonly name = 'Mongo Sink';
  private readonly collection: Collection<MongoEventDocument>;

  constructor(
    options: MongoOptions,
    private readonly client: MongoClient,
  ) {
    this.collection = client.db(options.database).collection<MongoEventDocument>(options.collection);
  }

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome[]> {
    const docs = batch.map((e) => encodeDocument(e));
    const outcomes: Outcome[] = batch.map(() => OK);
    try {
      // The driver takes no abort signal for writes: stop waiting when the lane gives up (a resend is safe).
      await untilAborted(this.collection.insertMany(docs, { ordered: false, timeoutMS: SERVER_SELECTION_MS * 2 }), signal);
      return outcomes;
    } catch (err) {
      if (isAborted(err)) return outcomes.map(() => retry('insertMany: abandoned (send deadline or shutdown); the documents may or may not be stored'));
      const writeErrors = err instanceof MongoBulkWriteError ? [err.writeErrors].flat() : [];
      if (err instanceof MongoBulkWriteError && writeErrors.length > 0) {
        for (const we of writeErrors) {
          // Already stored by an earlier attempt whose reply was lost.
          if (we.code === DUPLICATE_KEY) continue;
          const reason = redact(`insertMany: ${we.errmsg ?? 'write error'} (code ${we.code})`);
          outcomes[we.index] = isPermanent(we.code) ? reject(reason) : retry(reason);
        }
        // A write concern error leaves the inserted documents unconfirmed: send them again (ids make it safe).
        if (err.writeConcernError !== undefined && err.writeConcernError !== null) {
          const reason = redact(`insertMany: write concern: ${err.writeConcernError.errmsg ?? ''}`);
          return outcomes.map((o) => (o.status === 'ok' ? retry(reason) : o));
        }
        return outcomes;
      }
      const e = err as Error & { code?: number };
      const reason = redact(`insertMany: ${e.name}: ${e.message}`);
      if (err instanceof MongoServerError && isPermanent(e.code)) return outcomes.map(() => reject(reason));
      return outcomes.map(() => retry(reason));
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createMongoSink(uri: SinkUri, _ctx: SinkContext): Promise<SinkParts> {
  const options = parseMongoOptions(uri);
  let client: MongoClient;
  try {
    client = new MongoClient(options.connectionString, { serverSelectionTimeoutMS: SERVER_SELECTION_MS, appName: 'kube-eventer' });
  } catch (err) {
    const bad = unsupportedOption(options.connectionString);
    const why = bad === undefined ? (err instanceof Error ? err.message : String(err)) : `unknown option ${JSON.stringify(bad)} (known here: database, collection, the lane options, and the driver's connection string options)`;
    throw new ConfigError(`sink mongo: the connection string is not valid (${describeServers(options.connectionString)}): ${redact(why)}`);
  }
  try {
    // kube-eventer connects lazily and starts even when the server is down; this sink checks first.
    await client.db(options.database).command({ ping: 1 });
  } catch (err) {
    await client.close().catch(() => undefined);
    const e = err as Error & { code?: number };
    const what = e.code === 18 ? 'the server refused the credentials in the connection string' : `cannot reach the server at startup`;
    throw new ConfigError(`sink mongo: ${what} (${describeServers(options.connectionString)}): ${redact(e.message)}`);
  }
  return { sink: new MongoSink(options, client), tuning: { maxBatch: MONGO_MAX_BATCH, sendTimeoutMs: 30_000 } };
}

/** `mongodb://user:***@host1,host2` — who and where, never the password or the options. */
function describeServers(connectionString: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/)(?:([^@/:]*)(?::[^@/]*)?@)?([^/?]*)/.exec(connectionString);
  if (m === null) return 'mongodb://…';
  return `${m[1]}${m[2] === undefined ? '' : `${m[2]}:***@`}${m[3]}`;
}

/** The first query option the driver does not know (its own error does not name it). */
function unsupportedOption(connectionString: string): string | undefined {
  const q = connectionString.indexOf('?');
  if (q < 0) return undefined;
  for (const pair of connectionString.slice(q + 1).split('&')) {
    try {
      new MongoClient(`mongodb://127.0.0.1/?${pair}`);
    } catch (err) {
      if (err instanceof Error && /unsupported option/i.test(err.message)) return decodeURIComponent(pair.split('=')[0]!);
    }
  }
  return undefined;
}

