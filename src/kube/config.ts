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
import { describeProxy, proxyFromEnvironment } from '../base/proxy.js';

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
  /** A SOCKS `proxy-url` from the kubeconfig: requests must go through this agent. */
  readonly proxyAgent?: Agent;
  /** An HTTP(S) proxy: the kubeconfig's `proxy-url`, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY as client-go reads them. */
  readonly proxy?: URL;
  /** Credential headers for the next request (tokens are re-read as they rotate). */
  authHeaders(): Promise<Record<string, string>>;
  /** After a 401: forget cached credentials (re-read token files, re-run exec plugins) before one retry. */
  refreshCredentials?(): Promise<void>;
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

const OUTSIDE_A_CLUSTER =
  'outside a cluster use kubernetes:https://HOST:PORT?inClusterConfig=false, ?inClusterConfig=false&localKubeConfig=PATH, or ?inClusterConfig=false with KUBECONFIG or ~/.kube/config';

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

/** A token file read now and then again after CREDENTIAL_REFRESH_MS (or at once after a 401), trimmed; a failed re-read keeps the last good token. */
interface RotatingToken {
  (): string;
  /** The next call re-reads the file. */
  expire(): void;
}

function rotatingToken(path: string, initial: string): RotatingToken {
  let token = initial;
  let readAt = Date.now();
  const read = () => {
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
  return Object.assign(read, { expire: () => void (readAt = -Infinity) });
}

function readTokenFile(path: string, what: string): RotatingToken {
  const token = readRequiredFile(path, what).toString('utf8').trim();
  if (token === '') fail(`${what}: ${path} is empty`);
  return rotatingToken(path, token);
}

function readServiceAccountToken(dir: string, what: string): RotatingToken {
  return readTokenFile(join(dir, 'token'), what);
}

function bearer(token: RotatingToken): Pick<KubeConnectionConfig, 'authHeaders' | 'refreshCredentials'> {
  return { authHeaders: async () => ({ Authorization: `Bearer ${token()}` }), refreshCredentials: async () => token.expire() };
}

/** client-go's proxy choice for a server, and how the startup line says it. */
function proxyFor(server: string, env: NodeJS.ProcessEnv, proxyUrl?: string): { proxy?: URL; note: string } {
  let proxy: URL | undefined;
  if (proxyUrl) {
    try {
      proxy = new URL(proxyUrl);
    } catch {
      fail(`the kubeconfig's proxy-url is not a URL`);
    }
  } else {
    proxy = proxyFromEnvironment(new URL(server), env);
  }
  return proxy === undefined ? { note: '' } : { proxy, note: ` via proxy ${describeProxy(proxy)}` };
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
      fail(`inClusterConfig=true (the default) needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which are set only inside a pod; ${OUTSIDE_A_CLUSTER}`);
    }
    server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }
  const tokenPath = join(environment.serviceAccountDir, 'token');
  // `kubernetes:https://kubernetes.default` (kube-eventer's usual flag) run on a laptop ends here.
  if (!existsSync(tokenPath)) {
    fail(`inClusterConfig=true (the default) needs the pod's service account token, and ${tokenPath} does not exist (ENOENT); ${OUTSIDE_A_CLUSTER}`);
  }
  const token = readServiceAccountToken(environment.serviceAccountDir, 'inClusterConfig');
  const tls: KubeTls = insecure
    ? { rejectUnauthorized: false }
    : { rejectUnauthorized: true, ca: readRequiredFile(join(environment.serviceAccountDir, 'ca.crt'), 'inClusterConfig') };
  const { proxy, note } = proxyFor(server, environment.env);
  return {
    server,
    description: `in-cluster service account, server ${server}${note}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
    warnings,
    tls,
    ...(proxy ? { proxy } : {}),
    ...bearer(token),
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

/** The current user's entry as written in the kubeconfig files (client-node drops `tokenFile` and exec expiry). */
async function rawUser(files: readonly string[], name: string): Promise<Record<string, unknown> | undefined> {
  // Loaded only with a kubeconfig: in-cluster daemons do not keep a YAML parser in memory.
  const { parse: parseYaml } = await import('yaml');
  for (const file of files) {
    try {
      const doc = parseYaml(readFileSync(file, 'utf8')) as { users?: Array<{ name?: string; user?: Record<string, unknown> }> } | null;
      const entry = doc?.users?.find((u) => u?.name === name);
      if (entry?.user) return entry.user;
    } catch {
      // client-node already loaded these files; an unreadable one simply has no entry
    }
  }
  return undefined;
}

interface ExecConfig {
  readonly command: string;
  readonly args?: string[];
  readonly env?: Array<{ name: string; value: string }>;
  readonly apiVersion?: string;
}

/** Skew before an exec credential's expirationTimestamp at which it is renewed. */
const EXEC_EXPIRY_MARGIN_MS = 10_000;
const EXEC_TIMEOUT_MS = 60_000;

/** Runs a client-go credential plugin and reads its ExecCredential: a token and, optionally, when it expires. */
async function runExecPlugin(exec: ExecConfig, what: string): Promise<{ token: string; expiresAt: number }> {
  const { execFile } = await import('node:child_process');
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion, kind: 'ExecCredential', spec: { interactive: false } }) };
  for (const e of exec.env ?? []) env[e.name] = e.value;
  return new Promise((resolve, reject) => {
    execFile(exec.command, exec.args ?? [], { env, timeout: EXEC_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      // Neither stdout nor stderr is quoted: both may hold the credential.
      if (err) return reject(new Error(`${what}: exec credential plugin ${JSON.stringify(exec.command)} failed (${(err as NodeJS.ErrnoException).code ?? 'error'})`));
      try {
        const status = (JSON.parse(stdout) as { status?: { token?: string; expirationTimestamp?: string } }).status;
        if (typeof status?.token !== 'string' || status.token === '') throw new Error('no status.token');
        const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Infinity;
        resolve({ token: status.token, expiresAt: Number.isNaN(expiresAt) ? Infinity : expiresAt });
      } catch (parseErr) {
        reject(new Error(`${what}: exec credential plugin ${JSON.stringify(exec.command)} printed no usable ExecCredential (${(parseErr as Error).message.split('\n')[0]})`));
      }
    });
  });
}

/** An exec plugin's token, renewed shortly before its expirationTimestamp (without one: until a 401). */
function execToken(exec: ExecConfig, what: string): { token(): Promise<string>; expire(): void } {
  let current: { token: string; expiresAt: number } | undefined;
  let running: Promise<{ token: string; expiresAt: number }> | undefined;
  return {
    async token() {
      if (current === undefined || Date.now() >= current.expiresAt - EXEC_EXPIRY_MARGIN_MS) {
        running ??= runExecPlugin(exec, what).finally(() => (running = undefined));
        current = await running;
      }
      return current.token;
    },
    expire() {
      current = undefined;
    },
  };
}

async function kubeconfigConnection(
  kc: KubeConfig,
  files: readonly string[],
  what: string,
  insecure: boolean,
  serviceAccountToken: RotatingToken | undefined,
  warnings: string[],
  env: NodeJS.ProcessEnv,
): Promise<KubeConnectionConfig> {
  const source = files.join(delimiter);
  const cluster = kc.getCurrentCluster()!;
  const server = cluster.server.replace(/\/+$/, '');
  const userName = kc.getCurrentUser()?.name;
  const raw = userName === undefined ? undefined : await rawUser(files, userName);
  // client-go's key is tokenFile; client-node only knew `token-file`, read once and untrimmed.
  const tokenPath = typeof raw?.tokenFile === 'string' && raw.tokenFile !== '' ? raw.tokenFile : typeof raw?.['token-file'] === 'string' && raw['token-file'] !== '' ? (raw['token-file'] as string) : undefined;
  const fileToken = tokenPath === undefined || serviceAccountToken !== undefined ? undefined : readTokenFile(tokenPath, `${what}: user ${JSON.stringify(userName)} tokenFile`);
  const execConfig = serviceAccountToken === undefined && fileToken === undefined && raw?.exec && typeof (raw.exec as ExecConfig).command === 'string' ? (raw.exec as ExecConfig) : undefined;
  if (execConfig !== undefined || fileToken !== undefined) {
    // Those credentials are ours to renew; client-node would run the plugin (or read the file) itself.
    kc.users = kc.users.map((u) => (u.name === userName ? { ...u, exec: undefined, token: undefined } : u));
  }
  const exec = execConfig === undefined ? undefined : execToken(execConfig, what);
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
  const headersOf = async (options: RequestOptions): Promise<Record<string, string>> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    if (fileToken !== undefined) headers.Authorization = `Bearer ${fileToken()}`;
    if (exec !== undefined) headers.Authorization = `Bearer ${await exec.token()}`;
    if (serviceAccountToken !== undefined) headers.Authorization = `Bearer ${serviceAccountToken()}`;
    return headers;
  };
  if (exec !== undefined) {
    try {
      await exec.token();
    } catch (err) {
      throw new ConfigError(`${PREFIX}: ${(err as Error).message}`);
    }
  }
  let cached = await headersOf(first);
  let cachedAt = Date.now();
  const asBuffer = (v: unknown): Buffer | undefined => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
  const ca = asBuffer(first.ca);
  const cert = asBuffer(first.cert);
  const key = asBuffer(first.key);
  const tls: KubeTls = {
    rejectUnauthorized: !insecure && first.rejectUnauthorized !== false && cluster.skipTLSVerify !== true,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(first.servername === undefined ? {} : { servername: first.servername }),
  };
  const socks = cluster.proxyUrl?.startsWith('socks') === true;
  const { proxy, note } = socks ? { proxy: undefined, note: ' via a SOCKS proxy' } : proxyFor(server, env, cluster.proxyUrl);
  return {
    server,
    description: `kubeconfig ${source} (context ${JSON.stringify(kc.getCurrentContext())}), server ${server}${note}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
    warnings,
    tls,
    ...(socks ? { proxyAgent: first.agent as Agent } : {}),
    ...(proxy ? { proxy } : {}),
    authHeaders: async () => {
      // Exec tokens and token files keep their own clocks; the rest (auth providers) is re-applied each minute.
      if (Date.now() - cachedAt >= CREDENTIAL_REFRESH_MS || exec !== undefined || fileToken !== undefined) {
        cached = await headersOf(Date.now() - cachedAt >= CREDENTIAL_REFRESH_MS ? await apply() : first);
        cachedAt = Date.now();
      }
      return { ...cached };
    },
    refreshCredentials: async () => {
      fileToken?.expire();
      exec?.expire();
      serviceAccountToken?.expire();
      cachedAt = -Infinity;
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
  if (localKubeConfig !== undefined) {
    if (auth !== undefined) warnings.push('option auth is ignored when localKubeConfig is given');
    if (useServiceAccount) warnings.push('option useServiceAccount is ignored when localKubeConfig is given');
    if (server !== undefined) warnings.push(`the URI server ${server} is ignored: the kubeconfig's server is used`);
    const kc = await loadKubeconfig([localKubeConfig], `localKubeConfig=${localKubeConfig}`);
    return kubeconfigConnection(kc, [localKubeConfig], `localKubeConfig=${localKubeConfig}`, insecure, undefined, warnings, env.env);
  }
  // Read only where it is used: kube-eventer returns with localKubeConfig before looking at it.
  const serviceAccountToken = useServiceAccount ? readServiceAccountToken(env.serviceAccountDir, 'useServiceAccount=true') : undefined;
  if (auth !== undefined) {
    if (server !== undefined) warnings.push(`the URI server ${server} is ignored: the kubeconfig's server is used`);
    const kc = await loadKubeconfig([auth], `auth=${auth}`);
    return kubeconfigConnection(kc, [auth], `auth=${auth}`, insecure, serviceAccountToken, warnings, env.env);
  }
  if (server !== undefined) {
    const { proxy, note } = proxyFor(server, env.env);
    return {
      server,
      description: `server ${server}${serviceAccountToken ? ' with the service account token' : ' without credentials'}${note}${insecure ? ' (TLS not verified: insecure=true)' : ''}`,
      warnings,
      tls: { rejectUnauthorized: !insecure },
      ...(proxy ? { proxy } : {}),
      ...(serviceAccountToken === undefined ? { authHeaders: async () => ({}) } : bearer(serviceAccountToken)),
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
  return kubeconfigConnection(kc, files, what, insecure, serviceAccountToken, warnings, env.env);
}
