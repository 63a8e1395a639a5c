// A webhook body template in a real ConfigMap, edited through the API server (kubectl apply, then a
// merge patch), takes effect in the running daemon without a restart.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EVENTS_NAMESPACE, eventually, startRealCluster, SYSTEM_NAMESPACE, type RealCluster } from './real-cluster.js';

const CONFIGMAP = 'greeting';
let cluster: RealCluster;

before(async () => {
  cluster = await startRealCluster();
});

after(async () => {
  await cluster?.stop();
});

test('a ConfigMap template edited with kubectl apply, then patched, is used for the next Events without a restart', async () => {
  await cluster.putConfigMap(SYSTEM_NAMESPACE, CONFIGMAP, { content: 'v1 {{ .UID }}' });
  const receiver = await cluster.receiver();
  const daemon = await cluster.startDaemon([
    await cluster.sourceFlag(),
    `--sink=webhook:${receiver.url}/hook?method=POST&custom_body_configmap=${CONFIGMAP}&custom_body_configmap_namespace=${SYSTEM_NAMESPACE}`,
  ]);
  await daemon.waitForLog(/"msg":"Starting eventer"/);
  await eventually('ready', async () => (await fetch(`${daemon.base}/readyz`)).status === 200);
  const sink = 'sink="webhook#1"';

  /** Creates an Event and returns the body the receiver got for it. */
  const bodyFor = async (reason: string): Promise<{ uid: string; body: string }> => {
    const uid = (await cluster.createEvent(reason)).split(' ')[0]!;
    await eventually(`delivery of ${reason}`, () => receiver.requests.some((r) => r.body.includes(uid)));
    return { uid, body: receiver.requests.find((r) => r.body.includes(uid))!.body };
  };

  const first = await bodyFor('Before');
  assert.equal(first.body, `v1 ${first.uid}`);

  const manifest = path.join(cluster.dir, 'greeting.yaml');
  await writeFile(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIGMAP, namespace: SYSTEM_NAMESPACE }, data: { content: 'v2 {{ .Reason }} {{ .InvolvedObject.Namespace }} {{ .UID }}' } }));
  await cluster.cp.kubectl(['apply', '-f', manifest]);
  await eventually('template reloaded after kubectl apply', async () => (await daemon.metric('eventer_webhook_template_reloads_total', sink)) === 1, 20_000, () => daemon.logs().slice(-3000));
  const second = await bodyFor('AfterApply');
  assert.equal(second.body, `v2 AfterApply ${EVENTS_NAMESPACE} ${second.uid}`);

  await cluster.cp.kubectl(['patch', 'configmap', CONFIGMAP, '-n', SYSTEM_NAMESPACE, '--type=merge', '-p', JSON.stringify({ data: { content: 'v3 {{ .UID }} {{ .Message }}' } })]);
  await eventually('template reloaded after kubectl patch', async () => (await daemon.metric('eventer_webhook_template_reloads_total', sink)) === 2);
  const third = await bodyFor('AfterPatch');
  assert.match(third.body, new RegExp(`^v3 ${third.uid} event e2e-\\d+-\\d+$`));

  assert.equal(daemon.child.exitCode, null, 'the daemon kept running');
  assert.equal(daemon.logs().match(/"msg":"Starting eventer"/g)?.length, 1, 'started once');
  assert.equal(await daemon.metric('eventer_webhook_template_reload_errors_total', sink), 0);
});
