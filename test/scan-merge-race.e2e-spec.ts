// A technician merges two devices while a scan is identifying one of them. What the scan writes
// after ingest matched the device — the credential that worked, the host key's link, the address's
// result — lands on the device that lives on, whether the merge committed before those writes or
// was still running when they came.
import { HostKeysRepository } from '../src/discovery/host-keys.repository';
import { ScansRepository } from '../src/discovery/scans.repository';
import { makeDevice } from './support/factories';
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;
let repo: ScansRepository;
let credentialId: number;
let scanId: number;

beforeAll(async () => {
  t = await createTestApp();
  repo = t.app.get(ScansRepository);
  const admin = bearer(t.adminToken);
  credentialId = (await t.http.post('/api/credentials').set(admin).send({ name: 'race v2c', kind: 'snmp-v2c', community: 'race-community' }).expect(201)).body.id;
  // not consumed by a worker here: it stays queued, a scan for its results to belong to
  scanId = (await t.http.post('/api/discovery/scans').set(admin).send({ targets: ['127.0.0.1'], credentialIds: [credentialId] }).expect(202)).body.id;
});

afterAll(async () => {
  await t?.close();
});

const remembered = (deviceId: number) => t.db.query('SELECT protocol, credential_id AS credentialId FROM device_credentials WHERE device_id = ?', [deviceId]);
const resultOf = async (address: string) => (await t.db.query('SELECT device_id AS deviceId FROM scan_results WHERE scan_id = ? AND address = ?', [scanId, address]))[0];

it('writes on the survivor of a merge that committed after ingest matched the merged device', async () => {
  const survivor = await makeDevice(t.db, { hostname: 'race-keep' });
  const merged = await makeDevice(t.db, { hostname: 'race-gone' });
  await t.http.post(`/api/devices/${survivor}/merge`).set(bearer(t.adminToken)).send({ otherId: merged }).expect(200);

  // the host key the scan pinned at the address, before ingest told which device it is
  await t.db.query("INSERT INTO ssh_host_keys (host, port, key_type, fingerprint, first_seen, last_seen) VALUES ('127.0.0.1', 22, 'ssh-ed25519', 'SHA256:race', NOW(3), NOW(3))");
  const hostKeys = t.app.get(HostKeysRepository);

  // before: the credentials' rows failed on their foreign key (and were dropped), the host key
  // and the result named the deleted device, so jobs on the survivor found neither
  expect(await repo.rememberIdentified(merged, { snmp: credentialId, ssh: credentialId }, new Date(), (m, live) => hostKeys.linkDevice('127.0.0.1', 22, live, m))).toBe(survivor);
  expect(await remembered(survivor)).toEqual(expect.arrayContaining([{ protocol: 'snmp', credentialId }, { protocol: 'ssh', credentialId }]));
  expect(await hostKeys.lastReached(survivor)).toEqual({ host: '127.0.0.1', port: 22 });
  await repo.saveResults(scanId, [{ address: '127.0.0.1', status: 'identified', reason: null, deviceId: merged, via: 'snmp', durationMs: 5, at: new Date() }]);
  expect(await resultOf('127.0.0.1')).toEqual({ deviceId: survivor });
});

it('waits out a merge in progress, then writes on its survivor', async () => {
  const survivor = await makeDevice(t.db, { hostname: 'race-keep-2' });
  const merged = await makeDevice(t.db, { hostname: 'race-gone-2' });
  // a merge holds both devices exclusively until it commits (DevicesMergeRepository.lockBoth)
  const merge = t.db.createQueryRunner();
  await merge.connect();
  await merge.startTransaction();
  try {
    await merge.query('SELECT id FROM devices WHERE id IN (?, ?) ORDER BY id FOR UPDATE', [survivor, merged]);
    let settled = false;
    const identified = repo.rememberIdentified(merged, { snmp: credentialId }, new Date()).finally(() => (settled = true));
    const saved = repo.saveResults(scanId, [{ address: '127.0.0.2', status: 'identified', reason: null, deviceId: merged, via: 'snmp', durationMs: 5, at: new Date() }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await merge.query('DELETE FROM devices WHERE id = ?', [merged]);
    await merge.query('INSERT INTO device_merges (merged_id, survivor_id, merged_at) VALUES (?, ?, NOW(3))', [merged, survivor]);
    await merge.commitTransaction();
    expect(await identified).toBe(survivor);
    await saved;
  } finally {
    if (merge.isTransactionActive) await merge.rollbackTransaction();
    await merge.release();
  }
  expect(await remembered(survivor)).toEqual([{ protocol: 'snmp', credentialId }]);
  expect(await resultOf('127.0.0.2')).toEqual({ deviceId: survivor });
});

it('writes nothing for a device deleted outright, and says so', async () => {
  const gone = await makeDevice(t.db, { hostname: 'race-deleted' });
  await t.db.query('DELETE FROM devices WHERE id = ?', [gone]);
  expect(await repo.rememberIdentified(gone, { snmp: credentialId }, new Date())).toBeNull();
  expect(await remembered(gone)).toEqual([]);
});
