// Secrets in any sink or source URI never appear in the daemon's output: not in the command line it
// logs, nor in retry reasons, even when an endpoint echoes the request (token included) in its error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startFakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver } from '../fixtures/http-receiver/server.js';
import { spawnDaemon, waitForOutput } from './daemon-process.js';

const SECRETS = {
  webhookKey: 'Wk7q2ZpL9xV4mN8r',
  bearer: 'Bearer9f8e7d6c5b4a3928',
  dingtalkToken: 'dt0a1b2c3d4e5f6a7b8c9d',
  dingtalkSign: 'SECd1e2f3a4b5c6d7e8f9',
  corpSecret: 'cs5Hk2Jm9Pq4Rt7Wx1Yz',
  feishuHook: 'fe1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8',
  slackPath: 'XoXb1234567890abcdefAB',
  envToken: 'EnvT0ken4242424242abcd',
};

test('no secret from any URI appears in any output, at startup or in failures', async () => {
  const api = await startFakeApiServer();
  // Every endpoint fails, echoing what it was sent: the daemon logs retry reasons for each sink.
  const echo = await startHttpReceiver((r) => ({ status: 500, body: `upstream error for ${r.target} auth=${String(r.headers.authorization)}` }));
  const u = echo.url;
  const daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      '-v=5',
      `--sink=webhook:${u}/cgi-bin/webhook/send?key=${SECRETS.webhookKey}&method=POST&header=Authorization=${SECRETS.bearer}`,
      `--sink=webhook:${u}/plain?token=$HOOK_TOKEN&method=POST`,
      `--sink=dingtalk:${u}/robot/send?access_token=${SECRETS.dingtalkToken}&sign=${SECRETS.dingtalkSign}&level=Normal`,
      `--sink=wechat:?corp_id=corp1&corp_secret=${SECRETS.corpSecret}&agent_id=1000002&api_base=${u}&level=Normal`,
      `--sink=feishu:${u}/open-apis/bot/v2/hook/${SECRETS.feishuHook}?level=Normal`,
      `--sink=slack:${u}/services/T0000/B0000/${SECRETS.slackPath}?level=Normal`,
    ],
    { HOOK_TOKEN: SECRETS.envToken },
  );
  try {
    await waitForOutput(daemon, /watching for new events/, 30_000);
    for (let i = 0; i < 3; i++) api.createEvent({ type: 'Warning', reason: 'BackOff', message: `leak check ${i}` });
    // Each sink reaches the endpoint at least once and logs its failure.
    await echo.waitForRequests(6, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}; daemon output: ${daemon.output().stderr.slice(-4000)}`);
    });
    await waitForOutput(daemon, /will retry/, 20_000);
  } finally {
    const exited = new Promise((r) => daemon.once('close', r));
    daemon.kill('SIGTERM');
    await exited;
    await echo.close();
    await api.close();
  }
  const { stdout, stderr } = daemon.output();
  const output = stdout + stderr;
  assert.match(output, /will retry/, 'failures were logged');
  for (const [name, secret] of Object.entries(SECRETS)) {
    assert.ok(!output.includes(secret), `${name} leaked: ${output.split('\n').find((l) => l.includes(secret))}`);
    assert.ok(!output.includes(encodeURIComponent(secret)), `${name} leaked URL-encoded`);
  }
});
