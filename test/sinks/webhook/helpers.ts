// Shared by the webhook tests: events, a log capture, and a ConfigMap reader tests drive by hand.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import type { KubeEvent } from '../../../src/event/types.js';
import type { ConfigMap } from '../../../src/kube/client.js';
import type { ConfigMapReader, SinkContext } from '../../../src/sinks/context.js';

export function makeEvent(overrides: Partial<KubeEvent> & { name?: string; namespace?: string; kind?: string } = {}): KubeEvent {
  const { name = 'web-0.17a1b2c3d4e5f6a7', namespace = 'team', kind = 'Pod', ...rest } = overrides;
  return {
    metadata: { name, namespace, uid: '0d5f4c2e-1111-2222-3333-444455556666', resourceVersion: '4242', creationTimestamp: '2024-03-05T06:07:09Z' },
    involvedObject: { kind, namespace, name: 'web-0', uid: 'aaaa-bbbb', apiVersion: 'v1', resourceVersion: '100', fieldPath: 'spec.containers{web}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web in pod web-0',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-03-05T06:07:09Z',
    lastTimestamp: '2024-03-05T06:07:09Z',
    count: 3,
    type: 'Warning',
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    ...rest,
  };
}

export interface LogCapture {
  readonly log: Logger;
  readonly lines: Array<Record<string, unknown>>;
  text(): string;
}

export function captureLog(bindings: Record<string, string> = { sink: 'webhook#1' }): LogCapture {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { log: pino({ level: 'debug', base: undefined }, stream).child(bindings), lines, text: () => raw.join('\n') };
}

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

/** Polls until `predicate` holds (no fixed sleeps); fails after `timeoutMs`. */
export async function eventually(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
