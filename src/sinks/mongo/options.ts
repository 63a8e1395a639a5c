// Options of the mongo sink. kube-eventer takes everything after `mongo:?` as the connection string
// (`mongo:?mongodb://user:pw@host:27017/?authSource=admin`); this sink does too, and takes its own
// options (`database`, `collection`, the lane's) out of that string's query before handing it to the driver.
import { ConfigError } from '../../base/errors.js';
import { goUnescape, type SinkUri } from '../../base/uri.js';
import { isLaneOption } from '../../pipeline/lane-options.js';
import { registerSecret } from '../../base/redact.js';

export const MONGO_OPTIONS = ['database', 'collection'] as const;

export interface MongoOptions {
  /** The connection string for the driver, without this sink's options (a secret: may hold a password). */
  readonly connectionString: string;
  readonly database: string;
  readonly collection: string;
}

/** Splits the connection string's query into the driver's part and ours. */
function splitOwnOptions(connectionString: string): { rest: string; own: Map<string, string> } {
  const q = connectionString.indexOf('?');
  const own = new Map<string, string>();
  if (q < 0) return { rest: connectionString, own };
  const kept: string[] = [];
  for (const part of connectionString.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = goUnescape(eq < 0 ? part : part.slice(0, eq), true) ?? '';
    if ((MONGO_OPTIONS as readonly string[]).includes(name)) {
      if (own.has(name)) throw new ConfigError(`sink mongo: option ${name} is given more than once`);
      own.set(name, goUnescape(eq < 0 ? '' : part.slice(eq + 1), true) ?? '');
    } else if (!isLaneOption(name)) {
      kept.push(part);
    }
  }
  const base = connectionString.slice(0, q);
  return { rest: kept.length === 0 ? base : `${base}?${kept.join('&')}`, own };
}

/** MongoDB's rules for database and collection names. */
function checkName(kind: 'database' | 'collection', name: string): void {
  const bad = kind === 'database' ? /[/\\. "$\0]/ : /[$\0]/;
  if (name === '' || bad.test(name) || (kind === 'collection' && name.startsWith('system.')) || Buffer.byteLength(name) > (kind === 'database' ? 63 : 255)) {
    throw new ConfigError(`sink mongo: option ${kind}=${JSON.stringify(name)} is not a valid MongoDB ${kind} name`);
  }
}

export function parseMongoOptions(uri: SinkUri): MongoOptions {
  if (uri.scheme !== '' || uri.host !== '' || uri.path !== '') {
    throw new ConfigError('sink mongo: give the connection string after "?", as kube-eventer takes it: mongo:?mongodb://host:27017');
  }
  const raw = uri.rawQuery;
  if (!/^mongodb(\+srv)?:\/\//.test(raw)) {
    throw new ConfigError('sink mongo: the connection string must start with mongodb:// or mongodb+srv:// (use mongo:?mongodb://host:27017)');
  }
  const userinfo = /^mongodb(?:\+srv)?:\/\/([^@/]*)@/.exec(raw)?.[1];
  if (userinfo !== undefined && userinfo.includes(':')) {
    const pw = userinfo.slice(userinfo.indexOf(':') + 1);
    registerSecret(pw);
    registerSecret(goUnescape(pw, false));
  }
  const { rest, own } = splitOwnOptions(raw);
  const database = own.get('database') ?? 'k8s';
  const collection = own.get('collection') ?? 'event';
  checkName('database', database);
  checkName('collection', collection);
  return { connectionString: rest, database, collection };
}
