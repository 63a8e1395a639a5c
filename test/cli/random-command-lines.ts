// A seeded generator of hostile command-line input: --sink/--source values (percent escapes valid and
// not, `+ ; # ? & =` in values, repeated and empty keys, userinfo with `@` and `:`, IPv6 hosts, ports,
// `$VAR`/`${VAR}`/`$1`/`$$`/unterminated `${`, unicode, very long values), Go numbers, booleans and
// durations, and whole argv lists in Go's flag forms. The same seed always yields the same cases.
import type { GoRequest } from '../fixtures/uri-oracle/oracle.js';
import { SeededPicks } from '../event/random-events.js';

/** The environment every generated `$VAR` is expanded in (Go and ours alike). */
export const FUZZ_ENV: Readonly<Record<string, string>> = {
  HOST: 'h.example:8080',
  PORT: '9200',
  TOKEN: 's3cr3t&x=1',
  EMPTY: '',
  PCT: '%zz',
  HASH: 'a#b',
  Q: '?a=1',
  SP: 'a b',
  USER_1: 'u@s:er',
  '1': 'one',
  U: 'é',
};

const WORDS = ['a', 'token', 'brokers', 'level', 'Warning', 'x', 'label', 'nodes', 'ver', 'index', '0', '-1', 'true', 'é', '日本', '\u{1f600}'];
const ESCAPES = ['%41', '%2F', '%2f', '%25', '%20', '%23', '%26', '%3D', '%3B', '%C3%A9', '%FF', '%e2%82', '%zz', '%4', '%', '%%', '%G1', '%0A', '%00'];
const SPECIALS = ['+', ';', '#', '?', '&', '=', ':', '@', '/', '//', ' ', '\t', '"', '<', '>', '{', '}', '|', '\\', '^', '`', '[', ']', "'", '(', ')', '*', '!', ',', '~', '\u0001', '\u007f', '\u00a0'];
const DOLLARS = ['$TOKEN', '${TOKEN}', '$HOST', '${PORT}', '$UNSET', '${UNSET}', '$EMPTY', '$PCT', '$HASH', '$Q', '$SP', '$1', '${1}', '$$', '$', '${', '${}', '${TOKEN', '$-', '${#}', '$é', '${U}', '$USER_1', '${USER_1}x', '$@'];
const HOSTS = ['h', 'example.com', 'h:8080', 'h:', 'h:abc', 'h:0x50', 'h:99999', '1.2.3.4:5', '[::1]', '[::1]:9200', '[::1', '[::1]x', '[::1]:x', '[fe80::1%25en0]:80', '[fe80::1%en0]', '[fe80::1%25%C3%A9]', '[fe80::1%25en%200]', '[fe80::1%25%41]', '[fe80::1%25%2F]', '[fe80::1%25]', '[::ffff:1.2.3.4]', '[::1.2.3.4]', '[1::2::3]', 'ex%41mple.com', 'ex%zzmple', 'a b', 'h_o-s.t', '$HOST', '${HOST}', 'h:${PORT}', 'h:$TOKEN', 'h$PCT', '[$TOKEN]', '', 'é.example', '::1', 'h:80:90', '[v1.x]'];
const USERS = ['u', 'u:p', 'u:p@x', 'u%40:p%3A', 'u:p%zz', ':p', 'u:', '$USER_1', '${USER_1}:${TOKEN}', 'ü:p', 'u p', 'u:p:q', '%'];
const SCHEMES = ['http', 'https', 'HTTP', 'tcp', 'mongodb', 'a+b.c-d', '1http', 'ht_tp', ''];
const KEYS = ['kafka', 'webhook', 'log', 'elasticsearch', 'influxdb', 'mysql', 'mongo', 'dingtalk', 'kubernetes', 'sls', '', 'a b', 'é'];
const DIGITS = '0123456789abcdefABCDEF_';

export class CommandLineGenerator extends SeededPicks {
  /** A value or key inside a query: words, escapes, specials and `$` forms mixed. */
  private piece(): string {
    const n = this.int(4);
    let s = '';
    for (let i = 0; i < n; i++) {
      const r = this.rnd();
      if (r < 0.4) s += this.pick(WORDS);
      else if (r < 0.6) s += this.pick(ESCAPES);
      else if (r < 0.8) s += this.pick(SPECIALS);
      else if (r < 0.97) s += this.pick(DOLLARS);
      else s += 'v'.repeat(200 + this.int(3000));
    }
    return s;
  }

