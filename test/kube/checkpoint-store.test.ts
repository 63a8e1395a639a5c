import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { ConfigError } from '../../src/base/errors.js';
import {
  CHECKPOINT_CONFIGMAP_KEY,
  CheckpointError,
  ConfigMapCheckpointStore,
  createCheckpointStore,
  FileCheckpointStore,
} from '../../src/kube/checkpoint-store.js';
import { parseCheckpointSpec } from '../../src/kube-wiring.js';
import type { Checkpoint } from '../../src/pipeline/checkpointer.js';
import type { RequestOptions } from '../../src/kube/api.js';
import { KubeClient } from '../../src/kube/client.js';
import type { ConfigMap } from '../../src/kube/types.js';
import { startFakeApiServer, type FakeApiServer } from '../fixtures/fake-apiserver/server.js';

const root = mkdtempSync(join(tmpdir(), 'checkpoint-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirCounter = 0;
const freshDir = () => mkdtempSync(join(root, `${dirCounter++}-`));

function checkpoint(rv: number, sinks: Record<string, string> = { 'log#0': String(rv) }): Checkpoint {
  return { version: 1, resourceVersion: String(rv), sinks, updatedAt: new Date(1_700_000_000_000 + rv).toISOString() };
}

function clientFor(url: string, requestTimeoutMs = 2000): KubeClient {
  return new KubeClient({ server: url, description: 'fake', warnings: [], tls: { rejectUnauthorized: true }, authHeaders: async () => ({}) }, { requestTimeoutMs });
}

describe('parseCheckpointSpec', () => {
  test('configmap:<namespace>/<name> and file:<path>', () => {
    assert.deepEqual(parseCheckpointSpec('configmap:kube-system/kube-eventer-checkpoint'), { kind: 'configmap', namespace: 'kube-system', name: 'kube-eventer-checkpoint' });
    assert.deepEqual(parseCheckpointSpec('configmap:monitoring/eventer.checkpoint'), { kind: 'configmap', namespace: 'monitoring', name: 'eventer.checkpoint' });
    assert.deepEqual(parseCheckpointSpec('file:/var/lib/kube-eventer/checkpoint.json'), { kind: 'file', path: '/var/lib/kube-eventer/checkpoint.json' });
    assert.deepEqual(parseCheckpointSpec('file:state/cp.json'), { kind: 'file', path: 'state/cp.json' });
  });

  test('bad specs are ConfigErrors naming the flag and the value', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /expected configmap:<namespace>\/<name> or file:<path>/],
      ['/tmp/cp.json', /expected configmap:<namespace>\/<name> or file:<path>/],
      ['s3:bucket/key', /expected configmap:<namespace>\/<name> or file:<path>/],
      ['ConfigMap:ns/name', /expected configmap:<namespace>\/<name> or file:<path>/],
      ['file:', /the file path is empty/],
      ['file:  ', /the file path is empty/],
      ['configmap:name-only', /expected configmap:<namespace>\/<name>/],
      ['configmap:a/b/c', /expected configmap:<namespace>\/<name>/],
      ['configmap:/name', /namespace "" is not a valid namespace/],
      ['configmap:ns/', /name "" is not a valid ConfigMap name/],
      ['configmap:Kube-System/cp', /namespace "Kube-System" is not a valid namespace/],
      ['configmap:a.b/cp', /namespace "a.b" is not a valid namespace/],
      ['configmap:ns/cp_1', /name "cp_1" is not a valid ConfigMap name/],
      [`configmap:ns/${'x'.repeat(254)}`, /is not a valid ConfigMap name/],
    ];
    for (const [text, message] of bad) {
      assert.throws(
        () => parseCheckpointSpec(text),
        (err: unknown) => err instanceof ConfigError && err.message.startsWith(`--checkpoint=${JSON.stringify(text)}: `) && message.test(err.message),
        text,
      );
    }
  });
});

