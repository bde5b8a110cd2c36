// One address where SNMP and SSH reach two different machines (a NAT'd address, a management
// interface pointing elsewhere): the result names SSH's device and says that SNMP found
// another; each device keeps the credential that identified it, and the one the result does
// not name can still be rescanned.
import * as crypto from 'node:crypto';
import { LINUX_HOSTS } from './lab/identities';
import { SnmpsimAgent } from './lab/snmpsim';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const net = `127.134.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;

const snmp = new SnmpsimAgent('web01', at(1));
const ssh = new LabSshHost({ address: at(1), identity: LINUX_HOSTS.db01 });
let t: TestApp;
let tech: Record<string, string>;
const cred: Record<string, number> = {};

beforeAll(async () => {
  await Promise.all([snmp.start(), ssh.start()]);
  t = await createTestApp({ consume: true });
  tech = bearer(await t.tokenFor('technician'));
  const credential = async (body: object) => (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send(body).expect(201)).body.id as number;
  cred.snmp = await credential({ name: 'web01 v2c', kind: 'snmp-v2c', community: snmp.credentials.community });
  cred.ssh = await credential({ name: 'db01 key', kind: 'ssh', username: ssh.credentials.username, privateKey: ssh.credentials.privateKey });
});

afterAll(async () => {
  await t?.close();
  await Promise.allSettled([snmp.stop(), ssh.stop()]);
});

it('keeps each device its own credential, and rescans the device the result does not name', async () => {
  const scan = await scanToEnd(t.http, tech, { targets: [at(1)], credentialIds: [cred.snmp, cred.ssh], options: { timeoutMs: 2000 } });
  const ids = Object.fromEntries(((await t.db.query('SELECT id, hostname FROM devices')) as Array<{ id: number; hostname: string }>).map((d) => [d.hostname, Number(d.id)]));
  expect(Object.keys(ids).sort()).toEqual(['lab-db01', 'lab-web01']);
  expect(scan.results).toEqual([expect.objectContaining({ address: at(1), status: 'identified', deviceId: ids['lab-db01'] })]);
  expect(scan.results[0].reason).toContain(`SNMP and SSH identified different devices (ssh: #${ids['lab-db01']}, snmp: #${ids['lab-web01']})`);

  // before: both credentials went on the device the result names, and SNMP's device had none
  const remembered = await t.db.query('SELECT device_id AS deviceId, protocol, credential_id AS credentialId FROM device_credentials ORDER BY device_id, protocol');
  expect(remembered.map((r: Record<string, unknown>) => [Number(r.deviceId), r.protocol, Number(r.credentialId)]).sort()).toEqual([
    [ids['lab-db01'], 'ssh', cred.ssh],
    [ids['lab-web01'], 'snmp', cred.snmp],
  ].sort());

  // before: 409, "No kept scan identified device … (lab-web01)"
  const rescan = await t.http.post(`/api/devices/${ids['lab-web01']}/rescan`).set(tech).expect(202);
  const again = (await t.http.get(`/api/discovery/scans/${rescan.body.id}`).set(tech).expect(200)).body;
  expect(again).toMatchObject({ targets: [at(1)], credentials: [expect.objectContaining({ id: cred.snmp }), expect.objectContaining({ id: cred.ssh })] });
  // and the device the result names is rescanned as before
  await t.http.post(`/api/devices/${ids['lab-db01']}/rescan`).set(tech).expect(202);
});
