import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, registerSecret } from '../../src/base/redact.js';

test('masks secret query values, userinfo passwords, secret headers and MySQL DSNs', () => {
  const cases: Array<[string, string]> = [
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc123&level=Warning', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***&level=Warning'],
    ['dingtalk:https://oapi.dingtalk.com/robot/send?access_token=tok&sign=SEC', 'dingtalk:https://oapi.dingtalk.com/robot/send?access_token=***&sign=***'],
    ['mongo:?mongodb://user:hunter2@h:27017/db', 'mongo:?mongodb://user:***@h:27017/db'],
    ['mysql:?root:pw@tcp(10.0.0.1:3306)/db', 'mysql:?root:***@tcp(10.0.0.1:3306)/db'],
    ['webhook:http://h?header=Authorization=Bearer-xyz&header=Content-Type=application/json', 'webhook:http://h?header=Authorization=***&header=Content-Type=application/json'],
    ['wechat:?corp_id=c&corp_secret=zzz&agent_id=1', 'wechat:?corp_id=c&corp_secret=***&agent_id=1'],
  ];
  for (const [input, want] of cases) assert.equal(redact(input), want);
});

test('registered secrets are masked wherever they appear, also URL-encoded', () => {
  registerSecret('T0KEN/in+path');
  assert.equal(redact('POST /open-apis/bot/v2/hook/T0KEN/in+path failed'), 'POST /open-apis/bot/v2/hook/*** failed');
  assert.equal(redact(`url ${encodeURIComponent('T0KEN/in+path')}`), 'url ***');
});

test('a secret with a quote and a backslash never reaches a JSON log line, in any form', async () => {
  const { createLogger } = await import('../../src/log/logger.js');
  const { Writable } = await import('node:stream');
  const password = 'pa"ss\\w0rd';
  registerSecret(password);
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  const log = createLogger({ format: 'json', destination });
  log.error({ dsn: `user:${password}@tcp(h:3306)/db` }, `login with ${password} failed`);
  log.info(`encoded ${encodeURIComponent(password)}`);
  assert.match(out, /login with \*\*\* failed/);
  for (const form of [password, JSON.stringify(password).slice(1, -1), encodeURIComponent(password)]) {
    assert.ok(!out.includes(form), `${JSON.stringify(form)} in ${out}`);
  }
});
