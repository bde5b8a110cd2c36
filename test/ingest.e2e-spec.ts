// The one inventory pipeline against the real MariaDB: a report becomes a device, the same
// machine seen by another source or at another address stays one device, junk identifiers
// never merge machines, and a rescan writes only what changed, as history.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { INGEST_LOCKS, IngestBusy, ingestLockNames, IngestService } from '../src/inventory/ingest.service';
import { InventoryReport } from '../src/inventory/inventory-report';
import { InventoryRepository } from '../src/inventory/inventory.repository';
import { DeviceCountsService } from '../src/software/device-counts.service';
import { SoftwareService } from '../src/software/software.service';
import { bearer, createTestApp, TestApp } from './support/app';

/** What `work` resolves to, and the longest it (or anything else) held this process's event loop meanwhile, in ms. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    return { result: await work(), stallMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

const linuxHost = (over: Partial<InventoryReport> = {}): InventoryReport => ({
  source: 'ssh',
  identity: { hostname: 'web-01', fqdn: 'web-01.lab.example', serial: 'VMW-4C4C-0001', macs: ['52:54:00:12:34:56'], addresses: ['192.0.2.21'] },
  device: { type: 'server', platform: 'linux', vendor: 'QEMU', model: 'Standard PC (Q35)', osFamily: 'linux', osName: 'Debian GNU/Linux 12 (bookworm)', osVersion: '12.7' },
  hardware: [{ kind: 'cpu', name: 'AMD EPYC 7B13', cores: 2 }, { kind: 'memory', slot: 'DIMM0', capacityBytes: 4 * 2 ** 30 }],
  interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:56', addresses: ['192.0.2.21'], mtu: 1500, operStatus: 'up' }],
  software: [
    { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', architecture: 'amd64' },
    { name: 'nginx', version: '1.22.1-9', architecture: 'amd64' },
    { name: 'curl', version: '7.88.1-10+deb12u7', architecture: 'amd64' },
  ],
  ...over,
});

describe('inventory ingest', () => {
  let t: TestApp;
  let ingest: IngestService;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    viewer = bearer(await t.tokenFor('viewer'));
  });
  afterAll(() => t?.close());

  const device = async (id: number) => (await t.http.get(`/api/devices/${id}`).set(viewer)).body;
  const history = async (id: number) => (await t.http.get(`/api/devices/${id}/history?limit=500`).set(viewer)).body.items as Array<Record<string, string>>;

  it('creates a device with its hardware, interfaces and software, and one history line', async () => {
    const res = await ingest.ingest(linuxHost());
    expect(res).toMatchObject({ created: true, matchedBy: null });
    const d = await device(res.deviceId);
    expect(d).toMatchObject({
      hostname: 'web-01', serial: 'VMW-4C4C-0001', type: 'server', platform: 'linux', osName: 'Debian GNU/Linux 12 (bookworm)',
      primaryIp: '192.0.2.21', status: 'active', sources: [expect.objectContaining({ kind: 'ssh' })],
    });
    expect(d.addresses).toEqual([{ ip: '192.0.2.21', mac: '52:54:00:12:34:56', interfaceName: 'eth0' }]);
    expect(d.hardware).toHaveLength(2);
    expect(d.interfaces).toEqual([expect.objectContaining({ name: 'eth0', mtu: 1500 })]);
    const sw = await t.http.get(`/api/devices/${res.deviceId}/software`).set(viewer);
    expect(sw.body.total).toBe(3);
    expect(await history(res.deviceId)).toEqual([expect.objectContaining({ subject: 'device', action: 'added' })]);
  });

  it('the same report again changes nothing and writes no history', async () => {
    const rowsOf = async (id: number) => (await t.db.query('SELECT * FROM network_interfaces WHERE device_id = ? ORDER BY id', [id])) as Array<Record<string, unknown>>;
    const before = await rowsOf((await ingest.ingest(linuxHost())).deviceId);
    const res = await ingest.ingest(linuxHost());
    expect(res).toMatchObject({ created: false, matchedBy: 'serial', changes: 0 });
    expect(await history(res.deviceId)).toHaveLength(1);
    expect(await rowsOf(res.deviceId)).toEqual(before); // the interface rows stay as they were, ids included
    // an interface that went down is written again
    const down = linuxHost({ interfaces: [{ ...linuxHost().interfaces![0], operStatus: 'down' }] });
    await ingest.ingest(down);
    const after = await rowsOf(res.deviceId);
    expect(after).toEqual([expect.objectContaining({ name: 'eth0', oper_status: 'down', mtu: 1500 })]);
    expect(after[0].id).not.toEqual(before[0].id);
    await ingest.ingest(linuxHost());
    expect(await rowsOf(res.deviceId)).toEqual([expect.objectContaining({ name: 'eth0', oper_status: 'up' })]);
  });

  it('takes a few hundred KiB less total memory after a kernel update for the same RAM, and a real upgrade for one', async () => {
    const host = (memTotalKb: number) => linuxHost({
      identity: { hostname: 'memdrift-01', serial: 'MEMDRIFT-1', macs: ['52:54:00:aa:dd:01'], addresses: ['192.0.2.171'] },
      hardware: [{ kind: 'cpu', name: 'AMD EPYC 7B13', cores: 2 }, { kind: 'memory', name: 'total memory', capacityBytes: memTotalKb * 1024 }],
      software: undefined,
    });
    const first = await ingest.ingest(host(16375300));
    // MemTotal after a kernel update: 16375300 → 16374900 kB crosses a MiB, which read as a RAM swap
    expect(await ingest.ingest(host(16374900))).toMatchObject({ deviceId: first.deviceId, changes: 0 });
    const upgraded = await ingest.ingest(host(32766400));
    expect(upgraded.changes).toBeGreaterThan(0);
    const lines = await t.db.query("SELECT action, subject FROM inventory_history WHERE device_id = ? AND kind = 'hardware' ORDER BY id", [first.deviceId]);
    expect(lines).toEqual([{ action: 'added', subject: 'memory total memory 31998 MiB' }, { action: 'removed', subject: 'memory total memory 15992 MiB' }]);
  });

  it('a rescan records exactly what changed: package removed, upgraded, added; memory; OS', async () => {
    const res = await ingest.ingest(linuxHost({
      device: { ...linuxHost().device, osName: 'Debian GNU/Linux 12 (bookworm)', osVersion: '12.8' },
      hardware: [{ kind: 'cpu', name: 'AMD EPYC 7B13', cores: 2 }, { kind: 'memory', slot: 'DIMM0', capacityBytes: 8 * 2 ** 30 }],
      software: [
        { name: 'openssh-server', version: '1:9.2p1-2+deb12u4', architecture: 'amd64' },
        { name: 'nginx', version: '1.22.1-9', architecture: 'amd64' },
        { name: 'htop', version: '3.2.2-2', architecture: 'amd64' },
      ],
    }));
    const h = (await history(res.deviceId)).filter((x) => x.subject !== 'device');
    expect(h).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'software', action: 'removed', subject: 'curl', before: '7.88.1-10+deb12u7' }),
      expect.objectContaining({ kind: 'software', action: 'added', subject: 'htop', after: '3.2.2-2' }),
      expect.objectContaining({ kind: 'software', action: 'changed', subject: 'openssh-server', before: '1:9.2p1-2+deb12u3', after: '1:9.2p1-2+deb12u4' }),
      expect.objectContaining({ kind: 'os', action: 'changed', subject: 'osVersion', before: '12.7', after: '12.8' }),
      expect.objectContaining({ kind: 'hardware', action: 'added', subject: 'memory DIMM0 8192 MiB' }),
      expect.objectContaining({ kind: 'hardware', action: 'removed', subject: 'memory DIMM0 4096 MiB' }),
    ]));
    expect(h).toHaveLength(6);
    expect(h.every((x) => x.source === 'ssh')).toBe(true);
  });

  it('the same machine over SNMP, without a serial, at a new address, stays one device (by MAC)', async () => {
    const res = await ingest.ingest({
      source: 'snmp',
      identity: { hostname: 'web-01', macs: ['52-54-00-12-34-56'], addresses: ['198.51.100.7'] },
      device: { type: 'other' },
    });
    expect(res).toMatchObject({ created: false, matchedBy: 'mac' });
    const d = await device(res.deviceId);
    expect(d.sources.map((s: { kind: string }) => s.kind)).toEqual(['snmp', 'ssh']);
    expect(d.primaryIp).toBe('198.51.100.7');
    expect(d.type).toBe('server'); // a report's 'other' never downgrades what is known
    const list = await t.http.get('/api/devices?q=web-01').set(viewer);
    expect(list.body.total).toBe(1);
  });

  it('a router reached over two of its addresses keeps one primary address and no churn', async () => {
    const router = (reachedAt: string): InventoryReport => ({
      source: 'snmp',
      identity: { hostname: 'core-rtr', serial: 'FTX1234ABCD', addresses: [reachedAt] },
      device: { type: 'router', platform: 'cisco-ios', vendor: 'Cisco' },
      interfaces: [
        { name: 'Gi0/0', mac: '00:1b:54:aa:00:01', addresses: ['192.0.2.1'] },
        { name: 'Gi0/1', mac: '00:1b:54:aa:00:02', addresses: ['198.51.100.1'] },
      ],
    });
    const first = await ingest.ingest(router('192.0.2.1'));
    const second = await ingest.ingest(router('198.51.100.1'));
    const third = await ingest.ingest(router('192.0.2.1'));
    expect(second).toMatchObject({ deviceId: first.deviceId, changes: 0 });
    expect(third.changes).toBe(0);
    expect((await device(first.deviceId)).primaryIp).toBe('192.0.2.1');
  });

  it('a machine SNMP reaches at an address its interfaces do not carry, and SSH at its own, settles after one round', async () => {
    // behind a 1:1 NAT, say: SSH reaches web-nat at its own address, SNMP at the translated one
    const viaSsh = linuxHost({ identity: { hostname: 'web-nat', serial: 'VMW-NAT-0001', macs: ['52:54:00:aa:00:01'], addresses: ['192.0.2.31'] }, interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', addresses: ['192.0.2.31'] }], software: undefined });
    const viaSnmp: InventoryReport = { source: 'snmp', identity: { hostname: 'web-nat', macs: ['52:54:00:aa:00:01'], addresses: ['198.51.100.31'] }, interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', addresses: ['192.0.2.31'] }] };
    const id = (await ingest.ingest(viaSsh)).deviceId;
    // the first SNMP sighting may as well be a move: it is news, and says so
    expect((await ingest.ingest(viaSnmp)).deviceId).toBe(id);
    const settled = (await device(id)).addresses;
    expect(settled.map((a: { ip: string }) => a.ip).sort()).toEqual(['192.0.2.31', '198.51.100.31']);
    for (let round = 0; round < 3; round++) {
      expect(await ingest.ingest(viaSsh)).toMatchObject({ deviceId: id, changes: 0 });
      expect(await ingest.ingest(viaSnmp)).toMatchObject({ deviceId: id, changes: 0 });
    }
    const d = await device(id);
    expect(d.addresses).toEqual(settled);
    expect(d.primaryIp).toBe('192.0.2.31');
    const moves = (await history(id)).filter((h) => h.kind === 'address');
    expect(moves).toHaveLength(1);

    // the machine moves: SSH finds it at a new address and drops its own old one, but leaves
    // the one SNMP still reaches it at, until SNMP finds it elsewhere too
    const moved = { ...viaSsh, identity: { ...viaSsh.identity, addresses: ['192.0.2.32'] }, interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', addresses: ['192.0.2.32'] }] };
    await ingest.ingest(moved);
    expect((await device(id)).addresses.map((a: { ip: string }) => a.ip).sort()).toEqual(['192.0.2.32', '198.51.100.31']);
    await ingest.ingest({ ...viaSnmp, identity: { ...viaSnmp.identity, addresses: ['198.51.100.32'] }, interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:01', addresses: ['192.0.2.32'] }] });
    await ingest.ingest(moved);
    const after = await device(id);
    expect(after.addresses.map((a: { ip: string }) => a.ip).sort()).toEqual(['192.0.2.32', '198.51.100.32']);
    expect(after.primaryIp).toBe('192.0.2.32');

    // the translated address goes to another machine: SNMP reaches that one there now, and
    // nothing holds the address on web-nat any longer
    const other = await ingest.ingest({ source: 'snmp', identity: { hostname: 'printer-nat', macs: ['00:1b:a9:aa:00:02'], addresses: ['198.51.100.32'] }, device: { type: 'printer' } });
    expect(other.deviceId).not.toBe(id);
    await ingest.ingest(moved);
    expect((await device(id)).addresses.map((a: { ip: string }) => a.ip)).toEqual(['192.0.2.32']);
  });

  it('a report without interfaces whose MAC and address the device has on an interface adds nothing', async () => {
    // a machine of its own: web-01's SNMP agent was reached at 198.51.100.7 above, which SSH leaves on it
    const id = (await ingest.ingest(linuxHost({ identity: { hostname: 'web-02', serial: 'VMW-4C4C-0002', macs: ['52:54:00:12:34:57'], addresses: ['192.0.2.22'] }, interfaces: [{ name: 'eth0', mac: '52:54:00:12:34:57', addresses: ['192.0.2.22'] }], software: undefined }))).deviceId;
    const res = await ingest.ingest({ source: 'snmp', identity: { hostname: 'web-02', macs: ['52:54:00:12:34:57'], addresses: ['192.0.2.22'] } });
    expect(res).toMatchObject({ deviceId: id, changes: 0 });
    expect((await device(id)).addresses).toEqual([{ ip: '192.0.2.22', mac: '52:54:00:12:34:57', interfaceName: 'eth0' }]);
  });

  it('a report without interfaces adds its address and removes none', async () => {
    const id = (await ingest.ingest(linuxHost())).deviceId;
    const before = (await device(id)).addresses;
    const res = await ingest.ingest({ source: 'agent', identity: { serial: 'VMW-4C4C-0001', addresses: ['203.0.113.9'] } });
    expect(res.deviceId).toBe(id);
    const after = (await device(id)).addresses;
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toEqual(expect.arrayContaining([expect.objectContaining({ ip: '203.0.113.9' })]));
    expect(after).toHaveLength(before.length + 1);
  });

  it('matches by hostname and address when there is neither serial nor MAC', async () => {
    const first = await ingest.ingest({ source: 'snmp', identity: { hostname: 'printer-3f', addresses: ['192.0.2.90'] }, device: { type: 'printer', platform: 'printer' } });
    const again = await ingest.ingest({ source: 'snmp', identity: { hostname: 'printer-3f', addresses: ['192.0.2.90'] } });
    expect(again).toMatchObject({ deviceId: first.deviceId, matchedBy: 'hostname' });
  });

  describe('a machine whose agent can read neither its addresses nor a serial (no `ip`, no DMI as a user)', () => {
    const mid = '7c1e2f9a3b4d4e5f8a6b7c8d9e0f1a2b';
    const bare = (hostname: string, machineId = mid, over: Partial<InventoryReport> = {}): InventoryReport => ({
      source: 'agent', identity: { hostname }, device: { type: 'workstation', platform: 'linux', osFamily: 'linux' },
      hardware: [{ kind: 'memory', name: 'total memory', capacityBytes: 8 * 2 ** 30 }, { kind: 'other', name: 'machine-id', serial: machineId }],
      software: [{ name: 'curl', version: '7.88.1-10+deb12u8' }],
      ...over,
    });

    it('is one device over its reports, found by its hostname and OS installation id', async () => {
      const first = await ingest.ingest(bare('kiosk-07'));
      const again = await ingest.ingest(bare('kiosk-07', mid.toUpperCase()));
      expect(first.created).toBe(true);
      expect(again).toMatchObject({ deviceId: first.deviceId, created: false, matchedBy: 'machine-id', changes: 0 });
      expect(await t.db.query("SELECT COUNT(*) AS n FROM devices WHERE hostname = 'kiosk-07'")).toEqual([{ n: 1 }]);
    });

    it('joins the device SSH discovery made of it (the same machine-id on its hardware)', async () => {
      const ssh = await ingest.ingest(linuxHost({
        identity: { hostname: 'kiosk-08', macs: ['52:54:00:aa:00:08'], addresses: ['192.0.2.208'] },
        hardware: [{ kind: 'cpu', name: 'AMD EPYC 7B13', cores: 2 }, { kind: 'other', name: 'machine-id', serial: '9f00aa11bb22cc33dd44ee55ff660008' }],
        interfaces: [{ name: 'eth0', mac: '52:54:00:aa:00:08', addresses: ['192.0.2.208'] }],
      }));
      const agent = await ingest.ingest(bare('kiosk-08', '9f00aa11bb22cc33dd44ee55ff660008'));
      expect(agent).toMatchObject({ deviceId: ssh.deviceId, created: false, matchedBy: 'machine-id' });
      expect((await device(ssh.deviceId)).sources.map((s: { kind: string }) => s.kind).sort()).toEqual(['agent', 'ssh']);
    });

    it('never takes a report with a serial or MAC of its own: a clone that kept the image\'s hostname and machine-id stays a machine of its own', async () => {
      const id = 'c10ec10ec10ec10ec10ec10ec10ec10e';
      const original = await ingest.ingest(bare('golden', id, { identity: { hostname: 'golden', serial: 'VMware-56 4d aa 01', macs: ['00:50:56:aa:00:01'] } }));
      const clone = await ingest.ingest(bare('golden', id, { identity: { hostname: 'golden', serial: 'VMware-56 4d aa 02', macs: ['00:50:56:aa:00:02'] } }));
      expect(clone.created).toBe(true);
      expect(clone.deviceId).not.toBe(original.deviceId);
      // its agent's report without them still finds a device of that name and id
      expect((await ingest.ingest(bare('golden', id))).matchedBy).toBe('machine-id');
    });

    it('never joins another name: clones of one image that kept its machine-id stay apart, as do ids of zeros', async () => {
      const a = await ingest.ingest(bare('clone-a', 'aaaaaaaabbbbccccddddeeeeeeeeeeee'));
      const b = await ingest.ingest(bare('clone-b', 'aaaaaaaabbbbccccddddeeeeeeeeeeee'));
      expect(b.created).toBe(true);
      expect(b.deviceId).not.toBe(a.deviceId);
      const zeros = '00000000000000000000000000000000';
      const z1 = await ingest.ingest(bare('zero-id', zeros));
      const z2 = await ingest.ingest(bare('zero-id', zeros));
      expect(z2.created).toBe(true);
      expect(z2.deviceId).not.toBe(z1.deviceId);
    });

    it('three reports of such a new machine at once make one device (they wait on one lock of hostname and id)', async () => {
      const results = await Promise.all([1, 2, 3].map(() => ingest.ingest(bare('kiosk-race', 'cafe0000cafe0000cafe0000cafe0001'))));
      expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('a Windows MachineGuid is such an id too', async () => {
      const guid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
      const first = await ingest.ingest(bare('FRONTDESK-2', guid, { device: { type: 'workstation', platform: 'windows', osFamily: 'windows' } }));
      expect(await ingest.ingest(bare('frontdesk-2', guid))).toMatchObject({ deviceId: first.deviceId, matchedBy: 'machine-id' });
    });
  });

  it("a MAC two machines share on a virtual interface (Calico's, a bridge's) does not merge them: only the report's own MACs identify it", async () => {
    // Kubernetes nodes: each its own NIC, and the same fixed MAC on every pod interface
    const node = (n: number, sharedMac: string): InventoryReport => ({
      source: 'ssh',
      identity: { hostname: `k8s-node-${n}-${sharedMac.slice(0, 2)}`, serial: `K8S-NODE-${n}-${sharedMac.slice(0, 2)}`, macs: [`3c:ec:ef:00:0${n}:${sharedMac.slice(0, 2)}`], addresses: [`192.0.2.${140 + n}`] },
      interfaces: [
        { name: 'eno1', mac: `3c:ec:ef:00:0${n}:${sharedMac.slice(0, 2)}`, addresses: [`192.0.2.${140 + n}`] },
        { name: 'cali12ab34cd', mac: sharedMac },
      ],
    });
    // Calico's (in the junk list too) and one a lab's bridges happen to share (in no list)
    for (const shared of ['ee:ee:ee:ee:ee:ee', '52:54:00:aa:bb:cc']) {
      const a = await ingest.ingest(node(1, shared));
      const b = await ingest.ingest(node(2, shared));
      expect(b).toMatchObject({ created: true });
      expect(b.deviceId).not.toBe(a.deviceId);
      expect((await device(a.deviceId)).serial).toBe(`K8S-NODE-1-${shared.slice(0, 2)}`);
      // and the next report of the first node still finds it
      expect(await ingest.ingest(node(1, shared))).toMatchObject({ created: false, matchedBy: 'serial', deviceId: a.deviceId, changes: 0 });
    }
    // no lock that every node's ingest would queue on
    const withoutPods = (r: InventoryReport) => ({ ...r, interfaces: r.interfaces!.slice(0, 1) });
    expect(ingestLockNames(node(3, 'ee:ee:ee:ee:ee:ee'), t.db)).toEqual(ingestLockNames(withoutPods(node(3, 'ee:ee:ee:ee:ee:ee')), t.db));
    // a report naming no MACs of its own is still known by its interfaces'
    const bare = await ingest.ingest({ source: 'agent', identity: { hostname: 'k8s-node-1-ee', addresses: ['198.51.100.141'] }, interfaces: [{ name: 'eno1', mac: '3c:ec:ef:00:01:ee' }] });
    expect(bare).toMatchObject({ created: false, matchedBy: 'mac' });
  });

  it("two laptops that use one hot desk's dock (its network adapter's MAC) in turn stay two devices, each with its serial", async () => {
    const laptop = (serial: string, hostname: string, ip: string): InventoryReport => ({
      source: 'agent', identity: { hostname, serial, macs: ['00:e0:4c:68:00:01'], addresses: [ip] },
      interfaces: [{ name: 'Ethernet 3', mac: '00:e0:4c:68:00:01', addresses: [ip] }],
    });
    const a = await ingest.ingest(laptop('5CG1230AAA', 'LT-ANNA', '192.0.2.196'));
    const b = await ingest.ingest(laptop('5CG1230BBB', 'LT-BORIS', '192.0.2.196'));
    expect(b).toMatchObject({ created: true });
    expect((await device(a.deviceId)).serial).toBe('5CG1230AAA');
    expect((await device(b.deviceId)).serial).toBe('5CG1230BBB');
    expect(await ingest.ingest(laptop('5CG1230AAA', 'LT-ANNA', '192.0.2.196'))).toMatchObject({ deviceId: a.deviceId, matchedBy: 'serial' });
    // the same adapter in a report without a serial (SNMP, an agent as a user) still finds a device by it
    expect(await ingest.ingest({ source: 'snmp', identity: { macs: ['00:e0:4c:68:00:01'], addresses: ['192.0.2.196'] } })).toMatchObject({ created: false, matchedBy: 'mac', deviceId: a.deviceId });
    // as does one with the image's hostname at the address the other had: another serial, another machine
    const c = await ingest.ingest({ source: 'agent', identity: { hostname: 'LT-ANNA', serial: '5CG1230CCC', addresses: ['192.0.2.196'] } });
    expect(c.created).toBe(true);
  });

  it('a part swapped for one of the same model (a disk, a power supply) updates its serial and says so; an unchanged rescan rewrites nothing', async () => {
    const report = (diskSerial: string, mhz: number): InventoryReport => linuxHost({
      identity: { hostname: 'disk-01', serial: 'DISK-HOST-0001', macs: ['52:54:00:d1:5c:01'], addresses: ['192.0.2.190'] },
      interfaces: [{ name: 'eth0', mac: '52:54:00:d1:5c:01', addresses: ['192.0.2.190'] }],
      software: [],
      hardware: [
        { kind: 'cpu', name: 'AMD EPYC 7B13', cores: 2, speedMhz: mhz },
        { kind: 'disk', name: 'sda', model: 'Samsung SSD 870', serial: diskSerial, capacityBytes: 500107862016 },
        { kind: 'other', name: 'machine-id', serial: '3f2a9c1e5b7d4e8f9a0b1c2d3e4f5a6b' },
      ],
    });
    const rowsOf = async (id: number) => (await t.db.query('SELECT * FROM hardware_components WHERE device_id = ? ORDER BY id', [id])) as Array<Record<string, unknown>>;
    const { deviceId } = await ingest.ingest(report('S6PNNX0T100001A', 2450));
    const before = await rowsOf(deviceId);
    // the same parts, the CPU at another clock speed as it runs: nothing written
    expect(await ingest.ingest(report('S6PNNX0T100001A', 3100))).toMatchObject({ changes: 0 });
    expect(await rowsOf(deviceId)).toEqual(before);
    await ingest.ingest(report('S6PNNX0T200002B', 2450));
    expect((await device(deviceId)).hardware).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'disk', name: 'sda', serial: 'S6PNNX0T200002B' })]));
    expect((await history(deviceId)).filter((x) => x.kind === 'hardware')).toEqual([
      expect.objectContaining({ action: 'changed', subject: 'disk sda 476940 MiB', before: 'serial S6PNNX0T100001A', after: 'serial S6PNNX0T200002B' }),
    ]);
  });

  it('junk serials and virtual MACs never merge two machines', async () => {
    const a = await ingest.ingest({ source: 'agent', identity: { hostname: 'pc-a', serial: 'To be filled by O.E.M.', macs: ['02:42:ac:11:00:02', '00:00:00:00:00:00'], addresses: ['192.0.2.101'] } });
    const b = await ingest.ingest({ source: 'agent', identity: { hostname: 'pc-b', serial: 'To be filled by O.E.M.', macs: ['02:42:ac:11:00:02', '00:00:00:00:00:00'], addresses: ['192.0.2.102'] } });
    expect(a.created && b.created).toBe(true);
    expect(a.deviceId).not.toBe(b.deviceId);
    expect((await device(a.deviceId)).serial).toBeNull();
  });

  it("the two load balancers of a VRRP pair stay two devices: the virtual router's MAC moves between them", async () => {
    // SNMP reports of keepalived hosts carry no serial: MACs are what identify them
    const lb = (n: number) => ({
      source: 'snmp' as const,
      identity: { hostname: `lb-0${n}`, macs: [`52:54:00:1b:00:0${n}`, '00:00:5e:00:01:33'], addresses: [`192.0.2.21${n}`] },
      interfaces: [
        { name: 'eth0', mac: `52:54:00:1b:00:0${n}`, addresses: [`192.0.2.21${n}`] },
        { name: 'vrrp.51', mac: '00:00:5e:00:01:33', addresses: ['192.0.2.210'] },
      ],
    });
    const a = await ingest.ingest(lb(1));
    const b = await ingest.ingest(lb(2));
    expect(b.created).toBe(true);
    expect(b.deviceId).not.toBe(a.deviceId);
    expect((await device(a.deviceId)).hostname).toBe('lb-01');
  });

  it('leaves out addresses with a zone (fe80::1%eth0: it means something only on that host), keeping the rest of the report', async () => {
    const zone = `fe80::1%${'x'.repeat(60)}`;
    const res = await ingest.ingest({
      source: 'ssh',
      identity: { hostname: 'zoned-01', serial: 'ZONE-0001', macs: ['52:54:00:0e:00:01'], addresses: ['192.0.2.77', 'fe80::2%eth0'] },
      interfaces: [{ name: 'eth0', mac: '52:54:00:0e:00:01', addresses: ['192.0.2.77', zone, 'fe80::3%2', '2001:db8::77'] }],
      neighbours: [{ protocol: 'lldp', localPort: 'eth0', remoteName: 'sw-zone', remoteAddress: 'fe80::4%eth0' }],
    });
    const d = await device(res.deviceId);
    expect(d.primaryIp).toBe('192.0.2.77');
    expect(d.addresses.map((a: { ip: string }) => a.ip)).toEqual(['192.0.2.77', '2001:db8::77']);
    expect(d.neighbours).toEqual([expect.objectContaining({ remoteName: 'sw-zone', remoteAddress: null })]);
  });

  it('stores a report whose every field is 64 KiB or not a value Teknisi knows (a collector\'s bug): unknown as unknown, and again unchanged', async () => {
    const huge = `<b>\u202e${'é'.repeat(70_000)}`;
    const report: InventoryReport = {
      source: 'snmp',
      identity: { hostname: huge, fqdn: huge, serial: huge, macs: [huge, 'zz:zz'], addresses: ['192.0.2.88', huge] },
      device: { type: huge as never, platform: 'beos' as never, vendor: huge, model: huge, osFamily: huge, osName: huge, osVersion: huge },
      hardware: [{ kind: 'gpu' as never, name: huge, manufacturer: huge, model: huge, serial: huge, slot: huge, capacityBytes: 1e300, cores: -1 }],
      interfaces: [{ name: huge, description: huge, mac: huge, adminStatus: huge, operStatus: huge, addresses: [huge] }],
      software: [
        { name: huge, version: huge, publisher: huge, architecture: huge, installDate: huge },
        // a day that does not exist, a zero date, and one that does; a clock at zero (the 1970s)
        // and one gone wrong (years past the report), which the collectors leave out too
        { name: 'bad-date-tool', installDate: '2024-02-30' }, { name: 'zero-date-tool', installDate: '0000-00-00' }, { name: 'leap-day-tool', installDate: '2024-02-29' },
        { name: 'epoch-tool', installDate: '1970-01-01' }, { name: 'future-tool', installDate: '2999-01-01' },
      ],
      neighbours: [{ protocol: 'cdp', localPort: huge, remoteName: huge, remotePort: huge, remoteAddress: huge, remotePlatform: huge, remoteChassisId: huge }],
    };
    const res = await ingest.ingest(report);
    const d = await device(res.deviceId);
    expect(d).toMatchObject({ type: 'other', platform: 'other', primaryIp: '192.0.2.88' });
    expect(d.hostname).toHaveLength(255);
    expect(d.hardware).toEqual([expect.objectContaining({ kind: 'other', capacityBytes: null, cores: null })]);
    const sw = (await t.http.get(`/api/devices/${res.deviceId}/software?q=-tool`).set(viewer)).body.items as Array<{ name: string; installDate: string | null }>;
    expect(sw.map((s) => [s.name, s.installDate])).toEqual([['bad-date-tool', null], ['epoch-tool', null], ['future-tool', null], ['leap-day-tool', '2024-02-29'], ['zero-date-tool', null]]);
    expect((await ingest.ingest(report)).changes).toBe(0);
  });

  it('stores hostile strings inert: control characters dropped, huge values capped, HTML kept as text', async () => {
    const res = await ingest.ingest({
      source: 'snmp',
      identity: { hostname: 'evil\u0000\u001b[31m-host', serial: 'EVIL-1', addresses: ['192.0.2.66'] },
      device: { model: '<script>alert(1)</script>', osName: 'x'.repeat(65_536) },
      software: [{ name: 'Caf\uFFFD Tool\u0007', version: '1.0' }, { name: '\u0000\u0001' }, { name: 'Invoice\u202Eexe.pdf' }],
    });
    const d = await device(res.deviceId);
    // the colour sequence goes whole, not as a leftover "[31m" once its ESC is dropped
    expect(d.hostname).toBe('evil -host');
    expect(d.model).toBe('<script>alert(1)</script>');
    expect(d.osName).toHaveLength(255);
    const sw = await t.http.get(`/api/devices/${res.deviceId}/software`).set(viewer);
    // a right-to-left override would show this title as "Invoicefdp.exe"
    expect(sw.body.items.map((s: { name: string }) => s.name)).toEqual(['Caf\uFFFD Tool', 'Invoiceexe.pdf']);
  });

  it('keeps a title whose name the catalogue holds under another spelling (Résumé / Resume, Straße / Strasse)', async () => {
    // the catalogue's unique index folds accents and ß as MariaDB's unicode_ci does: each pair is one title
    const first = await ingest.ingest({
      source: 'agent', identity: { hostname: 'fold-01', serial: 'FOLD-0001', addresses: ['192.0.2.181'] },
      software: [{ name: 'Resume Builder', version: '1.0' }, { name: 'Strasse Mapper', version: '2.0' }],
    });
    const second = await ingest.ingest({
      source: 'agent', identity: { hostname: 'fold-02', serial: 'FOLD-0002', addresses: ['192.0.2.182'] },
      software: [{ name: 'Résumé Builder', version: '1.1' }, { name: 'Straße Mapper', version: '2.0' }, { name: 'fold-only-tool', version: '3' }],
    });
    const names = async (id: number) =>
      ((await t.http.get(`/api/devices/${id}/software`).set(viewer)).body.items as Array<{ name: string; version: string }>).map((s) => `${s.name} ${s.version}`);
    expect(await names(first.deviceId)).toEqual(['Resume Builder 1.0', 'Strasse Mapper 2.0']);
    expect(await names(second.deviceId)).toEqual(['fold-only-tool 3', 'Resume Builder 1.1', 'Strasse Mapper 2.0']);
    // and a later report of the same list changes nothing
    const again = await ingest.ingest({
      source: 'agent', identity: { hostname: 'fold-02', serial: 'FOLD-0002', addresses: ['192.0.2.182'] },
      software: [{ name: 'Résumé Builder', version: '1.1' }, { name: 'Straße Mapper', version: '2.0' }, { name: 'fold-only-tool', version: '3' }],
    });
    expect(again.changes).toBe(0);
  });

  it('keeps a 255-character title whose lower case is longer (İ lower-cases to two characters), and a rescan of it changes nothing', async () => {
    const name = `İ${'x'.repeat(254)}`;
    const report = (): InventoryReport => ({ source: 'agent', identity: { hostname: 'dotted-i-01', serial: 'DOTI-0001', addresses: ['192.0.2.184'] }, software: [{ name, version: '1.0' }] });
    const res = await ingest.ingest(report());
    const items = (await t.http.get(`/api/devices/${res.deviceId}/software`).set(viewer)).body.items as Array<{ name: string; version: string }>;
    expect(items).toEqual([expect.objectContaining({ name, version: '1.0' })]);
    const again = await ingest.ingest(report());
    expect(again.changes).toBe(0);
    expect(await history(res.deviceId)).toHaveLength(1);
  });

  it('records a package reinstalled for another architecture at the same version, naming both', async () => {
    const report = (architecture: string): InventoryReport => ({
      source: 'agent', identity: { hostname: 'arch-01', serial: 'ARCH-0001', addresses: ['192.0.2.185'] }, software: [{ name: '7-Zip', version: '23.01', architecture }],
    });
    const { deviceId } = await ingest.ingest(report('x86'));
    await ingest.ingest(report('x64'));
    expect((await history(deviceId)).filter((x) => x.kind === 'software')).toEqual([
      expect.objectContaining({ action: 'changed', subject: '7-Zip', before: '23.01 (x86)', after: '23.01 (x64)' }),
    ]);
  });

  it('keeps a title with half a UTF-16 character (a JSON \\uD800 escape, or a name cut at its limit inside an emoji)', async () => {
    const res = await ingest.ingest({
      source: 'agent', identity: { hostname: 'surrogate-01', serial: 'SURR-0001', addresses: ['192.0.2.183'] },
      software: [{ name: 'half-\uD800-tool', version: '\uDC00' }, { name: `${'e'.repeat(254)}\u{1F600}`, version: '1' }],
    });
    const items = (await t.http.get(`/api/devices/${res.deviceId}/software`).set(viewer)).body.items as Array<{ name: string; version: string }>;
    expect(items.map((s) => [s.name, s.version])).toEqual([['e'.repeat(254), '1'], ['half-\uFFFD-tool', '\uFFFD']]);
  });

  it('keeps a count its column cannot hold (a misread MTU or speed) as unknown, and the rest of the report', async () => {
    const res = await ingest.ingest(linuxHost({
      identity: { hostname: 'misread-01', serial: 'MISREAD-1', macs: ['52:54:00:aa:dd:01'], addresses: ['192.0.2.170'] },
      hardware: [{ kind: 'cpu', name: 'AMD EPYC 7B13', cores: 4_294_967_296, speedMhz: 2_450 }],
      interfaces: [{ name: 'eth0', mac: '52:54:00:aa:dd:01', addresses: ['192.0.2.170'], mtu: 99_999_999_999, speedMbps: 2 ** 40, ifIndex: 4_294_967_295 }],
      software: [{ name: 'misread-tool', version: '1.0' }], // the catalogue's counts of linuxHost's packages belong to the tests below
    }));
    const d = await device(res.deviceId);
    expect(d.hardware).toEqual([expect.objectContaining({ name: 'AMD EPYC 7B13', cores: null, speedMhz: 2_450 })]);
    expect(d.interfaces).toEqual([expect.objectContaining({ name: 'eth0', mtu: null, speedMbps: null, ifIndex: 4_294_967_295 })]);
    const sw = await t.http.get(`/api/devices/${res.deviceId}/software`).set(viewer);
    expect(sw.body.items).toEqual([expect.objectContaining({ name: 'misread-tool' })]);
  });

  it('two workers ingesting the same new machine at once make one device', async () => {
    const report = linuxHost({
      identity: { hostname: 'race-01', serial: 'RACE-SERIAL-1', macs: ['52:54:00:aa:bb:01'], addresses: ['192.0.2.150'] },
      interfaces: [{ name: 'eth0', mac: '52:54:00:aa:bb:01', addresses: ['192.0.2.150'] }],
    });
    const results = await Promise.all([ingest.ingest(report), ingest.ingest(report), ingest.ingest(report)]);
    expect(new Set(results.map((r) => r.deviceId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('a report waits for another ingest of its machine, gives up saying so, and keeps none of its locks', async () => {
    const report = linuxHost({
      identity: { hostname: 'locked-01', serial: 'LOCK-SERIAL-1', macs: ['52:54:00:aa:cc:01', '52:54:00:aa:cc:02'], addresses: ['192.0.2.160'] },
      interfaces: [{ name: 'eth0', mac: '52:54:00:aa:cc:01', addresses: ['192.0.2.160'] }, { name: 'eth1', mac: '52:54:00:aa:cc:02' }],
      software: undefined, // the catalogue's counts belong to the tests below
    });
    const names = ingestLockNames(report, t.db);
    expect(names).toHaveLength(4); // the serial, two MACs, the hostname at its address
    const other = t.db.createQueryRunner();
    await other.connect();
    // another Teknisi database on the same MariaDB server has locks of its own: neither waits on the other's reports
    const elsewhere = { options: { database: 'teknisi_other_site' }, driver: {} } as unknown as DataSource;
    expect(ingestLockNames(report, elsewhere).some((n) => names.includes(n))).toBe(false);
    expect(names.every((n) => n.length <= 64)).toBe(true);
    INGEST_LOCKS.waitSeconds = 1;
    try {
      // another ingest holds the last name of the order: the report takes the others first, then waits
      const [{ cid }] = await other.query('SELECT CONNECTION_ID() AS cid, GET_LOCK(?, 0) AS got', [names[3]]);
      await expect(ingest.ingest(report)).rejects.toThrow(new IngestBusy('timed out after 1 s waiting for another report of the same machine to be stored'));
      for (const name of names) {
        const [{ holder }] = await other.query('SELECT IS_USED_LOCK(?) AS holder', [name]);
        expect(holder === null ? null : Number(holder)).toBe(name === names[3] ? Number(cid) : null);
      }
      await other.query('SELECT RELEASE_LOCK(?)', [names[3]]);
      expect(await ingest.ingest(report)).toMatchObject({ created: true });
    } finally {
      INGEST_LOCKS.waitSeconds = 30;
      await other.release();
    }
  });

  it('a device retired while a report of it waits for its row is not written into: the report is matched again', async () => {
    const report = (collectedAt: Date): InventoryReport => linuxHost({
      collectedAt,
      identity: { hostname: 'retiring-01', serial: 'RETIRE-SERIAL-1', macs: ['52:54:00:ee:01:01'], addresses: ['192.0.2.170'] },
      interfaces: [{ name: 'eth0', mac: '52:54:00:ee:01:01', addresses: ['192.0.2.170'] }],
      software: undefined,
    });
    const first = await ingest.ingest(report(new Date(Date.now() - 60_000)));
    const other = t.db.createQueryRunner();
    await other.connect();
    try {
      // a technician's retire holds the row, as DELETE /api/devices/:id does in its transaction
      await other.startTransaction();
      await other.query('SELECT id FROM devices WHERE id = ? FOR UPDATE', [first.deviceId]);
      const pending = ingest.ingest(report(new Date()));
      await new Promise((r) => setTimeout(r, 500)); // the report has matched the device and waits for its row
      await other.query(`UPDATE devices SET status = 'retired', retired_at = NOW() WHERE id = ?`, [first.deviceId]);
      await other.commitTransaction();
      const second = await pending;
      expect(second).toMatchObject({ created: true });
      expect(second.deviceId).not.toBe(first.deviceId);
      const [row] = await t.db.query('SELECT status, last_seen AS lastSeen FROM devices WHERE id = ?', [first.deviceId]);
      expect(row.status).toBe('retired');
      expect(new Date(row.lastSeen).getTime()).toBeLessThan(Date.now() - 30_000);
    } finally {
      if (other.isTransactionActive) await other.rollbackTransaction();
      await other.release();
    }
  });

  it('an SNMP report (MAC only) and an SSH report (serial and MAC) of one new machine, at the same instant, make one device', async () => {
    const machines = Array.from({ length: 20 }, (_, i) => {
      const n = String(i + 1).padStart(2, '0');
      const mac = `52:54:00:cc:00:${n}`;
      const address = `198.51.100.${100 + i}`;
      const snmp: InventoryReport = { source: 'snmp', identity: { hostname: `twin-${n}`, macs: [mac], addresses: [address] }, device: { type: 'workstation' } };
      const ssh: InventoryReport = {
        source: 'ssh', identity: { hostname: `twin-${n}`, serial: `TWIN-SERIAL-${n}`, macs: [mac], addresses: [address] },
        interfaces: [{ name: 'eth0', mac, addresses: [address] }],
      };
      return { n, snmp, ssh };
    });
    await Promise.all(machines.flatMap((m) => [ingest.ingest(m.snmp), ingest.ingest(m.ssh)]));
    for (const m of machines) {
      const list = (await t.http.get(`/api/devices?q=twin-${m.n}`).set(viewer)).body;
      expect({ machine: m.n, total: list.total }).toEqual({ machine: m.n, total: 1 });
      expect(list.items[0].sources.map((s: { kind: string }) => s.kind)).toEqual(['snmp', 'ssh']);
    }
  });

  it('shows a switch\'s LLDP/CDP neighbours, each linked to the known device on the other end', async () => {
    const web = (await t.http.get('/api/devices?q=web-01').set(viewer)).body.items[0].id;
    const race = (await t.http.get('/api/devices?q=race-01').set(viewer)).body.items[0].id;
    const sw = (at: string, neighbours: InventoryReport['neighbours']): InventoryReport => ({
      source: 'snmp', collectedAt: new Date(at),
      identity: { hostname: 'access-sw-2f', serial: 'FOC2233X0AB', addresses: ['192.0.2.2'] },
      device: { type: 'switch', platform: 'cisco-ios', vendor: 'Cisco' },
      neighbours,
    });
    const cabling: InventoryReport['neighbours'] = [
      // known by its FQDN only
      { protocol: 'lldp', localPort: 'Gi1/0/1', remoteName: 'web-01.lab.example', remotePort: 'eth0', remoteChassisId: '52:54:00:12:34:56', remotePlatform: 'Debian GNU/Linux 12' },
      // known by the address it advertises, whatever it calls itself
      { protocol: 'lldp', localPort: 'Gi1/0/2', remoteName: 'race-01.example', remotePort: 'eth0', remoteAddress: '192.0.2.150' },
      // a phone nobody has scanned
      { protocol: 'cdp', localPort: 'Gi1/0/3', remoteName: 'SEP001122334455', remotePort: 'Port 1', remoteAddress: '203.0.113.50', remotePlatform: 'Cisco IP Phone 8841' },
    ];
    const id = (await ingest.ingest(sw('2025-05-01T09:00:00Z', cabling))).deviceId;
    expect((await device(id)).neighbours).toEqual([
      { protocol: 'lldp', localPort: 'Gi1/0/1', remoteName: 'web-01.lab.example', remotePort: 'eth0', remoteAddress: null, remotePlatform: 'Debian GNU/Linux 12', remoteChassisId: '52:54:00:12:34:56', remoteDeviceId: web, lastSeen: '2025-05-01T09:00:00.000Z' },
      { protocol: 'lldp', localPort: 'Gi1/0/2', remoteName: 'race-01.example', remotePort: 'eth0', remoteAddress: '192.0.2.150', remotePlatform: null, remoteChassisId: null, remoteDeviceId: race, lastSeen: '2025-05-01T09:00:00.000Z' },
      { protocol: 'cdp', localPort: 'Gi1/0/3', remoteName: 'SEP001122334455', remotePort: 'Port 1', remoteAddress: '203.0.113.50', remotePlatform: 'Cisco IP Phone 8841', remoteChassisId: null, remoteDeviceId: null, lastSeen: '2025-05-01T09:00:00.000Z' },
    ]);
    // the same cabling a day later: still there, seen again
    await ingest.ingest(sw('2025-05-02T09:00:00Z', cabling));
    expect((await device(id)).neighbours.map((n: { lastSeen: string }) => n.lastSeen)).toEqual(Array(3).fill('2025-05-02T09:00:00.000Z'));
    // the phone unplugged: gone from the list
    await ingest.ingest(sw('2025-05-03T09:00:00Z', cabling.slice(0, 2)));
    expect((await device(id)).neighbours.map((n: { localPort: string }) => n.localPort)).toEqual(['Gi1/0/1', 'Gi1/0/2']);
  });

  it('twenty new machines with the same new packages, ingested at once, are all stored, each title once in the catalogue', async () => {
    // a first scan of an office: every machine brings the same titles, none known yet; the
    // first report inserts them, committed at once, and the others use its ids
    const packages = Array.from({ length: 300 }, (_, i) => ({ name: `fleet-pkg-${i}`, version: `1.${i}`, architecture: 'amd64' }));
    const fleet = Array.from({ length: 20 }, (_, i) => linuxHost({
      identity: { hostname: `fleet-${i}`, serial: `FLEET-SERIAL-${i}`, macs: [`52:54:00:f1:00:${i.toString(16).padStart(2, '0')}`], addresses: [`198.51.100.${i + 1}`] },
      interfaces: [{ name: 'eth0', mac: `52:54:00:f1:00:${i.toString(16).padStart(2, '0')}`, addresses: [`198.51.100.${i + 1}`] }],
      software: packages,
    }));
    const resolved = jest.spyOn(t.app.get(InventoryRepository), 'titleIds');
    let results;
    try {
      results = await Promise.all(fleet.map((r) => ingest.ingest(r)));
      // one report inserts the titles; the others wait for its ids instead of inserting them again
      expect(resolved.mock.calls.filter(([, titles]) => titles.some((x) => x.name.startsWith('fleet-pkg-')))).toHaveLength(1);
    } finally {
      resolved.mockRestore();
    }
    expect(new Set(results.map((r) => r.deviceId)).size).toBe(20);
    expect(results.every((r) => r.created)).toBe(true);
    const [{ titles }] = await t.db.query(`SELECT COUNT(*) AS titles FROM software WHERE name LIKE 'fleet-pkg-%'`);
    expect(Number(titles)).toBe(300);
    const perDevice = await t.db.query(
      `SELECT i.device_id AS id, COUNT(*) AS n FROM installed_software i JOIN software s ON s.id = i.software_id WHERE s.name LIKE 'fleet-pkg-%' GROUP BY i.device_id`,
    );
    expect(perDevice.map((row: { n: string }) => Number(row.n))).toEqual(Array(20).fill(300));
    await t.app.get(DeviceCountsService).flush();
    const listed = (await t.http.get('/api/software?q=fleet-pkg-7&limit=50').set(viewer)).body.items as Array<{ name: string; deviceCount: number }>;
    expect(listed.find((x) => x.name === 'fleet-pkg-7')).toMatchObject({ deviceCount: 20 });
  });

  describe('a report with tens of thousands of addresses or packages', () => {
    // 4,096 interfaces of 8 addresses each (2001:db8:<interface>::<n>), each interface its own MAC
    const router = (over: Partial<InventoryReport> = {}): InventoryReport => ({
      source: 'snmp',
      identity: { hostname: 'core-rtr-big', serial: 'BIG-ROUTER-1', addresses: ['2001:db8:0::1'] },
      device: { type: 'router', platform: 'junos' },
      interfaces: Array.from({ length: 4096 }, (_, i) => ({
        name: `ge-0/0/${i}.0`, ifIndex: i + 1, mac: `02:00:5e:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
        addresses: Array.from({ length: 8 }, (_, j) => `2001:db8:${i.toString(16)}::${j + 1}`),
      })),
      ...over,
    });

    it('stores 32,768 addresses, and ingests the same report again, or with one interface renumbered, without holding the event loop for seconds', async () => {
      const first = await ingest.ingest(router());
      const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM device_addresses WHERE device_id = ?', [first.deviceId]);
      expect(Number(n)).toBe(32_768);
      // before: every address looked up in the whole list, the API process frozen 8 to 15 s
      const again = await longestStall(() => ingest.ingest(router()));
      expect(again.result).toMatchObject({ deviceId: first.deviceId, created: false, changes: 0 });
      expect(again.stallMs).toBeLessThan(2_000);
      // eight addresses gone, eight added, as history
      const renumbered = router();
      renumbered.interfaces![7].addresses = Array.from({ length: 8 }, (_, j) => `2001:db8:ffff::${j + 1}`);
      const moved = await longestStall(() => ingest.ingest(renumbered));
      expect(moved.result.changes).toBe(16);
      expect(moved.stallMs).toBeLessThan(2_000);
    }, 120_000);

    it("refuses an agent's report whose interfaces list more than 16,384 addresses in all, with a 400 naming interfaces", async () => {
      const technician = bearer(await t.tokenFor('technician'));
      const { source: _s, ...body } = router({ device: { type: 'server', platform: 'linux' } });
      body.interfaces = body.interfaces!.map((i) => ({ ...i, addresses: i.addresses!.slice(0, 5) })); // 20,480
      const res = await t.http.post('/api/inventory/reports').set(technician).send(body);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'interfaces', messages: ['must list at most 16384 addresses in all, not 20480'] }]);
      expect(await t.db.query("SELECT id FROM devices WHERE serial = 'BIG-ROUTER-1' AND platform = 'linux'")).toEqual([]);
    });

    it('records 20,000 upgraded packages, one history line each, without holding the event loop for seconds', async () => {
      const host = (version: string) => linuxHost({
        identity: { hostname: 'pkg-mirror', serial: 'PKG-MIRROR-1', macs: ['52:54:00:20:00:00'], addresses: ['198.51.100.200'] },
        interfaces: [{ name: 'eth0', mac: '52:54:00:20:00:00', addresses: ['198.51.100.200'] }],
        software: Array.from({ length: 20_000 }, (_, i) => ({ name: `mirror-pkg-${i}`, version, architecture: 'amd64' })),
      });
      const first = await ingest.ingest(host('1.0'));
      // before: each changed title looked up in both whole lists, the API process frozen about 15 s
      const upgraded = await longestStall(() => ingest.ingest(host('1.1')));
      expect(upgraded.stallMs).toBeLessThan(2_000);
      expect(upgraded.result).toMatchObject({ deviceId: first.deviceId, changes: 20_000 });
      expect(await t.db.query("SELECT action, before_value AS b, after_value AS a FROM inventory_history WHERE device_id = ? AND subject = 'mirror-pkg-7'", [first.deviceId]))
        .toEqual([{ action: 'changed', b: '1.0', a: '1.1' }]);
    }, 120_000);
  });

  it('keeps the catalogue device counts current between recounts', async () => {
    // ingest's count changes are written in batches, about a second later: now
    await t.app.get(DeviceCountsService).flush();
    const before = (await t.http.get('/api/software?q=nginx').set(viewer)).body.items[0].deviceCount;
    await t.app.get(SoftwareService).recount();
    const after = (await t.http.get('/api/software?q=nginx').set(viewer)).body.items[0].deviceCount;
    expect(before).toBe(2); // web-01 and race-01, counted as they were ingested
    expect(after).toBe(before);
  });
});
