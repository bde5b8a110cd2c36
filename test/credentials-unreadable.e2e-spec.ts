// A credential whose stored ciphertext no longer opens (damaged or altered in the database)
// under the right key: the error tells the admin to enter its secrets again, and a change that
// does so replaces them; a change that would have to carry an unreadable secret over is a 400
// naming the secrets to send. No secret appears in a response, a log line or the audit log.
import * as crypto from 'node:crypto';
import type { Response } from 'supertest';
import { CredentialsService } from '../src/credentials/credentials.service';
import { SecretBox } from '../src/credentials/secret-box';
import { ROOT_KEY, RootKey } from '../src/config/secret-key';
import { bearer, createTestApp, TestApp } from './support/app';

const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const S = {
  password: 'damaged-password-Tw58Jr',
  passphrase: 'damaged-passphrase-Ke37Qa',
  community: 'damaged-community-Ny20Hb',
  authKey: 'damaged-authkey-Gp64Ws',
  privKey: 'damaged-privkey-Lx91Fd',
  newPassword: 'replacing-password-Bu46Mo',
  newPassphrase: 'replacing-passphrase-Ci73Vz',
  newCommunity: 'replacing-community-Rd15Ey',
};
const NEEDLES = [...Object.values(S), ...pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))];

let t: TestApp;
const responses: string[] = [];

async function send(method: 'post' | 'patch', url: string, body: object): Promise<Response> {
  const res = await t.http[method](url).set(bearer(t.adminToken)).send(body);
  responses.push(`${res.status} ${res.text}`);
  return res;
}
const create = (body: object) => send('post', '/api/credentials', body).then((r) => r.body.id as number);
const patch = (id: number, body: object) => send('patch', `/api/credentials/${id}`, body);
const service = () => t.app.get(CredentialsService);
const stored = async (id: number) => (await t.db.query('SELECT name, params, secret, key_id FROM credentials WHERE id = ?', [id]))[0];

/** Alters the stored ciphertext the way a bad restore or a stray UPDATE would: the key matches, the tag does not. */
async function damage(id: number): Promise<void> {
  const [v, iv, , ct] = String((await stored(id)).secret).split(':');
  await t.db.query('UPDATE credentials SET secret = ? WHERE id = ?', [[v, iv, crypto.randomBytes(16).toString('base64'), ct].join(':'), id]);
  await expect(service().reveal(id)).rejects.toThrow(`credential ${id} could not be decrypted`);
}

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

describe('a credential whose ciphertext is damaged', () => {
  it('takes a change that sends every secret it has, and works again', async () => {
    const id = await create({ name: 'linux', kind: 'ssh', username: 'root', password: S.password, privateKey: pem, passphrase: S.passphrase });
    await damage(id);
    const res = await patch(id, { password: S.newPassword, privateKey: pem, passphrase: S.newPassphrase, port: 2222 });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
    expect(res.body).toMatchObject({ id, port: 2222, hasPassword: true, hasPrivateKey: true, hasPassphrase: true, hasSudoPassword: false });
    expect(await service().reveal(id)).toMatchObject({ password: S.newPassword, privateKey: pem, passphrase: S.newPassphrase, port: 2222 });
    expect((await stored(id)).key_id).toBe(new SecretBox(t.app.get<RootKey>(ROOT_KEY).material).keyId);
  });

  it('answers 400 naming each secret still to send, and changes nothing', async () => {
    const id = await create({ name: 'linux 2', kind: 'ssh', username: 'root', password: S.password, privateKey: pem, passphrase: S.passphrase });
    await damage(id);
    const before = await stored(id);

    const rename = await patch(id, { name: 'linux renamed' });
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(rename.body.message).toBe(`credential ${id}'s stored secrets cannot be decrypted: a change must send password, privateKey, passphrase again (or null to remove one)`);
    expect(rename.body.details.map((d: { field: string }) => d.field)).toEqual(['password', 'privateKey', 'passphrase']);
    for (const d of rename.body.details) expect(d.messages).toEqual([expect.stringContaining('send it again, or null to remove it')]);

    const some = await patch(id, { password: S.newPassword });
    expect([some.status, some.body.details.map((d: { field: string }) => d.field)]).toEqual([400, ['privateKey', 'passphrase']]);
    expect(await stored(id)).toEqual(before);

    // removing the key removes its passphrase too: the new password is then all the credential has
    const res = await patch(id, { password: S.newPassword, privateKey: null });
    expect([res.status, res.body.message]).toEqual([200, undefined]);
    expect(res.body).toMatchObject({ name: 'linux 2', hasPassword: true, hasPrivateKey: false, hasPassphrase: false });
    const r = await service().reveal(id);
    expect(r).toMatchObject({ password: S.newPassword });
    expect(r).not.toHaveProperty('privateKey');
  });

  it('checks the replaced credential against its kind as any change is', async () => {
    const v1 = await create({ name: 'printers', kind: 'snmp-v1', community: S.community });
    await damage(v1);
    const cleared = await patch(v1, { community: null });
    expect([cleared.status, cleared.body.details.map((d: { field: string }) => d.field)]).toEqual([400, ['community']]);
    expect((await patch(v1, { community: S.newCommunity })).status).toBe(200);
    expect(await service().reveal(v1)).toMatchObject({ community: S.newCommunity });

    // lowering an SNMPv3 credential to noAuthNoPriv drops both keys: nothing is left to send
    const v3 = await create({
      name: 'core', kind: 'snmp-v3', username: 'netops', securityLevel: 'authPriv', authProtocol: 'SHA', authKey: S.authKey, privProtocol: 'AES-128', privKey: S.privKey,
    });
    await damage(v3);
    expect((await patch(v3, { securityLevel: 'authNoPriv' })).body.details.map((d: { field: string }) => d.field)).toEqual(['authKey']);
    const lowered = await patch(v3, { securityLevel: 'noAuthNoPriv' });
    expect([lowered.status, lowered.body]).toEqual([200, expect.objectContaining({ securityLevel: 'noAuthNoPriv', hasAuthKey: false, hasPrivKey: false })]);
    expect(await service().reveal(v3)).toEqual({ id: v3, name: 'core', kind: 'snmp-v3', username: 'netops', securityLevel: 'noAuthNoPriv' });
  });

  it('lets no secret out in a response, a log line or the audit log', async () => {
    expect(responses.length).toBeGreaterThan(10);
    expect(responses.join('\n')).toContain('cannot be decrypted');
    const everything = [...responses, ...t.logs, JSON.stringify(await t.db.query('SELECT * FROM audit_log'))].join('\n');
    for (const n of NEEDLES) expect(everything).not.toContain(n);
  });
});
