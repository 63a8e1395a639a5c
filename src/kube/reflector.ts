// List-then-watch that never skips a change: watches resume from the last resourceVersion seen
// (events and bookmarks), a 410 Expired triggers a fresh paginated list, API errors back off.
import { backoffDelay, delay, type BackoffPolicy } from '../base/backoff.js';
import { errorFromStatus, KubeApiError, type KubeApi, type Query } from './api.js';
import type { KubeList, KubeObject, KubeStatus, WatchEvent } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ListReason = 'initial' | 'expired';

export interface ReflectorHandlers<T extends KubeObject> {
  /** The complete list (every page) and its resourceVersion; the watch resumes from there. */
  onList(items: T[], resourceVersion: string, reason: ListReason): void | Promise<void>;
  onChange(type: ChangeType, object: T): void | Promise<void>;
  onBookmark?(resourceVersion: string): void;
  /** The API server accepted a watch. */
  onWatchOpen?(): void;
  /** A watch ended: cleanly (error undefined) or not. */
  onWatchClosed?(error: unknown): void;
  onExpired?(): void;
  onError?(operation: 'list' | 'watch', error: unknown): void;
  /** A watch event of an unknown type, or whose object is not usable. */
  onUnexpected?(event: WatchEvent<unknown>): void;
}

export interface ReflectorTuning {
  /** Items per list page. Default 500. */
  readonly pageSize?: number;
  /** Each watch asks for a timeout drawn from [min, max] seconds. Default 300–600. */
  readonly watchTimeoutSeconds?: { readonly min: number; readonly max: number };
  /** A watch silent for this long is abandoned and resumed. Default 180 s (bookmarks come every minute). */
  readonly watchIdleTimeoutMs?: number;
  /** Default 200 ms doubling to 30 s. */
  readonly backoff?: BackoffPolicy;
  /** A watch that delivered something or lasted this long resets the backoff. Default 10 s. */
  readonly healthyWatchMs?: number;
  readonly random?: () => number;
}

export interface ReflectorOptions<T extends KubeObject> extends ReflectorTuning {
  readonly client: KubeApi;
  /** Collection path, e.g. `/api/v1/events`. */
  readonly path: string;
  /** Extra query for both list and watch (fieldSelector…). */
  readonly query?: Query;
  readonly signal: AbortSignal;
  /** Watch from here first instead of listing (a checkpoint). */
  readonly startResourceVersion?: string;
  readonly handlers: ReflectorHandlers<T>;
}

export const WATCH_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, multiplier: 2 };

/** A 410 from a watch ERROR event or an HTTP response: the resourceVersion is gone. */
class Expired extends Error {}

function isExpired(err: unknown): boolean {
  return err instanceof Expired || (err instanceof KubeApiError && err.expired);
}

/** Lists every page; a continue token that expires mid-way restarts the list, then falls back to one unpaginated list. */
async function listAll<T extends KubeObject>(options: ReflectorOptions<T>, pageSize: number): Promise<{ items: T[]; resourceVersion: string }> {
  for (let attempt = 0; ; attempt++) {
    const limit = attempt < 2 ? pageSize : undefined;
    const items: T[] = [];
    let resourceVersion = '';
    let token: string | undefined;
    try {
      do {
        const page = await options.client.requestJson<KubeList<T>>('GET', options.path, {
          query: { ...options.query, limit, continue: token },
          signal: options.signal,
        });
        items.push(...page.items);
        if (token === undefined) resourceVersion = page.metadata.resourceVersion ?? '';
        token = page.metadata.continue || undefined;
      } while (token !== undefined);
      return { items, resourceVersion };
    } catch (err) {
      if (!(isExpired(err) && token !== undefined && attempt < 2)) throw err;
    }
  }
}

/** Runs until `signal` aborts; never rejects because of the API (errors go to handlers.onError). */
export async function runReflector<T extends KubeObject>(options: ReflectorOptions<T>): Promise<void> {
  const { client, path, signal, handlers } = options;
  const random = options.random ?? Math.random;
  const pageSize = options.pageSize ?? 500;
  const timeouts = options.watchTimeoutSeconds ?? { min: 300, max: 600 };
  const idleTimeoutMs = options.watchIdleTimeoutMs ?? 180_000;
  const policy = options.backoff ?? WATCH_BACKOFF;
  const healthyWatchMs = options.healthyWatchMs ?? 10_000;

  let resourceVersion = options.startResourceVersion;
  let listReason: ListReason | undefined = resourceVersion === undefined ? 'initial' : undefined;
  let failures = 0;

  while (!signal.aborted) {
    let operation: 'list' | 'watch' = 'list';
    let watchStarted = 0;
    let received = 0;
    try {
      if (listReason !== undefined) {
        const listed = await listAll(options, pageSize);
        await handlers.onList(listed.items, listed.resourceVersion, listReason);
        resourceVersion = listed.resourceVersion;
        listReason = undefined;
      }
      operation = 'watch';
      const timeoutSeconds = Math.round(timeouts.min + random() * (timeouts.max - timeouts.min));
      const stream = client.watch<KubeObject | KubeStatus>(path, {
        query: { ...options.query, resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds },
        signal,
        idleTimeoutMs,
        onOpen: () => {
          watchStarted = Date.now();
          handlers.onWatchOpen?.();
        },
      });
      for await (const event of stream) {
        if (event.type === 'ERROR') {
          const status = event.object as KubeStatus;
          if (status.code === 410) throw new Expired(status.message ?? 'resource version expired');
          throw errorFromStatus(path, status);
        }
        received++;
        const object = event.object as KubeObject;
        const version = object?.metadata?.resourceVersion;
        if (typeof version !== 'string' || version === '') {
          handlers.onUnexpected?.(event);
          continue;
        }
        if (event.type === 'BOOKMARK') {
          resourceVersion = version;
          handlers.onBookmark?.(version);
        } else if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
          // Most handlers finish at once; awaiting only a promise saves a turn per event.
          const pending = handlers.onChange(event.type, object as T);
          if (pending !== undefined) await pending;
          resourceVersion = version;
        } else {
          handlers.onUnexpected?.(event);
        }
      }
      handlers.onWatchClosed?.(undefined);
      if (received > 0 || Date.now() - watchStarted >= healthyWatchMs) {
        failures = 0;
        continue;
      }
      // A watch that ends at once with nothing in it is a failure too, or we would spin.
      await delay(backoffDelay(++failures, policy, random), signal);
    } catch (err) {
      if (signal.aborted) break;
      if (operation === 'watch') handlers.onWatchClosed?.(err);
      if (watchStarted > 0 && (received > 0 || Date.now() - watchStarted >= healthyWatchMs)) failures = 0;
      const expired = isExpired(err);
      // A stream that breaks after it opened is a restart, not an API error (unless the API said so).
      const broken = watchStarted > 0 && !(err instanceof KubeApiError && err.status !== 0);
      if (expired) {
        handlers.onExpired?.();
        listReason = 'expired';
      } else if (!broken) {
        handlers.onError?.(operation, err);
      }
      failures++;
      // Relisting at once is the normal answer to a first 410; only repeated failures back off.
      if (expired && failures === 1) continue;
      // Retry-After is honoured up to the backoff ceiling, so one answer cannot park the watch for hours.
      const retryAfterMs = Math.min(err instanceof KubeApiError ? (err.retryAfterMs ?? 0) : 0, policy.maxMs);
      await delay(Math.max(retryAfterMs, backoffDelay(failures, policy, random)), signal);
    }
  }
}
