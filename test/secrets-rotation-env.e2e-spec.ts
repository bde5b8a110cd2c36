// npm run secrets:rotate when the current key is TEKNISI_SECRET_KEY and the new one comes in
// TEKNISI_NEW_SECRET_KEY, often typed as $(openssl rand -base64 48) and gone once the command
// ends: the new key is on disk before any credential is committed under it, an interrupted run
// finishes with it, and no run overwrites or drops a key that may seal the credentials.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { CredentialsRepository } from '../src/credentials/credentials.repository';
import { CredentialsService } from '../src/credentials/credentials.service';
import { SecretBox } from '../src/credentials/secret-box';
import { rotateSecrets, runKeyRotation } from '../src/credentials/secrets-rotation';
import { createTestApp, TestApp } from './support/app';

const COMMUNITY = 'rotation-community-Vq83Lm';
const PASSWORD = 'rotation-password-Hc19Zt';

let t: TestApp;
let dataDir: string;
const scratch: string[] = [];
const output: string[] = [];
const print = (line: string) => output.push(line);
const newKey = () => crypto.randomBytes(48).toString('base64');
const pendingFile = () => path.join(dataDir, 'secret.key.new');
const keyIds = async () => (await t.db.query('SELECT DISTINCT key_id FROM credentials')).map((r: { key_id: string }) => r.key_id);
const keyIdOf = (key: string) => new SecretBox(Buffer.from(key)).keyId;
const readWith = (key: string, id: number) => new CredentialsService(t.app.get(CredentialsRepository), { material: Buffer.from(key), origin: 'test', generated: false }).reveal(id);
const rotate = (current: string, next?: string, ds: DataSource = t.db) =>
  runKeyRotation({ ds, config: { secretKey: current, dataDir, production: false }, newSecretKey: next, print });

