// Alibaba Cloud credentials as kube-eventer finds them — an AccessKey pair (options or env), ACK's
// token file /var/addon/token-config, or the ECS instance's RAM role — with STS tokens refreshed
// before they expire instead of kube-eventer's "recreate the client once it failed".
import { createDecipheriv } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { ConfigError } from '../../base/errors.js';
import { registerSecret } from '../../base/redact.js';
import { option, type SinkUri } from '../../base/uri.js';
import { EcsMetadata, MetadataError } from './metadata.js';

export const ACK_TOKEN_CONFIG_PATH = '/var/addon/token-config';
/** Refresh STS credentials this long before they expire (kube-eventer's eventbridge margin). */
export const REFRESH_MARGIN_MS = 10 * 60_000;
/** Credentials still inside the margin after a refresh are re-read at most this often. */
const RECHECK_MS = 30_000;

export interface AliyunCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** STS token; empty for a long-lived AccessKey pair. */
  readonly securityToken: string;
  /** Unix ms; undefined = never expires. */
  readonly expiresAt?: number;
}

export type CredentialSource = 'accessKey' | 'tokenConfig' | 'ramRole';

/** Credentials expired and could not be renewed (the source failed); the message holds no secret. */
export class CredentialRenewalError extends Error {
  override readonly name = 'CredentialRenewalError';
}

/** `2006-01-02T15:04:05Z` as STS and ACK write it. */
export function parseExpiration(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function decrypt(field: string, value: unknown, keyring: Buffer, path: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`${path}: "${field}" is missing`);
  const data = Buffer.from(value, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) throw new Error(`${path}: "${field}" is not AES-CBC data`);
  if (![16, 24, 32].includes(keyring.length)) throw new Error(`${path}: "keyring" must be 16, 24 or 32 bytes`);
  let text: string | undefined;
  try {
    const decipher = createDecipheriv(`aes-${keyring.length * 8}-cbc`, keyring, data.subarray(0, 16));
    text = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('latin1');
  } catch {
    text = undefined;
  }
  // Keys and tokens are printable ASCII; anything else means a wrong keyring whose padding happened to fit.
  if (text === undefined || !/^[\x21-\x7e]+$/.test(text)) throw new Error(`${path}: "${field}" does not decrypt with the keyring`);
  return text;
}

