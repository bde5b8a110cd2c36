// SNMP collection from the lab's simulated devices (snmpsimd replaying test/lab/recordings):
// a Catalyst switch, a LaserJet, a Windows PC and lab-web01's SNMP side, each collected over
// v2c and over v3 authPriv, compared with what its recording serves, then ingested and read
// back through the API — Windows-1252 names as Unicode, HTML as text, control characters gone.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import { collectSnmp } from '../src/discovery/snmp.collector';
import { InventoryReport } from '../src/inventory/inventory-report';
import { IngestService } from '../src/inventory/ingest.service';
import { readSystem, SnmpClient, SnmpCredential, SnmpError } from '../src/protocols/snmp/snmp.client';
import { bearer, createTestApp, TestApp } from './support/app';
import { LINUX_HOSTS, SNMP_DEVICES } from './lab/identities';
import { SWITCH_CDP_NEIGHBOURS, SWITCH_LLDP_NEIGHBOURS } from './lab/make-recordings';
import {
  expectedIdentity, readRecording, RecordedValue, SNMPSIM_PROFILES, SnmpsimAgent, SnmpsimProfile, snmpsimCredentials, v2cCredential, v3Credential,
} from './lab/snmpsim';

const IF = { descr: '1.3.6.1.2.1.2.2.1.2', physAddress: '1.3.6.1.2.1.2.2.1.6', admin: '1.3.6.1.2.1.2.2.1.7', oper: '1.3.6.1.2.1.2.2.1.8', name: '1.3.6.1.2.1.31.1.1.1.1', highSpeed: '1.3.6.1.2.1.31.1.1.1.15' };
const HR_SW_INSTALLED_NAME = '1.3.6.1.2.1.25.6.3.1.2';
const STATUS: Record<number, string> = { 1: 'up', 2: 'down', 6: 'notPresent' };
const PRINTER_NAME = '2nd floor copy room HP';

/** A recording's column: row index → value. */
function column(profile: SnmpsimProfile, oid: string): Map<string, RecordedValue> {
  const out = new Map<string, RecordedValue>();
  for (const [o, v] of readRecording(profile)) if (o.startsWith(`${oid}.`)) out.set(o.slice(oid.length + 1), v);
  return out;
}

/** The interfaces as the recording serves them: names, MACs, speeds and states. */
function recordedInterfaces(profile: SnmpsimProfile) {
  const names = column(profile, IF.name);
  const macs = column(profile, IF.physAddress);
  const speeds = column(profile, IF.highSpeed);
  const admin = column(profile, IF.admin);
  const oper = column(profile, IF.oper);
  return [...column(profile, IF.descr).keys()].map((ifIndex) => {
    const mac = macs.get(ifIndex) as Buffer;
    return {
      ifIndex: Number(ifIndex),
      name: String(names.get(ifIndex)),
      mac: mac.length === 6 ? [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':') : undefined,
      speedMbps: Number(speeds.get(ifIndex)) || undefined,
      adminStatus: STATUS[Number(admin.get(ifIndex))],
      operStatus: STATUS[Number(oper.get(ifIndex))],
    };
  });
}

