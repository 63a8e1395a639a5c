// A WeChat Work group robot through the webhook sink, behind the real lane, against the fake robot
// (20 messages a minute). Time is scaled 5×: the fake's minute is 12 s real, and the chat pace of one
// message per 3.2 s becomes rate_window=640ms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap } from '../../src/kube/client.js';
import type { SinkContext } from '../../src/sinks/context.js';
import { createWebhookSink } from '../../src/sinks/webhook/sink.js';
import { startWeChatFake } from '../fixtures/robots/wechat.js';
import { sinkUri, testContext } from '../sinks/chat/helpers.js';
import { metric, produce, ScaledClock, startLane, warningEvent } from '../sinks/chat/lane.js';
import { eventually } from '../helpers/eventually.js';

const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
const SCALE = 5;

/** The group-robot template of docs/sinks/webhook.md. */
const TEMPLATE =
  '{"msgtype": "text", "text": {"content": "Cluster: prod\\nType: {{ .Type }}\\nObject: {{ .InvolvedObject.Kind }} {{ .InvolvedObject.Namespace }}/{{ .InvolvedObject.Name }}\\nReason: {{ .Reason }}\\nTime: {{ .LastTimestamp }}\\nMessage: {{ .Message }}", "mentioned_list": ["@all"]}}';

/** The template's ConfigMap, served the way the source's client would. */
const configMaps = {
  async getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name, resourceVersion: '1' }, data: { content: TEMPLATE } };
  },
  async watchConfigMap(_ns: string, _name: string, _onChange: unknown, signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  },
};

// The webhook sink merges the bodies of a batch into one robot message (mergeRobotBodies).
test(
  '200 Warning events in 10 s to a WeChat Work group robot through the webhook sink: no message refused, every event delivered within 3 minutes (scaled)',
  async (t) => {
    const fake = await startWeChatFake([KEY], {}, new ScaledClock(SCALE));
    const value =
      `webhook:${fake.robotUrl(KEY)}&level=Warning&method=POST&body_mode=json&custom_body_configmap=wechat-body` +
      `&custom_body_configmap_namespace=kube-system&response_check=wechat&rate_limit=1&rate_window=${3200 / SCALE}ms`;
    const uri = sinkUri(value);
    const ctx = { ...testContext(), kube: configMaps as unknown as SinkContext['kube'] };
    const built = await createWebhookSink(uri, ctx);
    const { lane, registry } = startLane(uri, built);
    const events = Array.from({ length: 200 }, (_, i) => warningEvent(i));
    const started = Date.now();
    try {
      await produce(lane, events, 10_000 / SCALE, 20);
      const contents = () => fake.delivered.map((x) => (x.json as { text: { content: string } }).text.content).join('\n');
      const missing = () => events.filter((_, i) => !contents().includes(`evt-${i}.`)).length;
      await eventually('every event in some message', () => missing() === 0 || fake.exchanges.some((x) => x.reply.code !== 0), 180_000 / SCALE);
      const elapsed = Date.now() - started;
      await eventually('the lane settles', () => lane.pending === 0, 2000);
      t.diagnostic(`${fake.delivered.length} messages, all 200 events in ${((elapsed * SCALE) / 1000).toFixed(1)} s scaled (${elapsed} ms real)`);
      assert.deepEqual([...fake.counts().keys()], [0], `the robot refused some messages: ${JSON.stringify([...fake.counts()])}`);
      assert.equal(missing(), 0);
      assert.equal(await metric(registry, 'eventer_sink_events_sent_total'), 200);
    } finally {
      await lane.drain(1000);
      await fake.close();
    }
  },
);