  query(): string {
    const pairs: string[] = [];
    const n = this.int(5);
    for (let i = 0; i < n; i++) {
      const r = this.rnd();
      if (r < 0.1) pairs.push('');
      else if (r < 0.2) pairs.push(this.piece());
      else pairs.push(`${this.chance(0.3) ? this.pick(WORDS) : this.piece()}=${this.piece()}`);
    }
    if (n > 1 && this.chance(0.3)) pairs.push(pairs[0]!);
    return pairs.join(this.chance(0.1) ? ';' : '&');
  }

  private path(): string {
    const n = this.int(4);
    let s = '';
    for (let i = 0; i < n; i++) s += `/${this.piece()}`;
    return s;
  }

  /** The text after `KEY:`. */
  private rest(): string {
    const r = this.rnd();
    const query = () => (this.chance(0.7) ? `?${this.query()}` : '');
    const fragment = () => (this.chance(0.15) ? `#${this.piece()}` : '');
    if (r < 0.25) return `?${this.query()}${fragment()}`;
    if (r < 0.7) {
      const user = this.chance(0.2) ? `${this.pick(USERS)}@` : '';
      return `${this.pick(SCHEMES)}://${user}${this.pick(HOSTS)}${this.path()}${query()}${fragment()}`;
    }
    if (r < 0.8) return `${this.pick(SCHEMES)}:${this.piece()}${query()}`;
    if (r < 0.85) return `//${this.pick(HOSTS)}${this.path()}${query()}`;
    if (r < 0.9) return `${this.piece()}${this.path()}${query()}`;
    if (r < 0.95) return '';
    return this.piece() + this.piece();
  }

  uriValue(): string {
    const key = this.pick(KEYS);
    const r = this.rnd();
    if (r < 0.05) return key;
    if (r < 0.08) return `${key}:`;
    return `${key}:${this.rest()}`;
  }

  /** A Go integer literal: signs, base prefixes, underscores, leading zeros, overflow. */
  integer(): string {
    const r = this.rnd();
    if (r < 0.15) {
      return this.pick(['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616', '9007199254740993', '2147483647', '2147483648', '-2147483649', '65534', '65535', '0x_1F', '0_7', '1__0', '_1', '1_', '0x', '0b102', '0o8', '08', '١', ' 1', '1 ', '']);
    }
    const sign = this.pick(['', '', '', '-', '+', '--']);
    const prefix = this.pick(['', '', '', '0', '0x', '0X', '0o', '0O', '0b', '0B', '00']);
    let digits = '';
    const n = this.int(prefix === '' ? 22 : 8);
    for (let i = 0; i < n; i++) digits += this.chance(0.8) ? String(this.int(10)) : this.pick([...DIGITS]);
    return sign + prefix + digits;
  }

  boolean(): string {
    return this.pick(['1', '0', 't', 'f', 'T', 'F', 'true', 'false', 'TRUE', 'FALSE', 'True', 'False', 'tRue', 'yes', 'no', 'on', '', ' true', 'true ', '2', '-1', '01']);
  }

  duration(): string {
    const r = this.rnd();
    if (r < 0.3) {
      return this.pick(['1h2m3.5s', '.5s', '1e3s', '-0s', '+0', '0', '-0', '1µs', '1μs', '1us', '5.s', '.s', '1', '', '1.000000000001s', '9223372036854775807ns', '9223372036854775808ns', '-9223372036854775808ns', '2562047h', '2562048h', '1h-1m', ' 1s', '1S', '1d', '0.0000000001s', '1.9999999999ns', '3m0.000000001s', '4.9999999999s', '5s', '3m', '180s', '180.0000000001s', '1m-', '1m1', 'ms', '1.5h30m', '0x10s', '1_0s', '١s', '00001s']);
    }
    const sign = this.pick(['', '', '', '-', '+']);
    let s = '';
    const n = 1 + this.int(3);
    for (let i = 0; i < n; i++) {
      const whole = this.chance(0.8) ? String(this.int(this.chance(0.1) ? 1e12 : 200)) : '';
      const frac = this.chance(0.3) ? `.${String(this.int(1e6)).padStart(this.int(12), '0')}` : '';
      s += whole + frac + this.pick(['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h', 'h', 's']);
    }
    return sign + s;
  }

