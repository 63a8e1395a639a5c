// honeycomb options: kube-eventer's writekey (env HONEYCOMB_WRITEKEY), dataset, apihost.
import { ConfigError } from '../../base/errors.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { registerSecret } from '../../base/redact.js';
import { rejectUnknownOptions } from '../options.js';

export const HONEYCOMB_OPTIONS = ['writekey', 'dataset', 'apihost'] as const;

export interface HoneycombOptions {
  readonly writeKey: string;
  readonly dataset: string;
  readonly apiHost: URL;
  /** `<apihost>/1/batch/<dataset>` (path-joined as kube-eventer does). */
  readonly batchUrl: URL;
  readonly authUrl: URL;
}

function joinPath(base: URL, ...parts: string[]): URL {
  const url = new URL(base.href);
  url.pathname = [url.pathname.replace(/\/+$/, ''), ...parts].join('/').replace(/\/{2,}/g, '/');
  return url;
}

export function parseHoneycombOptions(uri: SinkUri, env: NodeJS.ProcessEnv): HoneycombOptions {
  rejectUnknownOptions(uri, [...HONEYCOMB_OPTIONS, ...FILTER_OPTIONS]);
  const writeKey = option(uri, 'writekey') ?? env.HONEYCOMB_WRITEKEY ?? '';
  if (writeKey === '') throw new ConfigError('sink honeycomb: Failed to find honeycomb API write key (option writekey or env HONEYCOMB_WRITEKEY)');
  registerSecret(writeKey);
  const dataset = option(uri, 'dataset') ?? 'heapster';
  if (dataset.trim() === '' || dataset.includes('/')) throw new ConfigError(`sink honeycomb: option dataset=${JSON.stringify(dataset)} must be a dataset name (not empty, no '/')`);
  const hostText = option(uri, 'apihost') ?? 'https://api.honeycomb.io/';
  let apiHost: URL;
  try {
    apiHost = new URL(hostText);
  } catch {
    throw new ConfigError(`sink honeycomb: option apihost=${JSON.stringify(hostText)} is not a URL (e.g. https://api.honeycomb.io/)`);
  }
  if (apiHost.protocol !== 'http:' && apiHost.protocol !== 'https:') throw new ConfigError(`sink honeycomb: option apihost=${JSON.stringify(hostText)}: scheme must be http or https`);
  if (apiHost.search !== '' || apiHost.username !== '') throw new ConfigError(`sink honeycomb: option apihost=${JSON.stringify(hostText)} must not carry a query or credentials`);
  return { writeKey, dataset, apiHost, batchUrl: joinPath(apiHost, '1', 'batch', encodeURIComponent(dataset)), authUrl: joinPath(apiHost, '1', 'auth') };
}
