// The one HTTP client every HTTP sink uses: keep-alive HTTP/1.1 connections, a bound per origin,
// timeouts, any method with a body, redirects as Go's client follows them, HTTP(S)_PROXY/NO_PROXY as
// Go reads them, replies classified into Outcomes.
import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Outcome } from '../../pipeline/outcome.js';
import { VERSION } from '../../base/version.js';
import { classifyFailure, classifyReply, type ReplyVerdict } from './classify.js';
import { maskPath } from '../../base/redact.js';
import { connectToProxy, openTunnel, proxyAuthorization, proxyFromEnvironment, stripBrackets } from '../../base/proxy.js';
import { Connection, HttpTransportError, type ReadyEvent, type WireReply, type WireRequest } from './connection.js';

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

/** A request sent with others (`requestAll`): they share one abort signal. */
export type PipelinedRequest = Omit<HttpRequest, 'signal'>;

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

const NO_HEADERS: ReadonlyArray<readonly [string, string]> = [];

/** Headers that go to another host on a redirect only when it is the same domain or a subdomain (as in Go). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values that can be sent: no CR, LF or NUL, nothing beyond Latin-1. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const NON_ASCII = /[\u0080-\uffff]/;

/** A request's headers, validated and rendered once per header list. */
interface PreparedHeaders {
  readonly pairs: ReadonlyArray<readonly [string, string]>;
  /** `Name: value\r\n` lines. */
  readonly lines: string;
  readonly hasHost: boolean;
  readonly ascii: boolean;
}

function prepareHeaders(pairs: ReadonlyArray<readonly [string, string]>): PreparedHeaders {
  let lines = '';
  let hasHost = false;
  for (const [name, value] of pairs) {
    // The message names the header, never its value (it may be a credential).
    if (!TOKEN.test(name)) throw new HttpTransportError(`invalid header name ${JSON.stringify(name)}`, 'INVALID_REQUEST');
    if (!FIELD_VALUE.test(value)) throw new HttpTransportError(`invalid characters in the value of header ${name}`, 'INVALID_REQUEST');
    if (name.toLowerCase() === 'host') hasHost = true;
    lines += `${name}: ${value}\r\n`;
  }
  return { pairs, lines, hasHost, ascii: !NON_ASCII.test(lines) };
}

/** What one request (one hop of a redirect chain) puts on the wire. */
interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: PreparedHeaders;
  readonly body: string | Buffer | undefined;
}

