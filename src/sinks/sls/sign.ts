// Log Service request signature v4 (SLS4-HMAC-SHA256), the version kube-eventer's SDK uses:
// a canonical request over the path, sorted query, the signed headers (host, content-type,
// x-log-*, x-acs-*) and the body's SHA-256, signed with a key derived from secret, date and region.
import { createHash, createHmac } from 'node:crypto';

export interface SlsSigningInput {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Lower-case names; must include host, x-log-date and (with a body) content-type. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly region: string;
}

/** `20060102T150405Z` in UTC. */
export function slsDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** Go's url.QueryEscape with `+` as `%20`. */
function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function isSigned(name: string): boolean {
  return name.startsWith('x-log-') || name.startsWith('x-acs-') || name === 'host' || name === 'content-type';
}

/** Adds x-log-content-sha256 and authorization to `input.headers`. */
export function signSlsV4(input: SlsSigningInput): void {
  const { headers } = input;
  const dateTime = headers['x-log-date'];
  if (dateTime === undefined) throw new Error('x-log-date header missing');
  const date = dateTime.slice(0, 8);
  const payloadHash = createHash('sha256').update(input.body).digest('hex');
  headers['x-log-content-sha256'] = payloadHash;
  const names = Object.keys(headers).filter(isSigned).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n]}\n`).join('');
  const query = Object.keys(input.query ?? {})
    .sort()
    .map((k) => {
      const v = percentEncode(input.query![k]!);
      return v === '' ? k : `${k}=${v}`;
    })
    .join('&');
  const canonicalRequest = [input.method, input.path, query, canonicalHeaders, names.join(';'), payloadHash].join('\n');
  const scope = `${date}/${input.region}/sls/aliyun_v4_request`;
  const stringToSign = ['SLS4-HMAC-SHA256', dateTime, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`aliyun_v4${input.accessKeySecret}`, date), input.region), 'sls'), 'aliyun_v4_request');
  headers.authorization = `SLS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope},Signature=${hmac(key, stringToSign).toString('hex')}`;
}
