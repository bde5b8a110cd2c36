// Agents that say impossible things, scanned through the API: the lab's switch, PC and printer
// served by snmpsimd from their recordings with values no MIB allows — the wrong ASN.1 type
// (snmprec lines state it), negative sizes and speeds, Counter64 where a Counter32 belongs,
// addresses in table indexes with sub-identifiers past 255, days the calendar lacks, NUL-filled
// serials, a sysName of HTML, escape sequences and NULs, a program name of 60,000 bytes. Every
// value from a device is untrusted: a bad one is left out or capped, and the device is stored
// with everything else it said, its scan result "identified" with nothing to explain.
import * as crypto from 'node:crypto';
import { compareOids } from '../src/protocols/snmp/snmp.client';
import { SNMP_DEVICES } from './lab/identities';
import { readRecording, SnmpsimAgent, snmpsimCredentials, SnmpsimProfile } from './lab/snmpsim';
import { SWITCH_CDP_NEIGHBOURS, SWITCH_LLDP_NEIGHBOURS } from './lab/make-recordings';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd, ScanView } from './support/scan';

jest.setTimeout(180_000);

const net = `127.84.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;

/**
 * The recording with these OIDs' lines set to `tag|value` (replaced, or added) or removed
 * (null), written back in OID order, as snmpsimd's binary search needs.
 */
const edited = (changes: Record<string, string | null>) => (recording: string) => {
  const lines = recording.split('\n').filter(Boolean);
  const comments = lines.filter((l) => l.startsWith('#'));
  const values = new Map(lines.filter((l) => !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('|')), l.slice(l.indexOf('|') + 1)]));
  for (const [oid, line] of Object.entries(changes)) if (line === null) values.delete(oid); else values.set(oid, line);
  const sorted = [...values].sort(([a], [b]) => compareOids(a, b));
  return [...comments, ...sorted.map(([oid, line]) => `${oid}|${line}`)].join('\n') + '\n';
};
const hex = (s: string | Buffer) => `4x|${Buffer.from(s).toString('hex')}`;

const IF = { mtu: '1.3.6.1.2.1.2.2.1.4', speed: '1.3.6.1.2.1.2.2.1.5', mac: '1.3.6.1.2.1.2.2.1.6', name: '1.3.6.1.2.1.31.1.1.1.1', highSpeed: '1.3.6.1.2.1.31.1.1.1.15' };
const IP_ADDRESS = { ifIndex: '1.3.6.1.2.1.4.34.1.3', type: '1.3.6.1.2.1.4.34.1.4' };
/** IPv6 addresses in an ipAddressTable index whose bytes are sub-identifiers past 255 */
const NO_IPV6 = { highByte: '2.16.32.1.13.184.256.0.0.0.0.0.0.0.0.0.0.7', lowByte: '2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.300' };

const IF_MAX = 2 ** 31 - 1; // the largest InterfaceIndex
const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';

/**
 * The Catalyst, with a firmware that writes nonsense into IP-MIB and LLDP-MIB indexes and its
 * port table: Gi1/0/1 says ifHighSpeed -1, Gi1/0/2 an ifName of NULs, Gi1/0/3 its MAC as an
 * INTEGER, Gi1/0/4 its ifSpeed as text and ifHighSpeed as a Counter64, Gi1/0/5 an MTU of -1500;
 * a port-channel has ifIndex 2^31-1; LLDP says web01's port is a network address of 2 bytes.
 */
const brokenSwitch = edited({
  [`${IP_ADDRESS.ifIndex}.${NO_IPV6.highByte}`]: '2|1', [`${IP_ADDRESS.type}.${NO_IPV6.highByte}`]: '2|1',
  [`${IP_ADDRESS.ifIndex}.${NO_IPV6.lowByte}`]: '2|1', [`${IP_ADDRESS.type}.${NO_IPV6.lowByte}`]: '2|1',
  // a second management address of the AP on Gi1/0/12, an IPv6 one past 255
  '1.0.8802.1.1.2.1.4.2.1.3.0.12.2.2.16.256.1.13.184.0.0.0.0.0.0.0.0.0.0.0.1': '2|2',
  // web01's port id: subtype 4 (network address), family 2 (IPv6), then 2 bytes
  [`${LLDP_REM}.6.0.24.3`]: '2|4', [`${LLDP_REM}.7.0.24.3`]: '4x|020a14',
  ...Object.fromEntries(['4|Port-channel1', '2|53', '2|1500', '66|2000000000', '4x|001b54aa10ff', '2|1', '2|1'].map((line, i) => [`1.3.6.1.2.1.2.2.1.${i + 2}.${IF_MAX}`, line])),
  [`${IF.name}.${IF_MAX}`]: '4|Po1',
  [`${IF.highSpeed}.10101`]: '2|-1',
  [`${IF.name}.10102`]: hex(Buffer.alloc(8)),
  [`${IF.mac}.10103`]: '2|42',
  [`${IF.speed}.10104`]: '4|1000000000', [`${IF.highSpeed}.10104`]: '70|1000',
  [`${IF.mtu}.10105`]: '2|-1500',
});

const HR_SW = { name: '1.3.6.1.2.1.25.6.3.1.2', date: '1.3.6.1.2.1.25.6.3.1.5' };
const HR_STORAGE = '1.3.6.1.2.1.25.2.3.1';
const LONG_NAME = `Padded Tool${' '.repeat(60_000)}2.0`;

/**
 * The PC whose HOST-RESOURCES-MIB says impossible things: 7-Zip installed on 31 February and
 * Adobe Acrobat in month 13, a program name of 60,000 bytes (padded with spaces), a disk F:\ of
 * -2,000,000 units of -4096 bytes, and its memory size as text; its sysObjectID comes as text
 * too, and ipAddrTable has indexes of 3 and 5 sub-identifiers.
 */
const brokenPc = edited({
  '1.3.6.1.2.1.1.2.0': '4|1.3.6.1.4.1.311.1.1.3.1.1',
  '1.3.6.1.2.1.4.20.1.2.192.0.2': '2|6', '1.3.6.1.2.1.4.20.1.2.192.0.2.107.9': '2|6',
  [`${HR_SW.date}.1`]: '4x|07e8021f0a1e0000',
  [`${HR_SW.date}.2`]: '4x|07e80d030a1e0000',
  [`${HR_SW.name}.5`]: hex(LONG_NAME),
  [`${HR_STORAGE}.2.6`]: '6|1.3.6.1.2.1.25.2.1.4', [`${HR_STORAGE}.3.6`]: hex('F:\\'), [`${HR_STORAGE}.4.6`]: '2|-4096', [`${HR_STORAGE}.5.6`]: '2|-2000000',
  '1.3.6.1.2.1.25.2.2.0': '4|16663476',
});

/** a sysName with HTML, an escape sequence (clear screen), a NUL and a bell */
const HOSTILE_SYSNAME = '<b>lab-prn01</b>\x1b[2J\x00\x07';
/**
 * The printer whose firmware fills an ENTITY-MIB chassis with NULs (serial and model), counts
 * its pages in a Counter64, says its toner level in words, and names itself in HTML and control
 * characters.
 */
const brokenPrinter = edited({
  '1.3.6.1.2.1.43.11.1.1.9.1.1': '4|plenty',
  '1.3.6.1.2.1.1.5.0': hex(HOSTILE_SYSNAME),
  '1.3.6.1.2.1.43.10.2.1.4.1.1': '70|18342',
  '1.3.6.1.2.1.47.1.1.1.1.5.1': '2|3', '1.3.6.1.2.1.47.1.1.1.1.11.1': hex(Buffer.alloc(12)), '1.3.6.1.2.1.47.1.1.1.1.13.1': hex(Buffer.alloc(1)),
});

describe('a scan of agents that say impossible things', () => {
  const agents: Record<SnmpsimProfile, SnmpsimAgent | undefined> = {
    switch: new SnmpsimAgent('switch', at(5), 161, brokenSwitch),
    windows: new SnmpsimAgent('windows', at(6), 161, brokenPc),
    printer: new SnmpsimAgent('printer', at(7), 161, brokenPrinter, { sysName: HOSTILE_SYSNAME }),
    web01: undefined,
  };
  const started = Object.values(agents).filter((a): a is SnmpsimAgent => !!a);
  let t: TestApp | undefined;
  let scan: ScanView;
  const result = (profile: SnmpsimProfile) => scan.results.find((r) => r.address === agents[profile]!.address)!;
  const device = async (profile: SnmpsimProfile) => (await t!.http.get(`/api/devices/${result(profile).deviceId}`).set(bearer(t!.adminToken)).expect(200)).body;

  beforeAll(async () => {
    await Promise.all(started.map((a) => a.start()));
    t = await createTestApp({ consume: true });
    const credentialIds: number[] = [];
    for (const profile of ['switch', 'windows', 'printer'] as const) {
      const body = { name: `sim ${profile}`, kind: 'snmp-v2c', community: snmpsimCredentials(profile).community };
      credentialIds.push((await t.http.post('/api/credentials').set(bearer(t.adminToken)).send(body).expect(201)).body.id);
    }
    scan = await scanToEnd(t.http, bearer(t.adminToken), { targets: started.map((a) => a.address), credentialIds, options: { timeoutMs: 1000, retries: 1 } }, 120_000);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(started.map((a) => a.stop()));
  });

  it('identifies each device, with nothing it could not read', () => {
    expect(scan.status).toBe('completed');
    expect(scan.results.map(({ address, status, reason }) => ({ address, status, reason }))).toEqual(
      expect.arrayContaining(started.map((a) => ({ address: a.address, status: 'identified', reason: null }))),
    );
  });

  it('the switch: every port and address the agent could say, the impossible addresses and values left out', async () => {
    const d = await device('switch');
    expect(d).toMatchObject({ hostname: 'lab-sw01', serial: SNMP_DEVICES.switch.serial, model: SNMP_DEVICES.switch.model, platform: 'cisco-ios' });
    const ports = new Map<string, Record<string, unknown>>(d.interfaces.map((i: { name: string }) => [i.name, i]));
    const recordedPorts = [...readRecording('switch').keys()].filter((oid) => oid.startsWith('1.3.6.1.2.1.2.2.1.2.'));
    expect(d.interfaces).toHaveLength(recordedPorts.length + 1);
    expect(ports.get('Po1')).toMatchObject({ ifIndex: IF_MAX, description: 'Port-channel1', speedMbps: 2000 });
    expect(ports.get('Gi1/0/1')).toMatchObject({ speedMbps: 1000, mtu: 1500 }); // ifSpeed, not ifHighSpeed -1
    expect(ports.get('GigabitEthernet1/0/2')).toMatchObject({ ifIndex: 10102, mac: '00:1b:54:aa:10:02' }); // ifDescr, not NULs
    expect(ports.has('?')).toBe(false);
    expect(ports.get('Gi1/0/3')).toMatchObject({ mac: null, speedMbps: 1000 });
    expect(ports.get('Gi1/0/4')).toMatchObject({ speedMbps: 1000 }); // the Counter64
    expect(ports.get('Gi1/0/5')).toMatchObject({ mtu: null, speedMbps: 10 });
    const ips = d.addresses.map((a: { ip: string | null }) => a.ip).filter(Boolean);
    expect(ips).toEqual(expect.arrayContaining(['10.20.0.2', '2001:db8:20::2']));
    expect(ips).not.toContain('2001:db8::12c'); // 300 read as a byte
    expect(d.neighbours).toHaveLength(SWITCH_LLDP_NEIGHBOURS.length + SWITCH_CDP_NEIGHBOURS.length);
    expect(d.neighbours).toEqual(expect.arrayContaining([
      expect.objectContaining({ protocol: 'lldp', localPort: 'Gi1/0/12', remoteName: 'AP-2F-East', remoteAddress: '10.20.0.31' }),
      // no address in 2 bytes: the port's description stands for it
      expect.objectContaining({ protocol: 'lldp', localPort: 'Gi1/0/24', remoteName: 'lab-web01', remotePort: 'eth0', remoteAddress: '10.99.0.11' }),
    ]));
  });

  it('the PC: every program, with no install date on a day that does not exist; its real disks and no impossible one', async () => {
    const d = await device('windows');
    expect(d).toMatchObject({ hostname: SNMP_DEVICES.windows.hostname, type: 'workstation', platform: 'windows', osName: 'Windows 10' });
    expect(d.addresses.map((a: { ip: string | null }) => a.ip).filter(Boolean).sort()).toEqual(['10.20.0.107', '127.0.0.1', agents.windows!.address].sort());
    expect(d.hardware.filter((h: { kind: string }) => h.kind === 'disk').map((h: { name: string }) => h.name).sort()).toEqual(['C:\\ (Windows)', 'E:\\ (Data)']);
    expect(d.hardware.filter((h: { kind: string }) => h.kind === 'memory')).toEqual([]); // hrMemorySize as text
    const sw = (await t!.http.get(`/api/devices/${d.id}/software?limit=500`).set(bearer(t!.adminToken)).expect(200)).body;
    const programs = [...readRecording('windows').keys()].filter((oid) => oid.startsWith(`${HR_SW.name}.`));
    expect(sw.total).toBe(programs.length);
    const byName = new Map<string, { installDate: string | null }>(sw.items.map((i: { name: string }) => [i.name, i]));
    expect(byName.get('7-Zip')).toMatchObject({ installDate: null }); // 31 February
    expect(byName.get('Adobe Acrobat')).toMatchObject({ installDate: null }); // month 13
    expect(byName.get('Audacity')).toMatchObject({ installDate: '2024-01-20' });
    const padded = sw.items.find((i: { name: string }) => i.name.startsWith('Padded Tool'));
    expect(padded.name.length).toBeLessThanOrEqual(255);
    for (const i of sw.items) expect(i.installDate ?? '2000-01-01').not.toMatch(/^0000/);
  });

  it('the printer: the Printer-MIB\'s serial and model behind the NUL-filled chassis, its page count, and a name without control characters', async () => {
    const d = await device('printer');
    expect(d).toMatchObject({ serial: SNMP_DEVICES.printer.serial, model: SNMP_DEVICES.printer.model, type: 'printer', platform: 'printer' });
    expect(d.hostname).toBe('<b>lab-prn01</b>'); // HTML is text, for the UI to escape; the clear-screen sequence and NUL go
    expect(d.hostname).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(d.hardware).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'other', slot: 'page count', name: 'Pages printed: 18342' }),
      expect.objectContaining({ kind: 'other', slot: 'supply 1.1', name: 'Black Cartridge HP 58A CF258A: level unknown' }),
    ]));
  });
});
