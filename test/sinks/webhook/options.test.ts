// webhook URI options: kube-eventer's defaults, our fixes (header values with `=`, options not
// forwarded, method validation) and every error path naming option and value with secrets masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/base/errors.js';
import { parseUri } from '../../../src/base/uri.js';
import { isWebhookOption, parseWebhookOptions } from '../../../src/sinks/webhook/options.js';

const parse = (rest: string, env: NodeJS.ProcessEnv = {}) => parseWebhookOptions(parseUri(`webhook:${rest}`, '--sink', env));

function configError(rest: string, pattern: RegExp, secret?: string): void {
  assert.throws(
    () => parse(rest),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.match(err.message, pattern);
      if (secret !== undefined) assert.ok(!err.message.includes(secret), `secret shown in: ${err.message}`);
      return true;
    },
  );
}

test('defaults are kube-eventer\'s: GET, no headers, default body, namespace default', () => {
  const o = parse('http://hooks.example.com/k8s');
  assert.equal(o.method, 'GET');
  assert.deepEqual(o.headers, []);
  assert.equal(o.configMap, undefined);
  assert.equal(o.bodyMode, 'raw');
  assert.equal(o.missingConfigMap, 'fail');
  assert.equal(o.replyCheck, 'status');
  assert.equal(o.maxInFlight, 8);
  assert.equal(o.endpoint.href, 'http://hooks.example.com/k8s');
  assert.deepEqual(parse('http://h/x?custom_body_configmap=body').configMap, { namespace: 'default', name: 'body' });
});

test('the user setup from the kube-eventer issue: our options stripped, key kept, header split on the first =', () => {
  const o = parse(
    'http://127.0.0.1:8080/cgi-bin/webhook/send?key=xxxxxxx&level=Warning&reason=[^Unhealthy]&namespaces=team&header=Content-Type=application/json&custom_body_configmap=custom-webhook-body0&custom_body_configmap_namespace=team&method=POST',
  );
  assert.equal(o.endpoint.href, 'http://127.0.0.1:8080/cgi-bin/webhook/send?key=xxxxxxx');
  assert.equal(o.method, 'POST');
  assert.deepEqual(o.headers, [['Content-Type', 'application/json']]);
  assert.deepEqual(o.configMap, { namespace: 'team', name: 'custom-webhook-body0' });
});

test('the endpoint path goes out as written when it is a valid encoding, as Go sends it: an encoded slash stays one', () => {
  // GitLab-style project ids: /projects/group%2Fproject is one segment, /projects/group/project another resource.
  assert.equal(parse('http://h/api/v4/projects/g%2Fp/trigger/pipeline?level=Warning').endpoint.pathname, '/api/v4/projects/g%2Fp/trigger/pipeline');
  assert.equal(parse('http://h/a%3Bb/%7Euser/x%20y').endpoint.pathname, '/a%3Bb/%7Euser/x%20y', 'escapes kept as written, case included');
  // Not a valid encoding as written (a space, a non-ASCII letter): Go escapes the decoded path anew,
  // the slash included (Go's url.Parse(…).EscapedPath() gives these).
  assert.equal(parse('http://h/a b/%2Fc').endpoint.pathname, '/a%20b//c');
  assert.equal(parse('http://h/caf\u00e9/%2F').endpoint.pathname, '/caf%C3%A9//');
});

test('the endpoint keeps its own query in order and as written, without any option of ours', () => {
  const o = parse(
    'https://h.example/p/a%20b?z=1&level=Warning&a=%2Fx&queue_size=10&exclude_reasons=x&b&kinds=Pod&timeout=5s&body_mode=json&max_in_flight=2&response_check=status&missing_configmap=default&c=3',
  );
  assert.equal(o.endpoint.href, 'https://h.example/p/a%20b?z=1&a=%2Fx&b&c=3');
  for (const name of ['level', 'namespaces', 'kinds', 'reason', 'header', 'method', 'custom_body_configmap', 'custom_body_configmap_namespace', 'queue_size', 'rate_limit', 'body_mode', 'exclude_messages', 'cluster_scoped']) {
    assert.ok(isWebhookOption(name), name);
  }
  for (const name of ['key', 'access_token', 'sign', 'timestamp']) assert.ok(!isWebhookOption(name), name);
});

