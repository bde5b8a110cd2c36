// The credentials vault end to end: every kind, validation, roles, updates, reveal() in the
// worker, key rotation, and — the point of it all — that no secret ever leaves in a response,
// a log line or the audit log.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'supertest';
import { ROOT_KEY, RootKey } from '../src/config/secret-key';
import { CredentialsRepository } from '../src/credentials/credentials.repository';
import { CredentialsService } from '../src/credentials/credentials.service';
import { SecretBox } from '../src/credentials/secret-box';
import { rotateSecrets, runKeyRotation } from '../src/credentials/secrets-rotation';
import { bearer, createTestApp, TestApp } from './support/app';

const rsaPem = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const edPem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Every secret value sent in this file, valid or rejected: none may come back out anywhere. */
const S = {
  v1Community: 'v1-community-Qx7Lp',
  v2Community: 'v2c-community-Zm4Tr',
  authKey: 'v3-authkey-Hn82Kd',
  privKey: 'v3-privkey-Wb51Cs',
  sshPassword: 'ssh-password-Ry93Vu',
  sudoPassword: 'sudo-password-Pe27Ja',
  passphrase: 'key-passphrase-Mt64Yo',
  privateKey: rsaPem,
  newPassword: 'ssh-password-replaced-Gk18Nf',
  newPrivateKey: edPem,
  newAuthKey: 'v3-authkey-replaced-Lu40Xe',
  shortAuthKey: 'Sh0rtK',
  misplacedCommunity: 'misplaced-community-Xy55Qe',
  badPrivateKey: 'not-a-key-but-secret-Dv72Ho',
  patchCommunity: 'patch-community-Ob36Sg',
};

/** Strings to look for: each secret, and each body line of the PEM keys (a key may be re-wrapped). */
const NEEDLES = Object.values(S).flatMap((v) => (v.includes('-----BEGIN') ? [v, ...v.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))] : [v]));

let t: TestApp;
let tech: string;
let viewer: string;
const responses: string[] = [];
const outputs: string[] = [];
const tmpDirs: string[] = [];

/** Awaits a request and keeps its body for the final leak check. */
async function rec(req: PromiseLike<Response>): Promise<Response> {
  const res = await req;
  responses.push(`${res.status} ${res.text ?? ''} ${JSON.stringify(res.headers)}`);
  return res;
}
const admin = () => bearer(t.adminToken);
const post = (body: object, token = t.adminToken) => rec(t.http.post('/api/credentials').set(bearer(token)).send(body));
const patch = (id: number, body: object, token = t.adminToken) => rec(t.http.patch(`/api/credentials/${id}`).set(bearer(token)).send(body));
const getOne = (id: number, token = t.adminToken) => rec(t.http.get(`/api/credentials/${id}`).set(bearer(token)));
const list = (query = '', token = t.adminToken) => rec(t.http.get(`/api/credentials${query}`).set(bearer(token)));
const service = () => t.app.get(CredentialsService);
const serviceWith = (material: Buffer) => new CredentialsService(t.app.get(CredentialsRepository), { material, origin: 'test', generated: false });
const fieldsOf = (res: Response) => (res.body.details ?? []).map((d: { field: string }) => d.field);
const newKey = () => crypto.randomBytes(48).toString('base64');

const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  tech = await t.tokenFor('technician');
  viewer = await t.tokenFor('viewer');
});

