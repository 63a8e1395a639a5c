// A chat sink whose message is one HTTP request (dingtalk, feishu, slack): each batch becomes one
// message, the robot judges the reply, and events the message had no room for wait for the next.
import type { KubeEvent } from '../../event/types.js';
import type { Outcome } from '../../pipeline/outcome.js';
import type { Sink } from '../../pipeline/sink.js';
import type { HttpClient, HttpRequest } from '../http/client.js';
import { batchOutcomes, type Robot } from './robot.js';
import type { BatchMessage } from './summary.js';

/** One batch as one request: everything but the signal, and the positions of the events it shows. */
export interface RobotMessage {
  readonly request: Omit<HttpRequest, 'signal'>;
  readonly shown: BatchMessage['shown'];
}

export class RobotSink implements Sink {
  constructor(
    /** The `exporter` metric label, as kube-eventer names the sink. */
    readonly name: string,
    private readonly robot: Robot,
    private readonly client: HttpClient,
    private readonly compose: (batch: readonly KubeEvent[]) => RobotMessage,
  ) {}

  async send(batch: readonly KubeEvent[], signal: AbortSignal): Promise<Outcome | Outcome[]> {
    const { request, shown } = this.compose(batch);
    const outcome = await this.client.exchange({ ...request, signal }, this.robot.checkReply);
    return batchOutcomes(batch.length, shown, outcome);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
