// The ECS instance metadata service (region, account id, RAM role credentials), as kube-eventer's
// ecsmetadata client reads it: IMDSv2 token first (unless disabled), plain GETs otherwise.

export const DEFAULT_METADATA_ENDPOINT = 'http://100.100.100.200';
const TOKEN_TTL_SECONDS = '18000';

/** Fails without a usable answer (unreachable, timeout, non-200); the message says what was asked. */
export class MetadataError extends Error {
  override readonly name = 'MetadataError';
}

export interface MetadataOptions {
  /** `ALIBABA_CLOUD_IMDS_ENDPOINT` (host[:port] or URL), default 100.100.100.200. */
  readonly endpoint?: string;
  /** `ALIBABA_CLOUD_IMDSV2_DISABLED`: skip the session token. */
  readonly v2Disabled?: boolean;
  readonly timeoutMs?: number;
}

export function metadataOptionsFromEnv(env: NodeJS.ProcessEnv): MetadataOptions {
  const endpoint = env.ALIBABA_CLOUD_IMDS_ENDPOINT;
  const disabled = (env.ALIBABA_CLOUD_IMDSV2_DISABLED ?? '').toLowerCase();
  return { ...(endpoint ? { endpoint } : {}), v2Disabled: disabled === 'true' || disabled === '1' };
}

export class EcsMetadata {
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: MetadataOptions = {}) {
    const e = options.endpoint ?? DEFAULT_METADATA_ENDPOINT;
    this.base = (/^https?:\/\//.test(e) ? e : `http://${e}`).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  private async token(): Promise<string | undefined> {
    if (this.options.v2Disabled) return undefined;
    const res = await this.call('PUT', '/latest/api/token', { 'X-aliyun-ecs-metadata-token-ttl-seconds': TOKEN_TTL_SECONDS });
    return res;
  }

  private async call(method: string, path: string, headers: Record<string, string> = {}): Promise<string> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new MetadataError(`ECS metadata ${this.base}${path}: ${cause}`);
    }
    const text = await res.text();
    if (res.status !== 200) throw new MetadataError(`ECS metadata ${this.base}${path}: HTTP ${res.status}`);
    return text.trim();
  }

  /** GET a metadata path (with the IMDSv2 token when enabled). */
  async get(path: string): Promise<string> {
    const token = await this.token();
    return this.call('GET', path, token === undefined ? {} : { 'X-aliyun-ecs-metadata-token': token });
  }

  regionId(): Promise<string> {
    return this.get('/latest/meta-data/region-id');
  }

  ownerAccountId(): Promise<string> {
    return this.get('/latest/meta-data/owner-account-id');
  }

  async roleCredentials(): Promise<{ accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: string }> {
    const role = (await this.get('/latest/meta-data/ram/security-credentials/')).split('\n')[0]!.trim();
    if (role === '') throw new MetadataError('ECS metadata: the instance has no RAM role');
    const body = await this.get(`/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new MetadataError(`ECS metadata: credentials of RAM role ${role} are not JSON`);
    }
    const field = (k: string) => (typeof json[k] === 'string' ? (json[k] as string) : '');
    if (field('AccessKeyId') === '' || field('AccessKeySecret') === '') throw new MetadataError(`ECS metadata: RAM role ${role} returned no access key`);
    return { accessKeyId: field('AccessKeyId'), accessKeySecret: field('AccessKeySecret'), securityToken: field('SecurityToken'), expiration: field('Expiration') };
  }
}
