import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runDaemon } from './daemon-process.js';

const TOKEN = 'SuperSecretToken-7f3a9';
const SRC = '--source=kubernetes:http://127.0.0.1:1?inClusterConfig=false';

const cases: Array<{ name: string; args: string[]; code: number; message: RegExp }> = [
  { name: 'unknown sink key', args: [SRC, `--sink=carrierpigeon:http://h?token=${TOKEN}`], code: 255, message: /Sink not recognized: carrierpigeon/ },
  { name: 'sink key named like an Object member', args: [SRC, `--sink=constructor:http://h?token=${TOKEN}`], code: 255, message: /Sink not recognized: constructor/ },
  { name: 'unparsable source URL', args: [`--source=kubernetes:https://h:port?token=${TOKEN}`], code: 2, message: /invalid value for flag -source: .*invalid port after host \(not shown/ },
  { name: 'bad escape in a sink URL', args: [SRC, `--sink=log:bad%zz/path?key=${TOKEN}`], code: 2, message: /invalid URL escape "%zz"/ },
  { name: 'frequency too small', args: [SRC, '--frequency=1s', `--sink=log:?key=${TOKEN}`], code: 255, message: /frequency needs to be no less than 5s, supplied 1s/ },
  { name: 'frequency too large', args: [SRC, '--frequency=10m'], code: 255, message: /frequency needs to be no greater than 3m0s, supplied 10m0s/ },
  { name: 'port out of range', args: [SRC, '--healthz-port=70000'], code: 255, message: /invalid port supplied for healthz 70000/ },
  { name: 'port not a number', args: [SRC, '--healthz-port=http'], code: 2, message: /invalid value "http" for flag -healthz-port/ },
  { name: 'unknown flag', args: [SRC, '--sinks=log'], code: 2, message: /flag provided but not defined: -sinks/ },
  { name: 'no source', args: [`--sink=log:?token=${TOKEN}`], code: 255, message: /Wrong number of sources specified/ },
  { name: 'bad option value', args: [SRC, '--sink=log:?format=xml', `--sink=webhook:http://h/send?key=${TOKEN}`], code: 255, message: /option format="xml" must be one of text, json/ },
  { name: 'unknown sink option', args: [SRC, '--sink=log:?colour=red', `--sink=webhook:http://h/send?key=${TOKEN}`], code: 255, message: /unknown option "colour"/ },
  { name: 'bad lane option', args: [SRC, '--sink=log:?queue_size=-5', `--sink=webhook:http://h/send?key=${TOKEN}`], code: 255, message: /option queue_size="-5" must be an integer/ },
  { name: 'kafka broker unreachable', args: [SRC, `--sink=kafka:?brokers=127.0.0.1:1&user=eventer&password=${TOKEN}`], code: 255, message: /sink kafka: cannot connect to brokers=127\.0\.0\.1:1 as user=eventer mechanism=PLAIN/ },
  { name: 'kafka unknown compression', args: [SRC, '--sink=kafka:?brokers=127.0.0.1:1&compression=brotli'], code: 255, message: /option compression="brotli": Compression 'brotli' is illegal/ },
  { name: 'mysql server unreachable', args: [SRC, `--sink=mysql:?root:${TOKEN}@tcp(127.0.0.1:1)/kube_eventer?charset=utf8&table=events`], code: 255, message: /sink mysql: cannot open a connection for mysql according jdbc url string root:\*\*\*@tcp\(127\.0\.0\.1:1\)\/kube_eventer\?charset=\S*: .*ECONNREFUSED/ },
  { name: 'mysql DSN without database', args: [SRC, `--sink=mysql:?root:${TOKEN}@tcp(127.0.0.1:1)`], code: 255, message: /sink mysql: the DSN is not valid \(invalid DSN: missing the slash/ },
  { name: 'bad source option', args: [`--source=kubernetes:http://127.0.0.1:1?inClusterConfig=maybe&token=${TOKEN}`], code: 255, message: /inClusterConfig/ },
];

for (const c of cases) {
  test(`bad input exits non-zero naming the problem: ${c.name}`, async () => {
    const r = await runDaemon(c.args);
    assert.equal(r.code, c.code, `exit code; output: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, c.message);
    assert.ok(!(r.stdout + r.stderr).includes(TOKEN), `token leaked: ${r.stderr}`);
  });
}

test('a --sink that does not parse because of a Secret from the environment is reported without the Secret', async () => {
  const r = await runDaemon([SRC, '--sink=webhook:https://robot:$WEBHOOK_PASSWORD/send', '--sink=kafka:?brokers=127.0.0.1:1&password=$KAFKA_PASSWORD'], {
    WEBHOOK_PASSWORD: TOKEN,
    KAFKA_PASSWORD: TOKEN,
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid value for flag -sink: --sink=webhook: invalid port after host \(not shown, it may be a password/);
  assert.ok(!(r.stdout + r.stderr).includes(TOKEN), `token leaked: ${r.stderr}`);
});

test('--version prints kube-eventer\'s line followed by two newlines', async () => {
  const r = await runDaemon(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^kube-eventer version: v\d+\.\d+\.\d+ commit: \S+\n\n$/);
});

test('-h prints the usage and exits 0', async () => {
  const r = await runDaemon(['-h']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /-frequency duration/);
});
