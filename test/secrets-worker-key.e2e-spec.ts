// Every process must hold the API's secret key. A worker started on a second host or from
// another directory (NODE_ENV unset, so no TEKNISI_SECRET_KEY is required) used to generate a
// key of its own and start, then fail every scan and job with advice to rotate. It now refuses
// to start, saying how to give it the API's key; the API logs the same diagnosis.
import { INestApplicationContext } from '@nestjs/common';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../src/config/env';
import { keyFilePath, RootKey } from '../src/config/secret-key';
import { CredentialsService } from '../src/credentials/credentials.service';
import { checkStoredKey } from '../src/credentials/key-check';
import { startWorker } from '../src/worker';
import { bearer, createTestApp, TestApp } from './support/app';

const COMMUNITY = 'worker-key-community-Pf62Ua';

let t: TestApp;
const scratch: string[] = [];
const contexts: INestApplicationContext[] = [];
const newKey = () => crypto.randomBytes(48).toString('base64');
const emptyDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-worker-key-'));
  scratch.push(d);
  return d;
};
/** The worker as `TEKNISI_ROLE=worker` starts it, on the spec app's database and queues, in a directory of its own. */
const worker = (dataDir: string, secretKey?: string) => startWorker({ ...t.config, role: 'worker', production: false, dataDir, secretKey });
const rootKey = (key: string, origin = 'TEKNISI_SECRET_KEY', generated = false): RootKey => ({ material: Buffer.from(key), origin, generated });

let credentialId: number;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'switches', kind: 'snmp-v2c', community: COMMUNITY });
  credentialId = res.body.id;
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await t?.close();
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

describe('a worker', () => {
  it('with no key at all refuses to start, writes no key, and says how to give it the API\'s', async () => {
    const dataDir = emptyDir();
    const err = await worker(dataDir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(`TEKNISI_SECRET_KEY is not set and there is no key file ${keyFilePath({ dataDir })}: a worker never generates a secret key`);
    expect((err as Error).message).toContain("set TEKNISI_SECRET_KEY to the API's value, or copy the API's key file");
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('with a key that opens no stored credential refuses to start, naming the fix rather than a rotation; with the API\'s key file it starts', async () => {
    const other = newKey();
    const fromEnv = await worker(emptyDir(), other).then(() => null, (e: unknown) => e);
    expect(fromEnv).toBeInstanceOf(ConfigError);
    expect((fromEnv as Error).message).toContain(
      "This process's secret key (from TEKNISI_SECRET_KEY) is not the key the 1 stored credential(s) are encrypted with, so every scan and job that uses a credential would fail. " +
        'Give it the key the other Teknisi processes use: set TEKNISI_SECRET_KEY to their value.',
    );
    expect((fromEnv as Error).message).toContain('npm run secrets:rotate is only for changing the key on purpose');

    // a key file of its own, made by an earlier start: the message says which file to replace
    const dataDir = emptyDir();
    fs.writeFileSync(keyFilePath({ dataDir }), `${other}\n`, { mode: 0o600 });
    const fromFile = await worker(dataDir).then(() => null, (e: unknown) => e);
    expect((fromFile as Error).message).toContain(`(from ${keyFilePath({ dataDir })}) is not the key`);
    expect((fromFile as Error).message).toContain(`or copy their key file (secret.key in their TEKNISI_DATA_DIR) over ${keyFilePath({ dataDir })}.`);
    for (const e of [fromEnv, fromFile]) for (const k of [other, t.config.secretKey!]) expect(String((e as Error).message)).not.toContain(k);

    // doing what it says: the API's key in that file
    fs.writeFileSync(keyFilePath({ dataDir }), `${t.config.secretKey}\n`, { mode: 0o600 });
    const ctx = await worker(dataDir);
    contexts.push(ctx);
    expect(await ctx.get(CredentialsService).reveal(credentialId)).toMatchObject({ community: COMMUNITY });
  });
});

describe('the start-up check the API logs', () => {
  it('for a key file generated in the wrong directory: points at TEKNISI_DATA_DIR and a waiting rotation key', async () => {
    expect(await checkStoredKey(t.db, rootKey(t.config.secretKey!), t.config.dataDir)).toBeNull();
    const dataDir = emptyDir();
    fs.writeFileSync(`${keyFilePath({ dataDir })}.new`, `${newKey()}\n`, { mode: 0o600 });
    const m = await checkStoredKey(t.db, rootKey(newKey(), keyFilePath({ dataDir }), true), dataDir);
    expect(m?.noneReadable).toBe(true);
    expect(m?.message).toContain(`(from ${keyFilePath({ dataDir })}, generated just now) is not the key the 1 stored credential(s) are encrypted with`);
    expect(m?.message).toContain(`${keyFilePath({ dataDir })} did not exist, so a new key was generated: TEKNISI_DATA_DIR (${dataDir}; the default ./data follows the working directory) is probably not the one used before`);
    expect(m?.message).toContain(`A key rotation's new key is waiting in ${keyFilePath({ dataDir })}.new`);
  });
});