/** The database as it commits the rotation, then the connection (or the process) lost before the script hears back. */
function lostAfterCommit(ds: DataSource): DataSource {
  return new Proxy(ds, {
    get(target, prop) {
      if (prop === 'transaction') {
        return async (...args: unknown[]) => {
          await (target.transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          throw new Error('Connection lost: The server closed the connection.');
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

let ids: number[];

beforeAll(async () => {
  t = await createTestApp();
  const admin = { Authorization: `Bearer ${t.adminToken}` };
  const a = await t.http.post('/api/credentials').set(admin).send({ name: 'printers', kind: 'snmp-v2c', community: COMMUNITY });
  const b = await t.http.post('/api/credentials').set(admin).send({ name: 'servers', kind: 'ssh', username: 'root', password: PASSWORD });
  ids = [a.body.id, b.body.id];
});

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-rotate-env-'));
  scratch.push(dataDir);
  output.length = 0;
});

afterAll(async () => {
  await t?.close();
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

describe('rotating from TEKNISI_SECRET_KEY to TEKNISI_NEW_SECRET_KEY', () => {
  let current: string;
  beforeAll(() => {
    current = t.config.secretKey!;
  });

  it('saves the new key (0600) before committing, says where, and prints neither key', async () => {
    const next = newKey();
    const count = await rotate(current, next);
    expect(count).toEqual({ reencrypted: 2, alreadyNew: 0 });
    expect(fs.readFileSync(pendingFile(), 'utf8').trim()).toBe(next);
    expect(fs.statSync(pendingFile()).mode & 0o777).toBe(0o600);
    const text = output.join('\n');
    expect(output[0]).toBe(`Saved the new key to ${pendingFile()} (mode 0600) before changing any credential.`);
    expect(text).toContain(`The new key is in ${pendingFile()}. Now set TEKNISI_SECRET_KEY to its content for every Teknisi process`);
    for (const k of [current, next]) expect(text).not.toContain(k);
    // what the file holds is what the credentials now open with
    expect(await readWith(fs.readFileSync(pendingFile(), 'utf8').trim(), ids[1])).toMatchObject({ password: PASSWORD });
    current = next;
  });

  it('leaves the key on disk when the run dies after the commit, and running again finishes with it', async () => {
    const next = newKey();
    await expect(rotate(current, next, lostAfterCommit(t.db))).rejects.toThrow('Connection lost');
    // committed: without the file, these two credentials would now be lost with the shell's variable
    expect(await keyIds()).toEqual([keyIdOf(next)]);
    expect(fs.readFileSync(pendingFile(), 'utf8').trim()).toBe(next);

    output.length = 0;
    const count = await rotate(current); // TEKNISI_NEW_SECRET_KEY gone with the shell that had it
    expect(count).toEqual({ reencrypted: 0, alreadyNew: 2 });
    expect(output.join('\n')).toContain(`Finishing an interrupted rotation with the key in ${pendingFile()}`);
    expect(await readWith(next, ids[0])).toMatchObject({ community: COMMUNITY });
    current = next;
  });

  it('never overwrites a saved key that may seal the credentials with another new key', async () => {
    const earlier = newKey();
    await rotateSecrets(t.db, Buffer.from(current), Buffer.from(earlier)); // an earlier run, committed
    fs.writeFileSync(pendingFile(), `${earlier}\n`, { mode: 0o600 });
    const before = JSON.stringify(await t.db.query('SELECT id, secret, key_id FROM credentials ORDER BY id'));

    await expect(rotate(current, newKey())).rejects.toThrow(
      `${pendingFile()} holds the new key of an earlier rotation, which may already encrypt the credentials: run again without TEKNISI_NEW_SECRET_KEY to finish that one`,
    );
    expect(fs.readFileSync(pendingFile(), 'utf8').trim()).toBe(earlier);
    expect(JSON.stringify(await t.db.query('SELECT id, secret, key_id FROM credentials ORDER BY id'))).toBe(before);

    // once TEKNISI_SECRET_KEY holds it, the saved key is spent and a new rotation may replace it
    const next = newKey();
    expect(await rotate(earlier, next)).toEqual({ reencrypted: 2, alreadyNew: 0 });
    expect(fs.readFileSync(pendingFile(), 'utf8').trim()).toBe(next);
    current = next;
  });

  it('changes nothing when the new key cannot be saved', async () => {
    const blocked = path.join(dataDir, 'not-a-directory');
    fs.writeFileSync(blocked, '');
    const before = await keyIds();
    await expect(
      runKeyRotation({ ds: t.db, config: { secretKey: current, dataDir: path.join(blocked, 'data'), production: false }, newSecretKey: newKey(), print }),
    ).rejects.toThrow(/^Nothing was changed: the new key could not be saved to .*not-a-directory\/data\/secret\.key\.new \(ENOTDIR\)/);
    expect(await keyIds()).toEqual(before);
    expect(await readWith(current, ids[1])).toMatchObject({ password: PASSWORD });
  });

  it('saves the key before trying, and removes it again when the rotation is refused (nothing changed)', async () => {
    const foreign = new SecretBox(crypto.randomBytes(32));
    const now = new Date();
    const alien = await t.app.get(CredentialsRepository).insertCredential({
      name: 'alien', kind: 'snmp-v1', username: null, params: '{"secretFields":["community"]}',
      secret: foreign.seal({ community: COMMUNITY }, 'credential:snmp-v1'), keyId: foreign.keyId, createdAt: now, updatedAt: now,
    });
    try {
      await expect(rotate(current, newKey())).rejects.toThrow('Nothing was changed');
      expect(output).toEqual([`Saved the new key to ${pendingFile()} (mode 0600) before changing any credential.`]);
      expect(fs.existsSync(pendingFile())).toBe(false);
      expect(await readWith(current, ids[0])).toMatchObject({ community: COMMUNITY });
    } finally {
      await t.app.get(CredentialsRepository).deleteCredential(alien!.id);
    }
  });
});
