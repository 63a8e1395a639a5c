// dingtalk sink options: kube-eventer's (access_token, sign, msg_type, label, cluster_id, region)
// with its defaults, validated before anything starts.
import { ConfigError } from '../../base/errors.js';
import { registerSecret } from '../../base/redact.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { labelOptions, rejectRepeated, requiredOption } from '../chat/robot.js';
import { endpointUrl } from '../http/endpoint.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import type { DingTalkFormat } from './encoder.js';

export const DINGTALK_OPTIONS = ['access_token', 'sign', 'msg_type', 'label', 'cluster_id', 'region'] as const;

export interface DingTalkOptions {
  /** Scheme, host and path of the robot URL; the query is built per request. */
  readonly endpoint: URL;
  readonly accessToken: string;
  /** The robot's signing secret (`SEC…`), when it has one. */
  readonly secret: string | undefined;
  readonly format: DingTalkFormat;
}

/** The scheme kube-eventer forced, now only the default: `dingtalk:oapi.dingtalk.com/robot/send?…` works as before. */
function robotEndpoint(uri: SinkUri): URL {
  const { scheme } = uri;
  let { host, path } = uri;
  if (host === '' && scheme === '' && path !== '' && !path.startsWith('/')) {
    const slash = path.indexOf('/');
    host = slash < 0 ? path : path.slice(0, slash);
    path = slash < 0 ? '' : path.slice(slash);
  }
  return endpointUrl({ ...uri, scheme: scheme || 'https', host, path, rawQuery: '' }, () => true, 'sink dingtalk');
}

export function parseDingTalkOptions(uri: SinkUri): DingTalkOptions {
  rejectUnknownOptions(uri, [...DINGTALK_OPTIONS, ...FILTER_OPTIONS]);
  rejectRepeated(uri, ['access_token', 'sign', 'msg_type', 'cluster_id', 'region']);
  const accessToken = requiredOption(uri, 'access_token', 'you must provide dingtalk bot access_token');
  registerSecret(accessToken);
  const secret = option(uri, 'sign');
  if (secret === '') throw new ConfigError('sink dingtalk: option sign is empty (give the robot\'s signing secret, or leave sign out)');
  registerSecret(secret);
  // kube-eventer sent any other msg_type verbatim with a text body, which DingTalk refuses.
  const msgType = choiceOption(uri, 'msg_type', ['text', 'markdown'] as const, 'text');
  return {
    endpoint: robotEndpoint(uri),
    accessToken,
    secret,
    format: { msgType, labels: labelOptions(uri), clusterId: option(uri, 'cluster_id') ?? '', region: option(uri, 'region') ?? '' },
  };
}