test('header values may contain = (base64 padding, signatures); repeated names keep the last', () => {
  const o = parse('http://h/x?header=Authorization=Basic%20dXNlcjpwYXNz&header=X-Sig=a=b==&header=X-A=1&header=x-a=2&header=X-Empty=');
  assert.deepEqual(o.headers, [
    ['Authorization', 'Basic dXNlcjpwYXNz'],
    ['X-Sig', 'a=b=='],
    ['x-a', '2'],
    ['X-Empty', ''],
  ]);
});

test('user information in the URL becomes Basic credentials unless an Authorization header is given', () => {
  const o = parse('https://bob:p%40ss@hooks.example.com/k8s?key=1');
  assert.equal(o.endpoint.href, 'https://hooks.example.com/k8s?key=1');
  assert.deepEqual(o.headers, [['Authorization', `Basic ${Buffer.from('bob:p@ss').toString('base64')}`]]);
  const fromEnv = parse('https://bob:$PW@hooks.example.com/k8s', { PW: 'envsecret' });
  assert.deepEqual(fromEnv.headers, [['Authorization', `Basic ${Buffer.from('bob:envsecret').toString('base64')}`]]);
  assert.deepEqual(parse('https://bob:x@h/k8s?header=Authorization=Bearer%20t').headers, [['Authorization', 'Bearer t']]);
});

test('methods: any token passes through, a bad one stops startup', () => {
  assert.equal(parse('http://h/x?method=PATCH').method, 'PATCH');
  assert.equal(parse('http://h/x?method=PROPFIND').method, 'PROPFIND');
  configError('http://h/x?method=PO%20ST', /sink webhook: option method="PO ST" is not a valid HTTP method/);
  configError('http://h/x?method=', /option method="" is not a valid HTTP method/);
  configError('http://h/x?method=CONNECT', /option method="CONNECT"/);
});

test('bad headers stop startup, naming the option; secret header values are masked', () => {
  configError('http://h/x?header=Content-Type', /option header="Content-Type" must be Name=Value/);
  configError('http://h/x?header=Bad%20Name=v', /option header="Bad Name=v" must be Name=Value with a valid header name/);
  configError('http://h/x?header==v', /option header="=v"/);
  configError('http://h/x?header=X-Token=abc%0Ddef', /option header="X-Token=\*\*\*" has a control character/, 'abc');
  configError('http://h/x?header=Authorization=Bearer%20s3cr3tvalue%0A', /header="Authorization=\*\*\*"/, 's3cr3tvalue');
});

test('a ; in one of our options is an error (Go would drop the pair silently); %3B works', () => {
  configError('http://h/x?header=Content-Type=application/json;charset=utf-8', /option header="Content-Type=application\/json;charset=utf-8" contains ";".*write it as %3B/);
  configError('http://h/x?header=Authorization=Bearer;abc123secret', /option header="Authorization=\*\*\*" contains ";"/, 'abc123secret');
  assert.deepEqual(parse('http://h/x?header=Content-Type=application/json%3Bcharset=utf-8').headers, [['Content-Type', 'application/json;charset=utf-8']]);
  assert.equal(parse('http://h/x?sig=a;b&level=Warning').endpoint.href, 'http://h/x?sig=a;b', 'the endpoint\'s own parameters are its business');
});

test('the host and scheme are checked', () => {
  configError('?level=Warning', /sink webhook: uri host is not valid/);
  configError('/only/a/path', /uri host is not valid/);
  configError('ftp://h/x', /scheme "ftp" is not supported/);
});

