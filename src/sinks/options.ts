import { ConfigError } from '../base/errors.js';
import { parseGoBool } from '../base/go-bool.js';
import { goAtoi } from '../base/go-int.js';
import { goUnescape, option, parseQuery, type SinkUri } from '../base/uri.js';
import { isLaneOption } from '../pipeline/lane-options.js';

/**
 * Option text for an error message: quoted when it was typed in the flag, not when a `$VAR` brought it
 * (a Secret with a `&` splits into a tail that reads as another option).
 */
function quotedIfTyped(uri: SinkUri, text: string): string {
  return !uri.raw.includes('$') || uri.raw.includes(text) ? JSON.stringify(text) : '(text from the environment, not shown; write & in a value as %26)';
}

/** Stops startup on an option the sink does not know (a typo would otherwise pass silently). */
export function rejectUnknownOptions(uri: SinkUri, known: readonly string[]): void {
  const allowed = new Set(known);
  for (const [name] of uri.query) {
    if (!allowed.has(name) && !isLaneOption(name)) {
      const list = [...known].sort().join(', ') || '(none)';
      throw new ConfigError(`sink ${uri.key}: unknown option ${quotedIfTyped(uri, name)} (known options: ${list}, and the lane options)`);
    }
  }
}

/** A Go-style boolean option (`1,t,T,TRUE,true,True,0,f,F,FALSE,false,False`). */
export function boolOption(uri: SinkUri, name: string, fallback: boolean): boolean {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  const value = parseGoBool(text);
  if (value === undefined) throw new ConfigError(`sink ${uri.key}: option ${name}=${quotedIfTyped(uri, text)} is not a boolean (use true or false)`);
  return value;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(uri: SinkUri, name: string, choices: readonly T[], fallback: T): T {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${quotedIfTyped(uri, text)} must be one of ${choices.join(', ')}`);
  }
  return text as T;
}

/** A whole number within [min, max]. */
export function intOption(uri: SinkUri, name: string, fallback: number, min: number, max: number): number {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  const n = goAtoi(text);
  if (n === undefined || n < min || n > max) {
    throw new ConfigError(`sink ${uri.key}: option ${name}=${quotedIfTyped(uri, text)} must be an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * kafka and elasticsearch read their options with url.ParseQuery and fail on its error: a `;` or a bad
 * `%` escape. The option is named by its key, never by its value (it may be a password).
 */
export function rejectMalformedQuery(uri: SinkUri): void {
  const { error } = parseQuery(uri.rawQuery);
  if (error === undefined) return;
  let problem = 'invalid semicolon separator in query (write ";" as %3B)';
  if (!error.startsWith('invalid semicolon')) {
    for (const part of uri.rawQuery.split('&')) {
      const eq = part.indexOf('=');
      const key = eq < 0 ? part : part.slice(0, eq);
      if (goUnescape(key, true) === undefined) problem = `invalid URL escape in the option name ${quotedIfTyped(uri, key)}`;
      else if (goUnescape(part.slice(eq + 1), true) === undefined) {
        problem = `invalid URL escape in the value of option ${quotedIfTyped(uri, key) === JSON.stringify(key) ? key : quotedIfTyped(uri, key)}`;
      }
      else continue;
      break;
    }
  }
  throw new ConfigError(`sink ${uri.key}: failed to parse url's query string: ${problem}`);
}