/** Reads ACK's token file: base64 AES-CBC fields (IV first) under the file's own keyring. */
export async function readTokenConfig(path: string): Promise<AliyunCredentials> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: ${err instanceof SyntaxError ? 'not JSON' : (err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  if (typeof json.keyring !== 'string' || json.keyring === '') throw new Error(`${path}: "keyring" is missing`);
  const keyring = Buffer.from(json.keyring, 'utf8');
  const creds = {
    accessKeyId: decrypt('access.key.id', json['access.key.id'], keyring, path),
    accessKeySecret: decrypt('access.key.secret', json['access.key.secret'], keyring, path),
    securityToken: decrypt('security.token', json['security.token'], keyring, path),
  };
  const expiresAt = parseExpiration(typeof json.expiration === 'string' ? json.expiration : '');
  if (expiresAt === undefined) throw new Error(`${path}: "expiration" is not a time like 2006-01-02T15:04:05Z`);
  return { ...creds, expiresAt };
}

async function readRamRole(metadata: EcsMetadata): Promise<AliyunCredentials> {
  const c = await metadata.roleCredentials();
  const expiresAt = parseExpiration(c.expiration);
  return expiresAt === undefined ? { ...c } : { ...c, expiresAt };
}

function remember(c: AliyunCredentials): AliyunCredentials {
  registerSecret(c.accessKeyId);
  registerSecret(c.accessKeySecret);
  registerSecret(c.securityToken);
  return c;
}

/**
 * Hands out valid credentials: loads new ones when the current ones expire within
 * REFRESH_MARGIN_MS, or when the service said they expired (`invalidate`). Concurrent callers
 * share one refresh.
 */
export class CredentialProvider {
  private loading: Promise<AliyunCredentials> | undefined;
  private stale = false;
  private lastLoadAt: number;


  constructor(
    readonly source: CredentialSource,
    private creds: AliyunCredentials,
    private readonly load: (() => Promise<AliyunCredentials>) | undefined,
    private readonly now: () => number = Date.now,
    private readonly tokenConfigPath = ACK_TOKEN_CONFIG_PATH,
  ) {
    // Credentials already inside the margin are renewed at the first use.
    this.lastLoadAt = Number.NEGATIVE_INFINITY;
    remember(creds);
  }

  /** Where the credentials come from, for messages. */
  describe(): string {
    return this.source === 'accessKey' ? 'the accessKeyId/accessKeySecret pair' : this.source === 'tokenConfig' ? `ACK's token file ${this.tokenConfigPath}` : "the ECS instance's RAM role";
  }

  /** True when a refresh would be needed before the next request. */
  private needsRefresh(): boolean {
    if (this.load === undefined) return false;
    if (this.stale) return true;
    const exp = this.creds.expiresAt;
    if (exp === undefined) return false;
    const now = this.now();
    if (exp <= now) return true;
    return exp - REFRESH_MARGIN_MS <= now && now - this.lastLoadAt >= RECHECK_MS;
  }

  /** Current credentials; throws (with a message free of secrets) when they cannot be renewed. */
  async current(): Promise<AliyunCredentials> {
    if (!this.needsRefresh()) return this.creds;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async refresh(): Promise<AliyunCredentials> {
    try {
      const next = remember(await this.load!());
      this.creds = next;
      this.stale = false;
      this.lastLoadAt = this.now();
      return next;
    } catch (err) {
      this.lastLoadAt = this.now();
      const exp = this.creds.expiresAt;
      // Still usable: keep them and try again later.
      if (!this.stale && exp !== undefined && exp > this.now()) return this.creds;
      throw new CredentialRenewalError(`cannot renew credentials from ${this.describe()}: ${(err as Error).message}`);
    }
  }

  /** The service refused the credentials as expired: the next `current()` loads new ones. */
  invalidate(): void {
    if (this.load !== undefined) this.stale = true;
  }

  /** True when the service's "expired" answer can be cured by reloading. */
  get renewable(): boolean {
    return this.load !== undefined;
  }
}

export interface CredentialInputs {
  /** Option value, else env `AccessKeyId`. */
  readonly accessKeyId?: string;
  /** Option value, else env `AccessKeySecret`. */
  readonly accessKeySecret?: string;
}

/** Options `accessKeyId`/`accessKeySecret`, else env `AccessKeyId`/`AccessKeySecret` (empty = not given); masked from now on. */
export function accessKeyInputs(uri: SinkUri, env: NodeJS.ProcessEnv): CredentialInputs {
  const accessKeyId = option(uri, 'accessKeyId') ?? env.AccessKeyId;
  const accessKeySecret = option(uri, 'accessKeySecret') ?? env.AccessKeySecret;
  registerSecret(accessKeyId);
  registerSecret(accessKeySecret);
  return { ...(accessKeyId ? { accessKeyId } : {}), ...(accessKeySecret ? { accessKeySecret } : {}) };
}

export interface AliyunEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly tokenConfigPath: string;
  readonly metadata: EcsMetadata;
  readonly now: () => number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks the credential source once at startup: an AccessKey pair (options, else env), else ACK's
 * token file, else the ECS RAM role. Throws ConfigError naming the options when none works.
 */
export async function resolveCredentials(sink: string, input: CredentialInputs, envir: AliyunEnvironment): Promise<CredentialProvider> {
  const id = input.accessKeyId ?? '';
  const secret = input.accessKeySecret ?? '';
  registerSecret(secret);
  if (id !== '' && secret === '') throw new ConfigError(`sink ${sink}: accessKeyId is set but accessKeySecret is empty (give both, option or env AccessKeySecret)`);
  if (id === '' && secret !== '') throw new ConfigError(`sink ${sink}: accessKeySecret is set but accessKeyId is empty (give both, option or env AccessKeyId)`);
  if (id !== '') return new CredentialProvider('accessKey', { accessKeyId: id, accessKeySecret: secret, securityToken: '' }, undefined, envir.now);

  const path = envir.tokenConfigPath;
  if (await exists(path)) {
    let creds: AliyunCredentials;
    try {
      creds = await readTokenConfig(path);
    } catch (err) {
      throw new ConfigError(`sink ${sink}: ACK token file unusable: ${(err as Error).message}`);
    }
    return new CredentialProvider('tokenConfig', creds, () => readTokenConfig(path), envir.now, path);
  }
  try {
    const creds = await readRamRole(envir.metadata);
    return new CredentialProvider('ramRole', creds, () => readRamRole(envir.metadata), envir.now);
  } catch (err) {
    const why = err instanceof MetadataError ? err.message : String(err);
    throw new ConfigError(
      `sink ${sink}: no credentials: give accessKeyId and accessKeySecret (options or env AccessKeyId/AccessKeySecret), ` +
        `or run on ACK with ${path}, or on ECS with a RAM role (${why})`,
    );
  }
}