test('ConfigMap names and namespaces are Kubernetes names', () => {
  configError('http://h/x?custom_body_configmap=Bad_Name', /option custom_body_configmap="Bad_Name" is not a valid ConfigMap name/);
  configError('http://h/x?custom_body_configmap=ok&custom_body_configmap_namespace=Team.A', /option custom_body_configmap_namespace="Team.A" is not a valid namespace name/);
  configError('http://h/x?custom_body_configmap_namespace=team', /custom_body_configmap_namespace="team" is given without custom_body_configmap/);
  assert.equal(parse('http://h/x?custom_body_configmap=').configMap, undefined);
  assert.deepEqual(parse('http://h/x?custom_body_configmap=a.b-c&custom_body_configmap_namespace=').configMap, { namespace: 'default', name: 'a.b-c' });
});

test('our new options: choices and ranges', () => {
  assert.equal(parse('http://h/x?body_mode=json').bodyMode, 'json');
  assert.equal(parse('http://h/x?missing_configmap=default').missingConfigMap, 'default');
  assert.equal(parse('http://h/x?max_in_flight=1').maxInFlight, 1);
  configError('http://h/x?body_mode=JSON', /option body_mode="JSON" must be one of raw, json/);
  configError('http://h/x?missing_configmap=ignore', /option missing_configmap="ignore" must be one of fail, default/);
  configError('http://h/x?max_in_flight=0', /option max_in_flight="0" must be an integer from 1 to 64/);
  configError('http://h/x?max_in_flight=65', /max_in_flight="65"/);
  configError('http://h/x?response_check=teams', /option response_check="teams" must be one of auto, status, dingtalk, wechat, feishu, slack/);
});

test('pipeline: 16 requests per connection by default, 1 turns it off; chat robots are never pipelined', () => {
  assert.equal(parse('http://h/x').pipeline, 16);
  assert.equal(parse('http://h/x?pipeline=1').pipeline, 1);
  assert.equal(parse('http://h/x?pipeline=256').pipeline, 256);
  configError('http://h/x?pipeline=0', /option pipeline="0" must be an integer from 1 to 256/);
  configError('http://h/x?pipeline=257', /pipeline="257"/);
  assert.equal(parse('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k').pipeline, 1);
  assert.equal(parse('http://h/x?response_check=slack&pipeline=1').pipeline, 1);
  configError('https://oapi.dingtalk.com/robot/send?access_token=t&pipeline=8', /option pipeline applies to plain webhooks only; a chat robot \(response_check=dingtalk\)/);
});

test('response_check=auto picks the robot from well-known hosts', () => {
  assert.equal(parse('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k').replyCheck, 'wechat');
  assert.equal(parse('https://oapi.dingtalk.com/robot/send?access_token=t').replyCheck, 'dingtalk');
  assert.equal(parse('https://open.feishu.cn/open-apis/bot/v2/hook/abc').replyCheck, 'feishu');
  assert.equal(parse('https://open.larksuite.com/open-apis/bot/v2/hook/abc').replyCheck, 'feishu');
  assert.equal(parse('https://hooks.slack.com/services/T/B/X').replyCheck, 'slack');
  assert.equal(parse('http://127.0.0.1:1/cgi-bin/webhook/send?key=k').replyCheck, 'status');
  assert.equal(parse('http://127.0.0.1:1/x?response_check=wechat').replyCheck, 'wechat');
  assert.equal(parse('https://hooks.slack.com/services/T/B/X?response_check=status').replyCheck, 'status');
});

test('forwarded parameters that look like misspelt options are reported', () => {
  assert.deepEqual(parse('http://h/x?namespace=team&kind=Pod&key=abc&levle=Warning&headers=X=1').suspiciousParameters, ['namespace', 'kind', 'levle', 'headers']);
  assert.deepEqual(parse('http://h/x?key=abc&access_token=t&sign=s&timestamp=1').suspiciousParameters, []);
});
