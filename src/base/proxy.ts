// The proxy for an HTTP(S) URL (the API server's and the HTTP sinks'), chosen as client-go chooses it
// (Go's http.ProxyFromEnvironment): a kubeconfig `proxy-url` wins; else HTTPS_PROXY for https URLs and
// HTTP_PROXY for http ones, unless NO_PROXY matches the host; localhost and loopback are never proxied.
import type { Agent, AgentOptions } from 'node:http';
import type { AgentOptions as HttpsAgentOptions } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';

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

function stripBrackets(host: string): string {
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

/** A keep-alive agent that reaches `target`'s origin through `proxy` (CONNECT for https, absolute URIs for http). */
export function proxyAgent(proxy: URL, target: URL, options: HttpsAgentOptions & AgentOptions): Agent {
  return target.protocol === 'https:' ? new HttpsProxyAgent({ keepAlive: true, ...options, proxy }) : new HttpProxyAgent({ keepAlive: true, ...options, proxy });
}

/** `scheme://host:port` of a proxy, without credentials, for logs. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
