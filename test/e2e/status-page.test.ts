// The status page at `/` of the health port, driven in a real headless Chromium (Debian's chromium through
// playwright-core): the daemon runs as a process against the fake API server with leader election and four
// webhook sinks in four states (delivering, rate-limited, retrying, failing with drops). The page must show
// each state, the watch and the leader, recent events (escaped), no secret, load nothing from elsewhere,
// and fit a phone's width. Screenshots go to test-output/ (or $TEST_OUTPUT_DIR).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';
import { startHttpReceiver, type HttpReceiver } from '../fixtures/http-receiver/server.js';
import { ROOT, spawnDaemon, stopDaemon, waitForOutput } from './daemon-process.js';
import { eventually } from './real-cluster.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const OUTPUT_DIR = process.env.TEST_OUTPUT_DIR ?? path.join(ROOT, 'test-output');
const SECRET = 'sk_live_4f9a1c7e2b8d';

let api: FakeApiServer;
let receivers: HttpReceiver[] = [];
let daemon: ReturnType<typeof spawnDaemon>;
let base = '';
let profile = '';
let browser: BrowserContext;

before(async () => {
  api = await startFakeApiServer({ bookmarkIntervalMs: 1000 });
  receivers = await Promise.all([0, 1, 2, 3].map(() => startHttpReceiver()));
  const [ok, limited, retrying, failing] = receivers as [HttpReceiver, HttpReceiver, HttpReceiver, HttpReceiver];
  // Echoes the credential it was sent: the reason shown on the page must still not contain it.
  retrying.respond((request) => ({ status: 503, body: `busy; you sent ${String(request.headers.authorization)}` }));
  failing.respond(() => ({ status: 502, body: 'bad gateway' }));
  daemon = spawnDaemon(
    [
      `--source=kubernetes:${api.url}?inClusterConfig=false`,
      `--sink=webhook:${ok.url}/ok?method=POST&access_token=${SECRET}`,
      `--sink=webhook:${limited.url}/limited?method=POST&rate_limit=1&rate_window=10m`,
      `--sink=webhook:${retrying.url}/retrying?method=POST&header=Authorization=Bearer%20${SECRET}`,
      `--sink=webhook:${failing.url}/failing?method=POST&retry_max_elapsed=1s`,
      '--healthz-ip=127.0.0.1',
      '--healthz-port=0',
      '--leader-elect',
      '--leader-elect-resource-namespace=default',
    ],
    { POD_NAME: 'kube-eventer-6f7d9-abcde' },
  );
  const started = await waitForOutput(daemon, /"port":\d+[^\n]*"msg":"Starting eventer"/, 30_000);
  base = `http://127.0.0.1:${/"port":(\d+)/.exec(started)![1]}`;
  await eventually('ready', async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
  await eventually('watch open', async () => (await (await fetch(`${base}/metrics`)).text()).includes('eventer_watch_connected 1'), 30_000);

  api.createEvent({ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container <b>app</b> in pod web-1', involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-1' } });
  api.createEvent({ type: 'Normal', reason: 'Pulled', message: 'Successfully pulled image "nginx:1.27"', involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web-2' } });
  api.createEvent({ type: 'Warning', reason: 'FailedScheduling', message: '0/3 nodes are available: 3 Insufficient cpu.', involvedObject: { kind: 'Pod', namespace: 'batch', name: 'job-7' } });
  await ok.waitForRequests(3, 20_000);

  profile = await mkdtemp(path.join(tmpdir(), 'chromium-profile-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
});

after(async () => {
  await browser?.close();
  await stopDaemon(daemon, 'SIGKILL');
  await Promise.all(receivers.map((r) => r.close()));
  await api?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function sinkBadge(page: Page, id: string): Promise<string> {
  return (await page.locator(`article[data-sink="${id}"] h3 .badge`).textContent()) ?? '';
}

async function field(page: Page, id: string, name: string): Promise<string> {
  return (await page.locator(`article[data-sink="${id}"] dd[data-field="${name}"]`).textContent()) ?? '';
}

test('the status page shows watch, leader, each sink state and recent events, on a phone, with nothing from elsewhere', async () => {
  const page = await browser.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));

  // Each sink reaches its state on its own schedule (backoff, retry deadline): reload until all are there.
  const wanted: Record<string, string> = { 'webhook#1': 'delivering', 'webhook#2': 'rate-limited', 'webhook#3': 'retrying', 'webhook#4': 'failing' };
  let seen: Record<string, string> = {};
  await eventually(
    'every sink in its state',
    async () => {
      const response = await page.goto(`${base}/`);
      assert.equal(response?.status(), 200);
      seen = {};
      for (const id of Object.keys(wanted)) seen[id] = await sinkBadge(page, id);
      return Object.entries(wanted).every(([id, state]) => seen[id] === state);
    },
    30_000,
    () => JSON.stringify(seen),
  );

  const response = await page.goto(`${base}/`);
  const headers = response!.headers();
  assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/);
  assert.equal(headers['content-type'], 'text/html; charset=utf-8');

  assert.match((await page.locator('[data-testid="watch"] .badge').textContent()) ?? '', /^connected$/);
  assert.equal(await page.locator('[data-testid="received"]').textContent(), '3');
  assert.equal(await page.locator('[data-testid="leader"] .badge').textContent(), 'this replica');
  assert.match((await page.locator('[data-testid="leader"]').textContent()) ?? '', /holder kube-eventer-6f7d9-abcde/);

  assert.equal(await field(page, 'webhook#1', 'sent'), '3');
  assert.match(await field(page, 'webhook#1', 'last-success'), /^\d+s ago$/);
  assert.equal(await field(page, 'webhook#1', 'last-error'), 'none');
  assert.equal(await field(page, 'webhook#2', 'rate-limited'), 'yes');
  assert.ok(Number(await field(page, 'webhook#2', 'queued')) >= 1);
  assert.match(await field(page, 'webhook#3', 'last-error'), /503.*you sent \*\*\*/);
  assert.ok(Number(await field(page, 'webhook#3', 'retrying')) >= 1);
  assert.ok(Number(await field(page, 'webhook#4', 'dropped')) >= 1);
  assert.match(await field(page, 'webhook#4', 'last-error'), /502/);

  const rows = page.locator('table tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match((await rows.nth(0).textContent()) ?? '', /FailedScheduling.*Pod batch\/job-7.*Insufficient cpu/);
  // The message's markup is shown as text, not rendered.
  assert.equal(await page.locator('table b').count(), 0);
  assert.match((await page.locator('table').textContent()) ?? '', /container <b>app<\/b> in pod web-1/);

  const html = await page.content();
  assert.ok(!html.includes(SECRET), 'no secret from a sink URI on the page');
  assert.ok(requested.every((u) => u.startsWith(`${base}/`)), `only the page itself is loaded: ${requested.join(' ')}`);

  // Usable on a phone: nothing wider than the screen, text not shrunk.
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth }));
  assert.ok(widths.scroll <= widths.viewport, `page is ${widths.scroll}px wide on a ${widths.viewport}px screen`);
  const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(fontSize >= 14);

  await mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, 'status-page-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: path.join(OUTPUT_DIR, 'status-page-desktop.png'), fullPage: true });
  await page.close();
});

test('the status page is read-only: other methods are refused and change nothing', async () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = await fetch(`${base}/`, { method });
    assert.equal(r.status, 405, method);
  }
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
});