  float(): string {
    if (this.chance(0.5)) {
      return this.pick(['60', '1.5', '-1', '.5', '5.', '1e3', '1E-3', '0x1p-2', '0x10', 'inf', '+Inf', 'Infinity', 'NaN', 'nan', '+nan', '-inf', 'infx', '1_000', '1__0', '_1', '0x_1p0', '0x1p', '0b1', '0o7', '', ' 1', '1e400', '4.9e-324', '1e-400', '0', '-0', '00.5', '1.2.3', '0x1p1024', '1e6', '123456789', '0.00001', '3.4e38']);
    }
    const digits = () => String(this.int(10 ** (1 + this.int(8))));
    return `${this.pick(['', '-', '+'])}${digits()}${this.chance(0.5) ? `.${digits()}` : ''}${this.chance(0.3) ? `e${this.pick(['', '-', '+'])}${this.int(30)}` : ''}`;
  }

  /** An argv in Go's flag forms, with kube-eventer's own flags and klog's. */
  argv(): string[] {
    const args: string[] = [];
    const n = this.int(7);
    if (this.chance(0.8)) args.push(`--source=kubernetes:${this.chance(0.7) ? 'https://kubernetes.default' : this.rest()}`);
    for (let i = 0; i < n; i++) args.push(...this.flagArgs());
    return this.chance(0.5) ? this.shuffle(args) : args;
  }

  private shuffle(list: string[]): string[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }

  private flagArgs(): string[] {
    const dash = this.pick(['-', '--', '--', '---']);
    const r = this.rnd();
    const named = (name: string, value: string): string[] => (this.chance(0.6) ? [`${dash}${name}=${value}`] : [`${dash}${name}`, value]);
    if (r < 0.2) return named('sink', this.uriValue());
    if (r < 0.28) return named('source', this.uriValue());
    if (r < 0.38) return named('frequency', this.duration());
    if (r < 0.46) return named(this.pick(['healthz-port', 'max_procs', 'log_file_max_size', 'v']), this.integer());
    if (r < 0.56) {
      const name = this.pick(['event-metrics', 'version', 'logtostderr', 'alsologtostderr', 'skip_headers']);
      const t = this.rnd();
      return t < 0.4 ? [`${dash}${name}`] : t < 0.85 ? [`${dash}${name}=${this.boolean()}`] : [`${dash}${name}`, this.boolean()];
    }
    if (r < 0.62) return named(this.pick(['healthz-ip', 'log_dir', 'vmodule']), this.pick(['0.0.0.0', '::', '', '-x', 'a=b']));
    if (r < 0.7) return [this.pick(['--', '-', 'positional', '-h', '--help', '-help=1', '--=x', '-=', '---x', '--unknown', '-sinks=log', '--sink', '--frequency'])];
    if (r < 0.75) return [`${dash}${this.pick(['sink', 'frequency', 'healthz-port'])}`];
    return [];
  }

  /** `count` requests of every kind, mixed. */
  requests(count: number, flags: Extract<GoRequest, { op: 'flags' }>['flags']): GoRequest[] {
    const out: GoRequest[] = [];
    for (let i = 0; i < count; i++) {
      const r = this.rnd();
      if (r < 0.4) out.push({ op: 'uri', value: this.uriValue(), env: FUZZ_ENV });
      else if (r < 0.5) out.push({ op: 'query', value: this.query() });
      else if (r < 0.55) out.push({ op: 'atoi', value: this.integer() });
      else if (r < 0.6) out.push({ op: this.pick(['int', 'uint'] as const), value: this.integer() });
      else if (r < 0.63) out.push({ op: 'bool', value: this.boolean() });
      else if (r < 0.7) out.push({ op: 'duration', value: this.duration() });
      else if (r < 0.72) out.push({ op: 'float', value: this.float() });
      else out.push({ op: 'flags', argv: this.argv(), env: FUZZ_ENV, flags, eventer: true });
    }
    return out;
  }
}
