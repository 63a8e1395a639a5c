// wechat sink options: kube-eventer's (corp_id, corp_secret, agent_id, to_user, label) and api_base.
import { ConfigError } from '../../base/errors.js';
import { goAtoi } from '../../base/go-int.js';
import { registerSecret } from '../../base/redact.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { baseUrlOption, labelOptions, rejectRepeated, requiredOption } from '../chat/robot.js';
import { rejectUnknownOptions } from '../options.js';
import type { WeChatFormat } from './encoder.js';

export const WECHAT_OPTIONS = ['corp_id', 'corp_secret', 'agent_id', 'to_user', 'label', 'api_base'] as const;

export const DEFAULT_WECHAT_API_BASE = 'https://qyapi.weixin.qq.com';

/** WeChat Work member ids: letters, digits and `_-.@` (no `|`, which separates them in `touser`). */
const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

export interface WeChatOptions {
  readonly corpId: string;
  readonly corpSecret: string;
  readonly apiBase: string;
  readonly format: WeChatFormat;
}

function parseAgentId(uri: SinkUri): number {
  const text = requiredOption(uri, 'agent_id', 'you must provide wechat agentid');
  const n = goAtoi(text);
  if (n === undefined || n < 1 || n > 2 ** 31 - 1) {
    throw new ConfigError(`sink wechat: option agent_id=${JSON.stringify(text)} must be the application's AgentId, a positive integer`);
  }
  return n;
}

/**
 * `to_user=alice,bob` (or `alice|bob`, which kube-eventer passed on as one `touser` that WeChat Work splits
 * at the `|`): trimmed, empty items dropped; none means `@all`, as in kube-eventer.
 */
function parseUsers(uri: SinkUri): string[] {
  const users = (option(uri, 'to_user') ?? '')
    .split(/[,|]/)
    .map((u) => u.trim())
    .filter((u) => u !== '');
  for (const user of users) {
    if (user !== '@all' && !USER_ID.test(user)) {
      throw new ConfigError(`sink wechat: option to_user: ${JSON.stringify(user)} is not a WeChat Work member id (letters, digits, _ - . @)`);
    }
  }
  return users;
}

export function parseWeChatOptions(uri: SinkUri): WeChatOptions {
  rejectUnknownOptions(uri, [...WECHAT_OPTIONS, ...FILTER_OPTIONS]);
  rejectRepeated(uri, ['corp_id', 'corp_secret', 'agent_id', 'to_user', 'api_base']);
  const corpId = requiredOption(uri, 'corp_id', 'you must provide wechat corpid');
  const corpSecret = requiredOption(uri, 'corp_secret', 'you must provide wechat corpsecret');
  registerSecret(corpSecret);
  return {
    corpId,
    corpSecret,
    apiBase: baseUrlOption(uri, 'api_base', DEFAULT_WECHAT_API_BASE),
    format: { agentId: parseAgentId(uri), toUsers: parseUsers(uri), labels: labelOptions(uri) },
  };
}