describe('file checkpoint store', () => {
  test('missing file → undefined; save then load round-trips; a new store instance reads it', async () => {
    const path = join(freshDir(), 'checkpoint.json');
    const store = new FileCheckpointStore(path);
    assert.equal(store.description, `file ${path}`);
    assert.equal(await store.load(), undefined);
    const c = checkpoint(4242, { 'log#0': '4240', 'webhook#1': '4100' });
    await store.save(c);
    assert.deepEqual(await store.load(), c);
    assert.deepEqual(await new FileCheckpointStore(path).load(), c);
    await store.save(checkpoint(5000));
    assert.deepEqual(await new FileCheckpointStore(path).load(), checkpoint(5000));
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  test('writes are atomic: no temp files remain, and the file always holds a whole checkpoint', async () => {
    const dir = freshDir();
    const path = join(dir, 'checkpoint.json');
    const store = new FileCheckpointStore(path);
    const saves: Array<Promise<void>> = [];
    for (let rv = 1; rv <= 50; rv++) {
      saves.push(store.save(checkpoint(rv)));
      if (rv % 10 === 0) {
        await saves[saves.length - 1];
        // Whatever is on disk now parses as a whole checkpoint.
        assert.equal(JSON.parse(readFileSync(path, 'utf8')).version, 1);
      }
    }
    await Promise.all(saves);
    assert.deepEqual(readdirSync(dir), ['checkpoint.json']);
    assert.deepEqual(await store.load(), checkpoint(50));
  });

  test('corrupt or foreign content is a clear CheckpointError naming the file', async () => {
    const dir = freshDir();
    const cases: Array<[string, RegExp]> = [
      ['{"version":1,"resourceVer', /not JSON/],
      ['[]', /not a JSON object/],
      ['{"version":2,"resourceVersion":"1","sinks":{},"updatedAt":"x"}', /unsupported version 2 \(expected 1\)/],
      ['{"version":1,"resourceVersion":1,"sinks":{},"updatedAt":"x"}', /resourceVersion is not a string/],
      ['{"version":1,"resourceVersion":"1","sinks":{"log#0":7},"updatedAt":"x"}', /sinks\["log#0"\] is not a string/],
      ['{"version":1,"resourceVersion":"1","updatedAt":"x"}', /sinks is not an object/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const path = join(dir, `c${i}.json`);
      writeFileSync(path, text);
      await assert.rejects(new FileCheckpointStore(path).load(), (err: unknown) => err instanceof CheckpointError && err.message.includes(`checkpoint file ${path} holds no valid checkpoint`) && message.test(err.message), text);
    }
  });

  test('unreadable path and missing directory are CheckpointErrors, not crashes', async () => {
    const dir = freshDir();
    await assert.rejects(new FileCheckpointStore(dir).load(), (err: unknown) => err instanceof CheckpointError && /cannot read/.test(err.message));
    const missing = join(dir, 'no-such-dir', 'checkpoint.json');
    await assert.rejects(new FileCheckpointStore(missing).save(checkpoint(1)), (err: unknown) => err instanceof CheckpointError && err.message.includes(`checkpoint file ${missing}: cannot write`));
  });

  test('saves coalesce: only the latest pending value is written after the one in flight', async () => {
    const path = join(freshDir(), 'checkpoint.json');
    const store = new FileCheckpointStore(path);
    const saves = Array.from({ length: 100 }, (_, i) => store.save(checkpoint(i + 1)));
    await Promise.all(saves);
    assert.deepEqual(await store.load(), checkpoint(100));
  });
});

describe('ConfigMap checkpoint store', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  const NS = 'kube-system';
  const NAME = 'kube-eventer-checkpoint';
  const stored = () => api.getObject('configmaps', NS, NAME) as ConfigMap | undefined;
  const writes = () => api.counts.create + api.counts.update;

  beforeEach(async () => {
    api = await startFakeApiServer();
    client = clientFor(api.url);
  });
  afterEach(async () => {
    client.close();
    await api.close();
  });

  test('round trip: missing → undefined, save creates the ConfigMap, later saves update it, a standby loads it', async () => {
    const store = createCheckpointStore(parseCheckpointSpec(`configmap:${NS}/${NAME}`), client);
    assert.equal(store.description, `ConfigMap ${NS}/${NAME}`);
    assert.equal(await store.load(), undefined);
    await store.save(checkpoint(1001));
    assert.equal(api.counts.create, 1);
    assert.deepEqual(JSON.parse(stored()!.data![CHECKPOINT_CONFIGMAP_KEY]!), checkpoint(1001));
    await store.save(checkpoint(1002, { 'log#0': '1002', 'kafka#1': '999' }));
    assert.equal(api.counts.update, 1);
    const standby = new ConfigMapCheckpointStore(client, NS, NAME);
    assert.deepEqual(await standby.load(), checkpoint(1002, { 'log#0': '1002', 'kafka#1': '999' }));
  });

  test('save without load first: reads, then creates; updates carry the resourceVersion', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    await store.save(checkpoint(1));
    await store.save(checkpoint(2));
    const puts = api.requests.filter((r) => r.method === 'PUT');
    assert.equal(puts.length, 1);
    assert.deepEqual(
      api.requests.filter((r) => r.resource === 'configmaps').map((r) => r.verb),
      ['get', 'create', 'update'],
    );
  });

  test('a ConfigMap made by a manifest (other keys, no checkpoint yet) is used and its keys kept', async () => {
    api.putObject('configmaps', { metadata: { name: NAME, namespace: NS, labels: { team: 'sre' } }, data: { README: 'written by kube-eventer' } });
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    assert.equal(await store.load(), undefined);
    await store.save(checkpoint(7));
    assert.equal(api.counts.create, 0);
    assert.equal(stored()!.data!.README, 'written by kube-eventer');
    assert.equal(stored()!.metadata.labels?.team, 'sre');
    assert.deepEqual(await store.load(), checkpoint(7));
  });

  test('a conflict (409) re-reads and retries once, keeping the concurrent change', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    await store.save(checkpoint(1));
    // Someone edits the ConfigMap: the store's resourceVersion is now stale.
    api.putObject('configmaps', { ...stored()!, data: { ...stored()!.data, note: 'edited by hand' } } as unknown as Record<string, unknown>);
    const getsBefore = api.counts.get;
    await store.save(checkpoint(2));
    assert.equal(api.counts.get, getsBefore + 1, 'one re-read after the conflict');
    assert.equal(stored()!.data!.note, 'edited by hand');
    assert.deepEqual(JSON.parse(stored()!.data![CHECKPOINT_CONFIGMAP_KEY]!), checkpoint(2));
  });

  test('leader election: after a conflict, a deposed leader does not overwrite the new leader\'s position, now or later', async () => {
    const lease = { namespace: NS, name: 'kube-eventer' };
    const holder = (identity: string) => api.putObject('leases', { metadata: { name: lease.name, namespace: NS }, spec: { holderIdentity: identity } });
    const a = (rv: number): Checkpoint => ({ ...checkpoint(rv), writer: 'replica-a' });
    const b = (rv: number): Checkpoint => ({ ...checkpoint(rv), writer: 'replica-b' });
    holder('replica-a');
    const deposed = new ConfigMapCheckpointStore(client, NS, NAME, { lease });
    await deposed.save(a(1));
    // The Lease moves to replica-b, which saves a newer position while replica-a still has a save in flight.
    holder('replica-b');
    const leader = new ConfigMapCheckpointStore(client, NS, NAME, { lease });
    assert.deepEqual(await leader.load(), a(1));
    await leader.save(b(50));
    await assert.rejects(deposed.save(a(2)), (err: unknown) => err instanceof CheckpointError && /"replica-b" saved its position/.test(err.message) && /"replica-a" no longer holds Lease kube-system\/kube-eventer: not overwritten/.test(err.message));
    await assert.rejects(deposed.save(a(3)), CheckpointError);
    assert.deepEqual(JSON.parse(stored()!.data![CHECKPOINT_CONFIGMAP_KEY]!), b(50));
    await leader.save(b(51));
    assert.equal((await leader.load())?.resourceVersion, '51');
  });

  test('leader election: the Lease holder overwrites a late save of the deposed leader', async () => {
    const lease = { namespace: NS, name: 'kube-eventer' };
    api.putObject('leases', { metadata: { name: lease.name, namespace: NS }, spec: { holderIdentity: 'replica-b' } });
    api.putObject('configmaps', { metadata: { name: NAME, namespace: NS }, data: { [CHECKPOINT_CONFIGMAP_KEY]: JSON.stringify({ ...checkpoint(1), writer: 'replica-a' }) } });
    const leader = new ConfigMapCheckpointStore(client, NS, NAME, { lease });
    await leader.load();
    // replica-a's in-flight save lands after the new leader read the ConfigMap.
    api.putObject('configmaps', { metadata: { name: NAME, namespace: NS }, data: { [CHECKPOINT_CONFIGMAP_KEY]: JSON.stringify({ ...checkpoint(2), writer: 'replica-a' }) } });
    await leader.save({ ...checkpoint(60), writer: 'replica-b' });
    assert.equal((await leader.load())?.writer, 'replica-b');
    assert.equal((await leader.load())?.resourceVersion, '60');
  });

  test('two conflicts in a row fail the save with a CheckpointError; the next save succeeds', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    await store.save(checkpoint(1));
    api.failNext(2, 409, { verb: 'update' });
    await assert.rejects(store.save(checkpoint(2)), (err: unknown) => err instanceof CheckpointError && err.message.startsWith(`checkpoint ConfigMap ${NS}/${NAME}: update failed`) && /409/.test(err.message));
    await store.save(checkpoint(3));
    assert.deepEqual(await store.load(), checkpoint(3));
  });

  test('a ConfigMap deleted under the store is created again', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    await store.save(checkpoint(1));
    api.deleteObject('configmaps', NS, NAME);
    await store.save(checkpoint(2));
    assert.equal(api.counts.create, 2);
    assert.deepEqual(await store.load(), checkpoint(2));
  });

  test('a created-meanwhile ConfigMap (409 AlreadyExists on create) is re-read and updated', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    assert.equal(await store.load(), undefined);
    api.putObject('configmaps', { metadata: { name: NAME, namespace: NS }, data: { other: 'x' } });
    await store.save(checkpoint(5));
    assert.equal(stored()!.data!.other, 'x');
    assert.deepEqual(await store.load(), checkpoint(5));
  });

  test('corrupt data in the ConfigMap is a CheckpointError naming the ConfigMap and key', async () => {
    api.putObject('configmaps', { metadata: { name: NAME, namespace: NS }, data: { [CHECKPOINT_CONFIGMAP_KEY]: 'not json' } });
    await assert.rejects(new ConfigMapCheckpointStore(client, NS, NAME).load(), (err: unknown) => err instanceof CheckpointError && err.message.startsWith(`checkpoint ConfigMap ${NS}/${NAME} key checkpoint.json holds no valid checkpoint: not JSON`));
  });

  test('RBAC refusal (403) names the permissions needed', async () => {
    api.failNext(1, 403, { verb: 'get', message: 'configmaps "kube-eventer-checkpoint" is forbidden' });
    await assert.rejects(new ConfigMapCheckpointStore(client, NS, NAME).load(), (err: unknown) => err instanceof CheckpointError && /read failed: .*403.*forbidden.*RBAC: the service account needs get, create and update on configmaps/.test(err.message));
  });

  test('a failed write rejects its callers but does not block later saves', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    await store.save(checkpoint(1));
    api.failNext(1, 500, { verb: 'update' });
    await assert.rejects(store.save(checkpoint(2)), CheckpointError);
    await store.save(checkpoint(3));
    assert.deepEqual(await store.load(), checkpoint(3));
  });

  test('coalescing: 100 saves in a burst → at most two writes, and the last value wins', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    const saves = Array.from({ length: 100 }, (_, i) => store.save(checkpoint(i + 1)));
    await Promise.all(saves);
    assert.ok(writes() <= 2, `${writes()} writes`);
    assert.deepEqual(JSON.parse(stored()!.data![CHECKPOINT_CONFIGMAP_KEY]!), checkpoint(100));
  });

  test('writes never overlap, even when a caller saves again as its previous save completes', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const counting = {
      requestJson: async <T>(method: string, path: string, options?: RequestOptions): Promise<T> => {
        const write = method !== 'GET';
        if (write) maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await client.requestJson<T>(method, path, options);
        } finally {
          if (write) inFlight--;
        }
      },
    };
    const store = new ConfigMapCheckpointStore(counting, NS, NAME);
    const chained: Array<Promise<void>> = [];
    const first = store.save(checkpoint(1)).then(() => {
      chained.push(store.save(checkpoint(3)));
    });
    const second = store.save(checkpoint(2));
    await Promise.all([first, second]);
    await Promise.all(chained);
    assert.equal(maxInFlight, 1);
    assert.deepEqual(await store.load(), checkpoint(3));
  });

  test('coalescing under a steady stream: ten batches of ten saves → one or two writes per batch', async () => {
    const store = new ConfigMapCheckpointStore(client, NS, NAME);
    const saves: Array<Promise<void>> = [];
    for (let rv = 1; rv <= 100; rv++) {
      saves.push(store.save(checkpoint(rv)));
      if (rv % 10 === 0) await saves[saves.length - 1];
    }
    await Promise.all(saves);
    assert.ok(writes() >= 10 && writes() <= 20, `${writes()} writes for 100 saves`);
    assert.deepEqual(await store.load(), checkpoint(100));
  });
});

describe('ConfigMap checkpoint store timeouts', () => {
  let server: Server;
  let url: string;
  beforeEach(async () => {
    // Accepts requests and never answers.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('every request is bounded by requestTimeoutMs', async () => {
    const client = clientFor(url, 60_000);
    const store = new ConfigMapCheckpointStore(client, 'ns', 'cp', { requestTimeoutMs: 150 });
    const started = Date.now();
    await assert.rejects(store.load(), (err: unknown) => err instanceof CheckpointError && /read failed: .*Timeout/.test(err.message));
    await assert.rejects(store.save(checkpoint(1)), (err: unknown) => err instanceof CheckpointError && /Timeout/.test(err.message));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    client.close();
  });
});
