// The status page at `/` of the health port: what an operator asks first (is the watch up, am I the leader,
// is each sink delivering, what happened lately), as one self-contained HTML page. Read-only, no script, no
// external assets; every string passes through redact() and HTML escaping, and sinks are named by their
// id (`webhook#1`), never by their URI, so no token can appear.

export type WatchState = 'starting' | 'connected' | 'reconnecting' | 'stalled' | 'standby';

export interface SinkStatus {
  /** `<key>#<n>` in flag order. */
  readonly id: string;
  /** kube-eventer's sink name (`webhook`, `dingtalk`, …). */
  readonly exporter: string;
  readonly queued: number;
  readonly sent: number;
  readonly retried: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly lastSuccessAt: number | undefined;
  readonly lastError: { readonly at: number; readonly reason: string } | undefined;
  /** Waiting on its rate limit (pacing or a Retry-After) right now. */
  readonly rateLimited: boolean;
  /** Events waiting for a retry after a failed send. */
  readonly retrying: number;
}

export interface RecentEvent {
  /** When the daemon received it (ms since the epoch). */
  readonly receivedAt: number;
  readonly type: string;
  readonly reason: string;
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
  readonly message: string;
  readonly count: number;
}

export interface StatusSnapshot {
  readonly version: string;
  readonly commit: string;
  readonly startedAt: number;
  readonly now: number;
  readonly watch: { readonly state: WatchState; readonly detail: string; readonly eventsReceived: number; readonly lastEventAt: number | undefined };
  /** Undefined without --leader-elect. */
  readonly leader: { readonly identity: string; readonly lease: string; readonly isLeader: boolean; readonly holder: string | undefined } | undefined;
  readonly sinks: readonly SinkStatus[];
  /** Newest first. */
  readonly recent: readonly RecentEvent[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The page's only way to output text: masked, then escaped. */
function text(value: string | number, redact: (s: string) => string): string {
  return redact(String(value)).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** `12s ago`, `3m ago`, `2h ago`, `4d ago`. */
export function ago(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

type Tone = 'ok' | 'warn' | 'bad' | 'idle';

function badge(tone: Tone, label: string): string {
  return `<span class="badge ${tone}">${label}</span>`;
}

const WATCH_TONE: Record<WatchState, Tone> = { connected: 'ok', standby: 'idle', starting: 'warn', reconnecting: 'warn', stalled: 'bad' };

function sinkState(s: SinkStatus): { tone: Tone; label: string } {
  if (s.dropped > 0 && s.lastError !== undefined && (s.lastSuccessAt === undefined || s.lastError.at > s.lastSuccessAt)) return { tone: 'bad', label: 'failing' };
  if (s.retrying > 0) return { tone: 'warn', label: 'retrying' };
  if (s.rateLimited) return { tone: 'warn', label: 'rate-limited' };
  if (s.lastSuccessAt === undefined && s.sent === 0) return { tone: 'idle', label: 'no deliveries yet' };
  return { tone: 'ok', label: 'delivering' };
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1c1e21;--muted:#5f6670;--line:#dde1e6;--ok:#137333;--warn:#a15c00;--bad:#b3261e;--idle:#5f6670}
@media (prefers-color-scheme:dark){:root{--bg:#121417;--card:#1c1f24;--fg:#e8eaed;--muted:#9aa0a6;--line:#2f343a;--ok:#81c995;--warn:#fdd663;--bad:#f28b82;--idle:#9aa0a6}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{padding:16px;border-bottom:1px solid var(--line);background:var(--card)}h1{font-size:18px;margin:0}header p{margin:4px 0 0;color:var(--muted);font-size:13px}
main{padding:12px;display:grid;gap:12px;max-width:1100px;margin:0 auto}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px;min-width:0}h2{font-size:15px;margin:0 0 8px}
.row{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center}.muted{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:13px;font-weight:600;border:1px solid currentColor}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}.idle{color:var(--idle)}
.sinks{display:grid;gap:10px;grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
.sink{border:1px solid var(--line);border-radius:6px;padding:10px}.sink h3{font-size:14px;margin:0 0 6px;display:flex;justify-content:space-between;gap:8px}
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0;font-size:13px}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:6px;border-top:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;border-top:0}td.msg{min-width:220px;overflow-wrap:anywhere}
@media (max-width:600px){main{padding:8px}.wide,thead{display:none}tr{display:block;border-top:1px solid var(--line);padding:6px 0}td{display:inline;border:0;padding:0 6px 0 0}td.msg{display:block;min-width:0;padding:2px 0 0}}
`;

/** The whole page. `redact` masks secrets in any text shown (the daemon passes its log redaction). */
export function renderStatusPage(s: StatusSnapshot, redact: (value: string) => string = (v) => v): string {
  const t = (v: string | number) => text(v, redact);
  const when = (ms: number | undefined) => (ms === undefined ? '<span class="muted">never</span>' : `<time datetime="${new Date(ms).toISOString()}">${ago(ms, s.now)}</time>`);

  const leader =
    s.leader === undefined
      ? `<div>Leader election ${badge('idle', 'off')}</div>`
      : `<div data-testid="leader">Leader ${s.leader.isLeader ? badge('ok', 'this replica') : badge('idle', 'standby')} <span class="muted">holder ${s.leader.holder === undefined ? 'none' : t(s.leader.holder)} · identity ${t(s.leader.identity)} · Lease ${t(s.leader.lease)}</span></div>`;

  const sinks = s.sinks
    .map((sink) => {
      const state = sinkState(sink);
      return `<article class="sink" data-sink="${t(sink.id)}"><h3><span>${t(sink.id)}</span>${badge(state.tone, state.label)}</h3><dl>
<dt>queued</dt><dd data-field="queued">${t(sink.queued)}</dd>
<dt>delivered</dt><dd data-field="sent">${t(sink.sent)}</dd>
<dt>last success</dt><dd data-field="last-success">${when(sink.lastSuccessAt)}</dd>
<dt>last error</dt><dd data-field="last-error">${sink.lastError === undefined ? '<span class="muted">none</span>' : `${when(sink.lastError.at)}: ${t(sink.lastError.reason)}`}</dd>
<dt>rate-limited</dt><dd data-field="rate-limited">${sink.rateLimited ? 'yes' : 'no'}</dd>
<dt>retrying</dt><dd data-field="retrying">${t(sink.retrying)}</dd>
<dt>retried</dt><dd data-field="retried">${t(sink.retried)}</dd>
<dt>rejected</dt><dd data-field="rejected">${t(sink.rejected)}</dd>
<dt>dropped</dt><dd data-field="dropped">${t(sink.dropped)}</dd>
</dl></article>`;
    })
    .join('\n');

  const rows = s.recent
    .map(
      (e) =>
        `<tr><td>${when(e.receivedAt)}</td><td class="${e.type === 'Warning' ? 'warn' : ''}">${t(e.type)}</td><td>${t(e.reason)}</td><td>${t(e.kind)} ${t(e.namespace === '' ? '' : `${e.namespace}/`)}${t(e.name)}</td><td class="wide">${t(e.count)}</td><td class="msg">${t(e.message)}</td></tr>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>kube-eventer status</title>
<style>${STYLE}</style></head>
<body>
<header><h1>kube-eventer</h1><p>${t(s.version)} (commit ${t(s.commit)}) · up ${ago(s.startedAt, s.now).replace(' ago', '')} · refreshes every 5 s · <a href="/metrics">metrics</a> · <a href="/healthz">healthz</a></p></header>
<main>
<section aria-labelledby="h-watch"><h2 id="h-watch">Watch</h2>
<div class="row"><div data-testid="watch">Event watch ${badge(WATCH_TONE[s.watch.state], s.watch.state)}${s.watch.state === 'connected' ? '' : ` <span class="muted">${t(s.watch.detail)}</span>`}</div>
<div>received <strong data-testid="received">${t(s.watch.eventsReceived)}</strong> · last ${when(s.watch.lastEventAt)}</div>
${leader}</div></section>
<section aria-labelledby="h-sinks"><h2 id="h-sinks">Sinks</h2>
${s.sinks.length === 0 ? '<p class="muted">No --sink given: events are read and discarded.</p>' : `<div class="sinks">${sinks}</div>`}</section>
<section aria-labelledby="h-recent"><h2 id="h-recent">Recent events</h2>
${s.recent.length === 0 ? '<p class="muted">None since the start.</p>' : `<div class="scroll"><table><thead><tr><th>received</th><th>type</th><th>reason</th><th>object</th><th class="wide">count</th><th>message</th></tr></thead><tbody>${rows}</tbody></table></div>`}</section>
</main></body></html>
`;
}
