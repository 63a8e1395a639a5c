// A parser with Go's `flag` package rules, so kube-eventer command lines parse identically:
// `-name=value`, `--name=value`, `-name value` (not for booleans), parsing stops at the first
// non-flag argument, `--` ends the flags. Each value is checked as it is read, as Go's Value.Set does,
// so the first bad argument is the one reported.

import { parseGoBool } from '../base/go-bool.js';
import { parseGoDuration } from '../base/go-duration.js';
import { parseGoInt, type GoIntResult } from '../base/go-int.js';
import { quote } from '../gotemplate/strconv.js';

/** `level` is klog's -v: base 10, 32 bits, with strconv's own error text. */
export type FlagKind = 'string' | 'bool' | 'int' | 'uint' | 'duration' | 'list' | 'level';

export interface FlagSpec {
  readonly name: string;
  readonly kind: FlagKind;
  readonly usage: string;
  /** Printed default, as Go's PrintDefaults shows it. */
  readonly defaultText?: string;
}

/** A command-line syntax error: Go's flag package prints it with the usage and exits 2. */
export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export interface ParsedFlags {
  /** Values in order of appearance; list flags accumulate. */
  readonly values: Map<string, string[]>;
  readonly rest: string[];
  readonly help: boolean;
}

/** Go's flag Value.Set for the kind: the error's text, or undefined when the value is good. */
function setError(kind: FlagKind, value: string): string | undefined {
  const intError = (r: GoIntResult) => ('error' in r ? r.error : undefined);
  switch (kind) {
    case 'int':
      return intError(parseGoInt(value, { base: 0 }));
    case 'uint':
      return intError(parseGoInt(value, { base: 0, unsigned: true }));
    case 'duration':
      return parseGoDuration(value) === undefined ? 'parse error' : undefined;
    case 'level': {
      const r = parseGoInt(value, { base: 10, bits: 32 });
      if (!('error' in r)) return undefined;
      return `strconv.ParseInt: parsing ${quote(value)}: ${r.error === 'parse error' ? 'invalid syntax' : 'value out of range'}`;
    }
    default:
      return undefined;
  }
}

/**
 * `check` sees each value of a list flag as it is read (a bad URI is reported in order, as Go does);
 * it throws a FlagError.
 */
export function parseGoFlags(args: readonly string[], specs: readonly FlagSpec[], check: (spec: FlagSpec, value: string) => void = () => {}): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const values = new Map<string, string[]>();
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.length < 2 || arg[0] !== '-') break;
    let body = arg.slice(1);
    if (body[0] === '-') {
      body = body.slice(1);
      if (body === '') {
        i++;
        break;
      }
    }
    if (body === '' || body[0] === '-' || body[0] === '=') throw new FlagError(`bad flag syntax: ${arg}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value = eq < 0 ? undefined : body.slice(eq + 1);
    if (name === 'h' || name === 'help') {
      if (!byName.has(name)) return { values, rest: [], help: true };
    }
    const spec = byName.get(name);
    if (!spec) throw new FlagError(`flag provided but not defined: -${name}`);
    if (spec.kind === 'bool') {
      value ??= 'true';
      if (parseGoBool(value) === undefined) {
        throw new FlagError(`invalid boolean value ${quote(value)} for -${name}: parse error`);
      }
    } else {
      if (value === undefined) {
        if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: -${name}`);
        value = args[++i]!;
      }
      const error = setError(spec.kind, value);
      if (error !== undefined) throw new FlagError(`invalid value ${quote(value)} for flag -${name}: ${error}`);
      check(spec, value);
    }
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return { values, rest: args.slice(i), help: false };
}
