// Source precedence against the real MariaDB: one machine scanned over SNMP and SSH in turn
// keeps SSH's view of its OS, hardware, software and interfaces without history churning
// back and forth; a machine only SNMP sees gets everything from SNMP; SNMP takes over when
// SSH has been silent for longer than the stale window; on network gear SNMP's interface
// table stands against the CLI's. Reports are built in the shape the collectors produce
// (src/discovery/snmp.collector.ts, src/discovery/ssh/linux.ts, src/discovery/ssh/ios.ts).
import { splitSoftwareName } from '../src/discovery/snmp.collector';
import { IngestService } from '../src/inventory/ingest.service';
import { IngestResult, InventoryReport } from '../src/inventory/inventory-report';
import { bearer, createTestApp, TestApp } from './support/app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DAY = 86_400_000;
const MEM_TOTAL = 4_025_688 * 1024; // MemTotal, which is also what net-snmp says as hrMemorySize

interface Host {
  hostname: string;
  mac: string;
  ip: string;
}

/** What `collectSnmp` makes of a Debian host's net-snmp agent. */
function snmpView(h: Host, at: Date, over: { kernel?: string; packages?: string[] } = {}): InventoryReport {
  const packages = over.packages ?? [
    'openssh-server_1:9.2p1-2+deb12u3_amd64', 'nginx_1.22.1-9_amd64', 'curl_7.88.1-10+deb12u7_amd64', 'libc6_2.36-9+deb12u9_amd64',
  ];
  return {
    source: 'snmp', collectedAt: at,
    identity: { hostname: h.hostname, macs: [h.mac], addresses: [h.ip] },
    // classify(): NET-SNMP's enterprise number and a sysDescr of "Linux <host> <kernel> #1 SMP …"
    device: { platform: 'linux', osFamily: 'linux', osName: 'Linux', osVersion: over.kernel ?? '6.1.0-28-amd64' },
    hardware: [{ kind: 'memory', name: 'total memory', capacityBytes: MEM_TOTAL }],
    interfaces: [
      { name: 'lo', ifIndex: 1, mtu: 65536, speedMbps: 10, adminStatus: 'up', operStatus: 'up', addresses: ['127.0.0.1', '::1'] },
      { name: 'eth0', ifIndex: 2, mac: h.mac, mtu: 1500, speedMbps: 1000, adminStatus: 'up', operStatus: 'up', addresses: [h.ip] },
    ],
    // hrSWInstalledName as "name_version_arch"; the agent's cached list lags dpkg's
    software: packages.map((full) => ({ ...splitSoftwareName(full), installDate: '2025-01-15' })),
  };
}

