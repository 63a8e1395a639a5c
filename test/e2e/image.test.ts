// The product image (Dockerfile) built and run as a user runs it: the entry point /kube-eventer takes
// kube-eventer's flags, the process runs as a non-root user on a read-only root filesystem with every
// capability dropped, TZ (Asia/Shanghai by default) decides how a webhook body prints times, /healthz and
// /metrics answer, and SIGTERM from the runtime (the node process is PID 1) drains and exits 0.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeApiServer, wholeSecondTimestamp, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver/server.js';
import { buildImage, podman, podmanOk, runContainer, type Container } from '../fixtures/image/index.js';
import { eventually, freePort } from './real-cluster.js';

let image = '';
let api: FakeApiServer;
let receiver: HttpReceiver;
const containers: Container[] = [];

before(async () => {
  image = (await buildImage()).name;
  api = await startFakeApiServer({ bookmarkIntervalMs: 1000 });
  receiver = await startHttpReceiver();
});

after(async () => {
  await Promise.all(containers.map((c) => c.remove()));
  await receiver?.close();
  await api?.close();
});

/** Go's time.Time.String() of an instant in Asia/Shanghai (UTC+8 all year since 1991). */
function shanghaiGoString(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} +0800 CST`;
}

async function startDaemonContainer(extra: { env?: Record<string, string>; sinkPath: string }): Promise<{ container: Container; base: string }> {
  const port = await freePort();
  const container = await runContainer(image, {
    env: extra.env,
    args: [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      `--sink=webhook:${receiver.url}${extra.sinkPath}?method=POST&header=Content-Type=application/json`,
      '--healthz-ip=127.0.0.1',
      `--healthz-port=${port}`,
    ],
  });
  containers.push(container);
  const base = `http://127.0.0.1:${port}`;
  await eventually(
    'container ready',
    async () => (await fetch(`${base}/readyz`).then((r) => r.status, () => 0)) === 200,
    60_000,
    () => `container ${container.id} not ready`,
  );
  return { container, base };
}

test('image metadata: /kube-eventer entry point, numeric non-root user, TZ=Asia/Shanghai; size reported', async (t) => {
  const config = JSON.parse(await podmanOk(['image', 'inspect', '--format', '{{json .Config}}', image])) as { User: string; Entrypoint: string[]; Env: string[] };
  assert.deepEqual(config.Entrypoint, ['/kube-eventer']);
  assert.equal(config.User, '1000:1000');
  assert.ok(config.Env.includes('TZ=Asia/Shanghai'), config.Env.join(' '));
  const size = Number((await podmanOk(['image', 'inspect', '--format', '{{.Size}}', image])).trim());
  t.diagnostic(`image ${image}: ${(size / 1024 / 1024).toFixed(1)} MiB`);
  assert.ok(size > 0);
});

test('the entry point takes kube-eventer flags: --version, and a bad flag exits 2 with the usage', async () => {
  const version = await podman(['run', '--rm', '--network=none', '--read-only', image, '--version']);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^kube-eventer version: v\d+\.\d+\.\d+ commit: \S+\n\n$/);
  const bad = await podman(['run', '--rm', '--network=none', '--read-only', image, '--no-such-flag']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /flag provided but not defined: -no-such-flag/);
});

test('runs non-root on a read-only root filesystem, delivers with the webhook body time in Asia/Shanghai, drains on SIGTERM', async (t) => {
  const { container, base } = await startDaemonContainer({ sinkPath: '/default-tz' });

  const uid = await container.exec(['id', '-u']);
  assert.equal(uid.stdout.trim(), '1000');
  const status = await container.exec(['cat', '/proc/1/status']);
  assert.match(status.stdout, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, 'PID 1 (node) runs as uid 1000');
  assert.match(status.stdout, /^CapEff:\s+0+$/m, 'no effective capabilities');
  const write = await container.exec(['sh', '-c', 'touch /app/x || touch /tmp/x']);
  assert.notEqual(write.code, 0);
  assert.match(write.stderr, /Read-only file system/);

  const stamp = wholeSecondTimestamp(Date.now());
  const event = api.createEvent({ type: 'Warning', reason: 'BackOff', lastTimestamp: stamp, message: 'Back-off restarting failed container' });
  await eventually('webhook delivery', () => receiver.requests.some((r) => r.path === '/default-tz'), 30_000);
  const body = JSON.parse(receiver.requests.find((r) => r.path === '/default-tz')!.body) as Record<string, string>;
  assert.equal(body.EventReason, 'BackOff');
  assert.equal(body.EventKind, event.involvedObject.kind);
  assert.equal(body.EventMessage, event.message);
  assert.equal(body.EventTime, shanghaiGoString(Date.parse(stamp)));

  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  assert.match(metrics, /^eventer_sink_events_sent_total\{[^}]*\} 1$/m);

  const rss = /^VmRSS:\s+(\d+) kB$/m.exec((await container.exec(['cat', '/proc/1/status'])).stdout);
  t.diagnostic(`RSS of the daemon in the container after one delivery: ${(Number(rss![1]) / 1024).toFixed(0)} MiB`);

  const exitCode = await container.stop(30);
  assert.equal(exitCode, 0, await container.logs());
  assert.match(await container.logs(), /SIGTERM/);
});

test('TZ set by the user wins over the image default', async () => {
  await startDaemonContainer({ sinkPath: '/utc', env: { TZ: 'UTC' } });
  const stamp = wholeSecondTimestamp(Date.now());
  api.createEvent({ reason: 'Pulled', lastTimestamp: stamp });
  await eventually('webhook delivery', () => receiver.requests.some((r) => r.path === '/utc'), 30_000);
  const body = JSON.parse(receiver.requests.find((r) => r.path === '/utc')!.body) as Record<string, string>;
  assert.equal(body.EventTime, `${stamp.slice(0, 19).replace('T', ' ')} +0000 UTC`);
});
