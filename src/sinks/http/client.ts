// The one HTTP client every HTTP sink uses: keep-alive connections (node:http), a bound per origin,
// timeouts, any method with a body, redirects as Go's client follows them, HTTP(S)_PROXY/NO_PROXY as
// Go reads them, replies classified into Outcomes.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { Outcome } from '../../pipeline/outcome.js';
import { VERSION } from '../../base/version.js';
import { classifyFailure, classifyReply, type ReplyVerdict } from './classify.js';
import { maskPath } from '../../base/redact.js';
import { proxyAgent, proxyFromEnvironment } from '../../kube/proxy.js';

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

/** An idle keep-alive connection is closed after this long (sooner when the server announces less). */
const IDLE_CONNECTION_MS = 30_000;

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

/** A transport failure with a code `classifyFailure` describes (timeouts, the client closing). */
class HttpClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const NO_HEADERS: ReadonlyArray<readonly [string, string]> = [];

/** Headers that go to another host on a redirect only when it is the same domain or a subdomain (as in Go). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);

/** A request's headers as node:http takes them (a flat name, value list), prepared once per header list. */
interface PreparedHeaders {
  readonly flat: readonly string[];
  readonly hasHost: boolean;
}

/** What one request (one hop of a redirect chain) puts on the wire. */
interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: PreparedHeaders;
  readonly body: string | Buffer | undefined;
}

/** Methods node:http sends without a length when they have no body; others get `Content-Length: 0`, as Go sends them. */
const BODILESS_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

function isDomainOrSubdomain(host: string, parent: string): boolean {
  return host === parent || (host.endsWith(parent) && host[host.length - parent.length - 1] === '.');
}

