import type { SinkUri } from '../../base/uri.js';
import { OK, retry, type Outcome } from '../../pipeline/outcome.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import type { BuiltSink, Sink } from '../../pipeline/sink.js';
import type { SinkContext } from '../context.js';
import { encodeBatch, type LogFormat } from './encoder.js';

/** Writes events to stdout (the daemon's own logs go to stderr). */
class LogSink implements Sink {
  readonly name = 'LogSink';

  constructor(
    private readonly format: LogFormat,
    private readonly out: NodeJS.WritableStream,
  ) {}

  async send(batch: readonly import('../../event/types.js').KubeEvent[]): Promise<Outcome> {
    const text = encodeBatch(batch, this.format);
    return new Promise((resolve) => {
      this.out.write(text, (err) => resolve(err ? retry(`write failed: ${err.message}`) : OK));
    });
  }

  async close(): Promise<void> {}
}

export async function createLogSink(uri: SinkUri, _ctx: SinkContext, out: NodeJS.WritableStream = process.stdout): Promise<BuiltSink> {
  rejectUnknownOptions(uri, ['format']);
  const format = choiceOption(uri, 'format', ['text', 'json'] as const, 'text');
  return { sink: new LogSink(format, out), tuning: { maxBatch: 1000 } };
}
