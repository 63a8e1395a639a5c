// One keep-alive HTTP/1.1 connection of the sinks' client: requests written in one piece (several
// at once when pipelined), the replies read in order straight off the socket (status, headers, a
// Content-Length, chunked or read-until-close body). Lighter per request than node:http's agent,
// request and message streams.
import type { Duplex } from 'node:stream';

/** A transport failure with a code `classifyFailure` describes (timeouts, the server closing). */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface WireReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The first `maxReplyBytes` of the body, decoded as UTF-8. */
  readonly body: string;
  readonly truncated: boolean;
}

/** One request as it goes on the wire. */
export interface WireRequest {
  /** Request line and header lines, ending with the empty line. */
  readonly head: string;
  /** The head holds only ASCII, so it can share one UTF-8 write with a string body. */
  readonly asciiHead: boolean;
  readonly body: string | Buffer | undefined;
  /** HEAD: the reply has no body whatever its headers say. */
  readonly headOnly: boolean;
  readonly maxReplyBytes: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** Reply heads larger than this are refused (node:http's default limit). */
const MAX_HEAD_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Some servers end header lines with a bare LF; Go's client accepts them, so this client does too. */
const BARE_LF_HEAD_END = Buffer.from('\n\n');

type BodyFraming = 'none' | 'length' | 'chunked' | 'close';

/** One request on the connection and who waits for its reply. */
interface Exchange {
  readonly request: WireRequest;
  readonly resolve: (reply: WireReply) => void;
  readonly reject: (err: Error) => void;
}

/** A parsed reply head (status line and header fields). */
interface ReplyHead {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly framing: BodyFraming;
  readonly length: number;
  readonly keepAlive: boolean;
  /** The server's `Keep-Alive: timeout=N`, in ms (undefined when it announces none). */
  readonly idleTimeoutMs: number | undefined;
}

/** Line `start` of a head up to its LF (or the end), without the CR before it. */
function lineAt(text: string, start: number, end: number): string {
  return text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
}

function parseHead(text: string, headOnly: boolean): ReplyHead | string {
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  const first = lineAt(text, 0, end);
  const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(first);
  if (statusLine === null) return `malformed status line ${JSON.stringify(first.slice(0, 40))}`;
  const headers: Record<string, string> = {};
  // One header field per line (CRLF or bare LF), scanned in place rather than split.
  for (let start = end + 1; start <= text.length && end < text.length; start = end + 1) {
    end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = lineAt(text, start, end);
    const colon = line.indexOf(':');
    if (colon <= 0) return 'malformed header line';
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const status = Number(statusLine[2]);
  const connection = headers.connection?.toLowerCase() ?? '';
  let keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  let framing: BodyFraming;
  let length = 0;
  if (headOnly || status === 204 || status === 304 || status < 200) framing = 'none';
  else if (headers['transfer-encoding'] !== undefined) {
    if (!/(^|,)\s*chunked\s*$/i.test(headers['transfer-encoding'])) return `unsupported transfer-encoding ${JSON.stringify(headers['transfer-encoding'])}`;
    framing = 'chunked';
  } else if (headers['content-length'] !== undefined) {
    if (!/^\d{1,15}$/.test(headers['content-length'])) return 'malformed content-length';
    framing = 'length';
    length = Number(headers['content-length']);
  } else {
    framing = 'close';
    keepAlive = false;
  }
  const hint = /(?:^|,)\s*timeout=(\d+)/i.exec(headers['keep-alive'] ?? '');
  // Shared by every reply that repeats this head.
  Object.freeze(headers);
  return { status, headers, framing, length, keepAlive, idleTimeoutMs: hint === null ? undefined : Number(hint[1]) * 1000 };
}

/** A plain socket is ready on `connect`, a TLS one on `secureConnect`. */
export type ReadyEvent = 'connect' | 'secureConnect';

/**
 * A connection is handed requests (`send`), one or several pipelined; `onIdle` is called when every
 * reply has been read in full and the connection can take more, `onClose` once when it is gone.
 */
export class Connection {
  /** Requests sent and not yet answered, in order: the first is the one whose reply is being read. */
  private readonly exchanges: Exchange[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The armed timer's delay, and what it ends the connection with (read when it fires). */
  private timerMs = 0;
  private timeoutMessage = '';
  private timeoutCode = '';
  /** The last reply head read, raw and parsed: a server repeats its head (the Date changes once a second). */
  private lastHead: { readonly bytes: Buffer; readonly headOnly: boolean; readonly head: ReplyHead } | undefined;
  private ready = false;
  private closed = false;
  private failure: Error | undefined;
  /** The connection was ended on our side (timeout, bad reply, abort), not by the server. */
  private endedHere = false;
  /** The server's FIN arrived: the socket closes next and takes no more requests. */
  private serverEnded = false;
  /** Replies read in full on this connection, and whether any byte of the first unanswered one arrived. */
  private served = 0;
  private replyStarted = false;
  // Reply parser state.
  private unread: Buffer | undefined;
  private head: ReplyHead | undefined;
  private remaining = 0;
  private chunkPhase: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private kept: Buffer[] = [];
  private keptBytes = 0;
  private truncated = false;
  /** The last reply's `Keep-Alive: timeout`, for the pool's idle timer. */
  idleTimeoutMs: number | undefined;

  constructor(
    private readonly socket: Duplex,
    /** The event after which the socket is ready. */
    readyEvent: ReadyEvent,
    connectTimeoutMs: number,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onClose: (connection: Connection) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (err: Error) => (this.failure ??= err));
    socket.on('end', () => (this.serverEnded = true));
    socket.on('close', () => this.gone());
    this.arm(connectTimeoutMs, 'connect timed out', 'CONNECT_TIMEOUT');
    socket.once(readyEvent, () => {
      this.ready = true;
      if (this.exchanges.length > 0) this.armHeaders();
      else this.disarm();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** While idle in the pool the connection does not keep the process alive. */
  setIdle(idle: boolean): void {
    const socket = this.socket as Duplex & { ref?: () => void; unref?: () => void };
    if (idle) socket.unref?.();
    else socket.ref?.();
  }

  /**
   * Writes the requests in one piece (more than one: HTTP/1.1 pipelining); their replies come in
   * the same order. Requests behind one the server never answers fail with `NOT_ANSWERED`.
   */
  send(requests: readonly WireRequest[]): Array<Promise<WireReply>> {
    if (this.closed) {
      const err = this.failure ?? new HttpTransportError('connection closed by the server', 'SOCKET_CLOSED');
      return requests.map(() => Promise.reject(err));
    }
    if (this.exchanges.length === 0 && this.ready) this.armHeaders(requests[0]!);
    const replies = requests.map((request) => new Promise<WireReply>((resolve, reject) => this.exchanges.push({ request, resolve, reject })));
    // Strings with ASCII heads become one string (one encoding, one write); anything else is corked.
    let text = '';
    let asText = true;
    for (const { head, body, asciiHead } of requests) {
      if (asciiHead && body === undefined) text += head;
      else if (asciiHead && typeof body === 'string') text += head + body;
      else asText = false;
    }
    if (asText) this.socket.write(text);
    else {
      this.socket.cork();
      for (const { head, body } of requests) {
        this.socket.write(head, 'latin1');
        if (body !== undefined) this.socket.write(body);
      }
      this.socket.uncork();
    }
    return replies;
  }

  /** Ends the connection if it is still serving `request` (an abort that comes late leaves later requests alone). */
  abort(request: WireRequest, err: Error): void {
    if (this.exchanges.some((exchange) => exchange.request === request)) this.destroy(err);
  }

  /** Ends the connection; a request in flight fails with `err`. */
  destroy(err?: Error): void {
    if (err !== undefined) {
      this.failure ??= err;
      this.endedHere = true;
    }
    this.socket.destroy();
    this.gone();
  }

  /** Times the connection out after `ms`; the timer is reused when the delay is the same (a reply's head, then its body, then the next head). */
  private arm(ms: number, message: string, code: string): void {
    this.timeoutMessage = message;
    this.timeoutCode = code;
    if (this.timer !== undefined && this.timerMs === ms) {
      this.timer.refresh();
      return;
    }
    clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.destroy(new HttpTransportError(this.timeoutMessage, this.timeoutCode)), ms);
  }

  /** Times the wait for the first unanswered request's reply head. */
  private armHeaders(request: WireRequest = this.exchanges[0]!.request): void {
    this.arm(request.headersTimeoutMs, 'no response headers in time', 'HEADERS_TIMEOUT');
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.disarm();
    const [exchange, ...unanswered] = this.exchanges.splice(0);
    if (exchange !== undefined) {
      // A body that runs until the connection closes is complete now.
      if (this.head?.framing === 'close' && this.failure === undefined) exchange.resolve(this.reply(this.head));
      else if (this.served > 0 && !this.replyStarted && !this.endedHere) exchange.reject(new HttpTransportError('reused connection closed by the server before replying', 'STALE_CONNECTION'));
      else exchange.reject(this.failure ?? new HttpTransportError('connection closed by the server', 'SOCKET_CLOSED'));
    }
    for (const { reject } of unanswered) reject(new HttpTransportError('connection closed before replying to an earlier pipelined request', 'NOT_ANSWERED'));
    this.onClose(this);
  }

  /** The head in `data` up to `end`, parsed unless it repeats the last one byte for byte. */
  private parseHeadOnce(data: Buffer, end: number, headOnly: boolean): ReplyHead | string {
    const last = this.lastHead;
    if (last !== undefined && last.headOnly === headOnly && last.bytes.length === end && data.compare(last.bytes, 0, end, 0, end) === 0) return last.head;
    const head = parseHead(data.toString('latin1', 0, end), headOnly);
    if (typeof head !== 'string') this.lastHead = { bytes: Buffer.from(data.subarray(0, end)), headOnly, head };
    return head;
  }

  private protocolError(problem: string): void {
    this.destroy(new HttpTransportError(`invalid reply: ${problem}`, 'INVALID_REPLY'));
  }

  private read(chunk: Buffer): void {
    let data = this.unread === undefined ? chunk : Buffer.concat([this.unread, chunk]);
    this.unread = undefined;
    while (data.length > 0 && !this.closed) {
      const exchange = this.exchanges[0];
      // Bytes beyond the last reply: the server sent more than asked for.
      if (exchange === undefined) return this.protocolError(this.served === 0 ? 'data without a request' : 'data after the last reply');
      this.replyStarted = true;
      if (this.head === undefined) {
        let end = data.indexOf(HEAD_END);
        let endLength = HEAD_END.length;
        if (end < 0) [end, endLength] = [data.indexOf(BARE_LF_HEAD_END), BARE_LF_HEAD_END.length];
        if (end < 0) {
          if (data.length > MAX_HEAD_BYTES) return this.protocolError('headers too large');
          this.unread = data;
          return;
        }
        const head = this.parseHeadOnce(data, end, exchange.request.headOnly);
        if (typeof head === 'string') return this.protocolError(head);
        data = data.subarray(end + endLength);
        // Interim replies (100 Continue, 103 Early Hints) precede the real one.
        if (head.status < 200) continue;
        this.head = head;
        this.remaining = head.length;
        this.chunkPhase = 'size';
        this.arm(exchange.request.bodyTimeoutMs, 'response body stalled', 'BODY_TIMEOUT');
        if (head.framing === 'none' || (head.framing === 'length' && head.length === 0)) this.complete();
        continue;
      }
      this.timer?.refresh();
      data = this.readBody(data, this.head);
    }
  }

  /** Consumes body bytes; returns what is left of `data` once the current step needs more. */
  private readBody(data: Buffer, head: ReplyHead): Buffer {
    if (head.framing === 'close') {
      this.keep(data);
      return data.subarray(data.length);
    }
    if (head.framing === 'length') {
      const part = data.length > this.remaining ? data.subarray(0, this.remaining) : data;
      this.keep(part);
      this.remaining -= part.length;
      if (this.remaining === 0) this.complete();
      return data.subarray(part.length);
    }
    switch (this.chunkPhase) {
      case 'size': {
        const eol = data.indexOf(CRLF);
        if (eol < 0) return this.waitForLine(data);
        const size = /^([0-9a-f]{1,12})(?:;.*)?$/i.exec(data.toString('latin1', 0, eol).trim());
        if (size === null) {
          this.protocolError('malformed chunk size');
          return data.subarray(data.length);
        }
        this.remaining = parseInt(size[1]!, 16);
        this.chunkPhase = this.remaining === 0 ? 'trailer' : 'data';
        return data.subarray(eol + 2);
      }
      case 'data': {
        const part = data.length > this.remaining ? data.subarray(0, this.remaining) : data;
        this.keep(part);
        this.remaining -= part.length;
        if (this.remaining === 0) this.chunkPhase = 'data-end';
        return data.subarray(part.length);
      }
      case 'data-end': {
        if (data.length < 2) return this.waitForLine(data);
        if (data[0] !== 13 || data[1] !== 10) {
          this.protocolError('chunk without its line end');
          return data.subarray(data.length);
        }
        this.chunkPhase = 'size';
        return data.subarray(2);
      }
      case 'trailer': {
        const eol = data.indexOf(CRLF);
        if (eol < 0) return this.waitForLine(data);
        if (eol === 0) this.complete();
        return data.subarray(eol + 2);
      }
    }
  }

  private waitForLine(data: Buffer): Buffer {
    if (data.length > MAX_HEAD_BYTES) this.protocolError('line too long');
    else this.unread = data;
    return data.subarray(data.length);
  }

  private keep(part: Buffer): void {
    const max = this.exchanges[0]!.request.maxReplyBytes;
    if (this.keptBytes >= max) {
      if (part.length > 0) this.truncated = true;
      return;
    }
    const kept = this.keptBytes + part.length > max ? part.subarray(0, max - this.keptBytes) : part;
    if (kept.length < part.length) this.truncated = true;
    this.kept.push(kept);
    this.keptBytes += kept.length;
  }

  private reply(head: ReplyHead): WireReply {
    const body = this.kept.length === 0 ? '' : this.kept.length === 1 ? this.kept[0]!.toString('utf8') : Buffer.concat(this.kept, this.keptBytes).toString('utf8');
    return { status: head.status, headers: head.headers, body, truncated: this.truncated };
  }

  /** The first unanswered reply is read in full; the next one's head is awaited, or the connection is idle. */
  private complete(): void {
    const head = this.head!;
    const exchange = this.exchanges.shift()!;
    const reply = this.reply(head);
    this.served++;
    this.replyStarted = false;
    this.head = undefined;
    this.kept = [];
    this.keptBytes = 0;
    this.truncated = false;
    this.idleTimeoutMs = head.idleTimeoutMs;
    exchange.resolve(reply);
    // Requests pipelined behind a `Connection: close` reply are not answered (see `gone`).
    if (!head.keepAlive) return this.destroy();
    if (this.exchanges.length > 0) return this.armHeaders();
    this.disarm();
    // A server that closes after each reply without saying so sends its FIN in the next read: let
    // that read happen before the connection is reused.
    setImmediate(() => {
      if (!this.closed && !this.serverEnded && this.exchanges.length === 0) this.onIdle(this);
    });
  }
}
