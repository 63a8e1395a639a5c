// Loggers for tests: one that says nothing, and one that keeps every line for assertions.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export const silentLog = pino({ level: 'silent' });

export interface LogCapture {
  readonly log: Logger;
  readonly lines: Array<Record<string, unknown>>;
  text(): string;
}

/** A logger that keeps its lines; `bindings` are what the daemon gives a sink's logger (default: the first webhook's). */
export function captureLog(bindings: Record<string, string> = { sink: 'webhook#1' }): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level: 'debug', base: undefined }, stream).child(bindings), lines, text: () => raw.join('\n') };
}
