// Discovery end to end: what a scan says it did to the inventory counts devices, not
// addresses. A machine that answers SNMP at one address and SSH at another is one device; the
// scan that first finds it says so once, at both addresses, however its second report then
// added to the record the first one created.
import * as crypto from 'node:crypto';
import { ScansRepository } from '../src/discovery/scans.repository';
import { LINUX_HOSTS } from './lab/identities';
import { SnmpsimAgent } from './lab/snmpsim';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';

jest.setTimeout(120_000);

const net = `127.78.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;

interface ScanBody {
  id: number;
  status: string;
  devices: Record<string, number>;
  comparison: { previousScanId: number; gone: number } | null;
  resultsTotal: number;
  results: Array<{ address: string; status: string; deviceId: number | null; via: string | null; change: string | null }>;
}

describe('a scan\'s device changes', () => {
  // lab-web01's SNMP agent and its sshd on two addresses: one machine, reached twice
  const snmp = new SnmpsimAgent('web01', at(2));
  const ssh = new LabSshHost({ address: at(3), identity: LINUX_HOSTS.web01 });
  // and a machine only SSH finds
  const db01 = new LabSshHost({ address: at(4), identity: LINUX_HOSTS.db01 });
  let t: TestApp;
  let tech: string;
  const cred: Record<string, number> = {};
  let first: ScanBody;

  beforeAll(async () => {
    await Promise.all([snmp.start(), ssh.start(), db01.start()]);
    t = await createTestApp({ consume: true });
    tech = await t.tokenFor('technician');
    const credential = async (body: object) => (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send(body).expect(201)).body.id as number;
    cred.snmp = await credential({ name: 'web01 v2c', kind: 'snmp-v2c', community: snmp.credentials.community });
    cred.web01 = await credential({ name: 'web01 key', kind: 'ssh', username: ssh.credentials.username, privateKey: ssh.credentials.privateKey });
    cred.db01 = await credential({ name: 'db01 password', kind: 'ssh', username: db01.credentials.username, password: db01.credentials.password });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([snmp.stop(), ssh.stop(), db01.stop()]);
  });

  const scanOf = async (id: number, query = ''): Promise<ScanBody> => (await t.http.get(`/api/discovery/scans/${id}${query}`).set(bearer(tech)).expect(200)).body;
  const scanRange = async (credentialIds: number[], options: object = {}, targets = [`${at(1)}-4`]): Promise<ScanBody> => {
    const id = (await t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets, credentialIds, options: { timeoutMs: 2000, ...options } }).expect(202)).body.id as number;
    for (const end = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 200))) {
      const s = await scanOf(id);
      if (s.status !== 'queued' && s.status !== 'running') return s;
      if (Date.now() > end) throw new Error(`scan ${id} still ${s.status}`);
    }
  };

  it('counts a device found at two addresses once, as new at both', async () => {
    const scan = first = await scanRange([cred.snmp, cred.web01, cred.db01]);
    const { id } = scan;
    expect(scan.status).toBe('completed');
    const identified = scan.results.filter((r) => r.status === 'identified');
    expect(identified.map((r) => [r.address, r.via])).toEqual([[at(2), 'snmp'], [at(3), 'ssh'], [at(4), 'ssh']]);
    expect(identified[0].deviceId).toBe(identified[1].deviceId);
    // two devices, first seen by this scan: not "2 new, 1 changed"
    expect(scan.devices).toEqual({ new: 2 });
    // counted while a scan runs (countsByChange) the same as when it ended (stored with its counts)
    expect(await t.app.get(ScansRepository).countsByChange(id)).toEqual({ new: 2 });
    expect(identified.map((r) => r.change)).toEqual(['new', 'new', 'new']);
    // the filter lists every address of the new devices, and says how many there are to page through
    const asNew = await scanOf(id, '?change=new');
    expect(asNew.results.map((r) => r.address)).toEqual([at(2), at(3), at(4)]);
    expect(asNew.resultsTotal).toBe(3);
    const asChanged = await scanOf(id, '?change=changed');
    expect(asChanged.results).toEqual([]);
    expect(asChanged.resultsTotal).toBe(0);
    expect((await scanOf(id, '?resultStatus=identified')).resultsTotal).toBe(3);
    expect((await scanOf(id)).resultsTotal).toBe(4);
    // and the export says the same, as UTF-8 a spreadsheet recognizes (a byte order mark first)
    await t.http.patch(`/api/devices/${identified[0].deviceId}`).set(bearer(tech)).send({ hostname: 'Büro-web01' }).expect(200);
    const csv = await t.http.get(`/api/discovery/scans/${id}/results.csv?change=new`).set(bearer(tech)).expect(200).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => done(null, Buffer.concat(chunks)));
    });
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('address,status,reason,device_id,device,via,change,duration_ms,at');
    expect(lines.slice(1).map((l) => l.split(',').slice(4, 7))).toEqual([['Büro-web01', 'snmp', 'new'], ['Büro-web01', 'ssh', 'new'], ['lab-db01', 'ssh', 'new']]);
  });

  it('compares a scan only with one of the range that used the same credentials and ports: a device no credential of it could reach is not gone', async () => {
    // without the SSH credentials lab-db01 cannot be identified: that says nothing about whether it is still there
    const snmpOnly = await scanRange([cred.snmp]);
    expect(snmpOnly).toMatchObject({ status: 'completed', comparison: null });
    expect((await t.http.get(`/api/discovery/scans/${snmpOnly.id}/gone`).set(bearer(tech)).expect(200)).body).toMatchObject({ previousScanId: null, total: 0 });
    const otherPort = await scanRange([cred.snmp, cred.web01, cred.db01], { sshPort: 2222 });
    expect(otherPort.comparison).toBeNull();
    // the same credentials in another order: compared with the first scan, not with those in between
    const again = await scanRange([cred.db01, cred.snmp, cred.web01]);
    expect(again).toMatchObject({ status: 'completed', comparison: { previousScanId: first.id, gone: 0 } });
    // lab-web01 too: SSH leaves it the address SNMP reaches it at, and SNMP the one SSH does,
    // where each used to take the other's away and move its primary address back, every scan
    expect(again.devices).toEqual({ unchanged: 2 });
  });

  it('compares a scan with one of the same targets given in another order', async () => {
    const one = await scanRange([cred.snmp, cred.web01], {}, [at(3), at(2)]);
    expect(one).toMatchObject({ status: 'completed', comparison: null });
    const other = await scanRange([cred.web01, cred.snmp], { timeoutMs: 3000 }, [at(2), at(3)]);
    expect(other).toMatchObject({ status: 'completed', comparison: { previousScanId: one.id, gone: 0 }, devices: { unchanged: 1 } });
  });
});
