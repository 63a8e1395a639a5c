// The DingTalk and WeChat bodies against Go itself: test/fixtures/chat-robot-oracle/main.go renders
// the same layouts with Go's fmt, time (TZ=Asia/Shanghai) and encoding/json, so escaping and time
// printing must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { KubeEvent } from '../../../src/event/types.js';
import { encodeDingTalkEvent } from '../../../src/sinks/dingtalk/encoder.js';
import { encodeWeChatEvent } from '../../../src/sinks/wechat/encoder.js';
import { backOff, scheduled } from './events.js';

process.env.TZ = 'Asia/Shanghai';

const ORACLE_DIR = fileURLToPath(new URL('../../fixtures/chat-robot-oracle/', import.meta.url));

const tricky = 'quotes "q" \\ back <tag> & amp %d %s 50% 😀 事 \u2028\u2029 \u0001\u001f\t\r\n end \ud800 lone';
const events: KubeEvent[] = [
  backOff,
  scheduled,
  { ...backOff, message: tricky, reason: 'Fail<&>', source: { host: 'node1' } },
  ...['Deployment', 'DaemonSet', 'CronJob', 'Service', 'Node', ''].map((kind) => ({
    ...backOff,
    involvedObject: { ...backOff.involvedObject, kind },
    metadata: { name: `${kind.toLowerCase() || 'x'}-1.abc.def`, namespace: 'kube-system' },
  })),
  { metadata: {}, involvedObject: {}, lastTimestamp: '2024-12-31T23:59:59Z' },
];
const labelSets = [[], ['a'], ['%d', 'b & <c>', '  ', '事']];

interface OracleCase {
  kind: 'dingtalk-text' | 'dingtalk-markdown' | 'wechat';
  event: KubeEvent;
  labels: string[];
  clusterId: string;
  region: string;
  users: string;
  agentId: number;
}

function encode(c: OracleCase): string {
  if (c.kind === 'wechat') {
    return encodeWeChatEvent(c.event, { agentId: c.agentId, toUsers: c.users.split('|'), labels: c.labels });
  }
  const msgType = c.kind === 'dingtalk-text' ? 'text' : 'markdown';
  return encodeDingTalkEvent(c.event, { msgType, labels: c.labels, clusterId: c.clusterId, region: c.region });
}

test('DingTalk text/markdown and WeChat bodies equal what Go produces for the same events', () => {
  const cases: OracleCase[] = [];
  for (const event of events) {
    for (const labels of labelSets) {
      for (const kind of ['dingtalk-text', 'dingtalk-markdown', 'wechat'] as const) {
        cases.push({
          kind,
          event,
          labels,
          clusterId: 'c&1',
          region: 'cn-beijing',
          users: 'alice|bob',
          agentId: 1000002,
        });
      }
    }
  }
  const run = spawnSync('go', ['run', '.'], {
    cwd: ORACLE_DIR,
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    env: { ...process.env, TZ: 'Asia/Shanghai', GOFLAGS: '-mod=mod' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.error, undefined, `the Go toolchain is needed for this test: ${String(run.error)}`);
  assert.equal(run.status, 0, run.stderr);
  const expected = run.stdout.split('\n').slice(0, -1);
  assert.equal(expected.length, cases.length);
  cases.forEach((c, i) => {
    assert.equal(encode(c), expected[i], `${c.kind} case ${i} (${c.event.involvedObject.kind})`);
  });
});
