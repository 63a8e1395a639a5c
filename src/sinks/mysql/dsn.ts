// The Go MySQL driver's DSN (github.com/go-sql-driver/mysql ParseDSN), which kube-eventer takes:
//   [user[:password]@][net[(addr)]]/dbname[?param1=value1&...&paramN=valueN]
// Parsed by the same rules: the last '/' ends the address part, the last '@' before it ends the
// credentials, the first ':' in those splits user and password (so a password may hold ':', '@', '/').

export interface GoMySqlDsn {
  user: string;
  password: string;
  /** `tcp` or `unix`. */
  net: string;
  /** host:port for tcp (default 127.0.0.1:3306), a socket path for unix. */
  addr: string;
  dbName: string;
  /** Parameters in order, values unescaped (Go's url.QueryUnescape). */
  params: Array<[string, string]>;
}

export class DsnError extends Error {}

function unescape(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new DsnError(`invalid DSN: did you forget to escape a param value? (${JSON.stringify(s)})`);
  }
}

function withPort(addr: string): string {
  if (/^\[.*\]:\d+$/.test(addr) || /^[^:]*:\d+$/.test(addr)) return addr;
  if (addr.startsWith('[') && addr.endsWith(']')) return `${addr}:3306`;
  if (addr.includes(':')) return `[${addr}]:3306`;
  return `${addr}:3306`;
}

export function parseGoMySqlDsn(dsn: string): GoMySqlDsn {
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) throw new DsnError('invalid DSN: missing the slash separating the database name');
  const out: GoMySqlDsn = { user: '', password: '', net: '', addr: '', dbName: '', params: [] };
  const left = dsn.slice(0, slash);
  if (left !== '') {
    const at = left.lastIndexOf('@');
    let rest = left;
    if (at >= 0) {
      const cred = left.slice(0, at);
      const colon = cred.indexOf(':');
      out.user = colon < 0 ? cred : cred.slice(0, colon);
      out.password = colon < 0 ? '' : cred.slice(colon + 1);
      rest = left.slice(at + 1);
    }
    const paren = rest.indexOf('(');
    if (paren >= 0) {
      if (!rest.endsWith(')')) {
        throw new DsnError(rest.slice(paren + 1).includes(')') ? 'invalid DSN: did you forget to escape a param value?' : 'invalid DSN: network address not terminated (missing closing brace)');
      }
      out.net = rest.slice(0, paren);
      out.addr = rest.slice(paren + 1, -1);
    } else {
      out.net = rest;
    }
  }
  const right = dsn.slice(slash + 1);
  const q = right.indexOf('?');
  out.dbName = unescape(q < 0 ? right : right.slice(0, q));
  if (q >= 0) {
    for (const pair of right.slice(q + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw new DsnError(`invalid DSN: did you forget to escape a param value? (${JSON.stringify(pair)})`);
      out.params.push([pair.slice(0, eq), unescape(pair.slice(eq + 1))]);
    }
  }
  if (out.net === '') out.net = 'tcp';
  if (out.net === 'tcp') out.addr = out.addr === '' ? '127.0.0.1:3306' : withPort(out.addr);
  else if (out.net === 'unix') out.addr = out.addr === '' ? '/tmp/mysql.sock' : out.addr;
  else throw new DsnError(`invalid DSN: unknown network ${JSON.stringify(out.net)} (use tcp or unix)`);
  return out;
}

/** The DSN with the password masked, for messages. */
export function maskedDsn(d: GoMySqlDsn): string {
  const cred = d.user === '' && d.password === '' ? '' : `${d.user}${d.password === '' ? '' : ':***'}@`;
  const params = d.params.map(([k, v]) => `${k}=${v}`).join('&');
  return `${cred}${d.net}(${d.addr})/${d.dbName}${params === '' ? '' : `?${params}`}`;
}