afterAll(async () => {
  await t?.close();
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('create', () => {
  it('creates an snmp-v1 credential and shows only that it has a community', async () => {
    const res = await post({ name: 'printers v1', kind: 'snmp-v1', community: S.v1Community });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(Number), name: 'printers v1', kind: 'snmp-v1', hasCommunity: true, createdAt: expect.any(String), updatedAt: expect.any(String) });
    ids.v1 = res.body.id;
  });

  it('creates an snmp-v2c credential', async () => {
    const res = await post({ name: 'switches v2c', kind: 'snmp-v2c', community: S.v2Community });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'snmp-v2c', hasCommunity: true });
    expect(res.body).not.toHaveProperty('community');
    ids.v2c = res.body.id;
  });

  it('creates an snmp-v3 authPriv credential', async () => {
    const res = await post({
      name: 'core v3', kind: 'snmp-v3', username: 'netops', securityLevel: 'authPriv',
      authProtocol: 'SHA-256', authKey: S.authKey, privProtocol: 'AES-128', privKey: S.privKey,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number), name: 'core v3', kind: 'snmp-v3', username: 'netops', securityLevel: 'authPriv',
      authProtocol: 'SHA-256', privProtocol: 'AES-128', hasAuthKey: true, hasPrivKey: true,
      createdAt: expect.any(String), updatedAt: expect.any(String),
    });
    ids.v3 = res.body.id;
  });

  it('creates an ssh credential with every secret, port defaulting to 22', async () => {
    const res = await post({
      name: 'linux root', kind: 'ssh', username: 'root', password: S.sshPassword,
      privateKey: S.privateKey, passphrase: S.passphrase, sudoPassword: S.sudoPassword,
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number), name: 'linux root', kind: 'ssh', username: 'root', port: 22,
      hasPassword: true, hasPrivateKey: true, hasPassphrase: true, hasSudoPassword: true,
      createdAt: expect.any(String), updatedAt: expect.any(String),
    });
    ids.ssh = res.body.id;
  });

  it('creates an ssh credential with a key only, on another port', async () => {
    const res = await post({ name: 'backup key', kind: 'ssh', username: 'backup', privateKey: S.newPrivateKey, port: 2222 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ port: 2222, hasPassword: false, hasPrivateKey: true, hasPassphrase: false, hasSudoPassword: false });
    ids.sshKey = res.body.id;
  });

  it('answers 409 for a name that is taken', async () => {
    const res = await post({ name: 'printers v1', kind: 'snmp-v2c', community: S.v2Community });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'A credential named "printers v1" already exists' });
    // the same name with spaces around it is the same name, not a second credential beside it
    const spaced = await post({ name: '  printers v1 ', kind: 'snmp-v2c', community: S.v2Community });
    expect(spaced.status).toBe(409);
  });
});

