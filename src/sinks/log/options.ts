// log sink options: only `format` (the log sink takes no filter options, as in kube-eventer).
import type { SinkUri } from '../../base/uri.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import type { LogFormat } from './encoder.js';

export const LOG_OPTIONS = ['format'] as const;

export interface LogOptions {
  readonly format: LogFormat;
}

export function parseLogOptions(uri: SinkUri): LogOptions {
  rejectUnknownOptions(uri, LOG_OPTIONS);
  return { format: choiceOption(uri, 'format', ['text', 'json'] as const, 'text') };
}
