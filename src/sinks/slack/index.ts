// The slack sink: a Slack incoming webhook (or a Slack-compatible one: Mattermost, Rocket.Chat),
// one message of text and Block Kit blocks per batch.
import { ConfigError } from '../../base/errors.js';
import { option, type SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import { buildEventFilter, FILTER_OPTIONS } from '../../filter/filter.js';
import { registerSecret } from '../../base/redact.js';
import type { Outcome } from '../../pipeline/outcome.js';
import { batchOutcomes, labelOptions, rejectRepeated, robotTuning } from '../chat/robot.js';
import { HttpClient } from '../http/client.js';
import { endpointUrl } from '../http/endpoint.js';
import { rejectUnknownOptions } from '../options.js';
import type { BuiltSink, Sink } from '../../pipeline/sink.js';
import type { SinkContext } from '../context.js';
import { encodeSlackEvents, type SlackFormat } from './encoder.js';

/** Payload overrides: honoured by legacy webhooks and Slack-compatible servers; Slack app webhooks ignore them. */
export const SLACK_OVERRIDES = ['channel', 'username', 'icon_emoji', 'icon_url'] as const;
export const SLACK_OPTIONS = ['label', ...SLACK_OVERRIDES] as const;

/** Events per message at most: about what 12000 characters hold with typical messages (the rest waits for the next). */
export const SLACK_MAX_BATCH = 50;

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

class SlackSink implements Sink {
  readonly name = 'SlackSink';

  constructor(
    private readonly options: SlackOptions,
    private readonly client: HttpClient,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const message = encodeSlackEvents(batch, this.options.format);
    const outcome = await this.client.exchange(
      { url: this.options.url, method: 'POST', headers: [['Content-Type', 'application/json; charset=utf-8']], body: message.body, signal },
      'slack',
    );
    return batchOutcomes(batch.length, message.shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createSlackSink(uri: SinkUri, _ctx: SinkContext): Promise<BuiltSink> {
  const options = parseSlackOptions(uri);
  const accepts = buildEventFilter(uri, 'robot');
  const sink = new SlackSink(options, new HttpClient({ connectionsPerOrigin: 1 }));
  const tuning = robotTuning('slack', SLACK_MAX_BATCH);
  return accepts === undefined ? { sink, tuning } : { sink, accepts, tuning };
}
