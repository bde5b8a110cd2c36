// Jobs find a device that moved (DHCP) against the device lab's real sshd hosts: where SSH last
// reached it now refuses connections, and the job goes on to its primary address, where the
// same host key answers, and pins that address for the device; another key at another of its
// addresses is refused (never trusted on first use) and the job fails saying what it tried; a
// refused login where the device answered is its answer, and no other address is tried.
// A job looks for a device only where Teknisi found it (scans identified it there, or SSH reached
// it), never at every address inventory lists. The hosts here are this spec's own (127.88.0.x);
// the devices are made in the database, with loopback addresses only. A cancel while the job
// knocks at an address that never answers ends the knocking, and no further address is tried.
import * as net from 'node:net';
import { generatedIdentity } from './lab/identities';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';
import { until } from './support/until';

jest.setTimeout(180_000);

const moved = new LabSshHost({ address: '127.88.0.11', identity: generatedIdentity('lab-moved', 0x8811), sharedDpkg: true });
const stranger = new LabSshHost({ address: '127.88.0.12', identity: generatedIdentity('lab-stranger', 0x8812), sharedDpkg: true });
/** nothing listens on these: where the devices were before they moved */
const FORMER = ['127.88.0.98', '127.88.0.97', '127.88.0.96'];
/** a key no lab host has, pinned for a device this spec made up */
const MADE_UP_KEY = 'SHA256:Mv8pT0sU2vW4yZ6aC8eG0iK2mO4qS6uW8yA0cE2gI4k';

let t: TestApp;
let admin: { Authorization: string };
let credId = 0;

const job = async (id: number) => (await t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
const finished = (id: number) => until(`job ${id} to finish`, async () => {
  const j = await job(id);
  return j.status === 'completed' && j.counts.running === 0 && j;
}, 90_000);
const run = async (deviceId: number, script = 'hostname', credentialId?: number) => {
  const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'command', params: { script }, target: { deviceIds: [deviceId] }, retries: 0, ...(credentialId ? { credentialId } : {}) });
  if (res.status !== 201) throw new Error(`POST /api/jobs: ${res.status} ${JSON.stringify(res.body)}`);
  return finished(res.body.id as number);
};
const log = async (jobId: number, deviceId: number) => (await t.http.get(`/api/jobs/${jobId}/targets/${deviceId}/log`).set(admin).expect(200)).text;
const pins = async (host: string) => t.db.query('SELECT fingerprint, device_id AS deviceId FROM ssh_host_keys WHERE host = ?', [host]);

/**
 * A device SSH reached at `host` with `fingerprint`, as a scan leaves it, whose credential worked;
 * `identifiedAt`: addresses where a scan (by SNMP, say) identified it since.
 */
async function deviceReachedAt(hostname: string, host: string, fingerprint: string, seed: { primaryIp: string; addresses?: string[]; identifiedAt?: string[] }): Promise<number> {
  const id = await makeDevice(t.db, { hostname, platform: 'linux', osFamily: 'linux', primaryIp: seed.primaryIp, addresses: (seed.addresses ?? []).map((ip) => ({ ip })) });
  if (seed.identifiedAt?.length) {
    const scan = await t.db.query(`INSERT INTO scans (status, targets, credential_ids, options, created_at) VALUES ('completed', '[]', '[]', '{}', NOW(3))`);
    for (const address of seed.identifiedAt) {
      await t.db.query(`INSERT INTO scan_results (scan_id, address, status, device_id, via, duration_ms, at) VALUES (?, ?, 'identified', ?, 'snmp', 5, NOW(3))`, [scan.insertId, address, id]);
    }
  }
  await t.db.query(
    `INSERT INTO ssh_host_keys (host, port, key_type, fingerprint, device_id, first_seen, last_seen) VALUES (?, 22, 'ssh-ed25519', ?, ?, NOW(3), NOW(3))`,
    [host, fingerprint, id],
  );
  await t.db.query(`INSERT INTO device_credentials (device_id, protocol, credential_id, last_ok_at) VALUES (?, 'ssh', ?, NOW(3))`, [id, credId]);
  return id;
}

beforeAll(async () => {
  await Promise.all([moved.start(), stranger.start()]);
  t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: '10000' } });
  admin = bearer(t.adminToken);
  const c = moved.credentials;
  credId = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab ssh', kind: 'ssh', username: c.username, password: c.password }).expect(201)).body.id;
});

afterAll(async () => {
  await t?.close();
  await Promise.allSettled([moved.stop(), stranger.stop()]);
});

it('follows a device that moved to its primary address, where its pinned key answers, and pins it there for the device', async () => {
  expect(moved.hostKeyFingerprint()).not.toBe(stranger.hostKeyFingerprint());
  // a scan found it at its new address since (by SNMP: SSH last reached it at the old one)
  const id = await deviceReachedAt('lab-moved', FORMER[0], moved.hostKeyFingerprint(), { primaryIp: moved.address, identifiedAt: [moved.address] });
  const j = await run(id);
  expect(j.targets[0]).toMatchObject({ status: 'succeeded' });
  const out = await log(j.id, id);
  // which address the session used, and which it tried first and why that failed
  expect(out).toContain(`# ${moved.credentials.username}@${moved.address}:22 (tried first: ${FORMER[0]}:22 refused the connection: no SSH server listens there)\n`);
  expect(out).toContain('lab-moved');
  expect(await pins(moved.address)).toEqual([{ fingerprint: moved.hostKeyFingerprint(), deviceId: id }]);

  // the next job goes where it was reached last, at once
  const again = await run(id);
  expect(again.targets[0].status).toBe('succeeded');
  expect(await log(again.id, id)).toContain(`# ${moved.credentials.username}@${moved.address}:22\n`);
});

