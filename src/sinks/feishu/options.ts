// feishu sink options: the hook URL or token, the signing secret, the message type and labels.
import { ConfigError } from '../../base/errors.js';
import { registerSecret } from '../../base/redact.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { labelOptions, rejectRepeated } from '../chat/robot.js';
import { endpointUrl } from '../http/endpoint.js';
import { choiceOption, rejectUnknownOptions } from '../options.js';
import type { FeishuFormat } from './encoder.js';

export const FEISHU_OPTIONS = ['token', 'secret', 'sign', 'msg_type', 'label'] as const;

export const DEFAULT_FEISHU_HOST = 'open.feishu.cn';
export const FEISHU_HOOK_PATH = '/open-apis/bot/v2/hook/';

/** What a bot token looks like (a UUID in practice); anything else in a URL path is a mistake. */
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

export interface FeishuOptions {
  readonly url: URL;
  readonly secret: string | undefined;
  readonly format: FeishuFormat;
}

/**
 * The hook URL: `feishu:https://open.feishu.cn/open-apis/bot/v2/hook/<token>` as Feishu shows it,
 * or `feishu:?token=<token>` (host open.feishu.cn; `feishu:https://open.larksuite.com?token=…` for Lark).
 */
function hookUrl(uri: SinkUri): URL {
  const token = option(uri, 'token');
  const hasPath = uri.path !== '' && uri.path !== '/';
  if (token !== undefined && hasPath) {
    throw new ConfigError('sink feishu: the bot token is given twice, in the URL path and as token=; keep one');
  }
  if (token === undefined && !hasPath) {
    throw new ConfigError(`sink feishu: no bot token (use feishu:https://${DEFAULT_FEISHU_HOST}${FEISHU_HOOK_PATH}<token> or feishu:?token=<token>)`);
  }
  if (token !== undefined && !TOKEN.test(token)) {
    throw new ConfigError('sink feishu: option token is not a bot token (8 to 128 letters, digits, - and _: the last part of the hook URL)');
  }
  const path = token === undefined ? uri.path : `${FEISHU_HOOK_PATH}${token}`;
  const pathToken = path.slice(path.lastIndexOf('/') + 1);
  if (pathToken === '') throw new ConfigError('sink feishu: the URL path ends in "/": the bot token (its last part) is missing');
  registerSecret(pathToken);
  const host = uri.host === '' && uri.scheme === '' ? DEFAULT_FEISHU_HOST : uri.host;
  return endpointUrl({ ...uri, scheme: uri.scheme || 'https', host, path, rawQuery: '' }, () => true, 'sink feishu');
}

export function parseFeishuOptions(uri: SinkUri): FeishuOptions {
  rejectUnknownOptions(uri, [...FEISHU_OPTIONS, ...FILTER_OPTIONS]);
  rejectRepeated(uri, ['token', 'secret', 'sign', 'msg_type']);
  const secret = option(uri, 'secret');
  const sign = option(uri, 'sign');
  if (secret !== undefined && sign !== undefined) {
    throw new ConfigError('sink feishu: options secret and sign are the same setting (the signing secret); give one');
  }
  const signingSecret = secret ?? sign;
  if (signingSecret === '') throw new ConfigError('sink feishu: the signing secret is empty (give the bot\'s secret, or leave the option out)');
  registerSecret(signingSecret);
  return {
    url: hookUrl(uri),
    secret: signingSecret,
    format: { msgType: choiceOption(uri, 'msg_type', ['interactive', 'text'] as const, 'interactive'), labels: labelOptions(uri) },
  };
}
