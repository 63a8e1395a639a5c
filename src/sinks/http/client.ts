// The one HTTP client every HTTP sink uses: keep-alive connections, a bound per origin,
// timeouts, any method with a body, replies classified into Outcomes.
import { Agent, EnvHttpProxyAgent, interceptors, type Dispatcher } from 'undici';
import type { Outcome } from '../../pipeline/outcome.js';
import { VERSION } from '../../base/version.js';
import { classifyFailure, classifyReply, type ReplyVerdict } from './classify.js';
import { maskPath } from '../../base/redact.js';

export interface HttpClientOptions {
  /** Keep-alive connections per origin; further requests queue for a free one. */
  readonly connectionsPerOrigin?: number;
  /** Time allowed from sending a request to receiving the reply headers. */
  readonly headersTimeoutMs?: number;
  /** Longest pause while receiving a reply body. */
  readonly bodyTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Redirects followed, as Go's client does (0 = none). */
  readonly maxRedirections?: number;
  /** Reply bytes kept for classification and reasons; the rest is read and discarded. */
  readonly maxReplyBytes?: number;
  /** Sent unless the request sets its own `User-Agent`. */
  readonly userAgent?: string;
  /** false = accept any TLS certificate (a sink's `insecuressl=true`). */
  readonly verifyTls?: boolean;
}

export const DEFAULT_HTTP_CLIENT_OPTIONS: Required<HttpClientOptions> = {
  connectionsPerOrigin: 8,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
  maxRedirections: 10,
  maxReplyBytes: 64 * 1024,
  userAgent: `kube-eventer/${VERSION}`,
  verifyTls: true,
};

export interface HttpRequest {
  readonly url: URL;
  /** Any HTTP token; GET and HEAD may carry a body too (kube-eventer's webhook sends GET with a body). */
  readonly method: string;
  /** In order; a repeated name sends the header several times. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /** `describeTarget(method, url)`, when the caller has it already (it is the same for every request). */
  readonly target?: string;
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The first `maxReplyBytes` of the body, decoded as UTF-8. */
  readonly body: string;
  readonly truncated: boolean;
}

/**
 * `METHOD scheme://host/path` — how reasons name an endpoint: no query (it may hold secrets) and
 * credential-looking path segments masked.
 */
export function describeTarget(method: string, url: URL): string {
  return `${method} ${url.origin}${maskPath(url.pathname)}`;
}

/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY (either case) as Go's net/http reads them for kube-eventer's
 * sinks; like Go, localhost and loopback addresses are never proxied.
 */
function proxyEnvironment(env: NodeJS.ProcessEnv): { httpProxy?: string; httpsProxy?: string; noProxy?: string } | undefined {
  const read = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const httpProxy = read('HTTP_PROXY');
  const httpsProxy = read('HTTPS_PROXY');
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  const noProxy = [read('NO_PROXY'), 'localhost', '127.0.0.1', '[::1]'].filter((v) => v !== undefined).join(',');
  return { ...(httpProxy ? { httpProxy } : {}), ...(httpsProxy ? { httpsProxy } : {}), noProxy };
}

const NO_HEADERS: ReadonlyArray<readonly [string, string]> = [];

export class HttpClient {
  private readonly agent: Agent | EnvHttpProxyAgent;
  private readonly dispatcher: Dispatcher;
  private readonly settings: Required<HttpClientOptions>;
  private closing: Promise<void> | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.settings = { ...DEFAULT_HTTP_CLIENT_OPTIONS, ...options };
    const agentOptions = {
      connections: this.settings.connectionsPerOrigin,
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
      connectTimeout: this.settings.connectTimeoutMs,
      keepAliveTimeout: 30_000,
      ...(this.settings.verifyTls ? {} : { connect: { rejectUnauthorized: false } }),
    };
    const proxies = proxyEnvironment(process.env);
    // Through a proxy, the endpoint's TLS is set with requestTls (connect applies to direct connections).
    this.agent =
      proxies === undefined
        ? new Agent(agentOptions)
        : new EnvHttpProxyAgent({ ...agentOptions, ...proxies, ...(this.settings.verifyTls ? {} : { requestTls: { rejectUnauthorized: false } }) });
    this.dispatcher =
      this.settings.maxRedirections > 0
        ? this.agent.compose(interceptors.redirect({ maxRedirections: this.settings.maxRedirections }))
        : this.agent;
  }

  /** A sink sends the same headers to the same URL every time: both are prepared once. */
  private readonly preparedHeaders = new WeakMap<object, string[]>();
  private readonly preparedUrls = new WeakMap<URL, { href: string; origin: string; path: string }>();

  private headerList(given: HttpRequest['headers']): string[] {
    const key = given ?? NO_HEADERS;
    let headers = this.preparedHeaders.get(key);
    if (headers === undefined) {
      headers = [];
      let hasUserAgent = false;
      for (const [name, value] of key) {
        if (name.toLowerCase() === 'user-agent') hasUserAgent = true;
        headers.push(name, value);
      }
      if (!hasUserAgent) headers.push('user-agent', this.settings.userAgent);
      this.preparedHeaders.set(key, headers);
    }
    return headers;
  }

  private urlParts(url: URL): { origin: string; path: string } {
    let parts = this.preparedUrls.get(url);
    // A URL changed in place since it was prepared is prepared again.
    if (parts === undefined || parts.href !== url.href) {
      parts = { href: url.href, origin: url.origin, path: `${url.pathname}${url.search}` };
      this.preparedUrls.set(url, parts);
    }
    return parts;
  }

  /** Sends one request; rejects on network failure, timeout or abort (see `exchange`). */
  async request(req: HttpRequest): Promise<HttpReply> {
    const { origin, path } = this.urlParts(req.url);
    const res = await this.dispatcher.request({
      origin,
      path,
      method: req.method as Dispatcher.HttpMethod,
      headers: this.headerList(req.headers),
      body: req.body === undefined ? null : typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength),
      signal: req.signal,
    });
    const { text, truncated } = await readCapped(res.body, this.settings.maxReplyBytes);
    return { status: res.statusCode, headers: res.headers, body: text, truncated };
  }

  /** Sends one request and classifies the result (a robot's `verdict` judges 2xx replies); never rejects. */
  async exchange(req: HttpRequest, verdict?: ReplyVerdict): Promise<Outcome> {
    const target = req.target ?? describeTarget(req.method, req.url);
    try {
      return classifyReply(await this.request(req), verdict, target);
    } catch (err) {
      return classifyFailure(err, target, req.signal);
    }
  }

  /** Closes idle connections and waits for requests in flight. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.agent.close();
    return this.closing;
  }

  /** Aborts everything in flight. Safe to call more than once. */
  destroy(): Promise<void> {
    this.closing ??= this.agent.destroy();
    return this.closing;
  }
}

/** Reads a whole body (so the connection can be reused) keeping only the first `max` bytes. */
async function readCapped(body: AsyncIterable<Buffer>, max: number): Promise<{ text: string; truncated: boolean }> {
  const kept: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    if (size < max) {
      const part = size + chunk.length > max ? chunk.subarray(0, max - size) : chunk;
      kept.push(part);
      size += part.length;
      if (part.length < chunk.length) truncated = true;
    } else {
      truncated = true;
    }
  }
  return { text: Buffer.concat(kept, size).toString('utf8'), truncated };
}
