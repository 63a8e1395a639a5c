// Turns the `--source=kubernetes:…` URI into an API server connection, with kube-eventer's
// options (docs/source.md) plus what people expect outside a cluster (KUBECONFIG, ~/.kube/config).
import { existsSync, readFileSync } from 'node:fs';
import type { Agent } from 'node:http';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
// @kubernetes/client-node is loaded only when a kubeconfig is read: it costs ~70 MiB of RSS, which an
// in-cluster daemon (the usual case) should not pay.
import type { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../base/errors.js';
import { parseGoBool } from '../base/go-bool.js';
import { option, type SinkUri } from '../base/uri.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Rotating tokens (bound service account tokens, exec plugins) are re-read this often, as client-go does. */
const CREDENTIAL_REFRESH_MS = 60_000;

const KNOWN_OPTIONS = ['inClusterConfig', 'insecure', 'localKubeConfig', 'auth', 'useServiceAccount'] as const;
type KnownOption = (typeof KNOWN_OPTIONS)[number];

export interface KubeTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
  readonly servername?: string;
}

export interface KubeConnectionConfig {
  /** API server base URL without a trailing slash, e.g. `https://10.96.0.1:443`. */
  readonly server: string;
  /** How the connection was chosen, for the startup log (never secrets). */
  readonly description: string;
  /** Options that were given but have no effect in the chosen mode; the caller logs them. */
  readonly warnings: readonly string[];
  readonly tls: KubeTls;
  /** Set when the kubeconfig asks for a proxy (`proxy-url`): requests must go through this agent. */
  readonly proxyAgent?: Agent;
  /** Credential headers for the next request (tokens are re-read as they rotate). */
  authHeaders(): Promise<Record<string, string>>;
}

export interface KubeConfigEnvironment {
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
  readonly homeDir?: string;
}

const PREFIX = '--source=kubernetes';

function fail(message: string): never {
  throw new ConfigError(`${PREFIX}: ${message}`);
}

function boolOption(uri: SinkUri, name: KnownOption, fallback: boolean): boolean {
  const text = option(uri, name);
  if (text === undefined) return fallback;
  const value = parseGoBool(text);
  if (value === undefined) fail(`option ${name}=${JSON.stringify(text)} is not a boolean (use true/false, 1/0, t/f)`);
  return value;
}

function stringOption(uri: SinkUri, name: KnownOption): string | undefined {
  const text = option(uri, name);
  if (text === '') fail(`option ${name} is empty: give a file path`);
  return text;
}

function readRequiredFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    fail(`${what}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `scheme://host[:port]` from the URI, or undefined when the URI names no server. */
function uriServer(uri: SinkUri): string | undefined {
  if (uri.host === '') {
    if (uri.scheme !== '' || uri.path !== '') {
      fail(`expected kubernetes:[http|https://host[:port]][?options], got a URI without a host (${JSON.stringify(uri.scheme === '' ? uri.path : `${uri.scheme}:${uri.path}`)})`);
    }
    return undefined;
  }
  if (uri.scheme !== 'http' && uri.scheme !== 'https') fail(`server scheme ${JSON.stringify(uri.scheme)} is not http or https`);
  return `${uri.scheme}://${uri.host}`;
}

function checkOptionNames(uri: SinkUri, warnings: string[]): void {
  for (const [name] of uri.query) {
    if ((KNOWN_OPTIONS as readonly string[]).includes(name)) continue;
    const lookalike = KNOWN_OPTIONS.find((k) => k.toLowerCase() === name.toLowerCase());
    if (lookalike !== undefined) fail(`unknown option ${JSON.stringify(name)}; did you mean ${lookalike}?`);
    warnings.push(`option ${JSON.stringify(name)} is not used by the kubernetes source; ignored`);
  }
}

/** Reads a token file now and then again after CREDENTIAL_REFRESH_MS, keeping the last good one if a re-read fails. */
function rotatingToken(path: string, initial: string): () => string {
  let token = initial;
  let readAt = Date.now();
  return () => {
    if (Date.now() - readAt >= CREDENTIAL_REFRESH_MS) {
      readAt = Date.now();
      try {
        const fresh = readFileSync(path, 'utf8').trim();
        if (fresh !== '') token = fresh;
      } catch {
        // keep the last good token; the API server will say 401 if it expired
      }
    }
    return token;
  };
}

function readServiceAccountToken(dir: string, what: string): () => string {
  const path = join(dir, 'token');
  const token = readRequiredFile(path, what).toString('utf8').trim();
  if (token === '') fail(`${what}: ${path} is empty`);
  return rotatingToken(path, token);
}

function bearer(token: () => string): () => Promise<Record<string, string>> {
  return async () => ({ Authorization: `Bearer ${token()}` });
}

function inClusterConnection(uri: SinkUri, insecure: boolean, environment: Required<KubeConfigEnvironment>, warnings: string[]): KubeConnectionConfig {
  for (const ignored of ['localKubeConfig', 'auth', 'useServiceAccount'] as const) {
    if (option(uri, ignored) !== undefined) warnings.push(`option ${ignored} is used only with inClusterConfig=false; ignored`);
  }
  let server = uriServer(uri);
  if (server === undefined) {
    const host = environment.env.KUBERNETES_SERVICE_HOST;
    const port = environment.env.KUBERNETES_SERVICE_PORT;
    if (!host || !port) {
      fail(
        'inClusterConfig=true (the default) needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which are set only inside a pod; ' +
          'outside a cluster use kubernetes:https://HOST:PORT?inClusterConfig=false, ?inClusterConfig=false&localKubeConfig=PATH, or ?inClusterConfig=false with KUBECONFIG or ~/.kube/config',
      );
    }
    server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const token = readServiceAccountToken(environment.serviceAccountDir, 'inClusterConfig');
  const tls: KubeTls = insecure
    ? { rejectUnauthorized: false }
    : { rejectUnauthorized: true, ca: readRequiredFile(join(environment.serviceAccountDir, 'ca.crt'), 'inClusterConfig') };
  return {
    server,
    description: `in-cluster service account, server ${server}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
    warnings,
    tls,
    authHeaders: bearer(token),
  };
}

function defaultKubeconfigFiles(environment: Required<KubeConfigEnvironment>): string[] {
  const fromEnv = environment.env.KUBECONFIG;
  if (fromEnv !== undefined && fromEnv !== '') {
    const files = fromEnv.split(delimiter).filter((p) => p !== '' && existsSync(p));
    if (files.length === 0) fail(`inClusterConfig=false: none of the files in KUBECONFIG=${fromEnv} exists`);
    return files;
  }
  const home = join(environment.homeDir, '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** Loads kubeconfig files (merged like kubectl: the first file's current-context wins). */
async function loadKubeconfig(files: readonly string[], what: string): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  files.forEach((file, i) => {
    try {
      if (i === 0) {
        kc.loadFromFile(file);
      } else {
        const next = new KubeConfig();
        next.loadFromFile(file);
        kc.mergeConfig(next, true);
      }
    } catch (err) {
      // Only the first line: YAML errors quote the offending lines, which may hold credentials.
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0];
      fail(`${what}: cannot load kubeconfig ${file}: ${reason}`);
    }
  });
  const contextName = kc.getCurrentContext();
  if (!contextName) fail(`${what}: kubeconfig ${files.join(delimiter)} has no current-context`);
  if (kc.getContextObject(contextName) === null) fail(`${what}: kubeconfig current-context ${JSON.stringify(contextName)} is not defined`);
  const cluster = kc.getCurrentCluster();
  if (cluster === null) fail(`${what}: the cluster of context ${JSON.stringify(contextName)} is not defined in the kubeconfig`);
  if (!cluster.server) fail(`${what}: cluster ${JSON.stringify(cluster.name)} has no server`);
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    // client-node refuses plain-http servers unless TLS checks are off; there is no TLS to check.
    kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c));
  }
  return kc;
}

async function kubeconfigConnection(
  kc: KubeConfig,
  source: string,
  what: string,
  insecure: boolean,
  serviceAccountToken: (() => string) | undefined,
  warnings: string[],
): Promise<KubeConnectionConfig> {
  const cluster = kc.getCurrentCluster()!;
  const server = cluster.server.replace(/\/+$/, '');
  const apply = async (): Promise<RequestOptions> => {
    const options: RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(options);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0];
      throw new ConfigError(`${PREFIX}: ${what}: cannot use the credentials of kubeconfig ${source}: ${reason}`);
    }
    return options;
  };
  const first = await apply();
  const headersOf = (options: RequestOptions): Record<string, string> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    if (serviceAccountToken !== undefined) headers.Authorization = `Bearer ${serviceAccountToken()}`;
    return headers;
  };
  let cached = headersOf(first);
  let cachedAt = Date.now();
  const asBuffer = (v: unknown): Buffer | undefined => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
  const ca = asBuffer(first.ca);
  const cert = asBuffer(first.cert);
  const key = asBuffer(first.key);
  const tls: KubeTls = {
    rejectUnauthorized: !insecure && first.rejectUnauthorized !== false,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(first.servername === undefined ? {} : { servername: first.servername }),
  };
  return {
    server,
    description: `kubeconfig ${source} (context ${JSON.stringify(kc.getCurrentContext())}), server ${server}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
    warnings,
    tls,
    ...(cluster.proxyUrl ? { proxyAgent: first.agent as Agent } : {}),
    authHeaders: async () => {
      if (Date.now() - cachedAt >= CREDENTIAL_REFRESH_MS) {
        cached = headersOf(await apply());
        cachedAt = Date.now();
      }
      return { ...cached };
    },
  };
}

/**
 * Builds the API server connection from the `--source` URI. Every mistake (bad option value,
 * missing file, unusable kubeconfig) is a ConfigError naming the option; nothing panics.
 */
export async function buildKubeConnection(uri: SinkUri, environment: KubeConfigEnvironment = {}): Promise<KubeConnectionConfig> {
  if (uri.key !== 'kubernetes') throw new ConfigError(`--source: source not recognized: ${JSON.stringify(uri.key)} (only "kubernetes" exists)`);
  const env: Required<KubeConfigEnvironment> = {
    env: environment.env ?? process.env,
    serviceAccountDir: environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR,
    homeDir: environment.homeDir ?? homedir(),
  };
  const warnings: string[] = [];
  checkOptionNames(uri, warnings);
  const inCluster = boolOption(uri, 'inClusterConfig', true);
  const insecure = boolOption(uri, 'insecure', false);
  const useServiceAccount = boolOption(uri, 'useServiceAccount', false);
  const localKubeConfig = stringOption(uri, 'localKubeConfig');
  const auth = stringOption(uri, 'auth');

  if (inCluster) return inClusterConnection(uri, insecure, env, warnings);

  const server = uriServer(uri);
  const serviceAccountToken = useServiceAccount ? readServiceAccountToken(env.serviceAccountDir, 'useServiceAccount=true') : undefined;
  if (localKubeConfig !== undefined) {
    if (auth !== undefined) warnings.push('option auth is ignored when localKubeConfig is given');
    if (useServiceAccount) warnings.push('option useServiceAccount is ignored when localKubeConfig is given');
    if (server !== undefined) warnings.push(`the URI server ${server} is ignored: the kubeconfig's server is used`);
    const kc = await loadKubeconfig([localKubeConfig], `localKubeConfig=${localKubeConfig}`);
    return kubeconfigConnection(kc, localKubeConfig, `localKubeConfig=${localKubeConfig}`, insecure, undefined, warnings);
  }
  if (auth !== undefined) {
    if (server !== undefined) warnings.push(`the URI server ${server} is ignored: the kubeconfig's server is used`);
    const kc = await loadKubeconfig([auth], `auth=${auth}`);
    return kubeconfigConnection(kc, auth, `auth=${auth}`, insecure, serviceAccountToken, warnings);
  }
  if (server !== undefined) {
    return {
      server,
      description: `server ${server}${serviceAccountToken ? ' with the service account token' : ' without credentials'}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
      warnings,
      tls: { rejectUnauthorized: !insecure },
      authHeaders: serviceAccountToken === undefined ? async () => ({}) : bearer(serviceAccountToken),
    };
  }
  const files = defaultKubeconfigFiles(env);
  if (files.length === 0) {
    fail(
      'inClusterConfig=false needs a server: give kubernetes:https://HOST:PORT?inClusterConfig=false, localKubeConfig=PATH or auth=PATH, ' +
        `or set KUBECONFIG or create ${join(env.homeDir, '.kube', 'config')}`,
    );
  }
  const what = env.env.KUBECONFIG ? `KUBECONFIG=${env.env.KUBECONFIG}` : `kubeconfig ${files[0]}`;
  const kc = await loadKubeconfig(files, what);
  return kubeconfigConnection(kc, files.join(delimiter), what, insecure, serviceAccountToken, warnings);
}
