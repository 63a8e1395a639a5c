// The proxy for an HTTP(S) URL (the API server's and the HTTP sinks'), chosen as client-go chooses it
// (Go's http.ProxyFromEnvironment): a kubeconfig `proxy-url` wins; else HTTPS_PROXY for https URLs and
// HTTP_PROXY for http ones, unless NO_PROXY matches the host; localhost and loopback are never proxied.
// Then as Go's transport uses it: https through a CONNECT tunnel, plain http as absolute-form requests.
import type { RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { http } from './node-http.js';
import { BlockList, connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value === undefined || value === '' ? undefined : value;
}

/** Go parses a proxy value without a scheme as http://. */
function parseProxy(value: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return undefined;
  }
}

/** A URL's hostname as sockets take it: an IPv6 address without its brackets. */
export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Go's httpproxy rules for one NO_PROXY entry: `*`, an IP, a CIDR, a domain (with or without a leading dot), each optionally with a port. */
function matchesNoProxy(entry: string, host: string, port: string): boolean {
  let pattern = entry.trim().toLowerCase();
  if (pattern === '') return false;
  if (pattern === '*') return true;
  const cidr = /^(.+)\/(\d+)$/.exec(pattern);
  if (cidr && isIP(host) !== 0 && isIP(cidr[1]!) !== 0) {
    const list = new BlockList();
    const family = isIP(cidr[1]!) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(cidr[1]!, Number(cidr[2]), family);
    return isIP(host) === (family === 'ipv6' ? 6 : 4) && list.check(host, family);
  }
  let entryPort = '';
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(pattern);
  if (withPort) {
    pattern = withPort[1]!;
    entryPort = withPort[2]!;
  }
  pattern = stripBrackets(pattern);
  if (entryPort !== '' && entryPort !== port) return false;
  if (isIP(pattern) !== 0) return pattern === host;
  const domain = pattern.startsWith('.') ? pattern.slice(1) : pattern;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === domain || host.endsWith(`.${domain}`);
}

/** The proxy Go's ProxyFromEnvironment would use for `target`, or undefined for a direct connection. */
export function proxyFromEnvironment(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const host = stripBrackets(target.hostname.toLowerCase());
  if (host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1') return undefined;
  const value = target.protocol === 'https:' ? envValue(env, 'HTTPS_PROXY') : envValue(env, 'HTTP_PROXY');
  if (value === undefined) return undefined;
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const noProxy = envValue(env, 'NO_PROXY');
  if (noProxy !== undefined && noProxy.split(',').some((entry) => matchesNoProxy(entry, host, port))) return undefined;
  return parseProxy(value);
}

/** `host:port` as a request target or Host header names it: an IPv6 address in brackets. */
function authority(host: string, port: number | string): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** The Proxy-Authorization Go sends from the proxy URL's user and password, or undefined. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '' && proxy.password === '') return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
}

export interface ProxyConnectOptions {
  /** Checks an https:// proxy's certificate (Go applies the transport's TLS settings to the proxy too). */
  readonly rejectUnauthorized?: boolean;
  readonly timeoutMs?: number;
}

/**
 * Opens a CONNECT tunnel to `host:port` (host without brackets) through `proxy` and resolves with its
 * socket. A refusal names the proxy (without credentials) and its status, e.g. 407 or 403.
 */
export function openTunnel(proxy: URL, host: string, port: number, options: ProxyConnectOptions = {}): Promise<Socket> {
  const target = authority(host, port);
  const authorization = proxyAuthorization(proxy);
  const secure = proxy.protocol === 'https:';
  const proxyHost = stripBrackets(proxy.hostname);
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : http.request)({
      host: proxyHost,
      port: proxy.port || (secure ? 443 : 80),
      method: 'CONNECT',
      path: target,
      setHost: false,
      headers: { host: target, ...(authorization === undefined ? {} : { 'proxy-authorization': authorization }) },
      agent: false,
      ...(secure ? { servername: isIP(proxyHost) === 0 ? proxyHost : undefined, rejectUnauthorized: options.rejectUnauthorized ?? true } : {}),
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    req.once('connect', (res, socket, head) => {
      req.removeAllListeners();
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${describeProxy(proxy)} refused CONNECT ${target}: HTTP ${res.statusCode}`));
        return;
      }
      // Bytes the proxy sent past its reply already belong to the tunnel.
      if (head.length > 0) socket.unshift(head);
      socket.setTimeout(0);
      resolve(socket);
    });
    req.once('timeout', () => req.destroy(new Error(`proxy ${describeProxy(proxy)} did not answer CONNECT ${target} in time`)));
    req.once('error', (err) => {
      req.removeAllListeners();
      reject(err);
    });
    req.end();
  });
}

/** A connection to the proxy itself (TLS for an https:// proxy), for requests in absolute form. */
export function connectToProxy(proxy: URL, options: ProxyConnectOptions = {}): Socket {
  const host = stripBrackets(proxy.hostname);
  if (proxy.protocol !== 'https:') return netConnect({ host, port: Number(proxy.port || 80), noDelay: true });
  return tlsConnect({ host, port: Number(proxy.port || 443), servername: isIP(host) === 0 ? host : undefined, rejectUnauthorized: options.rejectUnauthorized ?? true, ALPNProtocols: ['http/1.1'] });
}

/**
 * Reaches an https origin through a proxy's CONNECT tunnel, then TLS to the origin (keep-alive). Not
 * for plain http, which goes to the proxy itself in absolute form: proxies commonly allow CONNECT
 * only to port 443 (Squid's default), and Go's transport never tunnels plain http.
 */
export class TunnelAgent extends HttpsAgent {
  constructor(
    private readonly proxy: URL,
    options: HttpsAgentOptions,
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    openTunnel(this.proxy, stripBrackets(options.host ?? ''), Number(options.port), { rejectUnauthorized: this.options.rejectUnauthorized ?? true }).then(
      // TLS to the origin over the tunnel, as https.Agent would over a direct socket.
      (socket) => callback?.(null, tlsConnect({ ...(options as TlsConnectionOptions), socket })),
      // Node's agent reads no socket when given an error.
      (err: Error) => callback?.(err, undefined as never),
    );
    return undefined;
  }
}

/** `scheme://host:port` of a proxy, without credentials, for logs. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
