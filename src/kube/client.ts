// A small Kubernetes API client: JSON requests and line-by-line watch streams over a keep-alive
// agent, with a timeout on every request. Credentials come from KubeConnectionConfig.
import type { Agent, IncomingMessage } from 'node:http';
import https from 'node:https';
import { http } from '../base/node-http.js';
import { finished } from 'node:stream';
import type { SinkUri } from '../base/uri.js';
import { parseRetryAfter } from '../base/retry-after.js';
import { buildKubeConnection, type KubeConfigEnvironment, type KubeConnectionConfig } from './config.js';
import { KubeApiError, type KubeApi, type Query, type RequestOptions, type WatchOptions } from './api.js';
import { ListScanError, ListScanner } from './list-scanner.js';
import { EventLineScanner } from './event-line-scanner.js';
import { keepExactInt64s, OWN_METADATA, WATCHED_METADATA } from '../event/exact-int64.js';
import { proxyAuthorization, stripBrackets, TunnelAgent } from '../base/proxy.js';
import { runReflector, type ReflectorTuning } from './reflector.js';
import type { ConfigMap, KubeList, KubeStatus, Lease, ListMeta, TypeMeta, WatchEvent, WatchEventType } from './types.js';

export interface KubeClientOptions {
  /** Timeout of every non-watch request, and of a watch until its response headers. Default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly userAgent?: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const MAX_ERROR_TEXT = 300;
/** One watch line (one object): far above any real object (etcd refuses values over 1.5 MiB by default). */
export const MAX_WATCH_LINE_BYTES = 16 * 1024 * 1024;
/** One JSON response (a list page of at most 500 objects, a ConfigMap, a Lease). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** An error response: only its Status message is shown. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const MIB = 1024 * 1024;

/** Reads a response body up to `maxBytes`; past it, the response is destroyed and a KubeApiError says so. */
async function readBody(res: IncomingMessage, method: string, path: string, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) {
      res.destroy();
      throw new KubeApiError(method, path, res.statusCode ?? 0, 'ResponseTooLarge', `the response body exceeds ${maxBytes >= MIB ? `${maxBytes / MIB} MiB` : `${maxBytes / 1024} KiB`}; not read further`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length).toString('utf8');
}

/** A watch line longer than the cap: the stream is dropped before more of it is buffered. */
export class LineTooLongError extends RangeError {}

/**
 * Turns a watch stream's bytes into events. The complete lines of a chunk are decoded as one run
 * (a newline byte is always a character boundary) in one synchronous loop; an unfinished line is kept
 * as Buffers (a line arriving in many chunks costs linear time) and refused past `maxBytes` before
 * more of it is buffered.
 */
export class WatchLineDecoder<T> {
  private parts: Buffer[] = [];
  private length = 0;
  /** What follows the type in a line whose object starts with the TypeMeta to omit. */
  private readonly typeMetaPrefix: string | undefined;
  /** With deferred Events: each change type's whole line prefix, up to the object's third member. */
  private readonly deferredPrefixes: ReadonlyMap<number, { type: WatchEventType; bytes: Buffer }> | undefined;
  private readonly scanner: EventLineScanner | undefined;

  constructor(
    private readonly maxBytes: number,
    omitTypeMeta?: TypeMeta,
    /** Event changes in the API server's layout come as DeferredEvents (omitTypeMeta must be Event's). */
    deferEvents = false,
  ) {
    if (omitTypeMeta !== undefined) this.typeMetaPrefix = `","object":${JSON.stringify({ kind: omitTypeMeta.kind, apiVersion: omitTypeMeta.apiVersion }).slice(0, -1)},`;
    if (deferEvents && this.typeMetaPrefix !== undefined) {
      const changes: WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED'];
      // Told apart by the type's first letter, the byte after `{"type":"`.
      this.deferredPrefixes = new Map(changes.map((type) => [type.charCodeAt(0), { type, bytes: Buffer.from(`{"type":"${type}${this.typeMetaPrefix}`) }]));
      this.scanner = new EventLineScanner();
    }
  }

