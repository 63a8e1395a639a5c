import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, renderStatusPage, type SinkStatus, type StatusSnapshot } from '../../src/http/status-page.js';

const NOW = Date.parse('2026-12-06T04:00:00Z');

function sink(overrides: Partial<SinkStatus> = {}): SinkStatus {
  return { id: 'webhook#1', exporter: 'webhook', queued: 0, sent: 0, retried: 0, rejected: 0, dropped: 0, lastSuccessAt: undefined, lastError: undefined, rateLimited: false, retrying: 0, ...overrides };
}

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return {
    version: 'v0.1.0',
    commit: 'abc1234',
    startedAt: NOW - 3 * 3600_000,
    now: NOW,
    watch: { state: 'connected', detail: 'resourceVersion 42', eventsReceived: 7, lastEventAt: NOW - 5000 },
    leader: undefined,
    sinks: [sink()],
    recent: [],
    ...overrides,
  };
}

test('ago() speaks in the largest whole unit', () => {
  assert.equal(ago(NOW - 4_400, NOW), '4s ago');
  assert.equal(ago(NOW - 180_000, NOW), '3m ago');
  assert.equal(ago(NOW - 2 * 3600_000 - 1, NOW), '2h ago');
  assert.equal(ago(NOW - 4 * 86_400_000, NOW), '4d ago');
  assert.equal(ago(NOW + 1000, NOW), '0s ago');
});

test('event text is HTML-escaped: a message cannot inject markup', () => {
  const html = renderStatusPage(
    snapshot({ recent: [{ receivedAt: NOW - 1000, type: 'Warning', reason: 'Bad<script>', namespace: 'ns', kind: 'Pod', name: 'p"x', message: '<img src=x onerror=alert(1)> & more', count: 2 }] }),
  );
  assert.ok(!html.includes('<script>'));
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('Bad&lt;script&gt;'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; more'));
  assert.ok(html.includes('Pod ns/p&quot;x'));
});

test('every string passes through the redaction given by the daemon', () => {
  const html = renderStatusPage(
    snapshot({ sinks: [sink({ lastError: { at: NOW - 60_000, reason: 'POST https://oapi.dingtalk.com/robot/send?access_token=SECRET123: 500' } })] }),
    (v) => v.replaceAll('SECRET123', '***'),
  );
  assert.ok(!html.includes('SECRET123'));
  assert.ok(html.includes('access_token=***'));
});

test('sink states: delivering, rate-limited, retrying, failing, idle', () => {
  const html = renderStatusPage(
    snapshot({
      sinks: [
        sink({ id: 'log#1', sent: 3, lastSuccessAt: NOW - 2000 }),
        sink({ id: 'dingtalk#1', queued: 12, sent: 1, lastSuccessAt: NOW - 3000, rateLimited: true }),
        sink({ id: 'webhook#1', retrying: 4, lastError: { at: NOW - 1000, reason: '503 Service Unavailable' } }),
        sink({ id: 'webhook#2', dropped: 9, lastSuccessAt: NOW - 600_000, lastError: { at: NOW - 1000, reason: 'connection refused' } }),
        sink({ id: 'slack#1' }),
      ],
    }),
  );
  const card = (id: string) => new RegExp(`data-sink="${id}"><h3><span>[^<]+</span><span class="badge (\\w+)">([^<]+)</span>`).exec(html)!.slice(1).join(' ');
  assert.equal(card('log#1'), 'ok delivering');
  assert.equal(card('dingtalk#1'), 'warn rate-limited');
  assert.equal(card('webhook#1'), 'warn retrying');
  assert.equal(card('webhook#2'), 'bad failing');
  assert.equal(card('slack#1'), 'idle no deliveries yet');
});

test('no script and no external asset: only inline style, links to our own endpoints', () => {
  const html = renderStatusPage(snapshot({ leader: { identity: 'pod-a', lease: 'kube-system/kube-eventer', isLeader: true, holder: 'pod-a' } }));
  assert.ok(!/<script/i.test(html));
  assert.ok(!/(src|href)="(https?:)?\/\//i.test(html), 'no absolute or protocol-relative URL');
  assert.match(html, /<meta name="viewport" content="width=device-width,initial-scale=1">/);
  assert.match(html, /Leader <span class="badge ok">this replica<\/span>/);
});
