import type { SinkUri } from '../../base/uri.js';
import { OK, retry, type Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import type { KubeEvent } from '../../event/types.js';
import { encodeBatch, type LogFormat } from './encoder.js';
import { parseLogOptions } from './options.js';

/** Writes events to stdout (the daemon's own logs go to stderr). */
class LogSink implements Sink {
  readonly name = 'LogSink';

  constructor(
    private readonly format: LogFormat,
    private readonly out: NodeJS.WritableStream,
  ) {}

  async send(batch: readonly KubeEvent[]): Promise<Outcome> {
    const text = encodeBatch(batch, this.format);
    return new Promise((resolve) => {
      this.out.write(text, (err) => resolve(err ? retry(`write failed: ${err.message}`) : OK));
    });
  }

  async close(): Promise<void> {}
}

export async function createLogSink(uri: SinkUri, _ctx: SinkContext, out: NodeJS.WritableStream = process.stdout): Promise<SinkParts> {
  const { format } = parseLogOptions(uri);
  return { sink: new LogSink(format, out), tuning: { maxBatch: 1000 } };
}
