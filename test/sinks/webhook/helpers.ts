// Shared by the webhook tests: a sink context, and a ConfigMap reader tests drive by hand.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { ConfigMap } from '../../../src/kube/client.js';
import type { ConfigMapReader, SinkContext } from '../../../src/sinks/context.js';

export function sinkContext(log: Logger, kube?: ConfigMapReader, registry: Registry = new Registry()): SinkContext & { registry: Registry; stop: AbortController } {
  const stop = new AbortController();
  return { log, metrics: registry, kube: kube as SinkContext['kube'], shutdown: stop.signal, registry, stop };
}

export function configMap(namespace: string, name: string, data: Record<string, string> | undefined, resourceVersion: string): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name, resourceVersion }, ...(data ? { data } : {}) };
}

/** ConfigMaps held in memory; `set`/`remove` notify watchers like the API server's watch would. */
export class FakeConfigMaps implements ConfigMapReader {
  private readonly store = new Map<string, ConfigMap>();
  private readonly watchers = new Map<string, Set<(cm: ConfigMap | undefined) => void | Promise<void>>>();
  failGet: Error | undefined;
  private version = 100;

  set(namespace: string, name: string, data: Record<string, string> | undefined): ConfigMap {
    const cm = configMap(namespace, name, data, String(++this.version));
    this.store.set(`${namespace}/${name}`, cm);
    for (const w of this.watchers.get(`${namespace}/${name}`) ?? []) void w(cm);
    return cm;
  }

  remove(namespace: string, name: string): void {
    this.store.delete(`${namespace}/${name}`);
    for (const w of this.watchers.get(`${namespace}/${name}`) ?? []) void w(undefined);
  }

  watcherCount(namespace: string, name: string): number {
    return this.watchers.get(`${namespace}/${name}`)?.size ?? 0;
  }

  async getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined> {
    if (this.failGet) throw this.failGet;
    return this.store.get(`${namespace}/${name}`);
  }

  async watchConfigMap(namespace: string, name: string, onChange: (cm: ConfigMap | undefined) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    const key = `${namespace}/${name}`;
    const set = this.watchers.get(key) ?? new Set();
    this.watchers.set(key, set);
    set.add(onChange);
    // Like the real watch: a first notification with the current state.
    await onChange(this.store.get(key));
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    set.delete(onChange);
  }
}