/** Methods sent without a length when they have no body; others get `Content-Length: 0`, as Go sends them. */
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
  const pairs = from.headers.pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'host' && (keepCredentials || !CREDENTIAL_HEADERS.has(lower));
  });
  return { url, method, headers: prepareHeaders(pairs), body: keepsBody ? from.body : undefined };
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function abortError(): Error {
  return Object.assign(new Error('request aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

interface Waiter {
  readonly resolve: (connection: Connection) => void;
  readonly reject: (err: Error) => void;
}

/** A forwarding proxy's part in each request: the target in absolute form, and its credentials. */
interface ForwardProxy {
  readonly authorization: string | undefined;
}

/** Keep-alive connections to one origin: at most `max`, idle ones reused last-in first-out. */
class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly all = new Set<Connection>();
  private readonly idleTimers = new Map<Connection, { readonly timer: NodeJS.Timeout; readonly ms: number }>();
  private opening = 0;

  constructor(
    private readonly open: () => Promise<Duplex>,
    private readonly readyEvent: ReadyEvent,
    private readonly settings: Required<HttpClientOptions>,
    /** Called when no connection is busy and nobody waits (the client's close waits for it). */
    private readonly onQuiet: () => void,
    /** Set when requests go to a forwarding proxy (plain http behind HTTP_PROXY). */
    readonly forward: ForwardProxy | undefined,
  ) {}

  get busy(): boolean {
    return this.waiting.length > 0 || this.opening > 0 || this.all.size > this.idle.length;
  }

  /** An idle connection now, or a promise of one (a new connection, or the next one freed). */
  acquire(signal: AbortSignal | undefined): Connection | Promise<Connection> {
    while (this.idle.length > 0) {
      const connection = this.idle.pop()!;
      if (connection.isClosed) continue;
      connection.setIdle(false);
      return connection;
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (connection) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(connection);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        waiter.reject(abortError());
        if (!this.busy) this.onQuiet();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      if (this.all.size + this.opening < this.settings.connectionsPerOrigin) this.connect();
    });
  }

  private connect(): void {
    this.opening++;
    this.open().then(
      (socket) => {
        this.opening--;
        const connection = new Connection(socket, this.readyEvent, this.settings.connectTimeoutMs, (c) => this.release(c), (c) => this.forget(c));
        this.all.add(connection);
        this.release(connection);
      },
      (err: Error) => {
        this.opening--;
        // The first waiter gets the failure; the others wait for connections in use (or open their own).
        this.waiting.shift()?.reject(err);
        if (this.waiting.length > 0 && this.all.size + this.opening < this.settings.connectionsPerOrigin) this.connect();
        if (!this.busy) this.onQuiet();
      },
    );
  }

  private release(connection: Connection): void {
    const waiter = this.waiting.shift();
    if (waiter !== undefined) return waiter.resolve(connection);
    connection.setIdle(true);
    this.idle.push(connection);
    // Close before the server does (its announced timeout, less a second, as node:http does).
    const hint = connection.idleTimeoutMs;
    const idleMs = hint === undefined ? IDLE_CONNECTION_MS : Math.max(0, Math.min(IDLE_CONNECTION_MS, hint - 1000));
    const current = this.idleTimers.get(connection);
    if (current?.ms === idleMs) current.timer.refresh();
    else {
      clearTimeout(current?.timer);
      // Fires for a connection that went back to work too; it closes it only if it is idle.
      const timer = setTimeout(() => {
        if (this.idle.includes(connection)) connection.destroy();
      }, idleMs);
      timer.unref();
      this.idleTimers.set(connection, { timer, ms: idleMs });
    }
    if (!this.busy) this.onQuiet();
  }

  private forget(connection: Connection): void {
    this.all.delete(connection);
    clearTimeout(this.idleTimers.get(connection)?.timer);
    this.idleTimers.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    // A waiter whose connection closed under it gets a new one.
    if (this.waiting.length > 0 && this.all.size + this.opening < this.settings.connectionsPerOrigin) this.connect();
    if (!this.busy) this.onQuiet();
  }

  destroy(err: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(err);
    for (const connection of [...this.all]) connection.destroy(err);
  }
}

export class HttpClient {
  private readonly settings: Required<HttpClientOptions>;
  private readonly pools = new Map<string, OriginPool>();
  private quiet: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: HttpClientOptions = {}) {
    this.settings = { ...DEFAULT_HTTP_CLIENT_OPTIONS, ...options };
  }

  /** A sink sends the same headers every time: they are checked and rendered once. */
  private readonly preparedHeaders = new WeakMap<object, PreparedHeaders>();

  private headerList(given: HttpRequest['headers']): PreparedHeaders {
    const key = given ?? NO_HEADERS;
    let headers = this.preparedHeaders.get(key);
    if (headers === undefined) {
      // The body's own length is sent (a second Content-Length would make the request invalid).
      const pairs = key.filter(([name]) => name.toLowerCase() !== 'content-length');
      if (!pairs.some(([name]) => name.toLowerCase() === 'user-agent')) pairs.push(['User-Agent', this.settings.userAgent]);
      headers = prepareHeaders(pairs);
      this.preparedHeaders.set(key, headers);
    }
    return headers;
  }

  private poolFor(url: URL): OriginPool {
    let pool = this.pools.get(url.origin);
    if (pool === undefined) {
      const https = url.protocol === 'https:';
      const host = stripBrackets(url.hostname);
      const port = url.port === '' ? (https ? 443 : 80) : Number(url.port);
      const tls = { servername: isIP(host) === 0 ? host : undefined, rejectUnauthorized: this.settings.verifyTls, ALPNProtocols: ['http/1.1'] };
      const proxy = proxyFromEnvironment(url);
      const proxyOptions = { rejectUnauthorized: this.settings.verifyTls, timeoutMs: this.settings.connectTimeoutMs };
      let open: () => Promise<Duplex>;
      let readyEvent: ReadyEvent = https ? 'secureConnect' : 'connect';
      let forward: ForwardProxy | undefined;
      if (proxy === undefined) {
        open = async () => (https ? tlsConnect({ host, port, ...tls }) : netConnect({ host, port, noDelay: true }));
      } else if (https) {
        open = async () => tlsConnect({ host, ...tls, socket: await openTunnel(proxy, host, port, proxyOptions) });
      } else {
        // Plain http goes to the proxy itself, each request in absolute form (see wireRequest).
        open = async () => connectToProxy(proxy, proxyOptions);
        if (proxy.protocol === 'https:') readyEvent = 'secureConnect';
        forward = { authorization: proxyAuthorization(proxy) };
      }
      pool = new OriginPool(open, readyEvent, this.settings, () => this.checkQuiet(), forward);
      this.pools.set(url.origin, pool);
    }
    return pool;
  }

  /** Sends one request, following redirects; rejects on network failure, timeout or abort (see `exchange`). */
  async request(req: HttpRequest): Promise<HttpReply> {
    const [result] = await this.requestAll([req], req.signal);
    if (result instanceof Error) throw result;
    return result!;
  }

  /**
   * Sends requests to one origin pipelined on one keep-alive connection (HTTP/1.1: written at once,
   * answered in order), following redirects one request at a time afterwards. Requests the server
   * did not answer before closing go out again, in order, on another connection. Each request gets
   * its reply or why it has none; `signal` aborts them all.
   */
  async requestAll(reqs: readonly PipelinedRequest[], signal: AbortSignal | undefined): Promise<Array<HttpReply | Error>> {
    if (this.closing !== undefined) throw new HttpTransportError('client closed', 'CLIENT_CLOSED');
    const hops = reqs.map((req): Hop => {
      const body = req.body === undefined || typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      return { url: req.url, method: req.method, headers: this.headerList(req.headers), body };
    });
    const results = await this.sendAll(hops, signal);
    for (let i = 0; i < results.length; i++) {
      let hop: Hop | undefined = hops[i]!;
      for (let redirects = 0; ; redirects++) {
        const reply = results[i]!;
        if (reply instanceof Error) break;
        const location = redirects < this.settings.maxRedirections && REDIRECT_STATUSES.has(reply.status) ? reply.headers.location : undefined;
        hop = location === undefined ? undefined : redirectHop(hop, reqs[i]!.url, reply.status, location);
        if (hop === undefined) break;
        [results[i]] = await this.sendAll([hop], signal);
      }
    }
    return results;
  }

  /** Sends one request and classifies the result (a robot's `verdict` judges 2xx replies); never rejects. */
  async exchange(req: HttpRequest, verdict?: ReplyVerdict): Promise<Outcome> {
    const [outcome] = await this.exchangeAll([req], req.signal, verdict);
    return outcome!;
  }

  /** `requestAll` (pipelined), each result classified as `exchange` does; never rejects. */
  async exchangeAll(reqs: readonly PipelinedRequest[], signal: AbortSignal | undefined, verdict?: ReplyVerdict): Promise<Outcome[]> {
    let results: Array<HttpReply | Error>;
    try {
      results = await this.requestAll(reqs, signal);
    } catch (err) {
      results = reqs.map(() => err as Error);
    }
    return results.map((result, i) => {
      const target = reqs[i]!.target ?? describeTarget(reqs[i]!.method, reqs[i]!.url);
      return result instanceof Error ? classifyFailure(result, target, signal) : classifyReply(result, verdict, target);
    });
  }

  /** What goes on the wire for one hop; `forward` is its origin's forwarding proxy, if any. */
  private wireRequest(hop: Hop, forward: ForwardProxy | undefined): WireRequest {
    const { url, method, body, headers } = hop;
    if (!TOKEN.test(method)) throw new HttpTransportError(`invalid method ${JSON.stringify(method)}`, 'INVALID_REQUEST');
    let head = `${method} ${forward === undefined ? '' : url.origin}${url.pathname}${url.search} HTTP/1.1\r\n${headers.hasHost ? '' : `Host: ${url.host}\r\n`}`;
    if (forward?.authorization !== undefined) head += `Proxy-Authorization: ${forward.authorization}\r\n`;
    head += headers.lines;
    if (body !== undefined) head += `Content-Length: ${typeof body === 'string' ? Buffer.byteLength(body) : body.length}\r\n\r\n`;
    else head += BODILESS_METHODS.has(method) ? '\r\n' : 'Content-Length: 0\r\n\r\n';
    return {
      head,
      asciiHead: headers.ascii,
      body,
      headOnly: method === 'HEAD',
      maxReplyBytes: this.settings.maxReplyBytes,
      headersTimeoutMs: this.settings.headersTimeoutMs,
      bodyTimeoutMs: this.settings.bodyTimeoutMs,
    };
  }

  /**
   * Hops to one origin on the wire, pipelined on one connection; each gets its reply or error.
   * Requests a connection never answered go out again on another: those behind a reply after which
   * the server closed, and (as Go's client does, for each request at most once per connection the
   * pool may hold) a first request on a kept-alive connection the server closed just before it went out.
   */
  private async sendAll(hops: readonly Hop[], signal: AbortSignal | undefined): Promise<Array<WireReply | Error>> {
    const results = new Array<WireReply | Error>(hops.length);
    const queued: Array<{ readonly at: number; readonly wire: WireRequest }> = [];
    // One origin for all: its pool is looked up once, not per request.
    const forward = hops.length === 0 ? undefined : this.poolFor(hops[0]!.url).forward;
    hops.forEach((hop, at) => {
      try {
        queued.push({ at, wire: this.wireRequest(hop, forward) });
      } catch (err) {
        results[at] = err as Error;
      }
    });
    /** Stale-connection resends of the request at the front (it starts again at 0 for the next one). */
    let stale = 0;
    // After a connection closed on part of a pipeline, the rest go one at a time: a server that closes
    // after every reply would otherwise be sent every remaining request again after each reply.
    let perRound = queued.length;
    for (let from = 0; from < queued.length; ) {
      if (signal?.aborted) {
        for (const { at } of queued.slice(from)) results[at] = abortError();
        break;
      }
      const round = queued.slice(from, from + perRound);
      let replies: Array<PromiseSettledResult<WireReply>>;
      try {
        replies = await Promise.allSettled(await this.sendRound(hops[round[0]!.at]!.url, round.map(({ wire }) => wire), signal));
      } catch (err) {
        // No connection (refused, timed out, aborted while waiting): none of them went out.
        for (const { at } of round) results[at] = err as Error;
        break;
      }
      const start = from;
      from += round.length;
      for (let k = 0; k < replies.length; k++) {
        const reply = replies[k]!;
        if (reply.status === 'fulfilled') {
          results[round[k]!.at] = reply.value;
          stale = 0;
          continue;
        }
        const err = reply.reason as Error;
        const code = err instanceof HttpTransportError ? err.code : undefined;
        // After k > 0 replies a close means nothing more was answered: no budget is used.
        const resend = code === 'NOT_ANSWERED' || (code === 'STALE_CONNECTION' && (k > 0 || stale++ < this.settings.connectionsPerOrigin));
        if (resend) {
          from = start + k;
          perRound = 1;
          break;
        }
        results[round[k]!.at] = err;
        stale = 0;
      }
    }
    return results;
  }

  /** Writes the requests on one connection; resolves once they are on it, with their replies to come. */
  private async sendRound(url: URL, wires: readonly WireRequest[], signal: AbortSignal | undefined): Promise<Array<Promise<WireReply>>> {
    const acquired = this.poolFor(url).acquire(signal);
    const connection = acquired instanceof Connection ? acquired : await acquired;
    const replies = connection.send(wires);
    if (signal === undefined) return replies;
    // The last request is answered last: while it waits, the connection still serves this round.
    const last = wires[wires.length - 1]!;
    const onAbort = () => connection.abort(last, abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    void replies[replies.length - 1]!.then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
    return replies;
  }

  private checkQuiet(): void {
    if (this.quiet !== undefined && ![...this.pools.values()].some((pool) => pool.busy)) this.quiet();
  }

  /** Waits for requests in flight, then closes the connections. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if ([...this.pools.values()].some((pool) => pool.busy)) await new Promise<void>((resolve) => (this.quiet = resolve));
      this.destroyPools(new HttpTransportError('client closed', 'CLIENT_CLOSED'));
    })();
    return this.closing;
  }

  /** Aborts everything in flight. Safe to call more than once. */
  destroy(): Promise<void> {
    this.destroyPools(new HttpTransportError('client destroyed', 'CLIENT_DESTROYED'));
    this.closing ??= Promise.resolve();
    return this.closing;
  }

  private destroyPools(err: Error): void {
    for (const pool of this.pools.values()) pool.destroy(err);
  }
}
