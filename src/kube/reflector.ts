// List-then-watch that never skips a change: watches resume from the last resourceVersion seen
// (events and bookmarks), a 410 Expired triggers a fresh paginated list, API errors back off.
import { backoffDelay, delay, type BackoffPolicy } from '../base/backoff.js';
import { errorFromStatus, KubeApiError, type KubeApi, type Query } from './api.js';
import type { KubeObject, KubeStatus, TypeMeta, WatchEvent } from './types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type ListReason = 'initial' | 'expired';

/**
 * Takes a list page by page, so a large collection is never held whole: `begin` starts a list (again
 * after a continue token expired mid-way), `page` gets each page's items, `end` the list's resourceVersion.
 */
export interface ListConsumer<T extends KubeObject> {
  begin(reason: ListReason): void;
  page(items: T[]): void;
  end(resourceVersion: string, reason: ListReason): void | Promise<void>;
}

export interface ReflectorHandlers<T extends KubeObject> {
  /** The complete list (every page) and its resourceVersion; the watch resumes from there. Unused when `list` is given. */
  onList?(items: T[], resourceVersion: string, reason: ListReason): void | Promise<void>;
  /** Takes lists page by page instead of `onList`. */
  list?: ListConsumer<T>;
  onChange(type: ChangeType, object: T): void | Promise<void>;
  /**
   * Before the first onChange of a run of watch events that arrived together (and again after a
   * handler's promise settled): what a handler would otherwise note per event, such as the time.
   */
  onChanges?(): void;
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
  /** Passed to the watch (WatchOptions.omitTypeMeta). */
  readonly omitTypeMeta?: TypeMeta;
  /** Passed to the watch (WatchOptions.deferEvents). */
  readonly deferEvents?: boolean;
  readonly handlers: ReflectorHandlers<T>;
}

/** Items of a list handed to the consumer at once. */
const ITEMS_PER_HANDOFF = 100;

export const WATCH_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, multiplier: 2 };

/** A 410 from a watch ERROR event or an HTTP response: the resourceVersion is gone. */
class Expired extends Error {}

function isExpired(err: unknown): boolean {
  return err instanceof Expired || (err instanceof KubeApiError && err.expired);
}

/** Collects every page for handlers that want the whole list at once (small collections). */
function collectingConsumer<T extends KubeObject>(onList: NonNullable<ReflectorHandlers<T>['onList']>): ListConsumer<T> {
  let items: T[] = [];
  return {
    begin: () => void (items = []),
    page: (pageItems) => {
      for (const item of pageItems) items.push(item);
    },
    end: (resourceVersion, reason) => {
      const all = items;
      items = [];
      return onList(all, resourceVersion, reason);
    },
  };
}

/**
 * Lists page by page into `consumer`, holding one page at a time. A continue token that expires
 * mid-way restarts the list (at most three tries; then the error goes to the caller's backoff): never
 * one unpaginated list, which on a large cluster would not fit in memory.
 */
async function listPaged<T extends KubeObject>(options: ReflectorOptions<T>, pageSize: number, reason: ListReason, consumer: ListConsumer<T>): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    consumer.begin(reason);
    let resourceVersion = '';
    let token: string | undefined;
    try {
      do {
        // Items are handed on as they stream in, a few at a time: not even one page is held whole.
        let batch: T[] = [];
        const metadata = await options.client.list<T>(
          options.path,
          (item) => {
            batch.push(item);
            if (batch.length >= ITEMS_PER_HANDOFF) {
              consumer.page(batch);
              batch = [];
            }
          },
          { query: { ...options.query, limit: pageSize, continue: token }, signal: options.signal },
        );
        if (batch.length > 0) consumer.page(batch);
        if (token === undefined) resourceVersion = metadata.resourceVersion ?? '';
        token = metadata.continue || undefined;
      } while (token !== undefined);
      return resourceVersion;
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
  const consumer = handlers.list ?? collectingConsumer(handlers.onList!);

  let resourceVersion = options.startResourceVersion;
  let listReason: ListReason | undefined = resourceVersion === undefined ? 'initial' : undefined;
  let failures = 0;

  while (!signal.aborted) {
    let operation: 'list' | 'watch' = 'list';
    let watchStarted = 0;
    let received = 0;
    try {
      if (listReason !== undefined) {
        const listedAt = await listPaged(options, pageSize, listReason, consumer);
        await consumer.end(listedAt, listReason);
        resourceVersion = listedAt;
        listReason = undefined;
      }
      operation = 'watch';
      const timeoutSeconds = Math.round(timeouts.min + random() * (timeouts.max - timeouts.min));
      const stream = client.watch<KubeObject | KubeStatus>(path, {
        query: { ...options.query, resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds },
        signal,
        idleTimeoutMs,
        ...(options.omitTypeMeta === undefined ? {} : { omitTypeMeta: options.omitTypeMeta }),
        ...(options.deferEvents ? { deferEvents: true } : {}),
        onOpen: () => {
          watchStarted = Date.now();
          handlers.onWatchOpen?.();
        },
      });
      for await (const events of stream) {
        let noted = false;
        for (const event of events) {
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
            if (!noted) {
              noted = true;
              handlers.onChanges?.();
            }
            // Most handlers finish at once; awaiting only a promise saves a turn per event.
            const pending = handlers.onChange(event.type, object as T);
            if (pending !== undefined) {
              await pending;
              noted = false;
            }
            resourceVersion = version;
          } else {
            handlers.onUnexpected?.(event);
          }
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
        // A first list whose continue token kept expiring is still the first list.
        listReason ??= 'expired';
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