describe('SNMP collection from the simulated lab devices', () => {
  // addresses of this file's own, so that parallel spec files never share an agent
  const used = new Set<string>();
  const freshAddress = () => {
    let a: string;
    do a = `127.${crypto.randomInt(77, 79)}.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
    while (used.has(a));
    used.add(a);
    return a;
  };
  // the LaserJet as an administrator named it in its web page (prtGeneralPrinterName), as most are
  const named: Partial<Record<SnmpsimProfile, (recording: string) => string>> = {
    printer: (recording) => recording.replace(/^(1\.3\.6\.1\.2\.1\.43\.5\.1\.1\.16\.1\|4\|).*$/m, `$1${PRINTER_NAME}`),
  };
  const agents = Object.fromEntries(SNMPSIM_PROFILES.map((p) => [p, new SnmpsimAgent(p, freshAddress(), 161, named[p])])) as Record<SnmpsimProfile, SnmpsimAgent>;
  const clients: SnmpClient[] = [];
  const client = (profile: SnmpsimProfile, cred: SnmpCredential, timeoutMs = 2000, retries = 1) => {
    const c = new SnmpClient({ host: agents[profile].address, timeoutMs, retries }, cred);
    clients.push(c);
    return c;
  };
  const reports = new Map<string, InventoryReport>();
  const collect = async (profile: SnmpsimProfile, version: 'v2c' | 'v3') => {
    const key = `${profile}/${version}`;
    if (!reports.has(key)) reports.set(key, await collectSnmp(client(profile, version === 'v2c' ? v2cCredential(profile) : v3Credential(profile)), agents[profile].address));
    return reports.get(key)!;
  };
  let t: TestApp;

  beforeAll(async () => {
    await Promise.all(Object.values(agents).map((a) => a.start()));
    t = await createTestApp();
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await t?.close();
  });

  describe.each(['v2c', 'v3'] as const)('over %s', (version) => {
    it('the switch: Catalyst identity, chassis serial and model, every port, addresses, LLDP and CDP neighbours', async () => {
      const report = await collect('switch', version);
      const id = expectedIdentity('switch');
      expect(report.identity).toEqual({ hostname: id.hostname, serial: id.serial, macs: id.macs, addresses: [agents.switch.address] });
      expect(report.device).toEqual({
        vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os', osName: 'Cisco IOS', osVersion: '15.2(7)E4', model: SNMP_DEVICES.switch.model,
      });
      const recorded = recordedInterfaces('switch');
      expect(recorded.length).toBeGreaterThanOrEqual(52);
      expect(report.interfaces).toEqual(recorded.map((i) => expect.objectContaining(i)));
      const byName = new Map(report.interfaces!.map((i) => [i.name, i]));
      expect(byName.get('Gi1/0/1')).toMatchObject({ description: 'Reception PC', speedMbps: 1000, adminStatus: 'up', operStatus: 'up', addresses: [] });
      expect(byName.get('Gi1/0/2')?.description).toBe('GigabitEthernet1/0/2'); // no label: the hardware's name
      expect(byName.get('Gi1/0/7')?.description).toBe('Büro 2.07'); // a Latin-1 label
      expect(byName.get('Gi1/0/5')).toMatchObject({ adminStatus: 'down', operStatus: 'down' });
      expect(byName.get('Te1/0/2')).toMatchObject({ speedMbps: 10000, operStatus: 'notPresent' });
      // IPv4 from both IP-MIB tables, IPv6 from ipAddressTable; the link-local one is left out
      expect(byName.get('Vl1')?.addresses).toEqual(['10.20.0.2', '2001:db8:20::2']);

      const lldpRows = column('switch', '1.0.8802.1.1.2.1.4.1.1.9').size;
      const cdpRows = column('switch', '1.3.6.1.4.1.9.9.23.1.2.1.1.6').size;
      expect(report.neighbours).toHaveLength(lldpRows + cdpRows);
      expect(report.neighbours).toEqual(expect.arrayContaining([
        ...SWITCH_LLDP_NEIGHBOURS.map((n) => ({
          protocol: 'lldp', localPort: n.localPort, remoteName: n.sysName, remoteAddress: n.address, remoteChassisId: n.chassis[1],
          // a port ID that is a MAC (lldpd's default) names the port by its description
          remotePort: n.port[0] === 3 ? n.portDescr : n.port[1],
        })),
        ...SWITCH_CDP_NEIGHBOURS.map((n) => ({
          protocol: 'cdp', localPort: report.interfaces!.find((i) => i.ifIndex === n.ifIndex)!.name, remoteName: n.deviceId, remoteAddress: n.address,
          remotePort: n.port, remotePlatform: n.platform,
        })),
      ]));
      expect(report.neighbours!.find((n) => n.remoteName === 'lab-web01')).toMatchObject({ localPort: 'Gi1/0/24', remoteChassisId: '52:54:00:7e:01:01' });
      // no HOST-RESOURCES-MIB on a Catalyst: nothing said about hardware or software
      expect(report.hardware).toBeUndefined();
      expect(report.software).toBeUndefined();
    });

    it('the printer: Printer-MIB serial, model from the printer device (not the name its administrator gave it), page count and supplies', async () => {
      const report = await collect('printer', version);
      const id = expectedIdentity('printer');
      expect(report.identity).toEqual({ hostname: id.hostname, serial: id.serial, macs: id.macs, addresses: [agents.printer.address] });
      expect(report.device).toMatchObject({ vendor: 'HP', type: 'printer', platform: 'printer', osFamily: 'embedded', model: id.model });
      expect(JSON.stringify(report)).not.toContain(PRINTER_NAME);
      expect(report.interfaces).toEqual(recordedInterfaces('printer').map((i) => expect.objectContaining({ ...i, addresses: ['10.20.0.60'] })));
      expect(report.hardware).toEqual([
        { kind: 'memory', name: 'total memory', capacityBytes: Number(readRecording('printer').get('1.3.6.1.2.1.25.2.2.0')) * 1024 },
        { kind: 'other', slot: 'page count', name: `Pages printed: ${readRecording('printer').get('1.3.6.1.2.1.43.10.2.1.4.1.1')}` },
        { kind: 'other', slot: 'supply 1.1', name: 'Black Cartridge HP 58A CF258A: 62%' },
        { kind: 'other', slot: 'supply 1.2', name: 'Fuser Kit: some remaining' },
      ]);
      expect(report.neighbours).toBeUndefined();
      expect(report.software).toBeUndefined();
    });

    it('the Windows PC: Windows 10 by its build, processors, disks, memory, and every installed program', async () => {
      const report = await collect('windows', version);
      const id = expectedIdentity('windows');
      expect(report.identity).toEqual({ hostname: id.hostname, macs: id.macs, addresses: [agents.windows.address] });
      expect(report.device).toEqual({ vendor: 'Microsoft', type: 'workstation', platform: 'windows', osFamily: 'windows', osName: 'Windows 10', osVersion: '10.0.19045' });
      expect(report.interfaces).toEqual(recordedInterfaces('windows').map((i) => expect.objectContaining(i)));
      expect(report.interfaces!.find((i) => i.mac === SNMP_DEVICES.windows.mac && i.ifIndex === 6)).toMatchObject({ description: 'Ethernet', addresses: ['10.20.0.107'] });
      expect(report.hardware).toEqual([
        { kind: 'memory', name: 'total memory', capacityBytes: 16663476 * 1024 },
        // 12 logical processors in hrDeviceTable, which say nothing of the i7-8700's 6 cores: no core count
        { kind: 'cpu', name: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz' },
        { kind: 'disk', name: 'C:\\ (Windows)', capacityBytes: 4096 * 124717055 },
        { kind: 'disk', name: 'E:\\ (Data)', capacityBytes: 4096 * 244190645 },
      ]);
      const names = column('windows', HR_SW_INSTALLED_NAME);
      expect(names.size).toBeGreaterThanOrEqual(60);
      expect(report.software).toHaveLength(names.size);
      expect(report.software).toEqual(expect.arrayContaining([
        { name: '7-Zip', version: '23.01', architecture: 'x64', installDate: '2024-02-12' },
        { name: 'Mozilla Firefox', version: '128.0', architecture: 'x64', installDate: '2024-07-09' },
        { name: 'Microsoft Visual C++ 2015-2022 Redistributable', version: '14.38.33135', architecture: 'x86', installDate: '2024-01-11' },
        { name: 'Björn\'s Tools', version: '2.1', installDate: '2023-11-02' },
        { name: 'Contoso Sync™', version: '5.2', installDate: '2024-04-22' },
        { name: 'Google Chrome', version: '', installDate: '2024-07-16' },
      ]));
      expect(report.neighbours).toBeUndefined();
    });

    it('lab-web01: a Net-SNMP Linux with exactly web01\'s MAC and addresses, not this machine\'s', async () => {
      const report = await collect('web01', version);
      const id = expectedIdentity('web01');
      expect(report.identity).toEqual({ hostname: 'lab-web01', macs: LINUX_HOSTS.web01.macs, addresses: [agents.web01.address] });
      expect(id.macs).toEqual(LINUX_HOSTS.web01.macs);
      expect(report.device).toEqual({ platform: 'linux', osFamily: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64' });
      expect(report.interfaces).toEqual([
        expect.objectContaining({ name: 'lo', mac: undefined, operStatus: 'up', addresses: ['127.0.0.1', '::1'] }),
        expect.objectContaining({ name: 'eth0', mac: LINUX_HOSTS.web01.macs[0], speedMbps: 1000, addresses: [LINUX_HOSTS.web01.innerAddresses[0].split('/')[0]] }),
      ]);
      const realMacs = (JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as Array<{ address?: string }>).map((l) => l.address);
      expect(report.interfaces!.filter((i) => realMacs.includes(i.mac))).toEqual([]);
      // hardware and packages are the SSH side's to say (this recording was made on another machine)
      expect(report.hardware).toBeUndefined();
      expect(report.software).toBeUndefined();
    });
  });

  it('v3 authPriv sees exactly what v2c sees', async () => {
    for (const profile of SNMPSIM_PROFILES) expect(await collect(profile, 'v3')).toEqual(await collect(profile, 'v2c'));
  });

  it('ingests the Windows PC with its software as Unicode text: Windows-1252 decoded, HTML kept as text, control characters gone', async () => {
    const ingest = t.app.get(IngestService);
    const first = await ingest.ingest(await collect('windows', 'v2c'));
    expect(first.created).toBe(true);
    expect(await ingest.ingest(await collect('windows', 'v3'))).toMatchObject({ deviceId: first.deviceId, created: false, changes: 0 });

    const d = await t.http.get(`/api/devices/${first.deviceId}`).set(bearer(t.adminToken));
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ hostname: 'LAB-PC07', type: 'workstation', platform: 'windows', vendor: 'Microsoft', osName: 'Windows 10', osVersion: '10.0.19045', primaryIp: agents.windows.address });
    expect(d.body.hardware).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cpu', name: 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', cores: null })]));

    const sw = await t.http.get(`/api/devices/${first.deviceId}/software?limit=500`).set(bearer(t.adminToken));
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toMatch(/^application\/json/);
    expect(sw.body.total).toBe(column('windows', HR_SW_INSTALLED_NAME).size);
    const names: string[] = sw.body.items.map((i: { name: string }) => i.name);
    expect(names).toEqual(expect.arrayContaining([
      'Björn\'s Tools', 'Café Manager', 'Contoso Sync™', 'Müller Buchhaltung 2024', 'Société Générale Connect',
      '<script>alert("owned")</script> Helper', 'Legacy Tool', '7-Zip', 'Mozilla Firefox',
    ]));
    for (const name of names) {
      expect(name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
      expect(name).not.toMatch(/&lt;|&amp;/);
    }
  });

  it('ingests the switch with its ports and neighbours, the printer with its serial, and web01 by its MAC', async () => {
    const ingest = t.app.get(IngestService);
    const sw = await ingest.ingest(await collect('switch', 'v3'));
    const d = await t.http.get(`/api/devices/${sw.deviceId}`).set(bearer(t.adminToken));
    expect(d.body).toMatchObject({ hostname: 'lab-sw01', serial: SNMP_DEVICES.switch.serial, model: SNMP_DEVICES.switch.model, type: 'switch', platform: 'cisco-ios' });
    expect(d.body.interfaces).toHaveLength(recordedInterfaces('switch').length);
    const stored = await t.db.query('SELECT protocol, local_port AS localPort, remote_name AS remoteName FROM device_neighbours WHERE device_id = ? ORDER BY id', [sw.deviceId]);
    expect(stored).toHaveLength(SWITCH_LLDP_NEIGHBOURS.length + SWITCH_CDP_NEIGHBOURS.length);
    expect(stored).toEqual(expect.arrayContaining([{ protocol: 'lldp', localPort: 'Te1/0/1', remoteName: 'lab-core01.lab.example' }, { protocol: 'cdp', localPort: 'Gi1/0/4', remoteName: 'SEP00112233AA55' }]));

    const prn = await ingest.ingest(await collect('printer', 'v2c'));
    const p = await t.http.get(`/api/devices/${prn.deviceId}`).set(bearer(t.adminToken));
    expect(p.body).toMatchObject({ hostname: 'lab-prn01', serial: SNMP_DEVICES.printer.serial, model: SNMP_DEVICES.printer.model, type: 'printer', platform: 'printer' });
    expect(p.body.hardware).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'other', name: 'Black Cartridge HP 58A CF258A: 62%' })]));

    const web = await ingest.ingest(await collect('web01', 'v2c'));
    // the same machine reached at another address (as its SSH side is) is still one device, by its MAC
    const report = await collect('web01', 'v2c');
    const again = await ingest.ingest({ ...report, identity: { ...report.identity, addresses: ['127.0.0.1'] } });
    expect(again).toMatchObject({ deviceId: web.deviceId, created: false, matchedBy: 'mac' });
    const w = await t.http.get(`/api/devices/${web.deviceId}`).set(bearer(t.adminToken));
    expect(w.body).toMatchObject({ hostname: 'lab-web01', platform: 'linux' });
    expect(w.body.interfaces).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'eth0', mac: LINUX_HOSTS.web01.macs[0] })]));
  });

  it('a wrong community is a timeout: simulated agents, like real ones, stay silent', async () => {
    const wrong = client('switch', { kind: 'snmp-v2c', community: 'not-the-community' }, 300, 0);
    const err = await collectSnmp(wrong, agents.switch.address).catch((e) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect(err).toMatchObject({ reason: 'timeout' });
    // another device's community is no better
    const other = await readSystem(client('switch', v2cCredential('printer'), 300, 0)).catch((e) => e);
    expect(other).toMatchObject({ reason: 'timeout' });
  });

  it('a wrong v3 authentication key is an authentication failure, said as such', async () => {
    const { v3 } = snmpsimCredentials('windows');
    const err = await readSystem(client('windows', { ...(v3Credential('windows') as Extract<SnmpCredential, { kind: 'snmp-v3' }>), authKey: `${v3.authKey}-wrong` }, 1000, 0)).catch((e) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect(err).toMatchObject({ reason: 'auth' });
  });
});
