// What a scan does at one address, with the device lab's agents. DNS is the one part stood in
// for (host names resolving to several addresses, IPv6 first), and the inventory: ingest says
// which device each report became, and what the scan remembers on them is recorded.
import * as crypto from 'node:crypto';
import type { RevealedCredential } from '../credentials/credentials.service';
import type { InventoryReport } from '../inventory/inventory-report';
import { LINUX_HOSTS } from '../../test/lab/identities';
import { SnmpsimAgent } from '../../test/lab/snmpsim';
import { LabSshHost } from '../../test/lab/sshd';
import { scanAddress } from './address-scan';

jest.setTimeout(60_000);

/** host name → what the resolver answers, in its order */
const mockNames = new Map<string, Array<{ address: string; family: number }>>([
  // a dual-stack UPS whose resolver answers IPv6 first (documentation addresses: never contacted)
  ['ups.example', [{ address: '2001:db8::5', family: 6 }, { address: '192.0.2.5', family: 4 }]],
]);

jest.mock('node:dns/promises', () => ({
  lookup: jest.fn(async (name: string, o?: { all?: boolean }) => {
    const all = mockNames.get(name) ?? [];
    if (!all.length) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return o?.all ? all : all[0];
  }),
}));

const deps = {
  ingest: async () => { throw new Error('nothing is ingested here'); },
  hostKeys: { verify: async () => ({ ok: true as const }), pinnedKeyType: async () => null },
  identified: async () => null,
};
const options = { snmpPort: 161, sshPort: 22, timeoutMs: 500, retries: 0, concurrency: 1 };

it('does not contact a machine the scan excludes by its IPv4 address when its name resolves to its IPv6 address first', async () => {
  const excluded = (ip: string) => (ip === '192.0.2.5' ? '192.0.2.5' : null);
  const r = await scanAddress('ups.example', [], undefined, options as never, { ...deps, excluded } as never);
  // before: only the first address (2001:db8::5) was checked, and probed
  expect(r).toMatchObject({ address: 'ups.example', status: 'excluded', reason: 'not contacted: ups.example resolves to 192.0.2.5, which this scan excludes (192.0.2.5)' });
});

it('says a name that does not resolve', async () => {
  const r = await scanAddress('nowhere.example', [], undefined, options as never, deps as never);
  expect(r).toMatchObject({ status: 'error', reason: 'host name nowhere.example did not resolve (ENOTFOUND)' });
});

describe('with the lab', () => {
  const net = `127.133.${crypto.randomInt(1, 250)}`;
  const at = (n: number) => `${net}.${n}`;
  // lab-web01's SNMP agent and lab-db01's sshd at one address: two machines behind one NAT'd
  // address, or a misconfigured lab; either way two devices
  const snmp = new SnmpsimAgent('web01', at(1));
  const ssh = new LabSshHost({ address: at(1), identity: LINUX_HOSTS.db01 });
  let v2c: RevealedCredential;
  let key: RevealedCredential;
  const labOptions = { ...options, timeoutMs: 2000 };

  beforeAll(async () => {
    await Promise.all([snmp.start(), ssh.start()]);
    v2c = { id: 1, name: 'web01 v2c', kind: 'snmp-v2c', community: snmp.credentials.community };
    key = { id: 2, name: 'db01 key', kind: 'ssh', username: ssh.credentials.username, port: 22, privateKey: ssh.credentials.privateKey };
    mockNames.set('dual.example', [{ address: '::1', family: 6 }, { address: at(1), family: 4 }]);
    mockNames.set('nobody.example', [{ address: '::1', family: 6 }, { address: at(9), family: 4 }]);
  });
  afterAll(() => Promise.allSettled([snmp.stop(), ssh.stop()]));

  /** ingest as a fresh inventory: the SSH report becomes device 21 (known already), the SNMP report device 22 (new) */
  const inventory = () => ({
    ...deps,
    ingest: jest.fn(async (r: InventoryReport) => (r.source === 'ssh' ? { deviceId: 21, created: false, matchedBy: 'serial' as const, changes: 0 } : { deviceId: 22, created: true, matchedBy: null, changes: 0 })),
    identified: jest.fn(async (deviceId: number) => deviceId),
  });

  it('when SNMP and SSH identify different devices, each keeps the credential that identified it', async () => {
    const d = inventory();
    const r = await scanAddress(at(1), [v2c, key], undefined, labOptions as never, d as never);
    expect(d.ingest).toHaveBeenCalledTimes(2);
    // before: one call, (21, {snmp: 1, ssh: 2}): device 22 never learnt its community
    expect(d.identified.mock.calls).toEqual([[21, { ssh: 2 }, 22, at(1)], [22, { snmp: 1 }, 22, at(1)]]);
    // the result names SSH's device, and what the scan did to it (unchanged), not to SNMP's (new)
    expect(r).toMatchObject({ address: at(1), status: 'identified', deviceId: 21, via: 'snmp+ssh', deviceChange: 'unchanged' });
    expect(r.reason).toContain('SNMP and SSH identified different devices (ssh: #21, snmp: #22); merge them if they are one machine');
  });

  it('tries the next address of a host name when the first gives nothing, and says which it tried', async () => {
    const d = inventory();
    const r = await scanAddress('dual.example', [v2c], undefined, labOptions as never, d as never);
    // before: only ::1 was probed, and the reason did not say it was ::1 that refused
    expect(r).toMatchObject({ address: 'dual.example', status: 'identified', deviceId: 22, via: 'snmp', reason: `at ::1: UDP 161 closed (ICMP port unreachable); then identified at ${at(1)}` });
    expect(d.identified.mock.calls).toEqual([[22, { snmp: 1 }, 22, at(1)]]);
  });

  it('names every address of a host name it tried when none answered', async () => {
    const r = await scanAddress('nobody.example', [v2c], undefined, labOptions as never, inventory() as never);
    expect(r).toMatchObject({
      address: 'nobody.example', status: 'refused',
      reason: `at ::1: UDP 161 closed (ICMP port unreachable); then at ${at(9)}: UDP 161 closed (ICMP port unreachable)`,
    });
  });
});
