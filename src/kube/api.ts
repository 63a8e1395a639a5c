// What the API client offers the code that lists and watches (reflector, leader election, checkpoint
// store), so that code depends on this narrow contract rather than on the client class.
import type { KubeStatus, ListMeta, TypeMeta, WatchEvent } from './types.js';

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  readonly query?: Query;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Defaults to application/json, or application/merge-patch+json for PATCH. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Whole request, body included. Defaults to the client's requestTimeoutMs. */
  readonly timeoutMs?: number;
  /** Largest response body accepted. Default: the client's cap for JSON responses (64 MiB). */
  readonly maxBytes?: number;
}

export interface WatchOptions {
  readonly query?: Query;
  readonly signal?: AbortSignal;
  /** The stream is abandoned (KubeApiError reason `Timeout`) after this long without a byte. */
  readonly idleTimeoutMs?: number;
  /** Called once the API server has accepted the watch (HTTP 200), before any event. */
  readonly onOpen?: () => void;
  /**
   * Objects that carry exactly this kind and apiVersion come without them (as a typed client has
   * them), removed while parsing where the line has the API server's layout; others come as they are.
   */
  readonly omitTypeMeta?: TypeMeta;
  /**
   * With omitTypeMeta of Event: ADDED, MODIFIED and DELETED Events in the API server's layout come as
   * DeferredEvents (summary now, the whole object parsed when asked for).
   */
  readonly deferEvents?: boolean;
}

/** The two calls everything above the client is built on. */
export interface KubeApi {
  requestJson<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The watch's events in order, a batch at a time (the events that arrived together). */
  watch<T = unknown>(path: string, options?: WatchOptions): AsyncIterable<Array<WatchEvent<T>>>;
  /** One list (page), each item handed over as it arrives; resolves with the list's metadata. */
  list<T>(path: string, onItem: (item: T) => void, options?: Pick<RequestOptions, 'query' | 'signal' | 'timeoutMs'>): Promise<ListMeta>;
}

/**
 * An API request that failed. `status` is the HTTP status, or 0 when no response came (`reason`
 * is then `NetworkError` or `Timeout`). Never carries credentials.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${method} ${path}: ${status === 0 ? reason : `HTTP ${status}${reason === '' ? '' : ` ${reason}`}`}: ${detail}`);
  }

  /** 410 Gone/Expired: the requested resourceVersion has been compacted away. */
  get expired(): boolean {
    return this.status === 410;
  }
}

/** Builds the error for a watch ERROR event. */
export function errorFromStatus(path: string, status: KubeStatus): KubeApiError {
  return new KubeApiError('WATCH', path, status.code ?? 500, status.reason ?? '', status.message ?? 'watch error', status.details?.retryAfterSeconds === undefined ? undefined : status.details.retryAfterSeconds * 1000);
}
