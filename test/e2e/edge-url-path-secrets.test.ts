// Issue 9 item 8: secrets in URL paths that do not look like secrets (no digits, short) never appear in
// the daemon's output: Slack's three path segments, Feishu's hook id, and the path of webhook URLs, in
// the startup command line and in failure messages, even when the endpoint echoes them back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

const SECRETS = {
  slackTeam: 'TEAMLETTERS',
  slackBot: 'BOTLETTERS',
  slackToken: 'onlylettersinthistoken',
  feishuHook: 'shorthook',
  webhookPath: 'Kq9pZ',
};

test('Slack and Feishu path secrets and webhook paths are masked at startup and in failures', async () => {
  const api = await startFakeApiServer();
  const echo = await startHttpReceiver((r) => ({ status: 500, body: `upstream error for ${r.target}` }));
  const u = echo.url;
  const daemon = spawnDaemon([
    `--source=kubernetes:${api.url}?inClusterConfig=false`,
    '--healthz-ip=127.0.0.1',
    '--healthz-port=0',
    `--sink=slack:${u}/services/${SECRETS.slackTeam}/${SECRETS.slackBot}/${SECRETS.slackToken}?level=Normal`,
    `--sink=feishu:${u}/open-apis/bot/v2/hook/${SECRETS.feishuHook}?level=Normal`,
    `--sink=webhook:${u}/h/${SECRETS.webhookPath}?method=POST&level=Normal`,
  ]);
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    api.createEvent({ type: 'Warning', reason: 'BackOff', message: 'path secret check' });
    await echo.waitForRequests(3, 20_000);
    // Each of the three sinks logs its retry reason (the endpoint's echo included).
    const retries = () => (daemon.output().stderr.match(/will retry/g) ?? []).length;
    const deadline = Date.now() + 20_000;
    while (retries() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  } finally {
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
    await echo.close();
    await api.close();
  }
  const output = daemon.output().stdout + daemon.output().stderr;
  assert.ok((output.match(/will retry/g) ?? []).length >= 3, 'every sink logged a failure');
  assert.match(output, /kube-eventer command line/);
  for (const [name, secret] of Object.entries(SECRETS)) {
    assert.ok(!output.includes(secret), `${name} leaked: ${output.split('\n').find((l) => l.includes(secret))}`);
  }
  assert.match(output, new RegExp(`${new URL(echo.url).host.replace(/\./g, '\\.')}/\\*\\*\\*`), 'the webhook host stays visible, its path masked');
});
