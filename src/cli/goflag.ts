// A parser with Go's `flag` package rules, so kube-eventer command lines parse identically:
// `-name=value`, `--name=value`, `-name value` (not for booleans), parsing stops at the first
// non-flag argument, `--` ends the flags.

import { parseGoBool } from '../base/go-bool.js';

export type FlagKind = 'string' | 'bool' | 'int' | 'uint' | 'duration' | 'list';

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

export function parseGoFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
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
        throw new FlagError(`invalid boolean value ${JSON.stringify(value)} for -${name}: parse error`);
      }
    } else if (value === undefined) {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: -${name}`);
      value = args[++i]!;
    }
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return { values, rest: args.slice(i), help: false };
}