const SSH_PACKAGES = [
  { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', architecture: 'amd64' },
  { name: 'nginx', version: '1.22.1-9', architecture: 'amd64' },
  { name: 'curl', version: '7.88.1-10+deb12u7', architecture: 'amd64' },
  { name: 'libc6', version: '2.36-9+deb12u9', architecture: 'amd64' },
  { name: 'htop', version: '3.2.2-2', architecture: 'amd64' },
  { name: 'base-files', version: '12.4+deb12u9', architecture: 'amd64' },
];

/** What `parseLinux` makes of the same host over SSH (DMI serial unreadable without root). */
function sshView(h: Host, at: Date): InventoryReport {
  return {
    source: 'ssh', collectedAt: at,
    identity: { hostname: h.hostname, macs: [h.mac], addresses: [h.ip] },
    device: { type: 'virtual-machine', platform: 'linux', osFamily: 'linux', vendor: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', osName: 'Debian GNU/Linux', osVersion: '12.9' },
    hardware: [
      { kind: 'cpu', name: 'AMD EPYC 7B13 64-Core Processor', manufacturer: 'AMD', cores: 2, speedMhz: 2450, slot: 'socket 0' },
      { kind: 'memory', name: 'total memory', capacityBytes: MEM_TOTAL },
      { kind: 'disk', name: 'vda', capacityBytes: 21_474_836_480 },
      { kind: 'other', name: 'machine-id', serial: `5f1c0a9e3b7d4c21a0e6f4b2d8c9${h.mac.slice(-5).replace(':', '')}` },
    ],
    interfaces: [{ name: 'eth0', mac: h.mac, mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: [h.ip] }],
    software: SSH_PACKAGES,
  };
}

describe('source precedence in ingest', () => {
  let t: TestApp;
  let ingest: IngestService;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    admin = bearer(t.adminToken);
  });
  afterAll(() => t?.close());

  const device = async (id: number) => {
    const res = await t.http.get(`/api/devices/${id}`).set(admin);
    expect(res.status).toBe(200);
    return res.body as Json;
  };
  const history = async (id: number) => (await t.http.get(`/api/devices/${id}/history?limit=500`).set(admin)).body.items as Json[];
  const software = async (id: number) =>
    ((await t.http.get(`/api/devices/${id}/software?limit=500`).set(admin)).body.items as Json[]).map((s) => `${s.name} ${s.version}`).sort();
  const hardware = (d: Json) => (d.hardware as Json[]).map((x) => `${x.kind}:${x.name}`).sort();

  const expectSshView = async (id: number) => {
    const d = await device(id);
    expect(d).toMatchObject({ osFamily: 'linux', osName: 'Debian GNU/Linux', osVersion: '12.9', vendor: 'QEMU', type: 'virtual-machine', platform: 'linux' });
    expect(hardware(d)).toEqual(['cpu:AMD EPYC 7B13 64-Core Processor', 'disk:vda', 'memory:total memory', 'other:machine-id']);
    expect(d.interfaces.map((i: Json) => i.name)).toEqual(['eth0']);
    expect(await software(id)).toEqual(SSH_PACKAGES.map((p) => `${p.name} ${p.version}`).sort());
    return d;
  };

  it('a machine scanned by SNMP and SSH in turn, ten times, writes history only on the first two and keeps SSH\'s view', async () => {
    const host = { hostname: 'app-07', mac: '52:54:00:7e:07:01', ip: '192.0.2.77' };
    const start = new Date('2025-05-01T08:00:00Z').getTime();
    const results: IngestResult[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const at = new Date(start + i * 6 * 3_600_000);
      results.push(await ingest.ingest(i % 2 === 0 ? snmpView(host, at) : sshView(host, at)));
      counts.push((await history(results[0].deviceId)).length);
    }
    const id = results[0].deviceId;
    expect(results[0].created).toBe(true);
    expect(new Set(results.map((r) => r.deviceId))).toEqual(new Set([id]));
    // the first SSH report replaces SNMP's view (that is news: OS, hardware, software) ...
    expect(results[1].changes).toBeGreaterThan(0);
    expect(await history(id)).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'os', subject: 'osName', before: 'Linux', after: 'Debian GNU/Linux', source: 'ssh' }),
      expect.objectContaining({ kind: 'hardware', action: 'added', subject: 'disk vda 20480 MiB', source: 'ssh' }),
      expect.objectContaining({ kind: 'software', action: 'added', subject: 'htop', source: 'ssh' }),
    ]));
    // ... and after that nothing changes, whichever source reports
    expect(results.slice(2).map((r) => r.changes)).toEqual(Array(8).fill(0));
    expect(counts.slice(2)).toEqual(Array(8).fill(counts[1]));
    for (const r of results.slice(2).filter((_, i) => i % 2 === 0)) {
      expect(r.outrankedBy).toEqual({ os: 'ssh', hardware: 'ssh', software: 'ssh', interfaces: 'ssh' });
    }

    const d = await expectSshView(id);
    expect(d.addresses).toEqual([{ ip: host.ip, mac: host.mac, interfaceName: 'eth0' }]);
    // both sources still count as seeing it, each as of its own last report
    expect(d.sources).toEqual([
      expect.objectContaining({ kind: 'snmp', lastSeen: new Date(start + 8 * 6 * 3_600_000).toISOString() }),
      expect.objectContaining({ kind: 'ssh', lastSeen: new Date(start + 9 * 6 * 3_600_000).toISOString() }),
    ]);
    expect(d.lastSeen).toBe(new Date(start + 9 * 6 * 3_600_000).toISOString());
  });

  it('in the scanner\'s order (SSH, then SNMP, each scan) the machine has one history line: added', async () => {
    const host = { hostname: 'app-08', mac: '52:54:00:7e:08:01', ip: '192.0.2.78' };
    const start = new Date('2025-05-01T08:00:00Z').getTime();
    let id = 0;
    for (let scan = 0; scan < 5; scan++) {
      const at = new Date(start + scan * DAY);
      id = (await ingest.ingest(sshView(host, at))).deviceId;
      expect((await ingest.ingest(snmpView(host, new Date(at.getTime() + 1000)))).deviceId).toBe(id);
    }
    expect(await history(id)).toEqual([expect.objectContaining({ subject: 'device', action: 'added', source: 'ssh' })]);
    await expectSshView(id);
  });

  it('a machine only SNMP sees gets everything from SNMP, and its changes are recorded', async () => {
    const host = { hostname: 'nas-02', mac: '52:54:00:7e:02:01', ip: '192.0.2.82' };
    const first = await ingest.ingest(snmpView(host, new Date('2025-05-01T08:00:00Z')));
    const d = await device(first.deviceId);
    expect(d).toMatchObject({ osFamily: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64', platform: 'linux' });
    expect(hardware(d)).toEqual(['memory:total memory']);
    expect(d.interfaces.map((i: Json) => i.name)).toEqual(['lo', 'eth0']);
    expect(await software(first.deviceId)).toEqual(['curl 7.88.1-10+deb12u7', 'libc6 2.36-9+deb12u9', 'nginx 1.22.1-9', 'openssh-server 1:9.2p1-2+deb12u3']);

    const next = await ingest.ingest(snmpView(host, new Date('2025-05-02T08:00:00Z'), {
      kernel: '6.1.0-30-amd64',
      packages: ['openssh-server_1:9.2p1-2+deb12u4_amd64', 'nginx_1.22.1-9_amd64', 'curl_7.88.1-10+deb12u7_amd64', 'libc6_2.36-9+deb12u9_amd64'],
    }));
    expect(next).toMatchObject({ deviceId: first.deviceId, outrankedBy: {} });
    const h = (await history(first.deviceId)).filter((x) => x.subject !== 'device');
    expect(h).toHaveLength(2);
    expect(h).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'os', subject: 'osVersion', before: '6.1.0-28-amd64', after: '6.1.0-30-amd64', source: 'snmp' }),
      expect.objectContaining({ kind: 'software', action: 'changed', subject: 'openssh-server', before: '1:9.2p1-2+deb12u3', after: '1:9.2p1-2+deb12u4', source: 'snmp' }),
    ]));
  });

  it('SNMP takes over when SSH has been silent for longer than the stale window, and SSH takes back when it returns', async () => {
    const host = { hostname: 'app-09', mac: '52:54:00:7e:09:01', ip: '192.0.2.79' };
    const sshLast = new Date('2025-05-01T08:00:00Z').getTime();
    const id = (await ingest.ingest(snmpView(host, new Date(sshLast - DAY)))).deviceId;
    await ingest.ingest(sshView(host, new Date(sshLast)));
    const before = (await history(id)).length;

    // within the window (TEKNISI_STALE_DAYS, 30 by default) SSH's view stands
    const within = await ingest.ingest(snmpView(host, new Date(sshLast + 29 * DAY)));
    expect(within).toMatchObject({ deviceId: id, changes: 0 });
    expect(within.outrankedBy).toMatchObject({ os: 'ssh', software: 'ssh' });
    await expectSshView(id);

    // past it, SNMP's view is the best there is
    const after = await ingest.ingest(snmpView(host, new Date(sshLast + 31 * DAY)));
    expect(after).toMatchObject({ deviceId: id, outrankedBy: {} });
    const d = await device(id);
    expect(d).toMatchObject({ osName: 'Linux', osVersion: '6.1.0-28-amd64' });
    expect(hardware(d)).toEqual(['memory:total memory']);
    expect(d.interfaces.map((i: Json) => i.name)).toEqual(['lo', 'eth0']);
    expect(await software(id)).toEqual(['curl 7.88.1-10+deb12u7', 'libc6 2.36-9+deb12u9', 'nginx 1.22.1-9', 'openssh-server 1:9.2p1-2+deb12u3']);
    const takeover = (await history(id)).slice(0, (await history(id)).length - before);
    expect(takeover.every((x) => x.source === 'snmp')).toBe(true);
    expect(takeover).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'os', subject: 'osName', before: 'Debian GNU/Linux', after: 'Linux' }),
      expect.objectContaining({ kind: 'hardware', action: 'removed', subject: 'disk vda 20480 MiB' }),
      expect.objectContaining({ kind: 'software', action: 'removed', subject: 'htop' }),
    ]));
    // SNMP keeps it current on its own from then on
    expect(await ingest.ingest(snmpView(host, new Date(sshLast + 32 * DAY)))).toMatchObject({ changes: 0, outrankedBy: {} });

    // SSH back: its view again, and SNMP held back again
    await ingest.ingest(sshView(host, new Date(sshLast + 33 * DAY)));
    await expectSshView(id);
    expect(await ingest.ingest(snmpView(host, new Date(sshLast + 34 * DAY)))).toMatchObject({ changes: 0 });
  });

  it('a lower source still fills what the better one has not told: a missing serial, a missing package list', async () => {
    const host = { hostname: 'app-10', mac: '52:54:00:7e:10:01', ip: '192.0.2.80' };
    const at = new Date('2025-05-01T08:00:00Z').getTime();
    // the package listing timed out: SSH's report has no software part
    const { software: _, ...noPackages } = sshView(host, new Date(at));
    const id = (await ingest.ingest(noPackages)).deviceId;
    const snmp = snmpView(host, new Date(at + 3_600_000));
    const res = await ingest.ingest({ ...snmp, identity: { ...snmp.identity, serial: 'VM-0010-SERIAL' } });
    // the software group is empty, so SNMP fills it; of SSH's vendor, model and serial only the serial was
    expect(res.outrankedBy).toEqual({ os: 'ssh', device: 'ssh', hardware: 'ssh', interfaces: 'ssh' });
    expect(await software(id)).toHaveLength(4);
    expect(await device(id)).toMatchObject({ serial: 'VM-0010-SERIAL', osName: 'Debian GNU/Linux', vendor: 'QEMU' });
    // once SSH lists packages, its list is the one
    await ingest.ingest(sshView(host, new Date(at + 2 * 3_600_000)));
    await expectSshView(id);
  });

  it('on network gear SNMP\'s interface table stands against the CLI\'s, while the CLI names the OS and the parts', async () => {
    const base = { hostname: 'dist-sw1', serial: 'FOC2301X1AB', addresses: ['192.0.2.3'] };
    const device_ = { type: 'switch' as const, platform: 'cisco-ios' as const, vendor: 'Cisco', osFamily: 'network-os', model: 'C9300-48P' };
    const snmp = (at: Date): InventoryReport => ({
      source: 'snmp', collectedAt: at,
      identity: { ...base, macs: ['70:1f:53:00:00:81', '70:1f:53:00:00:82'] },
      device: { ...device_, osName: 'Cisco IOS', osVersion: '17.9.4' },
      interfaces: [
        { name: 'Gi1/0/1', ifIndex: 8, mac: '70:1f:53:00:00:81', speedMbps: 1000, mtu: 1500, adminStatus: 'up', operStatus: 'up', description: 'lab-web01 eth0', addresses: [] },
        { name: 'Gi1/0/2', ifIndex: 9, mac: '70:1f:53:00:00:82', speedMbps: 1000, mtu: 1500, adminStatus: 'up', operStatus: 'down', addresses: [] },
        { name: 'Vl10', ifIndex: 60, mac: '70:1f:53:00:00:c1', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['192.0.2.3'] },
      ],
      neighbours: [{ protocol: 'lldp', localPort: 'Gi1/0/1', remoteName: 'lab-web01', remotePort: 'eth0' }],
    });
    const ssh = (at: Date): InventoryReport => ({
      source: 'ssh', collectedAt: at,
      identity: { ...base, macs: ['70:1f:53:00:00:80', '70:1f:53:00:00:81', '70:1f:53:00:00:82', '70:1f:53:00:00:c1'] },
      device: { ...device_, osName: 'Cisco IOS XE', osVersion: '17.9.4' },
      hardware: [
        { kind: 'memory', name: 'total memory', capacityBytes: 1_361_459 * 1024 },
        { kind: 'other', name: 'Switch 1 - Power Supply A', model: 'PWR-C1-715WAC', serial: 'LIT2301ABCD', slot: 'Switch 1 - Power Supply A' },
      ],
      interfaces: [
        { name: 'GigabitEthernet1/0/1', mac: '70:1f:53:00:00:81', speedMbps: 1000, mtu: 1500, adminStatus: 'up', operStatus: 'up', description: 'lab-web01 eth0', addresses: [] },
        { name: 'GigabitEthernet1/0/2', mac: '70:1f:53:00:00:82', speedMbps: 1000, mtu: 1500, adminStatus: 'up', operStatus: 'down', addresses: [] },
        { name: 'Vlan10', mac: '70:1f:53:00:00:c1', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['192.0.2.3'] },
      ],
    });
    const start = new Date('2025-05-01T08:00:00Z').getTime();
    const results: IngestResult[] = [];
    for (let i = 0; i < 6; i++) results.push(await ingest.ingest((i % 2 === 0 ? snmp : ssh)(new Date(start + i * DAY))));
    const id = results[0].deviceId;
    expect(results.slice(2).map((r) => r.changes)).toEqual([0, 0, 0, 0]);
    expect(results[3].outrankedBy).toEqual({ interfaces: 'snmp' });
    expect(results[4].outrankedBy).toEqual({ os: 'ssh', device: 'ssh' });
    const d = await device(id);
    expect(d).toMatchObject({ osName: 'Cisco IOS XE', osVersion: '17.9.4', serial: 'FOC2301X1AB', type: 'switch' });
    expect(d.interfaces.map((i: Json) => i.name)).toEqual(['Gi1/0/1', 'Gi1/0/2', 'Vl10']);
    expect(hardware(d)).toEqual(['memory:total memory', 'other:Switch 1 - Power Supply A']);
    expect(d.neighbours).toEqual([expect.objectContaining({ localPort: 'Gi1/0/1', remoteName: 'lab-web01' })]);
    // history: added, then what SSH alone knows (the OS's exact name and the parts); never the ports
    const h = await history(id);
    expect(h.filter((x) => x.subject !== 'device').map((x) => `${x.kind} ${x.subject}`).sort()).toEqual([
      'hardware memory total memory 1330 MiB', 'hardware other Switch 1 - Power Supply A Switch 1 - Power Supply A', 'os osName',
    ]);
  });
});
