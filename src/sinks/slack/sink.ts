// The slack sink: a Slack incoming webhook (or a Slack-compatible one: Mattermost, Rocket.Chat),
// one message of text and Block Kit blocks per batch.
import type { SinkUri } from '../../base/uri.js';
import { robotTuning } from '../chat/robot.js';
import { RobotSink } from '../chat/robot-sink.js';
import type { SinkContext, SinkParts } from '../context.js';
import { HttpClient } from '../http/client.js';
import { encodeSlackEvents } from './encoder.js';
import { SLACK_ROBOT } from './robot.js';
import { parseSlackOptions } from './options.js';

/** Events per message at most: about what 12000 characters hold with typical messages (the rest waits for the next). */
export const SLACK_MAX_BATCH = 50;

export async function createSlackSink(uri: SinkUri, _ctx: SinkContext): Promise<SinkParts> {
  const { url, format } = parseSlackOptions(uri);
  const sink = new RobotSink('SlackSink', SLACK_ROBOT, new HttpClient({ connectionsPerOrigin: 1 }), (batch) => {
    const message = encodeSlackEvents(batch, format);
    const headers = [['Content-Type', 'application/json; charset=utf-8']] as const;
    return { request: { url, method: 'POST', headers, body: message.body }, shown: message.shown };
  });
  return { sink, tuning: robotTuning(SLACK_ROBOT, SLACK_MAX_BATCH) };
}