/** The next hop after a redirect reply, as Go's client builds it; undefined when it is not followed. */
function redirectHop(from: Hop, first: URL, status: number, location: string | undefined): Hop | undefined {
  if (location === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(location, from.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // 301, 302, 303: the body is dropped and methods other than GET and HEAD become GET; 307, 308 resend as is.
  const keepsBody = status === 307 || status === 308;
  const method = keepsBody || from.method === 'GET' || from.method === 'HEAD' ? from.method : 'GET';
  const keepCredentials = isDomainOrSubdomain(url.hostname, first.hostname);
  const flat: string[] = [];
  for (let i = 0; i < from.headers.flat.length; i += 2) {
    const name = from.headers.flat[i]!.toLowerCase();
    if (name === 'host') continue;
    if (!keepCredentials && CREDENTIAL_HEADERS.has(name)) continue;
    flat.push(from.headers.flat[i]!, from.headers.flat[i + 1]!);
  }
  return { url, method, headers: { flat, hasHost: false }, body: keepsBody ? from.body : undefined };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class HttpClient {
  private readonly settings: Required<HttpClientOptions>;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  /** Per origin: the agent that reaches it (a proxy's, or a direct one). */
  private readonly agents = new Map<string, HttpAgent>();
  private readonly inFlight = new Set<ClientRequest>();
  private idle: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.settings = { ...DEFAULT_HTTP_CLIENT_OPTIONS, ...options };
    const agentOptions = { keepAlive: true, maxSockets: this.settings.connectionsPerOrigin, timeout: IDLE_CONNECTION_MS, scheduling: 'lifo' as const };
    this.httpAgent = new HttpAgent(agentOptions);
    this.httpsAgent = new HttpsAgent({ ...agentOptions, rejectUnauthorized: this.settings.verifyTls });
  }

  /** A sink sends the same headers to the same URL every time: both are prepared once. */
  private readonly preparedHeaders = new WeakMap<object, PreparedHeaders>();

  private headerList(given: HttpRequest['headers']): PreparedHeaders {
    const key = given ?? NO_HEADERS;
    let headers = this.preparedHeaders.get(key);
    if (headers === undefined) {
      const flat: string[] = [];
      let hasUserAgent = false;
      let hasHost = false;
      for (const [name, value] of key) {
        const lower = name.toLowerCase();
        // node:http sends the body's own length (a second Content-Length would make the request invalid).
        if (lower === 'content-length') continue;
        if (lower === 'user-agent') hasUserAgent = true;
        if (lower === 'host') hasHost = true;
        flat.push(name, value);
      }
      if (!hasUserAgent) flat.push('User-Agent', this.settings.userAgent);
      headers = { flat, hasHost };
      this.preparedHeaders.set(key, headers);
    }
    return headers;
  }

  private agentFor(url: URL): HttpAgent {
    let agent = this.agents.get(url.origin);
    if (agent === undefined) {
      const proxy = proxyFromEnvironment(url);
      const https = url.protocol === 'https:';
      if (proxy === undefined) agent = https ? this.httpsAgent : this.httpAgent;
      else {
        agent = proxyAgent(proxy, url, { keepAlive: true, maxSockets: this.settings.connectionsPerOrigin, timeout: IDLE_CONNECTION_MS, rejectUnauthorized: this.settings.verifyTls });
      }
      this.agents.set(url.origin, agent);
    }
    return agent;
  }

  /** Sends one request, following redirects; rejects on network failure, timeout or abort (see `exchange`). */
  async request(req: HttpRequest): Promise<HttpReply> {
    if (this.closing !== undefined) throw new HttpClientError('client closed', 'CLIENT_CLOSED');
    const body = req.body === undefined || typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
    let hop: Hop | undefined = { url: req.url, method: req.method, headers: this.headerList(req.headers), body };
    for (let redirects = 0; ; redirects++) {
      const { reply, location } = await this.send(hop, req.signal, redirects < this.settings.maxRedirections);
      hop = location === undefined ? undefined : redirectHop(hop, req.url, reply.status, location);
      if (hop === undefined) return reply;
    }
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

  /** One hop on the wire; `location` is set when the reply is a redirect to follow. */
  private send(hop: Hop, signal: AbortSignal | undefined, mayRedirect: boolean): Promise<{ reply: HttpReply; location: string | undefined }> {
    const { url, method, body } = hop;
    const flat = hop.headers.flat.slice();
    if (!hop.headers.hasHost) flat.push('Host', url.host);
    if (body !== undefined) flat.push('Content-Length', String(typeof body === 'string' ? Buffer.byteLength(body) : body.length));
    else if (!BODILESS_METHODS.has(method)) flat.push('Content-Length', '0');
    const https = url.protocol === 'https:';
    const options = {
      agent: this.agentFor(url),
      host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? (https ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method,
      headers: flat,
    };
    return new Promise((resolve, reject) => {
      const settings = this.settings;
      let req: ClientRequest;
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (err: Error | undefined, result?: { reply: HttpReply; location: string | undefined }) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight.delete(req);
        if (this.inFlight.size === 0) this.idle?.();
        if (err !== undefined) {
          req.destroy();
          reject(err);
        } else resolve(result!);
      };
      const fail = (err: Error) => finish(err);
      const deadline = (ms: number, message: string, code: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(new HttpClientError(message, code)), ms);
      };
      const onAbort = () => finish(Object.assign(new Error('request aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
      const connected = () => deadline(settings.headersTimeoutMs, 'no response headers in time', 'HEADERS_TIMEOUT');
      try {
        req = (https ? httpsRequest : httpRequest)(options);
      } catch (err) {
        // Requests node:http refuses to build (a method or header it cannot send).
        reject(err);
        return;
      }
      this.inFlight.add(req);
      if (signal !== undefined) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      req.on('error', fail);
      // No deadline while waiting for a free connection (the caller's signal bounds that).
      req.on('socket', (socket: Socket) => {
        // A new TLS connection is ready after its handshake; a reused or plain one once connected.
        const connecting = () => deadline(settings.connectTimeoutMs, 'connect timed out', 'CONNECT_TIMEOUT');
        if ('encrypted' in socket && !readySockets.has(socket)) {
          connecting();
          socket.once('secureConnect', () => {
            readySockets.add(socket);
            connected();
          });
        } else if (socket.connecting) {
          connecting();
          socket.once('connect', connected);
        } else connected();
      });
      req.on('response', (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const location = mayRedirect && REDIRECT_STATUSES.has(status) ? res.headers.location : undefined;
        const keep = settings.maxReplyBytes;
        const bodyTimeout = () => deadline(settings.bodyTimeoutMs, 'response body stalled', 'BODY_TIMEOUT');
        bodyTimeout();
        let text = '';
        let kept: Buffer[] | undefined;
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          bodyTimeout();
          if (size >= keep) {
            truncated = true;
            return;
          }
          const part = size + chunk.length > keep ? chunk.subarray(0, keep - size) : chunk;
          if (part.length < chunk.length) truncated = true;
          (kept ??= []).push(part);
          size += part.length;
        });
        res.on('end', () => {
          if (kept !== undefined) text = kept.length === 1 ? kept[0]!.toString('utf8') : Buffer.concat(kept, size).toString('utf8');
          finish(undefined, { reply: { status, headers: res.headers, body: text, truncated }, location });
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new HttpClientError('connection closed by the server', 'SOCKET_CLOSED')));
      });
      req.end(body);
    });
  }

  /** Waits for requests in flight, then closes the connections. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.inFlight.size > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.destroyAgents();
    })();
    return this.closing;
  }

  /** Aborts everything in flight. Safe to call more than once. */
  destroy(): Promise<void> {
    for (const req of this.inFlight) req.destroy(new HttpClientError('client destroyed', 'CLIENT_DESTROYED'));
    this.destroyAgents();
    this.closing ??= Promise.resolve();
    return this.closing;
  }

  private destroyAgents(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    for (const agent of this.agents.values()) agent.destroy();
  }
}

/** TLS connections whose handshake has completed (a reused one fires no second `secureConnect`). */
const readySockets = new WeakSet<Socket>();
