// Go template rendering cost (a parsed template, a typical 10-action webhook body):
// node --import tsx bench/template.bench.ts
import type { KubeEvent } from '../src/event/types.js';
import { kubeEventerTemplateData, parseTemplate } from '../src/gotemplate/index.js';
import { localFromEnv, parseKubeTime, setLocalLocation } from '../src/gotime/index.js';

setLocalLocation(localFromEnv({ TZ: 'Asia/Shanghai' }));
const now = parseKubeTime('2026-11-25T10:00:00.123456789Z')!;
const event: KubeEvent = {
  metadata: { name: 'demo.1', namespace: 'default', labels: { app: 'demo' } },
  involvedObject: { kind: 'Pod', namespace: 'default', name: 'demo' },
  reason: 'OOMKilled',
  message: 'pod "demo" OOMKilled',
  type: 'Warning',
  count: 2,
  lastTimestamp: '2024-03-05T06:07:09Z',
};

const body = parseTemplate(
  'body',
  '{"type":"{{ .Type }}","kind":"{{ .InvolvedObject.Kind }}","ns":"{{ .InvolvedObject.Namespace }}","name":"{{ .InvolvedObject.Name }}","reason":"{{ .Reason }}","time":"{{ .LastTimestamp }}","msg":"{{ .Message }}","count":{{ .Count }},"src":"{{ .Source.Component }}","event":"{{ .Name }}"}',
);
const data = kubeEventerTemplateData(event, now);
for (let i = 0; i < 2000; i++) body.execute(data);
const n = 20_000;
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) body.execute(data);
const perRenderUs = Number(process.hrtime.bigint() - start) / n / 1000;
console.log(`template render (10 actions): ${perRenderUs.toFixed(2)} µs per body`);
