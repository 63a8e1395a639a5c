// Filter evaluation cost: node --import tsx bench/filter.bench.ts
import { parseUri } from '../src/base/uri.js';
import type { KubeEvent } from '../src/event/types.js';
import { buildEventFilter } from '../src/filter/filter.js';

const reasons = ['BackOff', 'Pulled', 'Created', 'Started', 'FailedMount', 'Unhealthy', 'Killing', 'FailedScheduling'];
const kinds = ['Pod', 'Deployment', 'ReplicaSet', 'Node', 'Service'];
const events: KubeEvent[] = Array.from({ length: 1000 }, (_, i) => ({
  metadata: { name: `app-${i}.17b2c`, namespace: i % 7 === 0 ? 'kube-system' : 'default' },
  involvedObject: { kind: kinds[i % kinds.length]!, namespace: i % 5 === 3 ? '' : 'default', name: `app-${i}` },
  reason: reasons[i % reasons.length]!,
  message: `Back-off restarting failed container app in pod app-${i}_default(0f6c5a4e-${i})`,
  type: i % 3 === 0 ? 'Normal' : 'Warning',
}));

const cases: Record<string, string> = {
  'level only (robot default)': 'dingtalk:https://x/robot/send?access_token=t',
  'level+namespaces+kinds': 'dingtalk:https://x/?level=Normal&namespaces=default,apps&kinds=Pod,Node',
  'reason regexp + excludes': 'webhook:https://x/?level=Warning&reason=(?i)back|fail&exclude_reasons=Pulled,Created',
  'everything incl. exclude_messages':
    'webhook:https://x/?level=Normal&namespaces=default&kinds=Pod,Deployment,Node&reason=.&' +
    'exclude_reasons=Killing&exclude_kinds=Service&exclude_namespaces=kube-.*&exclude_messages=(?i)liveness%20probe',
};

for (const [name, uri] of Object.entries(cases)) {
  const accepts = buildEventFilter(parseUri(uri, '--sink'), uri.startsWith('webhook') ? 'webhook' : 'robot')!;
  let kept = 0;
  for (let r = 0; r < 50; r++) for (const e of events) if (accepts(e)) kept++; // warm up + fill memos
  const rounds = 2000;
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) for (const e of events) if (accepts(e)) kept++;
  const ns = Number(process.hrtime.bigint() - start) / (rounds * events.length);
  const heapGrowthKb = (process.memoryUsage().heapUsed - heapBefore) / 1024;
  console.log(
    `${name.padEnd(36)} ${ns.toFixed(1).padStart(7)} ns/event  heap +${heapGrowthKb.toFixed(0)} KiB  (${kept})`,
  );
}
