// Alibaba Cloud credentials: ACK's token file decrypted as ACK writes it, unusable files stop
// startup (kube-eventer exits fatally), renewal keeps still-valid credentials when the source fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialProvider, readTokenConfig, REFRESH_MARGIN_MS, resolveCredentials, type AliyunCredentials } from '../../../src/sinks/aliyun/credentials.js';
import { testEnvironment } from '../../fixtures/aliyun/environment.js';
import { writeTokenConfig } from '../../fixtures/aliyun/token-config.js';
import { assertConfigError } from '../chat/helpers.js';

test('token file: fields decrypt with the keyring (16, 24 and 32 bytes), expiry parsed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tc-'));
  try {
    const path = join(dir, 'token-config');
    for (const keyring of ['0123456789abcdef', '0123456789abcdef01234567', '0123456789abcdef0123456789abcdef']) {
      await writeTokenConfig(path, { accessKeyId: 'STS.id', accessKeySecret: 'sk', securityToken: 'tok', expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) }, keyring);
      assert.deepEqual(await readTokenConfig(path), { accessKeyId: 'STS.id', accessKeySecret: 'sk', securityToken: 'tok', expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('token file: an unusable file stops startup with the reason, not a crash', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tc-'));
  try {
    const path = join(dir, 'token-config');
    const env = testEnvironment({ tokenConfigPath: path });
    await writeFile(path, '{not json');
    await assertConfigError(() => resolveCredentials('sls', {}, env), /ACK token file unusable: .*token-config: not JSON/);
    await writeTokenConfig(path, { accessKeyId: 'a', accessKeySecret: 'b', securityToken: 'c', expiresAt: Date.now() + 60_000 }, 'right-keyring-16');
    const json = JSON.parse(await (await import('node:fs/promises')).readFile(path, 'utf8')) as Record<string, string>;
    await writeFile(path, JSON.stringify({ ...json, keyring: 'wrong-keyring-16' }));
    await assertConfigError(() => resolveCredentials('sls', {}, env), /"access.key.id" does not decrypt with the keyring/);
    await writeFile(path, JSON.stringify({ ...json, expiration: 'tomorrow' }));
    await assertConfigError(() => resolveCredentials('sls', {}, env), /"expiration" is not a time like 2006-01-02T15:04:05Z/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('renewal: inside the margin it reloads; a failing source keeps still-valid credentials, and fails once they expired', async () => {
  let now = 1_000_000_000_000;
  let next: AliyunCredentials | Error = new Error('metadata down');
  let loads = 0;
  const load = async () => {
    loads++;
    if (next instanceof Error) throw next;
    return next;
  };
  const first = { accessKeyId: 'STS.1', accessKeySecret: 's1', securityToken: 't1', expiresAt: now + REFRESH_MARGIN_MS + 60_000 };
  const p = new CredentialProvider('ramRole', first, load, () => now);
  assert.equal(await p.current(), first, 'outside the margin: no reload');
  assert.equal(loads, 0);
  now += 2 * 60_000; // inside the margin
  assert.equal(await p.current(), first, 'source failed: the old ones still work');
  assert.equal(loads, 1);
  const [a, b] = await Promise.all([p.current(), p.current()]);
  assert.equal(a, first);
  assert.equal(b, first);
  assert.equal(loads, 1, 're-check interval: no reload storm');
  now += REFRESH_MARGIN_MS; // expired
  await assert.rejects(p.current(), /cannot renew credentials from the ECS instance's RAM role: metadata down/);
  next = { accessKeyId: 'STS.2', accessKeySecret: 's2', securityToken: 't2', expiresAt: now + 3_600_000 };
  assert.equal((await p.current()).accessKeyId, 'STS.2');
  p.invalidate();
  next = { accessKeyId: 'STS.3', accessKeySecret: 's3', securityToken: 't3', expiresAt: now + 3_600_000 };
  assert.equal((await p.current()).accessKeyId, 'STS.3', 'the service said expired: reload at once');
});
