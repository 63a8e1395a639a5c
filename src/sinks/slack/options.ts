// slack sink options: the incoming webhook URL, labels and the legacy payload overrides.
import { ConfigError } from '../../base/errors.js';
import { registerSecret } from '../../base/redact.js';
import { option, type SinkUri } from '../../base/uri.js';
import { FILTER_OPTIONS } from '../../filter/filter.js';
import { labelOptions, rejectRepeated } from '../chat/robot.js';
import { endpointUrl } from '../http/endpoint.js';
import { rejectUnknownOptions } from '../options.js';
import type { SlackFormat } from './encoder.js';

/** Payload overrides: honoured by legacy webhooks and Slack-compatible servers; Slack app webhooks ignore them. */
export const SLACK_OVERRIDES = ['channel', 'username', 'icon_emoji', 'icon_url'] as const;
export const SLACK_OPTIONS = ['label', ...SLACK_OVERRIDES] as const;

export interface SlackOptions {
  readonly url: URL;
  readonly format: SlackFormat;
}

function parseOverrides(uri: SinkUri): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SLACK_OVERRIDES) {
    const value = option(uri, name);
    if (value === undefined) continue;
    if (value.trim() === '') throw new ConfigError(`sink slack: option ${name} is empty (leave it out to keep the webhook's own setting)`);
    out[name] = value;
  }
  if (out.icon_emoji !== undefined && !/^:[a-z0-9_+'-]+:$/i.test(out.icon_emoji)) {
    throw new ConfigError(`sink slack: option icon_emoji=${JSON.stringify(out.icon_emoji)} must be an emoji code such as :warning:`);
  }
  if (out.icon_url !== undefined && !/^https?:\/\/[^\s]+$/.test(out.icon_url)) {
    throw new ConfigError(`sink slack: option icon_url=${JSON.stringify(out.icon_url)} must be an http(s) URL`);
  }
  if (out.icon_emoji !== undefined && out.icon_url !== undefined) {
    throw new ConfigError('sink slack: give icon_emoji or icon_url, not both');
  }
  return out;
}

export function parseSlackOptions(uri: SinkUri): SlackOptions {
  rejectUnknownOptions(uri, [...SLACK_OPTIONS, ...FILTER_OPTIONS]);
  rejectRepeated(uri, SLACK_OVERRIDES);
  if (uri.path === '' || uri.path === '/') {
    throw new ConfigError('sink slack: the webhook URL has no path (use slack:https://hooks.slack.com/services/T…/B…/…)');
  }
  // The path is the webhook's credential: whoever has it can post.
  registerSecret(uri.path);
  registerSecret(uri.path.slice(uri.path.lastIndexOf('/') + 1));
  const url = endpointUrl({ ...uri, rawQuery: '' }, () => true, 'sink slack');
  const overrides = parseOverrides(uri);
  const format: SlackFormat = Object.keys(overrides).length === 0 ? { labels: labelOptions(uri) } : { labels: labelOptions(uri), overrides };
  return { url, format };
}