  /**
   * Appends the events of the complete lines in `chunk` (with what was buffered before) to `into`;
   * throws LineTooLongError past the cap, SyntaxError for a line that is not JSON (the events before
   * it are in `into`).
   */
  push(chunk: Buffer, into: Array<WatchEvent<T>>): void {
    const last = chunk.lastIndexOf(10);
    if (last < 0) return this.keep(chunk);
    let from = 0;
    if (this.parts.length > 0) {
      // Only the line that straddles chunks is joined, not the whole chunk.
      const first = chunk.indexOf(10);
      this.parts.push(chunk.subarray(0, first + 1));
      this.decode(Buffer.concat(this.parts, this.length + first + 1), into);
      this.parts = [];
      this.length = 0;
      from = first + 1;
    }
    if (from < last) this.decode(chunk.subarray(from, last + 1), into);
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** Bytes of an unfinished line. */
  get pending(): number {
    return this.length;
  }

  private keep(rest: Buffer): void {
    this.length += rest.length;
    if (this.length > this.maxBytes) throw new LineTooLongError(`a line exceeds ${this.maxBytes} bytes`);
    this.parts.push(rest);
  }

  /**
   * A line laid out as the API server writes it, `{"type":"…","object":{"kind":"…","apiVersion":"…",…}}`
   * with the TypeMeta to omit, is parsed from its object's third member on: no TypeMeta to copy the
   * object without later. Any other line is parsed whole.
   */
  private parse(line: string): WatchEvent<T> | undefined {
    const prefix = this.typeMetaPrefix;
    if (prefix !== undefined && line.startsWith('{"type":"')) {
      const typeEnd = line.indexOf('"', 9);
      const rest = typeEnd + prefix.length;
      if (typeEnd > 0 && line.startsWith(prefix, typeEnd) && line.charCodeAt(rest) === 34 && line.charCodeAt(line.length - 1) === 125) {
        const type = line.slice(9, typeEnd);
        if (!type.includes('\\')) {
          const text = `{${line.slice(rest, -1)}`;
          try {
            const object = JSON.parse(text) as T;
            keepExactInt64s(object, text, OWN_METADATA);
            return { type: type as WatchEventType, object };
          } catch {
            // another layout (a member after the object): parsed whole below
          }
        }
      }
    }
    return parseLine<T>(line);
  }

  /**
   * An Event change in the API server's layout, summarized, or undefined for any other line. The line
   * is not searched for its newline first: no byte compared or scanned here is one, so the scan stops
   * at the line's end (`scanner.newline`).
   */
  private deferred(lines: Buffer, start: number): WatchEvent<T> | undefined {
    const prefix = this.deferredPrefixes!.get(lines[start + 9]!);
    if (prefix === undefined) return undefined;
    const bytes = prefix.bytes;
    for (let i = 0; i < bytes.length; i++) if (lines[start + i] !== bytes[i]) return undefined;
    const event = this.scanner!.summarize(lines, start + bytes.length);
    return event === undefined ? undefined : { type: prefix.type, object: event as T };
  }

  /** Parses complete lines, each ending with its newline. */
  private decode(lines: Buffer, into: Array<WatchEvent<T>>): void {
    if (lines.length > this.maxBytes) this.checkLineLengths(lines);
    const scanner = this.scanner;
    if (scanner !== undefined) {
      for (let start = 0; start < lines.length; ) {
        const event = this.deferred(lines, start);
        if (event !== undefined) {
          into.push(event);
          start = scanner.newline + 1;
          continue;
        }
        const newline = lines.indexOf(10, start);
        if (newline > start) {
          const parsed = this.parse(lines.toString('utf8', start, newline));
          if (parsed !== undefined) into.push(parsed);
        }
        start = newline + 1;
      }
      return;
    }
    const text = lines.toString('utf8');
    for (let start = 0; start < text.length; ) {
      const end = text.indexOf('\n', start);
      if (end > start) {
        const event = this.parse(text.slice(start, end));
        if (event !== undefined) into.push(event);
      }
      start = end + 1;
    }
  }

  /** Only a run of lines longer than the cap can hold a line that is: measured in bytes, as the cap is. */
  private checkLineLengths(lines: Buffer): void {
    for (let start = 0; start <= lines.length; ) {
      let end = lines.indexOf(10, start);
      if (end < 0) end = lines.length;
      if (end - start > this.maxBytes) throw new LineTooLongError(`a line exceeds ${this.maxBytes} bytes`);
      start = end + 1;
    }
  }
}

/** One line's event; undefined for a blank line. Surrounding whitespace is checked only when the fast parse fails. */
function parseLine<T>(text: string): WatchEvent<T> | undefined {
  let event: WatchEvent<T>;
  try {
    event = JSON.parse(text) as WatchEvent<T>;
  } catch (err) {
    const trimmed = text.trim();
    if (trimmed === '') return undefined;
    if (trimmed === text) throw err;
    event = JSON.parse(trimmed) as WatchEvent<T>;
  }
  keepExactInt64s(event, text, WATCHED_METADATA);
  return event;
}

/** Chunks waiting for the consumer before the socket is paused. */
const MAX_QUEUED_CHUNKS = 256;

/**
 * A response's chunks as they arrive: everything that came while the consumer was busy, as one run.
 * The stream's own iterator would join them into a new Buffer (a copy of every byte). Ends with
 * the response, or throws as that iterator would when it breaks.
 */
async function* chunkRuns(res: IncomingMessage): AsyncGenerator<Buffer[], void, undefined> {
  let queue: Buffer[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    if (queue.push(chunk) >= MAX_QUEUED_CHUNKS) res.pause();
    wake?.();
  };
  res.on('data', onData);
  const stopWatching = finished(res, (err) => {
    ended = true;
    failure = err ?? undefined;
    wake?.();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const run = queue;
        queue = [];
        res.resume();
        yield run;
      } else if (failure !== undefined) throw failure;
      else if (ended) return;
      else await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    res.off('data', onData);
    stopWatching();
  }
}

function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Builds the error for a non-2xx response from its Status body (or its text when it is not one). */
function errorFromResponse(method: string, path: string, res: IncomingMessage, text: string): KubeApiError {
  const status = res.statusCode ?? 0;
  let reason = res.statusMessage ?? '';
  let detail = text.slice(0, MAX_ERROR_TEXT).trim() || '(empty body)';
  try {
    const parsed = JSON.parse(text) as KubeStatus;
    if (parsed.kind === 'Status') {
      reason = parsed.reason ?? reason;
      detail = parsed.message ?? detail;
    }
  } catch {
    // not JSON: keep the text
  }
  return new KubeApiError(method, path, status, reason, detail, parseRetryAfter(res.headers['retry-after']));
}

function networkError(method: string, path: string, err: unknown): KubeApiError {
  const e = err as NodeJS.ErrnoException;
  return new KubeApiError(method, path, 0, 'NetworkError', e.code === undefined ? e.message : `${e.code}: ${e.message}`);
}

/**
 * Aborts with the caller's signal, or after `ms` without a `touch()` (then `timedOut` is true). A touch
 * only notes the time; the timer, when it fires, waits for whatever is left, so a busy stream costs no
 * timer reset per chunk.
 */
class Deadline {
  readonly controller = new AbortController();
  timedOut = false;
  private timer: NodeJS.Timeout | undefined;
  private ms = 0;
  private touchedAt = 0;
  private readonly onAbort = () => this.controller.abort();

