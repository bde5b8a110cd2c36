// An account whose password has expired: PAM asks for a new one during the login (keyboard-
// interactive), or sshd lets the account in and runs no command (password authentication).
// Teknisi never answers with a new password, and says what happened instead of "refused the
// login" or "unrecognised system".
import * as crypto from 'node:crypto';
import { collectSsh } from '../src/discovery/ssh.collector';
import { PasswordExpired, SshClient } from '../src/protocols/ssh/ssh.client';
import { LabExpiredAccountSshd } from './lab/expired-account';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const net = `127.73.${crypto.randomInt(1, 250)}`;
const asksNew = new LabExpiredAccountSshd(`${net}.11`, 'keyboard-interactive');
const letsIn = new LabExpiredAccountSshd(`${net}.12`, 'password');
const anyKey = { verify: async () => ({ ok: true as const }) };

beforeAll(() => Promise.all([asksNew.start(), letsIn.start()]));
afterAll(() => Promise.all([asksNew.stop(), letsIn.stop()]));

const login = (server: LabExpiredAccountSshd) =>
  SshClient.connect({ host: server.address, port: server.port, username: server.credentials.username, password: server.password, timeoutMs: 15_000, hostKeys: anyKey });

describe('an SSH account whose password has expired', () => {
  it('asked for a new password during the login, Teknisi gives none and says the password expired', async () => {
    const err = await login(asksNew).then((c) => (c.close(), new Error('logged in')), (e: unknown) => e);
    expect(err).toBeInstanceOf(PasswordExpired);
    expect((err as PasswordExpired).reason).toBe('auth');
    expect((err as Error).message).toBe(`${asksNew.address}:22: the password of teknisi-lab-expired has expired and the server wants a new one (change it on the host, then in the credential)`);
    expect(asksNew.stillExpired()).toBe(true);
  });

  it('let in but refused every command, the collection says the password expired', async () => {
    const c = await login(letsIn);
    try {
      const err = await collectSsh(c, letsIn.address).then(() => new Error('collected'), (e: unknown) => e);
      expect(err).toBeInstanceOf(PasswordExpired);
      expect((err as Error).message).toBe(`${letsIn.address}:22: the password of the account has expired and the server wants a new one (change it on the host, then in the credential)`);
    } finally {
      c.close();
    }
  });

  it('a scan through the API names the credential and the expired password in the address\'s reason', async () => {
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ consume: true });
      const admin = bearer(t.adminToken);
      const { username, password } = asksNew.credentials;
      const id = (await t.http.post('/api/credentials').set(admin).send({ name: 'service account', kind: 'ssh', username, password }).expect(201)).body.id;
      const scan = await scanToEnd(t.http, admin, { targets: [asksNew.address], credentialIds: [id] });
      expect(scan.results[0].status).toBe('auth-failed');
      expect(scan.results[0].reason).toContain(`SSH on TCP 22 refused the login of "service account" (its password has expired: the server wants a new one)`);
    } finally {
      await t?.close();
    }
  });
});
