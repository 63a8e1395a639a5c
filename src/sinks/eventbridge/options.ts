// eventbridge options: kube-eventer's (clusterId, regionId, accessKeyId, accessKeySecret,
// eventBusName, internal) with the same env fallbacks, plus `endpoint` for proxies and tests.
import { ConfigError } from '../../base/errors.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { accessKeyInputs, type CredentialInputs } from '../aliyun/credentials.js';
import { boolOption, rejectUnknownOptions } from '../options.js';
import { parseEndpoint } from '../sls/options.js';

export const EVENTBRIDGE_OPTIONS = ['clusterId', 'regionId', 'accessKeyId', 'accessKeySecret', 'eventBusName', 'internal', 'endpoint', 'accountId'] as const;

export interface EventBridgeOptions {
  readonly clusterId: string;
  readonly regionId: string | undefined;
  /** Options accessKeyId/accessKeySecret, else their env. */
  readonly accessKey: CredentialInputs;
  readonly eventBusName: string;
  readonly internal: boolean;
  readonly endpoint: URL | undefined;
  /** Option `accountId` (new), else env OwnerAccountId, else ECS metadata (looked up later). */
  readonly accountId: string | undefined;
}

// Event bus names: letters, digits, `-`, `_`, `.`, up to 127 characters.
const BUS_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$/;

export function parseEventBridgeOptions(uri: SinkUri, env: NodeJS.ProcessEnv): EventBridgeOptions {
  rejectUnknownOptions(uri, [...EVENTBRIDGE_OPTIONS, ...FILTER_OPTIONS]);
  const clusterId = option(uri, 'clusterId') ?? env.ClusterId ?? '';
  if (clusterId === '') throw new ConfigError('sink eventbridge: please provide kubernetes cluster id via uri or env (option clusterId or env ClusterId)');
  if (/[\s/:]/.test(clusterId)) throw new ConfigError(`sink eventbridge: clusterId=${JSON.stringify(clusterId)} must not contain spaces, '/' or ':' (it becomes part of each event's subject)`);
  const eventBusName = option(uri, 'eventBusName') || env.EventBusName || 'default';
  if (!BUS_NAME.test(eventBusName)) throw new ConfigError(`sink eventbridge: eventBusName=${JSON.stringify(eventBusName)} is not an event bus name (letters, digits, . _ -)`);
  const endpoint = option(uri, 'endpoint');
  return {
    clusterId,
    regionId: option(uri, 'regionId'),
    accessKey: accessKeyInputs(uri, env),
    eventBusName,
    internal: boolOption(uri, 'internal', true),
    endpoint: endpoint === undefined ? undefined : parseEndpoint(endpoint, 'sink eventbridge: option endpoint'),
    accountId: option(uri, 'accountId') || env.OwnerAccountId || undefined,
  };
}

/** kube-eventer's host rule, over HTTPS: `<account>.eventbridge.<region>[-vpc].aliyuncs.com`. */
export function eventBridgeEndpoint(accountId: string, region: string, internal: boolean): URL {
  return new URL(`https://${accountId}.eventbridge.${region}${internal ? '-vpc' : ''}.aliyuncs.com`);
}
