// Where the leader records how far delivery got, so a restart or a standby resumes the watch there
// (`--checkpoint=configmap:<namespace>/<name>` or `file:<path>`).
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Checkpoint, CheckpointStore } from '../pipeline/checkpointer.js';
import { configMapsPath, leasesPath } from './client.js';
import { apiErrorStatus, type KubeRequester } from './leader.js';
import type { ConfigMap, Lease } from './types.js';

export type CheckpointSpec =
  | { readonly kind: 'configmap'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'file'; readonly path: string };

/** The checkpoint cannot be read, is corrupt, or cannot be written. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export const CHECKPOINT_CONFIGMAP_KEY = 'checkpoint.json';

/** Validates checkpoint JSON; `where` names its origin in the error. */
export function parseCheckpoint(text: string, where: string): Checkpoint {
  const corrupt = (why: string): never => {
    throw new CheckpointError(`${where} holds no valid checkpoint: ${why}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return corrupt(`not JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return corrupt('not a JSON object');
  const c = value as Record<string, unknown>;
  if (c.version !== 1) corrupt(`unsupported version ${JSON.stringify(c.version)} (expected 1)`);
  if (typeof c.resourceVersion !== 'string') corrupt('resourceVersion is not a string');
  if (typeof c.updatedAt !== 'string') corrupt('updatedAt is not a string');
  const sinks = c.sinks;
  if (typeof sinks !== 'object' || sinks === null || Array.isArray(sinks)) return corrupt('sinks is not an object');
  for (const [sink, rv] of Object.entries(sinks)) {
    if (typeof rv !== 'string') corrupt(`sinks[${JSON.stringify(sink)}] is not a string`);
  }
  if (c.writer !== undefined && typeof c.writer !== 'string') corrupt('writer is not a string');
  return {
    version: 1,
    resourceVersion: c.resourceVersion as string,
    sinks: { ...(sinks as Record<string, string>) },
    updatedAt: c.updatedAt as string,
    ...(typeof c.writer === 'string' ? { writer: c.writer } : {}),
  };
}

/** Runs one write at a time; values saved meanwhile collapse into one follow-up write of the latest. */
class LatestValueWriter<T> {
  private inFlight: Promise<void> | undefined;
  /** The follow-up write; checked first so nothing starts beside it while it waits for its turn. */
  private queued: { value: T; readonly done: Promise<void> } | undefined;

  constructor(private readonly write: (value: T) => Promise<void>) {}

  save(value: T): Promise<void> {
    if (this.queued !== undefined) {
      this.queued.value = value;
      return this.queued.done;
    }
    if (this.inFlight === undefined) return this.start(value);
    const done = this.inFlight.catch(() => undefined).then(() => this.startQueued());
    this.queued = { value, done };
    return done;
  }

  private startQueued(): Promise<void> {
    const { value } = this.queued!;
    this.queued = undefined;
    return this.start(value);
  }

  private start(value: T): Promise<void> {
    const running: Promise<void> = this.write(value).finally(() => {
      if (this.inFlight === running) this.inFlight = undefined;
    });
    this.inFlight = running;
    return running;
  }
}

/** A JSON file replaced atomically (temp file, fsync, rename, fsync of the directory). */
export class FileCheckpointStore implements CheckpointStore {
  readonly description: string;
  private readonly writer = new LatestValueWriter<Checkpoint>((c) => this.write(c));

  constructor(private readonly path: string) {
    this.description = `file ${path}`;
  }

  async load(): Promise<Checkpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(`checkpoint file ${this.path}: cannot read: ${(err as Error).message}`);
    }
    return parseCheckpoint(text, `checkpoint file ${this.path}`);
  }

  save(c: Checkpoint): Promise<void> {
    return this.writer.save(c);
  }

  private async write(c: Checkpoint): Promise<void> {
    const temp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(`${JSON.stringify(c)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
    } catch (err) {
      await rm(temp, { force: true });
      throw new CheckpointError(`checkpoint file ${this.path}: cannot write: ${(err as Error).message}`);
    }
    await syncDirectory(dirname(this.path));
  }
}

/** Makes a rename durable; some filesystems refuse fsync on a directory, which is then best effort. */
async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // EISDIR/EINVAL/EPERM on filesystems without directory fsync: the rename itself already happened.
  }
}

export interface ConfigMapCheckpointOptions {
  /** Timeout of every API request. */
  readonly requestTimeoutMs?: number;
  /** Called when a write conflicts with a checkpoint another writer saved meanwhile. */
  readonly onForeignWriter?: (writer: string, updatedAt: string) => void;
  /**
   * With leader election: the Lease. After a conflict with another replica's checkpoint, the write is
   * retried only while the Lease names this writer as holder (the other is a deposed leader); otherwise
   * this replica is the deposed one and must not overwrite the new leader's newer position.
   */
  readonly lease?: { readonly namespace: string; readonly name: string };
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Key `checkpoint.json` of a ConfigMap, created when missing. Updates carry the last seen
 * resourceVersion; on a conflict the ConfigMap is re-read and the write retried once (only the
 * leader writes, so a second conflict means something else is writing too), except when another
 * replica saved meanwhile and this one no longer holds the Lease. Other keys are kept.
 */
export class ConfigMapCheckpointStore implements CheckpointStore {
  readonly description: string;
  private readonly path: string;
  private readonly timeoutMs: number;
  private readonly writer = new LatestValueWriter<Checkpoint>((c) => this.write(c));
  /** The ConfigMap as last read or written (undefined: not read yet, or known missing after a read). */
  private configMap: ConfigMap | undefined;
  private read = false;
  private readonly onForeignWriter: ((writer: string, updatedAt: string) => void) | undefined;
  private readonly lease: { readonly namespace: string; readonly name: string } | undefined;

  constructor(
    private readonly client: KubeRequester,
    private readonly namespace: string,
    private readonly name: string,
    options: ConfigMapCheckpointOptions = {},
  ) {
    this.onForeignWriter = options.onForeignWriter;
    this.lease = options.lease;
    this.description = `ConfigMap ${namespace}/${name}`;
    this.path = `${configMapsPath(namespace)}/${encodeURIComponent(name)}`;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  async load(): Promise<Checkpoint | undefined> {
    await this.fetch('read');
    const text = this.configMap?.data?.[CHECKPOINT_CONFIGMAP_KEY];
    if (text === undefined) return undefined;
    return parseCheckpoint(text, `checkpoint ${this.description} key ${CHECKPOINT_CONFIGMAP_KEY}`);
  }

  save(c: Checkpoint): Promise<void> {
    return this.writer.save(c);
  }

  private async write(c: Checkpoint): Promise<void> {
    if (!this.read) await this.fetch('read');
    const text = JSON.stringify(c);
    for (let attempt = 0; ; attempt++) {
      const current = this.configMap;
      try {
        if (current === undefined) {
          const body: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: this.name, namespace: this.namespace }, data: { [CHECKPOINT_CONFIGMAP_KEY]: text } };
          this.configMap = await this.client.requestJson<ConfigMap>('POST', configMapsPath(this.namespace), { body, timeoutMs: this.timeoutMs });
        } else {
          const body: ConfigMap = { ...current, apiVersion: 'v1', kind: 'ConfigMap', data: { ...current.data, [CHECKPOINT_CONFIGMAP_KEY]: text } };
          this.configMap = await this.client.requestJson<ConfigMap>('PUT', this.path, { body, timeoutMs: this.timeoutMs });
        }
        return;
      } catch (err) {
        const status = apiErrorStatus(err);
        // 409: stale resourceVersion, or created meanwhile; 404: deleted meanwhile. Re-read, retry once,
        // unless another replica saved meanwhile and holds the Lease: a deposed leader must not overwrite
        // the new leader's newer position. The stale view is kept, so later saves conflict and refuse too.
        if (attempt === 0 && (status === 409 || status === 404)) {
          await this.fetch('re-read');
          const other = this.foreignWriter(c.writer);
          if (other !== undefined) {
            this.onForeignWriter?.(other.writer, other.updatedAt);
            if (this.lease !== undefined && !(await this.holdsLease(c.writer))) {
              this.configMap = current;
              throw new CheckpointError(
                `checkpoint ${this.description}: replica ${JSON.stringify(other.writer)} saved its position at ${other.updatedAt} and ${JSON.stringify(c.writer ?? '')} no longer holds Lease ${this.lease.namespace}/${this.lease.name}: not overwritten`,
              );
            }
          }
          continue;
        }
        throw this.error(current === undefined ? 'create' : 'update', err);
      }
    }
  }

  private async holdsLease(self: string | undefined): Promise<boolean> {
    const { namespace, name } = this.lease!;
    try {
      const lease = await this.client.requestJson<Lease>('GET', `${leasesPath(namespace)}/${encodeURIComponent(name)}`, { timeoutMs: this.timeoutMs });
      return self !== undefined && lease.spec?.holderIdentity === self;
    } catch (err) {
      throw this.error('read Lease', err);
    }
  }

  /** The stored checkpoint when another writer than `self` saved it. */
  private foreignWriter(self: string | undefined): { writer: string; updatedAt: string } | undefined {
    const text = this.configMap?.data?.[CHECKPOINT_CONFIGMAP_KEY];
    if (text === undefined) return undefined;
    try {
      const other = parseCheckpoint(text, this.description);
      if (other.writer !== undefined && other.writer !== self) return { writer: other.writer, updatedAt: other.updatedAt };
    } catch {
      // a corrupt value is overwritten by this write
    }
    return undefined;
  }

  private async fetch(step: string): Promise<void> {
    try {
      this.configMap = await this.client.requestJson<ConfigMap>('GET', this.path, { timeoutMs: this.timeoutMs });
    } catch (err) {
      if (apiErrorStatus(err) !== 404) throw this.error(step, err);
      this.configMap = undefined;
    }
    this.read = true;
  }

  private error(step: string, err: unknown): CheckpointError {
    const status = apiErrorStatus(err);
    const hint = status === 403 ? ' (RBAC: the service account needs get, create and update on configmaps in this namespace)' : '';
    return new CheckpointError(`checkpoint ${this.description}: ${step} failed: ${err instanceof Error ? err.message : String(err)}${hint}`);
  }
}

/** The Lease annotation that carries the leader's checkpoint under `--leader-elect` without `--checkpoint`. */
export const LEASE_CHECKPOINT_ANNOTATION = 'kube-eventer.io/checkpoint';

/**
 * The checkpoint kept in the Lease the leader renews anyway (no extra object, no extra RBAC): saves
 * stay in memory and ride along the next renewal (every retry period) and the release at shutdown;
 * a new leader loads what its predecessor last wrote there.
 */
export class LeaseCheckpointStore implements CheckpointStore {
  readonly description: string;
  private latest: string | undefined;

  constructor(
    leaseName: string,
    private readonly lease: () => Lease | undefined,
    /** Told when the annotation holds no valid checkpoint (it is then ignored, not fatal: anyone may edit a Lease). */
    private readonly onCorrupt: (message: string) => void = () => {},
  ) {
    this.description = `Lease ${leaseName} annotation ${LEASE_CHECKPOINT_ANNOTATION}`;
  }

  async load(): Promise<Checkpoint | undefined> {
    const text = this.lease()?.metadata.annotations?.[LEASE_CHECKPOINT_ANNOTATION];
    if (text === undefined) return undefined;
    try {
      return parseCheckpoint(text, this.description);
    } catch (err) {
      this.onCorrupt((err as Error).message);
      return undefined;
    }
  }

  async save(c: Checkpoint): Promise<void> {
    this.latest = JSON.stringify(c);
  }

  /** What the next Lease write carries. */
  annotations(): Record<string, string> | undefined {
    return this.latest === undefined ? undefined : { [LEASE_CHECKPOINT_ANNOTATION]: this.latest };
  }
}

/** The warning for two writers of one ConfigMap checkpoint. */
export function otherWriterWarning(description: string): string {
  return `another replica writes checkpoint ${description}: without --leader-elect both deliver every event and overwrite each other's positions; run one replica, or add --leader-elect`;
}

/** The store a parsed `--checkpoint` names. */
export function createCheckpointStore(spec: CheckpointSpec, client: KubeRequester, options: ConfigMapCheckpointOptions = {}): CheckpointStore {
  return spec.kind === 'file' ? new FileCheckpointStore(spec.path) : new ConfigMapCheckpointStore(client, spec.namespace, spec.name, options);
}
