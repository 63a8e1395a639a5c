import { ConfigError } from '../base/errors.js';
import { parseGoBool } from '../base/go-bool.js';
import { option, type SinkUri } from '../base/uri.js';
import { isLaneOption } from '../pipeline/lane-options.js';

/** Stops startup on an option the sink does not know (a typo would otherwise pass silently). */
export function rejectUnknownOptions(uri: SinkUri, known: readonly string[]): void {
  const allowed = new Set(known);
  for (const [name] of uri.query) {
    if (!allowed.has(name) && !isLaneOption(name)) {
      const list = [...known].sort().join(', ') || '(none)';
      throw new ConfigError(`sink ${uri.key}: unknown option ${JSON.stringify(name)} (known options: ${list}, and the lane options)`);
    }
  }
}

/** A Go-style boolean option (`1,t,T,TRUE,true,True,0,f,F,FALSE,false,False`). */
export function boolOption(uri: SinkUri, name: string, fallback: boolean): boolean {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  const value = parseGoBool(text);
  if (value === undefined) throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} is not a boolean (use true or false)`);
  return value;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(uri: SinkUri, name: string, choices: readonly T[], fallback: T): T {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be one of ${choices.join(', ')}`);
  }
  return text as T;
}

/** A whole number within [min, max]. */
export function intOption(uri: SinkUri, name: string, fallback: number, min: number, max: number): number {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  if (!/^-?[0-9]+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be an integer from ${min} to ${max}`);
  }
  return Number(text);
}
