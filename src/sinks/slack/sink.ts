// The slack sink: a Slack incoming webhook (or a Slack-compatible one: Mattermost, Rocket.Chat),
// one message of text and Block Kit blocks per batch.
import type { SinkUri } from '../../base/uri.js';
import type { KubeEvent } from '../../event/types.js';
import type { Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import { batchOutcomes, robotTuning } from '../chat/robot.js';
import type { SinkContext, SinkParts } from '../context.js';
import { HttpClient } from '../http/client.js';
import { encodeSlackEvents } from './encoder.js';
import { SLACK_ROBOT } from './robot.js';
import { parseSlackOptions, type SlackOptions } from './options.js';

/** Events per message at most: about what 12000 characters hold with typical messages (the rest waits for the next). */
export const SLACK_MAX_BATCH = 50;

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
      SLACK_ROBOT.checkReply,
    );
    return batchOutcomes(batch.length, message.shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export async function createSlackSink(uri: SinkUri, _ctx: SinkContext): Promise<SinkParts> {
  const options = parseSlackOptions(uri);
  const sink = new SlackSink(options, new HttpClient({ connectionsPerOrigin: 1 }));
  const tuning = robotTuning(SLACK_ROBOT, SLACK_MAX_BATCH);
  return { sink, tuning };
}