describe('validation', () => {
  it('names a missing community in the error body', async () => {
    const res = await post({ name: 'x', kind: 'snmp-v2c' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400, error: 'Bad Request', message: 'community: community is required for kind snmp-v2c',
      details: [{ field: 'community', messages: ['community is required for kind snmp-v2c'] }],
    });
  });

  it.each<[string, object, string[]]>([
    ['authNoPriv without authKey', { kind: 'snmp-v3', username: 'u', securityLevel: 'authNoPriv', authProtocol: 'SHA' }, ['authKey']],
    ['authNoPriv with priv settings', { kind: 'snmp-v3', username: 'u', securityLevel: 'authNoPriv', authProtocol: 'SHA', authKey: S.authKey, privProtocol: 'DES', privKey: S.privKey }, ['privProtocol', 'privKey']],
    ['authPriv without privacy', { kind: 'snmp-v3', username: 'u', securityLevel: 'authPriv', authProtocol: 'SHA', authKey: S.authKey }, ['privProtocol', 'privKey']],
    ['noAuthNoPriv with an authKey', { kind: 'snmp-v3', username: 'u', securityLevel: 'noAuthNoPriv', authKey: S.authKey }, ['authKey']],
    ['an unknown securityLevel', { kind: 'snmp-v3', username: 'u', securityLevel: 'authAndPriv' }, ['securityLevel']],
    ['an authKey shorter than 8', { kind: 'snmp-v3', username: 'u', securityLevel: 'authNoPriv', authProtocol: 'SHA', authKey: S.shortAuthKey }, ['authKey']],
    ['port 0', { kind: 'ssh', username: 'root', password: S.sshPassword, port: 0 }, ['port']],
    ['port 70000', { kind: 'ssh', username: 'root', password: S.sshPassword, port: 70000 }, ['port']],
    ['port as text', { kind: 'ssh', username: 'root', password: S.sshPassword, port: '22' }, ['port']],
    ['ssh without password or key', { kind: 'ssh', username: 'root' }, ['password']],
    ['ssh with a non-key privateKey', { kind: 'ssh', username: 'root', privateKey: S.badPrivateKey }, ['privateKey']],
    ['a community on ssh', { kind: 'ssh', username: 'root', password: S.sshPassword, community: S.misplacedCommunity }, ['community']],
    ['a username on snmp-v1', { kind: 'snmp-v1', community: S.v1Community, username: 'u' }, ['username']],
    ['an unknown field', { kind: 'snmp-v1', community: S.v1Community, comunity: S.misplacedCommunity }, ['comunity']],
    ['an unknown kind', { kind: 'telnet', password: S.sshPassword }, ['kind']],
  ])('rejects %s with a 400 naming the fields', async (_what, body, fields) => {
    const res = await post({ name: 'invalid one', ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(fieldsOf(res).sort()).toEqual([...fields].sort());
    for (const d of res.body.details) expect(d.messages.length).toBeGreaterThan(0);
  });

  it('created nothing for the rejected requests', async () => {
    const res = await list('?q=invalid');
    expect(res.body.total).toBe(0);
  });
});

describe('roles', () => {
  it('lets a technician list and read', async () => {
    expect((await list('', tech)).status).toBe(200);
    expect((await getOne(ids.ssh, tech)).status).toBe(200);
  });

  it('forbids a technician to create, change or delete', async () => {
    expect((await post({ name: 'tech made', kind: 'snmp-v1', community: S.v1Community }, tech)).status).toBe(403);
    expect((await patch(ids.v1, { name: 'renamed by tech' }, tech)).status).toBe(403);
    expect((await rec(t.http.delete(`/api/credentials/${ids.v1}`).set(bearer(tech)))).status).toBe(403);
  });

  it('forbids a viewer even to list or read', async () => {
    expect((await list('', viewer)).status).toBe(403);
    expect((await getOne(ids.v1, viewer)).status).toBe(403);
  });

  it('needs a login', async () => {
    expect((await rec(t.http.get('/api/credentials'))).status).toBe(401);
  });
});

describe('list and get', () => {
  it('pages, searches by name and filters by kind', async () => {
    const all = await list();
    expect(all.body).toMatchObject({ total: 5, page: 1, limit: 50 });
    expect(all.body.items.map((c: { name: string }) => c.name)).toEqual(['backup key', 'core v3', 'linux root', 'printers v1', 'switches v2c']);
    const q = await list('?q=v1');
    expect(q.body.items.map((c: { name: string }) => c.name)).toEqual(['printers v1']);
    const ssh = await list('?kind=ssh&sort=-name&limit=1');
    expect(ssh.body).toMatchObject({ total: 2, limit: 1, items: [{ name: 'linux root' }] });
    const newest = await list('?sort=-createdAt&limit=2');
    expect(newest.body.items.map((c: { name: string }) => c.name)).toEqual(['backup key', 'linux root']);
    expect((await list('?kind=telnet')).status).toBe(400);
    expect((await list('?sort=secret')).status).toBe(400);
    // names every object has are no sort field: "__proto__" crashed the server through the query builder
    for (const bad of ['__proto__', 'constructor', '-toString']) {
      const res = await list(`?sort=${bad}`);
      expect({ bad, status: res.status, details: res.body.details }).toEqual({ bad, status: 400, details: [{ field: 'sort', messages: [expect.stringContaining('sort must be one of name, -name')] }] });
    }
    expect((await list('?sort=name')).status).toBe(200);
  });

  it('gets one, or 404', async () => {
    expect((await getOne(ids.v3)).body).toMatchObject({ id: ids.v3, kind: 'snmp-v3', hasAuthKey: true });
    expect((await getOne(999999)).status).toBe(404);
  });

  it('marks secrets write-only in the OpenAPI document', async () => {
    const doc = (await rec(t.http.get('/api/docs-json'))).body;
    const props = doc.components.schemas.CreateCredentialDto.properties;
    for (const f of ['community', 'authKey', 'privKey', 'password', 'privateKey', 'passphrase', 'sudoPassword']) expect(props[f].writeOnly).toBe(true);
    expect(doc.paths['/api/credentials'].post).toBeDefined();
  });
});

describe('reveal (worker only)', () => {
  it('opens each kind with its settings', async () => {
    expect(await service().reveal(ids.v1)).toEqual({ id: ids.v1, name: 'printers v1', kind: 'snmp-v1', community: S.v1Community });
    expect(await service().reveal(ids.v3)).toEqual({
      id: ids.v3, name: 'core v3', kind: 'snmp-v3', username: 'netops', securityLevel: 'authPriv',
      authProtocol: 'SHA-256', authKey: S.authKey, privProtocol: 'AES-128', privKey: S.privKey,
    });
    expect(await service().reveal(ids.ssh)).toEqual({
      id: ids.ssh, name: 'linux root', kind: 'ssh', username: 'root', port: 22,
      password: S.sshPassword, privateKey: S.privateKey, passphrase: S.passphrase, sudoPassword: S.sudoPassword,
    });
  });

  it('hides the secrets when a revealed credential is serialized by mistake', async () => {
    const r = await service().reveal(ids.ssh);
    const json = JSON.stringify({ r });
    expect(json).toContain('"username":"root"');
    for (const n of NEEDLES) expect(json).not.toContain(n);
  });

  it('is not reachable over HTTP', async () => {
    for (const p of [`/api/credentials/${ids.v1}/reveal`, `/api/credentials/${ids.v1}/secret`]) {
      expect((await rec(t.http.get(p).set(admin()))).status).toBe(404);
    }
  });
});

describe('update', () => {
  it('replaces a secret that is sent and keeps the others', async () => {
    const before = await getOne(ids.ssh);
    const res = await patch(ids.ssh, { password: S.newPassword, port: 2200 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: ids.ssh, port: 2200, hasPassword: true, hasPrivateKey: true, hasSudoPassword: true });
    expect(new Date(res.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(before.body.updatedAt).getTime());
    expect(await service().reveal(ids.ssh)).toMatchObject({ password: S.newPassword, privateKey: S.privateKey, passphrase: S.passphrase, sudoPassword: S.sudoPassword, port: 2200 });
  });

  it('renames without touching secrets, and refuses a taken name', async () => {
    expect((await patch(ids.v2c, { name: 'switches (v2c)' })).body).toMatchObject({ name: 'switches (v2c)', hasCommunity: true });
    expect(await service().reveal(ids.v2c)).toMatchObject({ name: 'switches (v2c)', community: S.v2Community });
    expect((await patch(ids.v2c, { name: 'core v3' })).status).toBe(409);
  });

  it('replaces a community', async () => {
    expect((await patch(ids.v1, { community: S.patchCommunity })).status).toBe(200);
    expect(await service().reveal(ids.v1)).toMatchObject({ community: S.patchCommunity });
  });

  it('refuses to change the kind, naming it', async () => {
    const res = await patch(ids.v1, { kind: 'snmp-v2c' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['kind']);
    expect((await patch(ids.v1, { kind: 'snmp-v1', name: 'printers v1' })).status).toBe(200);
  });

  it('checks the changed credential against its kind', async () => {
    expect(fieldsOf(await patch(ids.ssh, { community: S.misplacedCommunity }))).toEqual(['community']);
    expect(fieldsOf(await patch(ids.v3, { authKey: S.shortAuthKey }))).toEqual(['authKey']);
    expect(fieldsOf(await patch(ids.v1, { community: null }))).toEqual(['community']);
    expect(fieldsOf(await patch(ids.sshKey, { privateKey: null }))).toEqual(['password']);
    expect(fieldsOf(await patch(ids.v3, { securityLevel: 'noAuthNoPriv', privKey: S.privKey }))).toEqual(['privKey']);
    expect((await patch(999999, { name: 'ghost' })).status).toBe(404);
    expect(await service().reveal(ids.v3)).toMatchObject({ authKey: S.authKey, privKey: S.privKey });
  });

  it('lowering the security level drops the keys it no longer uses', async () => {
    const res = await patch(ids.v3, { securityLevel: 'authNoPriv', authKey: S.newAuthKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ securityLevel: 'authNoPriv', authProtocol: 'SHA-256', hasAuthKey: true, hasPrivKey: false });
    expect(res.body).not.toHaveProperty('privProtocol');
    const r = await service().reveal(ids.v3);
    expect(r).toMatchObject({ authKey: S.newAuthKey });
    expect(r).not.toHaveProperty('privKey');
  });

  it('removes an optional secret with null', async () => {
    const res = await patch(ids.ssh, { sudoPassword: null });
    expect(res.body).toMatchObject({ hasSudoPassword: false, hasPassword: true });
    expect(await service().reveal(ids.ssh)).not.toHaveProperty('sudoPassword');
  });
});

describe('storage', () => {
  it('stores no plaintext: secrets only as ciphertext under the current key id', async () => {
    const rows: Array<Record<string, unknown>> = await t.db.query('SELECT * FROM credentials');
    expect(rows.length).toBe(5);
    const dump = JSON.stringify(rows);
    for (const n of NEEDLES) expect(dump).not.toContain(n);
    const keyId = new SecretBox(t.app.get<RootKey>(ROOT_KEY).material).keyId;
    for (const r of rows) {
      expect(r.key_id).toBe(keyId);
      expect(String(r.secret)).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);
    }
  });
});

describe('storage of the largest secrets', () => {
  // JSON doubles a quote or a backslash and writes a control character as six: the sealed
  // secrets of these outgrew a TEXT column (Data too long), though every field is within its limit
  const pem = (body: string) => `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
  const quotesKey = pem('"'.repeat(16_384 - 54));
  const backslashKey = pem('\\'.repeat(16_384 - 54));
  const control = '\u0001'.repeat(1_024);

  it('keeps a 16 KiB key of quotes and 1,024-character passwords of control characters, on create and on update', async () => {
    expect(quotesKey).toHaveLength(16_384);
    const res = await post({ name: 'largest secrets', kind: 'ssh', username: 'root', privateKey: quotesKey, password: control, passphrase: control, sudoPassword: control });
    expect([res.status, res.body.details]).toEqual([201, undefined]);
    expect(res.body).toMatchObject({ hasPassword: true, hasPrivateKey: true, hasPassphrase: true, hasSudoPassword: true });
    expect(await service().reveal(res.body.id)).toMatchObject({ privateKey: quotesKey, password: control, passphrase: control, sudoPassword: control });
    const updated = await patch(res.body.id, { privateKey: backslashKey });
    expect([updated.status, updated.body.details]).toEqual([200, undefined]);
    expect(await service().reveal(res.body.id)).toMatchObject({ privateKey: backslashKey, password: control });
    // the specs below count five credentials
    expect((await rec(t.http.delete(`/api/credentials/${res.body.id}`).set(admin()))).status).toBe(204);
  });
});

describe('delete', () => {
  it('deletes (204), then 404', async () => {
    const created = await post({ name: 'short lived', kind: 'snmp-v2c', community: S.v2Community });
    expect((await rec(t.http.delete(`/api/credentials/${created.body.id}`).set(admin()))).status).toBe(204);
    expect((await getOne(created.body.id)).status).toBe(404);
    expect((await rec(t.http.delete(`/api/credentials/${created.body.id}`).set(admin()))).status).toBe(404);
    await expect(service().reveal(created.body.id)).rejects.toThrow(`Credential ${created.body.id} does not exist`);
  });
});

describe('key rotation', () => {
  const appKey = () => t.app.get<RootKey>(ROOT_KEY).material;
  const K1 = newKey();
  const K2 = newKey();
  const snapshot = async () => JSON.stringify(await t.db.query('SELECT id, secret, key_id FROM credentials ORDER BY id'));

  it('re-encrypts every row: the new key opens them, the old one fails clearly', async () => {
    const count = await rotateSecrets(t.db, appKey(), Buffer.from(K1));
    expect(count).toEqual({ reencrypted: 5, alreadyNew: 0 });
    await expect(service().reveal(ids.v1)).rejects.toThrow(`credential ${ids.v1} was encrypted under a different key than this process has: give every Teknisi process`);
    expect(await serviceWith(Buffer.from(K1)).reveal(ids.ssh)).toMatchObject({ password: S.newPassword, privateKey: S.privateKey });
    expect(await serviceWith(Buffer.from(K1)).reveal(ids.v1)).toMatchObject({ community: S.patchCommunity });
  });

  it('still lists without the key, and answers a change with the clear message', async () => {
    expect((await list()).body.total).toBe(5);
    const res = await patch(ids.ssh, { password: S.newPassword });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/^credential \d+ was encrypted under a different key than this process has: .*only if the key was changed on purpose, run npm run secrets:rotate with the old key/);
  });

  it('changes nothing when any row cannot be opened', async () => {
    const repo = t.app.get(CredentialsRepository);
    const foreign = new SecretBox(crypto.randomBytes(32));
    const now = new Date();
    const alien = await repo.insertCredential({
      name: 'alien', kind: 'snmp-v1', username: null, params: '{"secretFields":["community"]}',
      secret: foreign.seal({ community: S.v1Community }, 'credential:snmp-v1'), keyId: foreign.keyId, createdAt: now, updatedAt: now,
    });
    // a ciphertext moved onto another kind: the key matches, the AAD does not
    const k1 = new SecretBox(Buffer.from(K1));
    const moved = await repo.insertCredential({
      name: 'moved', kind: 'snmp-v2c', username: null, params: '{"secretFields":["community"]}',
      secret: k1.seal({ community: S.v1Community }, 'credential:snmp-v1'), keyId: k1.keyId, createdAt: now, updatedAt: now,
    });
    const before = await snapshot();
    await expect(rotateSecrets(t.db, Buffer.from(K1), Buffer.from(K2))).rejects.toThrow(
      `Nothing was changed: credential ${alien!.id} was encrypted under a key that is neither the current nor the new one; credential ${moved!.id} could not be decrypted (damaged or altered ciphertext)`,
    );
    expect(await snapshot()).toBe(before);
    await expect(serviceWith(Buffer.from(K1)).reveal(moved!.id)).rejects.toThrow(`credential ${moved!.id} could not be decrypted`);
    await repo.deleteCredential(alien!.id);
    await repo.deleteCredential(moved!.id);
  });

  it('refuses the same key twice', async () => {
    await expect(rotateSecrets(t.db, Buffer.from(K1), Buffer.from(K1))).rejects.toThrow('same as the current key');
  });

  describe('npm run secrets:rotate', () => {
    let dataDir: string;
    const keyFile = () => path.join(dataDir, 'secret.key');
    const mode = (f: string) => fs.statSync(f).mode & 0o777;
    const print = (line: string) => outputs.push(line);

    beforeAll(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-rotate-'));
      tmpDirs.push(dataDir);
    });

    it('with the key file: generates a new key, writes it atomically and keeps the old one', async () => {
      fs.writeFileSync(keyFile(), `${K1}\n`, { mode: 0o600 });
      const lines: string[] = [];
      const count = await runKeyRotation({ ds: t.db, config: { dataDir, production: false }, print: (l) => (lines.push(l), print(l)) });
      expect(count).toEqual({ reencrypted: 5, alreadyNew: 0 });
      const k2 = fs.readFileSync(keyFile(), 'utf8').trim();
      expect(k2.length).toBeGreaterThanOrEqual(32);
      expect(k2).not.toBe(K1);
      expect(fs.readFileSync(`${keyFile()}.old`, 'utf8').trim()).toBe(K1);
      expect(mode(keyFile())).toBe(0o600);
      expect(mode(`${keyFile()}.old`)).toBe(0o600);
      expect(fs.readdirSync(dataDir).sort()).toEqual(['secret.key', 'secret.key.old']);
      expect(await serviceWith(Buffer.from(k2)).reveal(ids.v3)).toMatchObject({ authKey: S.newAuthKey });
      await expect(serviceWith(Buffer.from(K1)).reveal(ids.v3)).rejects.toThrow('was encrypted under a different key');
      expect(lines.join('\n')).toMatch(/Re-encrypted 5 credential\(s\)/);
      expect(lines.join('\n')).toMatch(/Login sessions signed with the old key have ended/);
      for (const k of [K1, k2]) expect(lines.join('\n')).not.toContain(k);
    });

    it('finishes a rotation interrupted after the commit, with the same new key', async () => {
      const current = fs.readFileSync(keyFile(), 'utf8').trim();
      const pending = newKey();
      await rotateSecrets(t.db, Buffer.from(current), Buffer.from(pending));
      fs.writeFileSync(`${keyFile()}.new`, `${pending}\n`, { mode: 0o600 });
      const count = await runKeyRotation({ ds: t.db, config: { dataDir, production: false }, print });
      expect(count).toEqual({ reencrypted: 0, alreadyNew: 5 });
      expect(fs.readFileSync(keyFile(), 'utf8').trim()).toBe(pending);
      expect(fs.readFileSync(`${keyFile()}.old`, 'utf8').trim()).toBe(current);
      expect(fs.existsSync(`${keyFile()}.new`)).toBe(false);
    });

    it('with TEKNISI_SECRET_KEY: needs TEKNISI_NEW_SECRET_KEY of 32+ characters', async () => {
      const current = fs.readFileSync(keyFile(), 'utf8').trim();
      const config = { secretKey: current, dataDir, production: false };
      await expect(runKeyRotation({ ds: t.db, config, print })).rejects.toThrow('set TEKNISI_NEW_SECRET_KEY');
      await expect(runKeyRotation({ ds: t.db, config, newSecretKey: 'too-short', print })).rejects.toThrow('at least 32 characters');
    });

    it('with TEKNISI_SECRET_KEY: rotates to TEKNISI_NEW_SECRET_KEY and tells the admin to switch, printing no key', async () => {
      const current = fs.readFileSync(keyFile(), 'utf8').trim();
      const target = t.config.secretKey!; // back to the key the running app holds
      const lines: string[] = [];
      const count = await runKeyRotation({
        ds: t.db, config: { secretKey: current, dataDir, production: false }, newSecretKey: target, print: (l) => (lines.push(l), print(l)),
      });
      expect(count).toEqual({ reencrypted: 5, alreadyNew: 0 });
      expect(lines.join('\n')).toContain(`The new key is in ${keyFile()}.new. Now set TEKNISI_SECRET_KEY to its content`);
      for (const k of [current, target]) expect(lines.join('\n')).not.toContain(k);
      expect(fs.readFileSync(keyFile(), 'utf8').trim()).toBe(current); // the key file is not the source here
      expect(fs.readFileSync(`${keyFile()}.new`, 'utf8').trim()).toBe(target); // test/secrets-rotation-env.e2e-spec.ts covers why
      expect(await service().reveal(ids.ssh)).toMatchObject({ password: S.newPassword });
      expect((await patch(ids.ssh, { port: 22 })).status).toBe(200);
    });

    it('refuses when there is no key at all, without creating one', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-rotate-'));
      tmpDirs.push(empty);
      await expect(runKeyRotation({ ds: t.db, config: { dataDir: empty, production: false }, print })).rejects.toThrow('No key to rotate');
      expect(fs.readdirSync(empty)).toEqual([]);
    });
  });
});

describe('no secret leaves the vault', () => {
  it('wrote audit entries for the writes, naming secrets but not their values', async () => {
    const res = await rec(t.http.get('/api/audit?objectType=credential&limit=500').set(admin()));
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['credential.create', 'credential.update', 'credential.delete']));
    const created = res.body.items.find((e: { action: string; objectId: string }) => e.action === 'credential.create' && e.objectId === String(ids.ssh));
    expect(JSON.parse(created.summary)).toEqual({ name: 'linux root', kind: 'ssh', username: 'root', secretsSet: ['password', 'privateKey', 'passphrase', 'sudoPassword'] });
    const refused = res.body.items.filter((e: { statusCode: number }) => e.statusCode === 403 || e.statusCode === 500);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('in no response body or header', () => {
    expect(responses.length).toBeGreaterThan(60);
    const all = responses.join('\n');
    for (const n of NEEDLES) expect(all).not.toContain(n);
  });

  it('in no log line', () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('/api/credentials');
    for (const n of NEEDLES) expect(logs).not.toContain(n);
  });

  it('in no audit row', async () => {
    const rows = await t.db.query('SELECT * FROM audit_log');
    expect(rows.length).toBeGreaterThan(10);
    const dump = JSON.stringify(rows);
    for (const n of NEEDLES) expect(dump).not.toContain(n);
  });

  it('in no output of the rotation', () => {
    const out = outputs.join('\n');
    expect(out).toContain('Re-encrypted');
    for (const n of NEEDLES) expect(out).not.toContain(n);
  });
});
