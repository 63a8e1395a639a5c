// The riemann sink: Riemann's protobuf protocol over TCP (4-byte length, Msg), one message per
// batch, the server's ok/error reply awaited; a broken connection is dropped and made again on
// the next send, so the lane's retry redelivers the message.
import { connect, type Socket } from 'node:net';
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Logger } from '../../log/logger.js';
import { OK, reject, retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { readFields } from '../wire/protobuf.js';
import { encodeRiemannFrame } from './encoder.js';
import { parseRiemannOptions, type RiemannOptions } from './options.js';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** One TCP connection and the replies it is waiting for, in order. */
class RiemannConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: Array<{ resolve: (msg: Buffer) => void; reject: (err: Error) => void }> = [];
  private failure: Error | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed by Riemann')));
  }

  static open(host: string, port: number, signal: AbortSignal): Promise<RiemannConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => done(new Error(`connect to ${host}:${port} timed out`)), CONNECT_TIMEOUT_MS);
      const onAbort = () => done(new Error('aborted'));
      const done = (err?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.off('error', done);
        if (err) {
          socket.destroy();
          reject(err);
        } else {
          resolve(new RiemannConnection(socket));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', done);
      socket.once('connect', () => done());
    });
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const size = this.buffer.readUInt32BE(0);
      if (size > MAX_REPLY_BYTES) return this.fail(new Error(`reply of ${size} bytes is not a Riemann message`));
      if (this.buffer.length < 4 + size) return;
      const msg = this.buffer.subarray(4, 4 + size);
      this.buffer = this.buffer.subarray(4 + size);
      const waiter = this.waiting.shift();
      if (waiter === undefined) return this.fail(new Error('unexpected reply from Riemann'));
      waiter.resolve(Buffer.from(msg));
    }
  }

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    this.socket.destroy();
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  /** Writes one frame and resolves with the reply message. */
  exchange(frame: Buffer, signal: AbortSignal): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const onAbort = () => this.fail(new Error('send aborted (deadline or shutdown)'));
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        signal.removeEventListener('abort', onAbort);
        f(v);
      };
      this.waiting.push({ resolve: settle(resolve), reject: settle(reject) });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.fail(new Error('closed'));
  }
}

/** A Riemann reply: `ok` (field 2) and `error` (field 3). */
function replyOutcome(msg: Buffer, target: string): Outcome {
  let ok = false;
  let error = '';
  try {
    for (const f of readFields(msg)) {
      if (f.field === 2 && f.varint !== undefined) ok = f.varint !== 0n;
      if (f.field === 3 && f.bytes !== undefined) error = f.bytes.toString('utf8');
    }
  } catch (err) {
    return retry(`${target}: unreadable reply (${(err as Error).message})`);
  }
  if (ok) return OK;
  return reject(`${target}: Riemann refused the message${error === '' ? '' : `: ${error}`}`);
}

class RiemannSink implements Sink {
  readonly name = 'Riemann Sink';
  private connection: RiemannConnection | undefined;
  private connecting: Promise<RiemannConnection> | undefined;
  /** Sends go one at a time: replies carry no id, so they are matched by order on one connection. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly options: RiemannOptions,
    private readonly log: Logger,
  ) {}

  get target(): string {
    return `riemann ${this.options.host}:${this.options.port}`;
  }

  private async connected(signal: AbortSignal): Promise<RiemannConnection> {
    if (this.connection !== undefined && !this.connection.broken) return this.connection;
    this.connecting ??= RiemannConnection.open(this.options.host, this.options.port, signal).finally(() => {
      this.connecting = undefined;
    });
    this.connection = await this.connecting;
    this.log.info({ server: `${this.options.host}:${this.options.port}` }, 'riemann: connected');
    return this.connection;
  }

  /** Connects now; a failure is only logged (the server may come up later). */
  async warmUp(): Promise<void> {
    try {
      await this.connected(AbortSignal.timeout(CONNECT_TIMEOUT_MS));
    } catch (err) {
      this.log.warn({ server: `${this.options.host}:${this.options.port}`, reason: (err as Error).message }, 'riemann: not connected at startup; sends will connect');
    }
  }

  send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome> {
    const run = this.tail.then(() => this.sendNow(batch, signal));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async sendNow(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome> {
    if (this.closed) return retry(`${this.target}: sink closed`);
    // A send queued behind a slow one may find its deadline gone: an abort that already happened
    // fires no listener, so exchange() would wait for the reply with no bound.
    if (signal.aborted) return retry(`${this.target}: send deadline passed before the message was written`);
    const frame = encodeRiemannFrame(batch, this.options);
    let conn: RiemannConnection;
    try {
      conn = await this.connected(signal);
    } catch (err) {
      return retry(`${this.target}: cannot connect: ${(err as Error).message}`);
    }
    try {
      return replyOutcome(await conn.exchange(frame, signal), this.target);
    } catch (err) {
      conn.close();
      return retry(`${this.target}: ${(err as Error).message}; will reconnect`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connection?.close();
    this.connection = undefined;
  }
}

export async function createRiemannSink(uri: SinkUri, ctx: SinkContext): Promise<SinkParts> {
  const options = parseRiemannOptions(uri);
  if (options.state !== undefined) ctx.log.warn({}, 'riemann: option state has no effect (kube-eventer ignores it too); each event\'s state is ok for Normal, else warning');
  const sink = new RiemannSink(options, ctx.log);
  await sink.warmUp();
  const tuning = { maxBatch: options.batchSize };
  return { sink, tuning };
}
