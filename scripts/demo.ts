// The newcomer's first run: a fake API server producing realistic events, and the real daemon
// (bin/kube-eventer.js) watching it with the log sink. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { startEventGenerator } from '../test/fixtures/fake-apiserver/generator.js';
import { startFakeApiServer } from '../test/fixtures/fake-apiserver/server.js';

const server = await startFakeApiServer({ bookmarkIntervalMs: 10_000 });
const stopGenerator = startEventGenerator(server, { intervalMs: 700 });
process.stderr.write(`demo: fake API server on ${server.url}, producing events; status page on http://127.0.0.1:8084/ (also /healthz, /metrics)\n`);

const daemon = spawn(
  'bin/kube-eventer.js',
  [
    `--source=kubernetes:${server.url}?inClusterConfig=false`,
    '--sink=log',
    '--healthz-ip=127.0.0.1',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  stopGenerator();
  daemon.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
daemon.on('exit', (code) => {
  stopGenerator();
  void server.close().then(() => process.exit(code ?? 0));
});
