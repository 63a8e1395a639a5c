// WeChat Work's access token (`GET /cgi-bin/gettoken`), fetched once and reused until shortly
// before it expires; kube-eventer fetched one for every event.
import { classifyFailure, classifyReply } from '../http/classify.js';
import { describeTarget, type HttpClient } from '../http/client.js';
import { retry, type Outcome } from '../../pipeline/outcome.js';
import { WECHAT_ROBOT } from './robot.js';

/** Send replies that mean "this token is no longer good": fetch a new one and send again. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat Work's documented lifetime, when a reply does not say. */
const DEFAULT_LIFETIME_S = 7200;
/** Refresh this long before expiry (or halfway through a shorter lifetime). */
const REFRESH_AHEAD_MS = 5 * 60_000;

interface CachedToken {
  readonly token: string;
  readonly refreshAt: number;
  readonly expiresAt: number;
}

export type TokenResult = { readonly token: string } | { readonly outcome: Outcome };

export class AccessTokenCache {
  private cached: CachedToken | undefined;
  private pending: Promise<TokenResult> | undefined;

  constructor(
    private readonly client: HttpClient,
    /** `…/cgi-bin/gettoken?corpid=…&corpsecret=…` */
    private readonly url: URL,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token that is still good, fetching one when there is none or it is due for refresh. */
  async get(signal: AbortSignal): Promise<TokenResult> {
    const cached = this.cached;
    const t = this.now();
    if (cached !== undefined && t < cached.refreshAt) return { token: cached.token };
    // Concurrent sends share one fetch.
    this.pending ??= this.fetch(signal).finally(() => (this.pending = undefined));
    const result = await this.pending;
    // A refresh ahead of expiry that failed still leaves the current token usable.
    if ('outcome' in result && cached !== undefined && this.now() < cached.expiresAt) return { token: cached.token };
    return result;
  }

  /** The service refused `token`: forget it so the next `get` fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetch(signal: AbortSignal): Promise<TokenResult> {
    const target = describeTarget('GET', this.url);
    let body: string;
    try {
      const reply = await this.client.request({ url: this.url, method: 'GET', signal });
      const outcome = classifyReply(reply, WECHAT_ROBOT.checkReply, target);
      if (outcome.status !== 'ok') return { outcome };
      body = reply.body;
    } catch (err) {
      return { outcome: classifyFailure(err, target, signal) };
    }
    let parsed: { access_token?: unknown; expires_in?: unknown } | undefined;
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      parsed = undefined;
    }
    const token = parsed?.access_token;
    if (typeof token !== 'string' || token === '') {
      return { outcome: retry(`${target}: no access_token in the reply`) };
    }
    const lifetimeS = typeof parsed?.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_LIFETIME_S;
    const fetchedAt = this.now();
    const lifetimeMs = lifetimeS * 1000;
    this.cached = {
      token,
      expiresAt: fetchedAt + lifetimeMs,
      refreshAt: fetchedAt + Math.max(lifetimeMs - REFRESH_AHEAD_MS, lifetimeMs / 2),
    };
    return { token };
  }
}