  constructor(
    private readonly signal: AbortSignal | undefined,
    ms: number,
  ) {
    if (signal?.aborted) this.controller.abort();
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.restart(ms);
  }

  restart(ms: number): void {
    clearTimeout(this.timer);
    this.ms = ms;
    this.touchedAt = performance.now();
    this.arm(ms);
  }

  /** Activity: the deadline moves to `ms` from now. */
  touch(): void {
    this.touchedAt = performance.now();
  }

  stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.signal?.removeEventListener('abort', this.onAbort);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const left = this.touchedAt + this.ms - performance.now();
      if (left > 0) return this.arm(left);
      this.timedOut = true;
      this.controller.abort();
    }, ms);
  }
}

export class KubeClient implements KubeApi {
  readonly server: string;
  /** How the connection was configured, for the startup log. */
  readonly description: string;
  readonly warnings: readonly string[];
  private readonly base: URL;
  private readonly agent: Agent;
  /** A proxy that takes this plain-http API server's requests in absolute form. */
  private readonly forwardProxy: URL | undefined;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;

  constructor(
    private readonly connection: KubeConnectionConfig,
    options: KubeClientOptions = {},
  ) {
    this.server = connection.server;
    this.description = connection.description;
    this.warnings = connection.warnings;
    this.base = new URL(connection.server);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? 'kube-eventer';
    const tls = connection.tls;
    const tlsOptions = {
      rejectUnauthorized: tls.rejectUnauthorized,
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls.key === undefined ? {} : { key: tls.key }),
      ...(tls.servername === undefined ? {} : { servername: tls.servername }),
    };
    const proxy = connection.proxyAgent === undefined ? connection.proxy : undefined;
    if (proxy !== undefined && this.base.protocol !== 'https:') this.forwardProxy = proxy;
    this.agent =
      connection.proxyAgent ??
      (proxy === undefined
        ? this.base.protocol === 'https:'
          ? new https.Agent({ keepAlive: true, ...tlsOptions })
          : new http.Agent({ keepAlive: true })
        : this.forwardProxy === undefined
          ? new TunnelAgent(proxy, tlsOptions)
          : proxy.protocol === 'https:'
            ? new https.Agent({ keepAlive: true })
            : new http.Agent({ keepAlive: true }));
  }

  /** Builds the connection from the `--source` URI (see config.ts) and a client on it. */
  static async fromUri(uri: SinkUri, environment?: KubeConfigEnvironment, options?: KubeClientOptions): Promise<KubeClient> {
    return new KubeClient(await buildKubeConnection(uri, environment), options);
  }

  /** Closes idle keep-alive connections. In-flight requests are ended by their own signals. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * Sends a request; a 401 makes the credentials refresh (token files re-read, exec plugins re-run)
   * and the request go once more, as client-go does when a token rotated under it.
   */
  private async open(method: string, path: string, query: Query | undefined, body: string | undefined, contentType: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    const res = await this.openOnce(method, path, query, body, contentType, signal);
    if (res.statusCode !== 401 || this.connection.refreshCredentials === undefined) return res;
    res.resume();
    await this.connection.refreshCredentials();
    return this.openOnce(method, path, query, body, contentType, signal);
  }

  private async openOnce(method: string, path: string, query: Query | undefined, body: string | undefined, contentType: string | undefined, signal: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(`${this.base.pathname.replace(/\/+$/, '')}${path}${queryString(query)}`, this.base);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.userAgent,
      ...(await this.connection.authHeaders()),
    };
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const proxy = this.forwardProxy;
    const transport = (proxy ?? url).protocol === 'https:' ? https : http;
    if (proxy !== undefined) {
      headers.Host = url.host;
      const authorization = proxyAuthorization(proxy);
      if (authorization !== undefined) headers['Proxy-Authorization'] = authorization;
    }
    const options = { method, headers, agent: this.agent, signal };
    return new Promise((resolve, reject) => {
      const req =
        proxy === undefined
          ? transport.request(url, options)
          : transport.request({ ...options, host: stripBrackets(proxy.hostname), port: proxy.port, path: `${url.origin}${url.pathname}${url.search}` });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
  }

  /**
   * One JSON request. Resolves with the parsed body of a 2xx response; throws KubeApiError for
   * API errors, network errors and timeouts, or the abort reason when `signal` aborts.
   */
  async requestJson<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const deadline = new Deadline(options.signal, options.timeoutMs ?? this.requestTimeoutMs);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const contentType = options.contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : undefined);
    try {
      const res = await this.open(method, path, options.query, body, contentType, deadline.controller.signal);
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status <= 299;
      const text = await readBody(res, method, path, ok ? (options.maxBytes ?? MAX_RESPONSE_BYTES) : MAX_ERROR_BODY_BYTES);
      if (!ok) throw errorFromResponse(method, path, res, text);
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new KubeApiError(method, path, status, 'BadResponse', 'the response body is not JSON');
      }
    } catch (err) {
      throw this.translate(err, method, path, deadline, options.signal);
    } finally {
      deadline.dispose();
    }
  }

  /**
   * GETs one list (page) and hands each item to `onItem` as soon as it has arrived, never holding the
   * whole body: a page is read at 16 MiB an item, whatever its total size. Resolves with the list's
   * metadata (resourceVersion, continue); errors as requestJson.
   */
  async list<T>(path: string, onItem: (item: T) => void, options: Pick<RequestOptions, 'query' | 'signal' | 'timeoutMs'> = {}): Promise<ListMeta> {
    const deadline = new Deadline(options.signal, options.timeoutMs ?? this.requestTimeoutMs);
    try {
      const res = await this.open('GET', path, options.query, undefined, undefined, deadline.controller.signal);
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) throw errorFromResponse('GET', path, res, await readBody(res, 'GET', path, MAX_ERROR_BODY_BYTES));
      const scanner = new ListScanner<T>(onItem, MAX_WATCH_LINE_BYTES);
      try {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          // A slow consumer of a large list is not a silent server.
          deadline.touch();
          scanner.push(chunk);
        }
        return scanner.end().metadata ?? {};
      } catch (err) {
        if (!(err instanceof ListScanError)) throw err;
        res.destroy();
        throw new KubeApiError('GET', path, status, 'BadResponse', err.message);
      }
    } catch (err) {
      throw this.translate(err, 'GET', path, deadline, options.signal);
    } finally {
      deadline.dispose();
    }
  }

  private translate(err: unknown, method: string, path: string, deadline: Deadline, signal: AbortSignal | undefined): unknown {
    if (err instanceof KubeApiError) return err;
    if (signal?.aborted) return signal.reason ?? err;
    if (deadline.timedOut) return new KubeApiError(method, path, 0, 'Timeout', 'no response in time');
    return networkError(method, path, err);
  }

  /**
   * Opens a watch (`?watch=true` is added) and yields its events as they arrive, the events that
   * arrived together as one batch (in order). Returns when the server ends the stream; throws KubeApiError
   * when the watch cannot start or the connection breaks, or the abort reason when `signal` aborts.
   */
  async *watch<T = unknown>(path: string, options: WatchOptions = {}): AsyncGenerator<Array<WatchEvent<T>>, void, undefined> {
    const deadline = new Deadline(options.signal, this.requestTimeoutMs);
    let res: IncomingMessage | undefined;
    try {
      res = await this.open('GET', path, { ...options.query, watch: 'true' }, undefined, undefined, deadline.controller.signal);
      if (res.statusCode !== 200) throw errorFromResponse('WATCH', path, res, await readBody(res, 'WATCH', path, MAX_ERROR_BODY_BYTES));
      if (options.idleTimeoutMs === undefined) deadline.stopTimer();
      else deadline.restart(options.idleTimeoutMs);
      options.onOpen?.();
      const decoder = new WatchLineDecoder<T>(MAX_WATCH_LINE_BYTES, options.omitTypeMeta, options.deferEvents);
      for await (const chunks of chunkRuns(res)) {
        deadline.touch();
        const events: Array<WatchEvent<T>> = [];
        let failure: KubeApiError | undefined;
        try {
          for (const chunk of chunks) decoder.push(chunk, events);
        } catch (err) {
          failure =
            err instanceof LineTooLongError
              ? new KubeApiError('WATCH', path, 200, 'LineTooLong', `a watch event is longer than ${MAX_WATCH_LINE_BYTES / MIB} MiB (no newline); the stream is dropped and the watch resumes`)
              : new KubeApiError('WATCH', path, 200, 'BadResponse', 'a watch event is not valid JSON');
        }
        if (events.length > 0) {
          yield events;
          // Time the consumer spent on the events (back-pressure) is not silence from the server.
          deadline.touch();
        }
        if (failure !== undefined) throw failure;
      }
      if (decoder.pending > 0) throw new KubeApiError('WATCH', path, 0, 'NetworkError', 'the watch stream ended in the middle of an event');
    } catch (err) {
      if (deadline.timedOut && res?.statusCode === 200) throw new KubeApiError('WATCH', path, 0, 'Timeout', `no data for ${options.idleTimeoutMs} ms`);
      throw this.translate(err, 'WATCH', path, deadline, options.signal);
    } finally {
      deadline.dispose();
      // A consumer that stops early leaves the response open: end the connection.
      if (res !== undefined && !res.complete) res.destroy();
    }
  }

  getConfigMap(namespace: string, name: string, signal?: AbortSignal): Promise<ConfigMap | undefined> {
    return this.getOptional<ConfigMap>(`${configMapsPath(namespace)}/${encodeURIComponent(name)}`, signal);
  }

  createConfigMap(namespace: string, configMap: ConfigMap, signal?: AbortSignal): Promise<ConfigMap> {
    return this.requestJson<ConfigMap>('POST', configMapsPath(namespace), { body: configMap, ...(signal ? { signal } : {}) });
  }

  /** PUT; with metadata.resourceVersion set, a concurrent change makes it fail with HTTP 409. */
  updateConfigMap(namespace: string, configMap: ConfigMap, signal?: AbortSignal): Promise<ConfigMap> {
    return this.requestJson<ConfigMap>('PUT', `${configMapsPath(namespace)}/${encodeURIComponent(configMap.metadata.name ?? '')}`, { body: configMap, ...(signal ? { signal } : {}) });
  }

  getLease(namespace: string, name: string, signal?: AbortSignal): Promise<Lease | undefined> {
    return this.getOptional<Lease>(`${leasesPath(namespace)}/${encodeURIComponent(name)}`, signal);
  }

  createLease(namespace: string, lease: Lease, signal?: AbortSignal): Promise<Lease> {
    return this.requestJson<Lease>('POST', leasesPath(namespace), { body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }, ...(signal ? { signal } : {}) });
  }

  /** PUT; with metadata.resourceVersion set, a concurrent change makes it fail with HTTP 409. */
  updateLease(namespace: string, lease: Lease, signal?: AbortSignal): Promise<Lease> {
    return this.requestJson<Lease>('PUT', `${leasesPath(namespace)}/${encodeURIComponent(lease.metadata.name ?? '')}`, {
      body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease },
      ...(signal ? { signal } : {}),
    });
  }

  private async getOptional<T>(path: string, signal: AbortSignal | undefined): Promise<T | undefined> {
    try {
      return await this.requestJson<T>('GET', path, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * Follows one ConfigMap (list + watch on its name, resumed across disconnects, relisted on 410)
   * until `signal` aborts. `onChange` gets the current object after the first list and after
   * every change (undefined while it does not exist); it is not called for a relist that finds
   * the same resourceVersion. API errors are retried with backoff and reported to `onError`.
   */
  async watchConfigMap(
    namespace: string,
    name: string,
    onChange: (configMap: ConfigMap | undefined) => void | Promise<void>,
    signal: AbortSignal,
    options: ReflectorTuning & { onError?: (err: unknown) => void } = {},
  ): Promise<void> {
    let current: ConfigMap | undefined;
    let known = false;
    const publish = async (next: ConfigMap | undefined) => {
      if (known && next?.metadata.resourceVersion === current?.metadata.resourceVersion) return;
      known = true;
      current = next;
      await onChange(next);
    };
    await runReflector<ConfigMap>({
      ...options,
      client: this,
      path: configMapsPath(namespace),
      query: { fieldSelector: `metadata.name=${name}` },
      signal,
      handlers: {
        onList: (items) => publish(items[0]),
        onChange: (type, object) => publish(type === 'DELETED' ? undefined : object),
        ...(options.onError ? { onError: (_op: string, err: unknown) => options.onError!(err) } : {}),
      },
    });
  }
}

export const configMapsPath = (namespace: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
export const leasesPath = (namespace: string) => `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/leases`;
export const eventsPath = (namespace?: string) => (namespace === undefined ? '/api/v1/events' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`);

export type { ConfigMap, KubeList, KubeStatus, Lease, WatchEvent };