it('refuses another key at another of the device\'s addresses, pins nothing there, and fails naming each address tried', async () => {
  // the device's key is not the one the machine now at its other address has
  const id = await deviceReachedAt('lab-gone', FORMER[1], MADE_UP_KEY, { primaryIp: FORMER[1], addresses: [stranger.address], identifiedAt: [stranger.address] });
  const j = await run(id, 'echo ran here');
  expect(j.targets[0].status).toBe('failed');
  expect(j.targets[0].reason).toBe(
    `no address of the device let Teknisi in: ${FORMER[1]}:22 refused the connection: no SSH server listens there; ` +
      `${stranger.address}:22 offered host key ${stranger.hostKeyFingerprint()}, which is not pinned for this device (that address is new to it): ` +
      'another machine may have the address now, and a job trusts no key on first use; a scan of the address identifies the machine there',
  );
  expect(await log(j.id, id)).not.toContain('ran here');
  expect(await pins(stranger.address)).toEqual([]);
});

it('looks for a device only where Teknisi found it, not at every address inventory lists for it', async () => {
  // its primary address and another one answer SSH, but no scan ever found the device there
  // (an agent reported them, say): a job does not knock at them
  const id = await deviceReachedAt('lab-unfound', FORMER[2], moved.hostKeyFingerprint(), { primaryIp: moved.address, addresses: [stranger.address] });
  const j = await run(id);
  expect(j.targets[0].status).toBe('failed');
  expect(j.targets[0].reason).toContain(`${FORMER[2]}:22 refused the connection`);
  expect(j.targets[0].reason).not.toContain(moved.address);
  expect(j.targets[0].reason).not.toContain(stranger.address);
});

it('takes a refused login where the device\'s key answered as its answer, and tries no other address', async () => {
  const wrong = (await t.http.post('/api/credentials').set(admin).send({ name: 'wrong password', kind: 'ssh', username: moved.credentials.username, password: 'not-the-lab-password' }).expect(201)).body.id;
  // reached last at the stranger's address (its key pinned there for this device); its primary address is the moved host's
  const id = await deviceReachedAt('lab-locked', stranger.address, stranger.hostKeyFingerprint(), { primaryIp: moved.address });
  const j = await run(id, 'hostname', wrong);
  expect(j.targets[0].status).toBe('failed');
  expect(j.targets[0].reason).toMatch(new RegExp(`^${stranger.address.replace(/\./g, '\\.')}:22 refused the login of user`));
  expect(j.targets[0].reason).not.toContain(moved.address);
});

it('stops connecting when the job is cancelled, and knocks at none of the device\'s other addresses', async () => {
  // two addresses where something takes the connection and never says a word (a hung sshd, a
  // firewall that accepts): each would hold the target for the whole attempt time (15 s)
  const [first, next] = ['127.88.0.95', '127.88.0.94'];
  const accepted: Record<string, net.Socket[]> = { [first]: [], [next]: [] };
  const closed: string[] = [];
  const servers = await Promise.all([first, next].map((host) => new Promise<net.Server>((resolve, reject) => {
    const srv = net.createServer((sock) => {
      accepted[host].push(sock);
      // read (and drop) what the client sends, or its end is never seen
      sock.on('error', () => undefined).on('close', () => closed.push(host)).resume();
    });
    srv.once('error', reject).listen(22, host, () => resolve(srv));
  })));
  try {
    const id = await deviceReachedAt('lab-hung', first, moved.hostKeyFingerprint(), { primaryIp: first, identifiedAt: [next] });
    const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'command', params: { script: 'echo ran' }, target: { deviceIds: [id] }, retries: 0 });
    expect(created.status).toBe(201);
    await until('the job to knock at the hung address', async () => accepted[first].length > 0, 30_000, 50);
    await t.http.post(`/api/jobs/${created.body.id}/cancel`).set(admin).query({ force: 'true' }).expect(200);
    const j = await until(`job ${created.body.id} to end`, async () => {
      const v = await job(created.body.id);
      return v.counts.running === 0 && v.counts.queued === 0 && v;
    }, 60_000);
    expect(j.targets[0]).toMatchObject({ status: 'cancelled', reason: expect.stringMatching(/^stopped by cancel after \d+ s$/) });
    // the connection was dropped by the job, not left to its time limit, and the next address
    // was never tried (before: after 15 s at the first, 15 s more at the second, then "failed")
    await until('the hung connection to be dropped', async () => closed.length > 0, 10_000, 20);
    expect(closed).toEqual([first]);
    expect(accepted[next]).toHaveLength(0);
  } finally {
    for (const list of Object.values(accepted)) for (const sock of list) sock.destroy();
    await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  }
});
