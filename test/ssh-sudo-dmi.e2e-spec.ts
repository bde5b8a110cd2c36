// A Linux machine's serial number is in DMI, which only root may read (product_serial and
// product_uuid are 0400 on real systems and in the lab's package host). A scan with an account
// that is not root reads them through sudo: with the credential's sudo password when it has
// one, else only `sudo -n`, which never prompts. A wrong sudo password is said in the result,
// never shown.
import { generatedIdentity } from './lab/identities';
import { LabPackageHost } from './lab/package-host';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const SERIAL = 'CZ2G13X0QK';
const host = new LabPackageHost({ address: '127.96.0.11', identity: generatedIdentity('lab-serial', 0x9611), dmiSerial: SERIAL });

let t: TestApp;
let admin: { Authorization: string };

beforeAll(async () => {
  await host.start();
  t = await createTestApp({ consume: true });
  admin = bearer(t.adminToken);
});

afterAll(async () => {
  await t?.close();
  await host.stop();
});

/** one scan of the host with the credential; its one result */
async function scanWith(credentialId: number) {
  const scan = await scanToEnd(t.http, admin, { targets: [host.address], credentialIds: [credentialId] });
  expect(scan.status).toBe('completed');
  return scan.results[0];
}
const device = async (id: number) => (await t.http.get(`/api/devices/${id}`).set(admin).expect(200)).body;

describe('the DMI serial of a Linux host, read through sudo', () => {
  it('is root-only inside the host, as on a real machine', async () => {
    await expect(host.run('cat /sys/class/dmi/id/product_serial')).rejects.toThrow(/Permission denied/);
    expect(await host.run("sudo -S -p '' cat /sys/class/dmi/id/product_serial", `${host.sudoPassword}\n`)).toBe(`${SERIAL}\n`);
  });

  it('a credential without a sudo password tries sudo -n only, and the scan says nothing of it', async () => {
    const { username, password } = host.credentials;
    const id = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab no sudo', kind: 'ssh', username, password }).expect(201)).body.id as number;
    const result = await scanWith(id);
    expect(result).toMatchObject({ status: 'identified', reason: null });
    expect(await device(result.deviceId!)).toMatchObject({ hostname: 'lab-serial', serial: null });
  });

  it('with the credential\'s sudo password, the serial is read and recorded on the same device', async () => {
    const { username, password } = host.credentials;
    const id = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab sudo', kind: 'ssh', username, password, sudoPassword: host.sudoPassword }).expect(201)).body.id as number;
    const result = await scanWith(id);
    expect(result).toMatchObject({ status: 'identified', reason: null });
    const d = await device(result.deviceId!);
    // and what anyone may read of DMI: QEMU's vendor and model, which make it a virtual machine
    expect(d).toMatchObject({ hostname: 'lab-serial', serial: SERIAL, vendor: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', type: 'virtual-machine' });
    const devices = (await t.http.get('/api/devices?q=lab-serial').set(admin).expect(200)).body;
    expect(devices.total).toBe(1);
    const history = (await t.http.get(`/api/devices/${d.id}/history?limit=100`).set(admin).expect(200)).body.items as Array<{ subject: string; action: string; after: string | null }>;
    expect(history).toEqual(expect.arrayContaining([expect.objectContaining({ subject: 'serial', action: 'added', after: SERIAL })]));
  });

  it('a wrong sudo password is said in the result, and the password never is', async () => {
    const { username, password } = host.credentials;
    const wrong = 'not-the-sudo-password-7d1f';
    const id = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab bad sudo', kind: 'ssh', username, password, sudoPassword: wrong }).expect(201)).body.id as number;
    const result = await scanWith(id);
    expect(result.status).toBe('identified');
    expect(result.reason).toMatch(/^SSH: DMI serial and UUID not read: sudo with the credential's sudo password failed: .+/);
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(t.logs.join('')).not.toContain(wrong);
    // what the device knows stays
    expect(await device(result.deviceId!)).toMatchObject({ serial: SERIAL });
  });
});
