// Old network devices (IOS 12, early 15) speak SSH with SHA-1 key exchanges and CBC ciphers,
// which ssh2 leaves out by default. A scan reaches a lab sshd that speaks only those; with
// TEKNISI_SSH_LEGACY_ALGORITHMS=off the address's result says what is missing and how to
// allow it.
import * as crypto from 'node:crypto';
import { generatedIdentity } from './lab/identities';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const old = new LabSshHost({ address: `127.74.${crypto.randomInt(1, 250)}.11`, identity: generatedIdentity('lab-legacy', 0x7411), sharedDpkg: true, legacyOnly: true });

describe('SSH with old devices\' algorithms', () => {
  let t: TestApp | undefined;

  beforeAll(() => old.start());
  afterAll(async () => {
    await t?.close();
    await old.stop();
  });

  /** a scan of the old host, by a server started with `env`: its one result */
  const scanned = async (env: Record<string, string>) => {
    await t?.close();
    t = await createTestApp({ consume: true, env });
    const app = t;
    const admin = bearer(app.adminToken);
    const { username, password } = old.credentials;
    const credentialId = (await app.http.post('/api/credentials').set(admin).send({ name: 'old gear', kind: 'ssh', username, password }).expect(201)).body.id;
    const scan = await scanToEnd(app.http, admin, { targets: [old.address], credentialIds: [credentialId] });
    expect(scan.status).toBe('completed');
    return scan.results[0];
  };

  it('a scan identifies it by default, pinning its ssh-rsa host key', async () => {
    const result = await scanned({});
    expect(result).toMatchObject({ status: 'identified', reason: null });
    const device = (await t!.http.get(`/api/devices/${result.deviceId}`).set(bearer(t!.adminToken)).expect(200)).body;
    expect(device).toMatchObject({ hostname: 'lab-legacy', platform: 'linux' });
    const keys = (await t!.http.get(`/api/discovery/host-keys?q=${old.address}`).set(bearer(t!.adminToken)).expect(200)).body.items;
    expect(keys).toEqual([expect.objectContaining({ keyType: 'ssh-rsa', fingerprint: old.hostKeyFingerprint() })]);
  });

  it('with TEKNISI_SSH_LEGACY_ALGORITHMS=off, its result says what is missing and how to allow it', async () => {
    const result = await scanned({ TEKNISI_SSH_LEGACY_ALGORITHMS: 'off' });
    expect(result.status).toBe('error');
    expect(result.reason).toContain(`${old.address}:22: the server and Teknisi have no SSH algorithms in common: Handshake failed: no matching key exchange algorithm (old devices need TEKNISI_SSH_LEGACY_ALGORITHMS=on)`);
  });
});
