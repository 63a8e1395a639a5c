import { ConfigError } from '../base/errors.js';
import { parseGoBool } from '../base/go-bool.js';
import { goAtoi } from '../base/go-int.js';
import { goUnescape, option, type SinkUri } from '../base/uri.js';
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
  const n = goAtoi(text);
  if (n === undefined || n < min || n > max) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${JSON.stringify(text)} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * kafka and elasticsearch read their options with url.ParseQuery and fail on its error: a `;` or a bad
 * `%` escape. The option is named by its key, never by its value (it may be a password).
 */
export function rejectMalformedQuery(uri: SinkUri): void {
  const fail = (problem: string) => {
    throw new ConfigError(`sink ${uri.key}: failed to parse url's query string: ${problem}`);
  };
  const parts = uri.rawQuery.split('&');
  if (parts.some((part) => part.includes(';'))) fail('invalid semicolon separator in query (write ";" as %3B)');
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (goUnescape(key, true) === undefined) fail(`invalid URL escape in the option name ${JSON.stringify(key)}`);
    if (goUnescape(part.slice(eq + 1), true) === undefined) fail(`invalid URL escape in the value of option ${key}`);
  }
}
