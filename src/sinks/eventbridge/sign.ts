// The signature of EventBridge's HTTP API (as its SDK computes it): HMAC-SHA1 over
// "METHOD\nContent-MD5\nContent-Type\nDate\n<sorted lower-case x-acs-* headers as k:v\n><path>",
// sent as `authorization: acs:<AccessKeyId>:<base64>`.
import { createHmac } from 'node:crypto';

export function eventBridgeStringToSign(method: string, path: string, headers: Readonly<Record<string, string>>): string {
  const acs = Object.keys(headers)
    .filter((k) => k.toLowerCase().startsWith('x-acs'))
    .map((k) => [k.toLowerCase(), headers[k]!] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
  return `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${headers.date ?? ''}\n${acs}${path}`;
}

export function eventBridgeAuthorization(accessKeyId: string, accessKeySecret: string, stringToSign: string): string {
  return `acs:${accessKeyId}:${createHmac('sha1', accessKeySecret).update(stringToSign, 'utf8').digest('base64')}`;
}
