import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino, type Logger, type DestinationStream } from 'pino';
import type PinoPretty from 'pino-pretty';
import { redact } from '../base/redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** klog -v: 0 = info, 1-4 = debug, 5+ = trace. */
  readonly verbosity?: number;
  /** `text` for people at a terminal, `json` for collectors; `auto` picks by whether stderr is a TTY. */
  readonly format?: 'auto' | 'text' | 'json';
  /** Where lines go (stderr by default, like klog). */
  readonly destination?: NodeJS.WritableStream;
}

function levelFor(verbosity: number): pino.Level {
  if (verbosity >= 5) return 'trace';
  if (verbosity >= 1) return 'debug';
  return 'info';
}

/** A stream that masks secrets in every finished line before it leaves the process. */
class RedactingStream extends Writable {
  constructor(private readonly target: NodeJS.WritableStream) {
    super({ decodeStrings: false });
  }
  override _write(chunk: unknown, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.target.write(redact(String(chunk)));
    done();
  }
}

/** pino-pretty is loaded only for text output, so a daemon logging JSON does not carry it in memory. */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? process.stderr;
  const format =
    options.format === undefined || options.format === 'auto'
      ? (target as { isTTY?: boolean }).isTTY
        ? 'text'
        : 'json'
      : options.format;
  const safe = new RedactingStream(target);
  const destination: DestinationStream =
    format === 'text'
      ? loadPretty()({ destination: safe, sync: true, colorize: Boolean((target as { isTTY?: boolean }).isTTY), translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : (safe as unknown as DestinationStream);
  return pino({ level: levelFor(options.verbosity ?? 0), base: undefined }, destination);
}
