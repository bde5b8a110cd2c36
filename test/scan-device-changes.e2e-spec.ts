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
  resultsTotal: number;
  results: Array<{ address: string; status: string; deviceId: number | null; via: string | null; change: string | null }>;
}

describe('a scan\'s device changes', () => {
  // lab-web01's SNMP agent and its sshd on two addresses: one machine, reached twice
  const snmp = new SnmpsimAgent('web01', at(2));
  const ssh = new LabSshHost({ address: at(3), identity: LINUX_HOSTS.web01 });
  let t: TestApp;
  let tech: string;

  beforeAll(async () => {
    await Promise.all([snmp.start(), ssh.start()]);
    t = await createTestApp({ consume: true });
    tech = await t.tokenFor('technician');
  });
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([snmp.stop(), ssh.stop()]);
  });

  const scanOf = async (id: number, query = ''): Promise<ScanBody> => (await t.http.get(`/api/discovery/scans/${id}${query}`).set(bearer(tech)).expect(200)).body;

  it('counts a device found at two addresses once, as new at both', async () => {
    const credential = async (body: object) => (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send(body).expect(201)).body.id as number;
    const credentialIds = [
      await credential({ name: 'web01 v2c', kind: 'snmp-v2c', community: snmp.credentials.community }),
      await credential({ name: 'web01 key', kind: 'ssh', username: ssh.credentials.username, privateKey: ssh.credentials.privateKey }),
    ];
    const id = (await t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets: [`${at(1)}-4`], credentialIds, options: { timeoutMs: 2000 } }).expect(202)).body.id as number;
    // counted while it runs (countsByChange) the same as when it ended (stored with its counts)
    const live = t.app.get(ScansRepository);
    let scan: ScanBody;
    for (const end = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 200))) {
      scan = await scanOf(id);
      if (scan.status !== 'queued' && scan.status !== 'running') break;
      if (Date.now() > end) throw new Error(`scan ${id} still ${scan.status}`);
    }
    expect(scan.status).toBe('completed');
    const identified = scan.results.filter((r) => r.status === 'identified');
    expect(identified.map((r) => [r.address, r.via])).toEqual([[at(2), 'snmp'], [at(3), 'ssh']]);
    expect(new Set(identified.map((r) => r.deviceId)).size).toBe(1);
    // one device, first seen by this scan: not "1 new, 1 changed"
    expect(scan.devices).toEqual({ new: 1 });
    expect(await live.countsByChange(id)).toEqual({ new: 1 });
    expect(identified.map((r) => r.change)).toEqual(['new', 'new']);
    // the filter lists both of its addresses, and says how many there are to page through
    const asNew = await scanOf(id, '?change=new');
    expect(asNew.results.map((r) => r.address)).toEqual([at(2), at(3)]);
    expect(asNew.resultsTotal).toBe(2);
    const asChanged = await scanOf(id, '?change=changed');
    expect(asChanged.results).toEqual([]);
    expect(asChanged.resultsTotal).toBe(0);
    expect((await scanOf(id, '?resultStatus=identified')).resultsTotal).toBe(2);
    expect((await scanOf(id)).resultsTotal).toBe(4);
    // and the export says the same
    const csv = await t.http.get(`/api/discovery/scans/${id}/results.csv?change=new`).set(bearer(tech)).expect(200);
    expect(csv.text.trimEnd().split('\n').slice(1).map((l) => l.split(',')[6])).toEqual(['new', 'new']);
  });
});
