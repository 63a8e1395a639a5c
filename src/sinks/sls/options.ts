// sls options: kube-eventer's (project, logStore, topic, regionId, accessKeyId, accessKeySecret,
// internal, label) with its env fallbacks, validated at startup.
import { ConfigError } from '../../base/errors.js';
import { option, options, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { accessKeyInputs, type CredentialInputs } from '../aliyun/credentials.js';
import { boolOption, rejectUnknownOptions } from '../options.js';

export const SLS_OPTIONS = ['project', 'logStore', 'topic', 'regionId', 'accessKeyId', 'accessKeySecret', 'internal', 'label', 'endpoint'] as const;

export interface SlsOptions {
  readonly project: string;
  readonly logStore: string;
  readonly topic: string;
  /** Option `regionId` (the env and ECS metadata are consulted later). */
  readonly regionId: string | undefined;
  /** Options accessKeyId/accessKeySecret, else their env. */
  readonly accessKey: CredentialInputs;
  readonly internal: boolean;
  /** Extra contents on every log, in the order given. */
  readonly labels: ReadonlyArray<readonly [string, string]>;
  /** Option `endpoint`, else env `SLS_ENDPOINT`; undefined: derived from the region. */
  readonly endpoint: { readonly url: URL; readonly from: string } | undefined;
}

// Project and logstore naming rules of Log Service.
const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const LOGSTORE_NAME = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;

/** `host`, `http://host[:port]` or `https://host[:port]`, nothing else. */
export function parseEndpoint(text: string, what: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(`${what}=${JSON.stringify(text)} is not a host or http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${what}=${JSON.stringify(text)}: scheme must be http or https`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '' || url.hash !== '') {
    throw new ConfigError(`${what}=${JSON.stringify(text)} must be only a host (and port), without path, query or credentials`);
  }
  return url;
}

export function parseSlsOptions(uri: SinkUri, env: NodeJS.ProcessEnv): SlsOptions {
  rejectUnknownOptions(uri, [...SLS_OPTIONS, ...FILTER_OPTIONS]);
  const project = option(uri, 'project');
  if (project === undefined || project === '') throw new ConfigError('sink sls: please provide project name of sls. (option project)');
  if (!PROJECT_NAME.test(project)) throw new ConfigError(`sink sls: option project=${JSON.stringify(project)} is not a Log Service project name (3-63 of a-z, 0-9, -)`);
  const logStore = option(uri, 'logStore');
  if (logStore === undefined || logStore === '') throw new ConfigError('sink sls: please provide logStore name of sls. (option logStore)');
  if (!LOGSTORE_NAME.test(logStore)) throw new ConfigError(`sink sls: option logStore=${JSON.stringify(logStore)} is not a Logstore name (3-63 of a-z, 0-9, _, -)`);
  const labels: Array<readonly [string, string]> = [];
  for (const text of options(uri, 'label')) {
    const parts = text.split(',');
    if (parts.length !== 2 || parts[0] === '') throw new ConfigError(`sink sls: option label=${JSON.stringify(text)} must be key,value`);
    labels.push([parts[0]!, parts[1]!]);
  }
  const endpointOption = option(uri, 'endpoint');
  const endpointText = endpointOption ?? (env.SLS_ENDPOINT || undefined);
  const from = endpointOption !== undefined ? 'sink sls: option endpoint' : 'sink sls: env SLS_ENDPOINT';
  return {
    project,
    logStore,
    topic: option(uri, 'topic') ?? '',
    regionId: option(uri, 'regionId'),
    accessKey: accessKeyInputs(uri, env),
    internal: boolOption(uri, 'internal', true),
    labels,
    endpoint: endpointText === undefined ? undefined : { url: parseEndpoint(endpointText, from), from },
  };
}

/** kube-eventer's endpoint rule: `https://<region>-intranet.log.aliyuncs.com` (internal) or `https://<region>.log.aliyuncs.com`. */
export function regionEndpoint(region: string, internal: boolean): URL {
  return new URL(`https://${region}${internal ? '-intranet' : ''}.log.aliyuncs.com`);
}
