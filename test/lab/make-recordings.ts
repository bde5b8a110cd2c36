// The device lab's snmpsimd recordings (recordings/*.snmprec), made by the lab itself: each
// profile's system group is recorded with `snmprec` from a lab snmpd configured as that
// device (and web01's HOST-RESOURCES system scalars too), then the tables that a
// Net-SNMP agent on this machine cannot serve — a Catalyst's ports, ENTITY-MIB, LLDP and
// CDP neighbours, a LaserJet's Printer-MIB, a Windows PC's software — are generated here,
// and everything is written sorted by OID, as snmpsimd's binary search needs.
//
// The recordings are committed, so tests never regenerate them. To regenerate (as root, for
// snmpd on udp/161 of a loopback address), from the repository root:
//
//   npx tsc --outDir /tmp/teknisi-recordings --rootDir . --module commonjs --target ES2022 \
//     --esModuleInterop --skipLibCheck test/lab/make-recordings.ts
//   NODE_PATH=node_modules node /tmp/teknisi-recordings/test/lab/make-recordings.js test/lab/recordings
//
// Only the system groups' sysUpTime and web01's hrSystem values change between runs.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LINUX_HOSTS, SNMP_DEVICES } from './identities';
import { linuxProfile, SnmpdAgent, SnmpdProfile } from './snmpd';
import { macPlus, SnmpsimProfile, SWITCH_PORTS } from './snmpsim';

interface Rec {
  oid: string;
  tag: string;
  value: string;
}

// --- snmprec values -------------------------------------------------------------------------

const PLAIN = /^[\x21-\x5b\x5d-\x7e](?:[\x20-\x5b\x5d-\x7e]*[\x21-\x5b\x5d-\x7e])?$/; // printable ASCII, no '\', no edge spaces

/** An octet string: plain when it survives snmprec's line format, else hex (4x). */
function str(oid: string, v: string | Buffer): Rec {
  const buf = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
  const ascii = buf.toString('latin1');
  return PLAIN.test(ascii) ? { oid, tag: '4', value: ascii } : { oid, tag: '4x', value: buf.toString('hex') };
}
/** Windows-1252 text: what Windows' SNMP service sends for non-ASCII names (not valid UTF-8) */
function cp1252(oid: string, v: string): Rec {
  const map: Record<string, number> = { '™': 0x99, '€': 0x80, '–': 0x96, '’': 0x92 };
  return str(oid, Buffer.from([...v].map((ch) => map[ch] ?? ch.charCodeAt(0))));
}
const int = (oid: string, n: number): Rec => ({ oid, tag: '2', value: String(n) });
const counter = (oid: string, n: number): Rec => ({ oid, tag: '65', value: String(n) });
const gauge = (oid: string, n: number): Rec => ({ oid, tag: '66', value: String(n) });
const ticks = (oid: string, n: number): Rec => ({ oid, tag: '67', value: String(n) });
const objectId = (oid: string, v: string): Rec => ({ oid, tag: '6', value: v });
const ipAddress = (oid: string, v: string): Rec => ({ oid, tag: '64', value: v });
const macBytes = (mac: string | undefined) => Buffer.from((mac ?? '').replace(/:/g, ''), 'hex');
const ipBytes = (ip: string) => ip.split('.').map(Number);
/** SNMP DateAndTime, local time without a zone */
const dateAndTime = (d: string) => {
  const [y, m, day] = d.split('-').map(Number);
  return Buffer.from([y >> 8, y & 0xff, m, day, 10, 30, 0, 0]);
};

// --- MIB layouts shared by the profiles -----------------------------------------------------

const MIB = {
  system: '1.3.6.1.2.1.1',
  ifNumber: '1.3.6.1.2.1.2.1.0',
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
  ipAddrEntry: '1.3.6.1.2.1.4.20.1',
  ipAddressEntry: '1.3.6.1.2.1.4.34.1',
  hrSystem: '1.3.6.1.2.1.25.1',
  hrMemorySize: '1.3.6.1.2.1.25.2.2.0',
  hrStorageEntry: '1.3.6.1.2.1.25.2.3.1',
  hrStorageType: '1.3.6.1.2.1.25.2.1',
  hrDeviceEntry: '1.3.6.1.2.1.25.3.2.1',
  hrDeviceType: '1.3.6.1.2.1.25.3.1',
  hrProcessorEntry: '1.3.6.1.2.1.25.3.3.1',
  hrSWInstalledEntry: '1.3.6.1.2.1.25.6.3.1',
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1',
  lldpLocal: '1.0.8802.1.1.2.1.3',
  lldpRemEntry: '1.0.8802.1.1.2.1.4.1.1',
  lldpRemManAddrEntry: '1.0.8802.1.1.2.1.4.2.1',
  cdpCacheEntry: '1.3.6.1.4.1.9.9.23.1.2.1.1',
  cdpGlobalRun: '1.3.6.1.4.1.9.9.23.1.3.1.0',
  prtGeneralEntry: '1.3.6.1.2.1.43.5.1.1',
  prtMarkerEntry: '1.3.6.1.2.1.43.10.2.1',
  prtSuppliesEntry: '1.3.6.1.2.1.43.11.1.1',
};

interface Iface {
  ifIndex: number;
  descr: string;
  name: string;
  alias?: string | Buffer;
  type: number;
  mtu: number;
  /** bits per second */
  speed: number;
  mac?: string;
  admin: number;
  oper: number;
}

function interfaces(list: Iface[]): Rec[] {
  const out: Rec[] = [int(MIB.ifNumber, list.length)];
  for (const i of list) {
    const e = (col: number) => `${MIB.ifEntry}.${col}.${i.ifIndex}`;
    const x = (col: number) => `${MIB.ifXEntry}.${col}.${i.ifIndex}`;
    out.push(
      int(e(1), i.ifIndex), str(e(2), i.descr), int(e(3), i.type), int(e(4), i.mtu), gauge(e(5), Math.min(i.speed, 4294967295)),
      str(e(6), macBytes(i.mac)), int(e(7), i.admin), int(e(8), i.oper), ticks(e(9), 0),
      counter(e(10), (i.ifIndex * 7919) % 1e9), counter(e(11), (i.ifIndex * 104729) % 1e7), counter(e(16), (i.ifIndex * 15485863) % 1e9),
      counter(e(17), (i.ifIndex * 7727) % 1e7), counter(e(14), 0), counter(e(20), 0),
      str(x(1), i.name), gauge(x(15), Math.round(i.speed / 1e6)), int(x(14), 1), str(x(18), i.alias ?? ''),
    );
  }
  return out;
}

/** ipAddrTable (IPv4 only, every agent) and, where given, ipAddressTable (IPv4 and IPv6). */
function addresses(v4: Array<{ ip: string; ifIndex: number; mask: string }>, all?: Array<{ ip: string; ifIndex: number }>): Rec[] {
  const out: Rec[] = [];
  for (const a of v4) {
    const e = (col: number) => `${MIB.ipAddrEntry}.${col}.${a.ip}`;
    out.push(ipAddress(e(1), a.ip), int(e(2), a.ifIndex), ipAddress(e(3), a.mask), int(e(4), 1));
  }
  for (const a of all ?? []) {
    const bytes = a.ip.includes(':') ? ipv6Bytes(a.ip) : ipBytes(a.ip);
    const index = `${a.ip.includes(':') ? 2 : 1}.${bytes.length}.${bytes.join('.')}`;
    const e = (col: number) => `${MIB.ipAddressEntry}.${col}.${index}`;
    out.push(int(e(3), a.ifIndex), int(e(4), 1), objectId(e(5), '1.3.6.1.2.1.4.32.1.5.1.0'), int(e(6), 1), int(e(7), 2));
  }
  return out;
}

function ipv6Bytes(ip: string): number[] {
  const [head, tail] = ip.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function hrDevices(list: Array<{ index: number; type: number; descr: string; status?: number }>): Rec[] {
  return list.flatMap((d) => {
    const e = (col: number) => `${MIB.hrDeviceEntry}.${col}.${d.index}`;
    return [int(e(1), d.index), objectId(e(2), `${MIB.hrDeviceType}.${d.type}`), str(e(3), d.descr), objectId(e(4), '0.0'), int(e(5), d.status ?? 2), counter(e(6), 0)];
  });
}

function hrStorage(list: Array<{ index: number; type: number; descr: string; units: number; size: number; used: number }>): Rec[] {
  return list.flatMap((s) => {
    const e = (col: number) => `${MIB.hrStorageEntry}.${col}.${s.index}`;
    return [int(e(1), s.index), objectId(e(2), `${MIB.hrStorageType}.${s.type}`), str(e(3), s.descr), int(e(4), s.units), int(e(5), s.size), int(e(6), s.used)];
  });
}

// --- recording the system group from a lab snmpd ---------------------------------------------

/** Starts a lab snmpd as the device and records the given subtrees with snmprec. */
async function recordFromSnmpd(profile: Omit<SnmpdProfile, 'address' | 'community' | 'v3'>, subtrees: Array<[string, string]>): Promise<Rec[]> {
  const address = `127.77.${crypto.randomInt(200, 250)}.${crypto.randomInt(2, 250)}`;
  const base = linuxProfile(address, profile.sysName);
  const agent = new SnmpdAgent({ ...base, ...profile });
  await agent.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-snmprec-'));
  try {
    const recs: Rec[] = [];
    for (const [start, stop] of subtrees) {
      const file = path.join(dir, 'out.snmprec');
      execFileSync('snmprec', [
        `--agent-udpv4-endpoint=${address}:161`, '--protocol-version=2c', `--community=${base.community}`, '--use-getbulk',
        `--start-object=${start}`, `--stop-object=${stop}`, `--output-file=${file}`, '--logging-method=null',
      ], { stdio: 'ignore' });
      for (const line of fs.readFileSync(file, 'latin1').split('\n')) {
        const [oid, tag, ...rest] = line.split('|');
        // snmprec writes every string with a non-alphanumeric character as hex: keep text readable
        if (oid && tag) recs.push(tag === '4x' ? str(oid, Buffer.from(rest.join('|'), 'hex')) : { oid, tag, value: rest.join('|') });
      }
    }
    return recs;
  } finally {
    await agent.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The recorded system group, with sysDescr (snmpd.conf takes one line) and sysServices as the device has them. */
function systemGroup(recorded: Rec[], sysDescr: string, sysServices: number, keepOrTable = false): Rec[] {
  return recorded
    .filter((r) => r.oid.startsWith(`${MIB.system}.`) && (keepOrTable || Number(r.oid.split('.')[7]) <= 7))
    .map((r) => (r.oid === `${MIB.system}.1.0` ? str(r.oid, sysDescr) : r.oid === `${MIB.system}.7.0` ? int(r.oid, sysServices) : r));
}

// --- the profiles ---------------------------------------------------------------------------

const CISCO_DESCR = [
  'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)',
  'Technical Support: http://www.cisco.com/techsupport',
  'Copyright (c) 1986-2021 by Cisco Systems, Inc.',
  'Compiled Tue 23-Mar-21 00:11 by prod_rel_team',
].join('\r\n');

async function switchRecording(): Promise<Rec[]> {
  const sw = SNMP_DEVICES.switch;
  const recorded = await recordFromSnmpd(
    { sysName: sw.hostname, sysDescr: CISCO_DESCR.split('\r\n')[0], sysObjectID: '.1.3.6.1.4.1.9.1.1208', sysLocation: 'Lab rack 2, U12', sysContact: 'netops@example.invalid' },
    [[MIB.system, '1.3.6.1.2.1.2']],
  );
  const aliases: Record<string, string | Buffer> = {
    'Gi1/0/1': 'Reception PC', 'Gi1/0/5': 'unused - shut', 'Gi1/0/7': Buffer.from('B\xfcro 2.07', 'latin1'), 'Gi1/0/12': 'AP-2F-East',
    'Gi1/0/24': 'lab-web01 eth0', 'Gi1/0/48': 'Printer lab-prn01', 'Te1/0/1': 'Uplink to lab-core01 Te1/1/1',
  };
  const ports: Iface[] = SWITCH_PORTS.map((p, i) => {
    const n = i + 1;
    const tenGig = p.name.startsWith('Te');
    const shut = p.name === 'Gi1/0/5' || p.name === 'Gi1/0/6' || p.name === 'Fa0';
    const down = shut || (!tenGig && n > 30 && n % 2 === 1); // nothing plugged into some of the upper ports
    const oper = p.name === 'Te1/0/2' ? 6 : down ? 2 : 1; // Te1/0/2 has no SFP
    const speed = tenGig ? 10e9 : p.name === 'Fa0' ? 10e6 : down ? 10e6 : 1e9;
    return { ...p, alias: aliases[p.name], type: 6, mtu: 1500, speed, admin: shut ? 2 : 1, oper };
  });
  const vlan1: Iface = { ifIndex: 1, descr: 'Vlan1', name: 'Vl1', alias: 'management', type: 53, mtu: 1500, speed: 1e9, mac: macPlus(sw.baseMac, 0x40), admin: 1, oper: 1 };
  const null0: Iface = { ifIndex: 14502, descr: 'Null0', name: 'Nu0', type: 1, mtu: 1500, speed: 10e9, admin: 1, oper: 1 };
  const localPortNum = (name: string) => SWITCH_PORTS.findIndex((p) => p.name === name) + 1;
  return [
    ...systemGroup(recorded, CISCO_DESCR, 6),
    ...interfaces([vlan1, ...ports, null0]),
    ...addresses(
      [{ ip: '10.20.0.2', ifIndex: 1, mask: '255.255.255.0' }],
      [{ ip: '10.20.0.2', ifIndex: 1 }, { ip: '2001:db8:20::2', ifIndex: 1 }, { ip: 'fe80::21b:54ff:feaa:1040', ifIndex: 1 }],
    ),
    ...entityMib(sw.serial, sw.model),
    ...lldp(sw.baseMac, sw.hostname, localPortNum),
    ...cdp(),
  ];
}

function entityMib(serial: string, model: string): Rec[] {
  const rows = [
    { index: 1, descr: 'c29xxStack', cls: 11, containedIn: 0, name: 'c29xxStack', serial: '', model: '' },
    { index: 1001, descr: model, cls: 3, containedIn: 1, name: '1', serial, model },
    { index: 1002, descr: 'Switch 1 - FlexStackPlus Module', cls: 9, containedIn: 1001, name: 'Switch 1 - FlexStack', serial: 'FOC22300A1B', model: 'C2960X-STACK' },
    { index: 1003, descr: 'Switch 1 - Power Supply 0', cls: 6, containedIn: 1001, name: 'Switch 1 - Power Supply 0', serial: 'LIT22301ABC', model: 'PWR-C2-1025WAC' },
  ];
  return rows.flatMap((r) => {
    const e = (col: number) => `${MIB.entPhysicalEntry}.${col}.${r.index}`;
    return [
      str(e(2), r.descr), objectId(e(3), '1.3.6.1.4.1.9.12.3.1.3.1208'), int(e(4), r.containedIn), int(e(5), r.cls), int(e(6), -1), str(e(7), r.name),
      str(e(8), r.cls === 3 ? 'V05' : ''), str(e(9), ''), str(e(10), r.cls === 3 ? '15.2(7)E4' : ''), str(e(11), r.serial), str(e(12), ''), str(e(13), r.model),
    ];
  });
}

/** LLDP neighbours of the switch: its core uplink, an access point and lab-web01 (lldpd). */
export const SWITCH_LLDP_NEIGHBOURS = [
  { localPort: 'Te1/0/1', chassis: [4, '00:1e:bd:11:22:00'], port: [5, 'Te1/1/1'], portDescr: 'TenGigabitEthernet1/1/1', sysName: 'lab-core01.lab.example', address: '10.20.0.1' },
  { localPort: 'Gi1/0/12', chassis: [4, '70:10:5c:3a:2f:10'], port: [5, 'Gi0'], portDescr: 'GigabitEthernet0', sysName: 'AP-2F-East', address: '10.20.0.31' },
  { localPort: 'Gi1/0/24', chassis: [4, LINUX_HOSTS.web01.macs[0]], port: [3, LINUX_HOSTS.web01.macs[0]], portDescr: 'eth0', sysName: LINUX_HOSTS.web01.hostname, address: '10.99.0.11' },
] as const;

function lldp(baseMac: string, sysName: string, localPortNum: (name: string) => number): Rec[] {
  const out: Rec[] = [int(`${MIB.lldpLocal}.1.0`, 4), str(`${MIB.lldpLocal}.2.0`, macBytes(baseMac)), str(`${MIB.lldpLocal}.3.0`, sysName), str(`${MIB.lldpLocal}.4.0`, CISCO_DESCR)];
  for (const p of SWITCH_PORTS) {
    const e = (col: number) => `${MIB.lldpLocal}.7.1.${col}.${localPortNum(p.name)}`;
    out.push(int(e(2), 5), str(e(3), p.name), str(e(4), p.descr));
  }
  SWITCH_LLDP_NEIGHBOURS.forEach((n, i) => {
    const index = `0.${localPortNum(n.localPort)}.${i + 1}`;
    const e = (col: number) => `${MIB.lldpRemEntry}.${col}.${index}`;
    const id = ([subtype, v]: readonly [number, string]) => (subtype === 3 || subtype === 4 ? macBytes(v) : Buffer.from(v));
    out.push(
      int(e(4), n.chassis[0]), str(e(5), id(n.chassis)), int(e(6), n.port[0]), str(e(7), id(n.port)), str(e(8), n.portDescr),
      str(e(9), n.sysName), str(e(10), n.sysName.startsWith('lab-core') ? 'Cisco IOS Software, Catalyst 4500 L3 Switch Software' : 'Linux'),
      str(`${MIB.lldpRemEntry}.11.${index}`, Buffer.from([0x28, 0])), str(`${MIB.lldpRemEntry}.12.${index}`, Buffer.from([0x28, 0])),
    );
    const man = `${MIB.lldpRemManAddrEntry}.%d.${index}.1.4.${n.address}`;
    out.push(int(man.replace('%d', '3'), 2), int(man.replace('%d', '4'), 0), objectId(man.replace('%d', '5'), '0.0'));
  });
  return out;
}

/** CDP neighbours: the same core switch and access point, and an IP phone that speaks only CDP. */
export const SWITCH_CDP_NEIGHBOURS = [
  { ifIndex: 10149, deviceId: 'lab-core01.lab.example', address: '10.20.0.1', port: 'TenGigabitEthernet1/1/1', platform: 'cisco WS-C4500X-16', version: 'Cisco IOS Software, IOS-XE Software, Catalyst 4500 L3 Switch Software (cat4500es8-UNIVERSALK9-M), Version 03.11.06.E' },
  { ifIndex: 10112, deviceId: 'AP-2F-East', address: '10.20.0.31', port: 'GigabitEthernet0', platform: 'cisco AIR-AP2802I-E-K9', version: 'Cisco AP Software, ap3g3-k9w8 Version: 8.10.185.0' },
  { ifIndex: 10104, deviceId: 'SEP00112233AA55', address: '10.20.0.55', port: 'Port 1', platform: 'Cisco IP Phone 8841', version: 'sip88xx.14-2-1-0201-30' },
] as const;

function cdp(): Rec[] {
  const out: Rec[] = [int(MIB.cdpGlobalRun, 1)];
  SWITCH_CDP_NEIGHBOURS.forEach((n, i) => {
    const e = (col: number) => `${MIB.cdpCacheEntry}.${col}.${n.ifIndex}.${i + 1}`;
    out.push(int(e(3), 1), str(e(4), Buffer.from(ipBytes(n.address))), str(e(5), n.version), str(e(6), n.deviceId), str(e(7), n.port), str(e(8), n.platform), str(e(9), Buffer.from([0, 0, 0, 0x29])));
  });
  return out;
}

async function printerRecording(): Promise<Rec[]> {
  const p = SNMP_DEVICES.printer;
  const descr = 'HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 09/13/2019';
  const recorded = await recordFromSnmpd(
    { sysName: p.hostname, sysDescr: descr, sysObjectID: '.1.3.6.1.4.1.11.2.3.9.1', sysLocation: '2nd floor, copy room', sysContact: 'helpdesk@example.invalid' },
    [[MIB.system, '1.3.6.1.2.1.2']],
  );
  const g = (col: number) => `${MIB.prtGeneralEntry}.${col}.1`;
  const supply = (col: number, i: number) => `${MIB.prtSuppliesEntry}.${col}.1.${i}`;
  return [
    ...systemGroup(recorded, descr, 72),
    ...interfaces([{ ifIndex: 1, descr: descr, name: 'eth0', type: 6, mtu: 1500, speed: 1e9, mac: p.mac, admin: 1, oper: 1 }]),
    ...addresses([{ ip: '10.20.0.60', ifIndex: 1, mask: '255.255.255.0' }]),
    int(MIB.hrMemorySize, 524288),
    ...hrStorage([{ index: 1, type: 2, descr: 'RAM', units: 1024, size: 524288, used: 301222 }]),
    ...hrDevices([
      { index: 1, type: 5, descr: p.model },
      { index: 2, type: 4, descr: 'HP Jetdirect JD153 network interface' },
    ]),
    int('1.3.6.1.2.1.25.3.5.1.1.1', 3), str('1.3.6.1.2.1.25.3.5.1.2.1', Buffer.from([0])),
    // Printer-MIB: general group, marker life count (pages printed), supplies
    int(g(1), 1), str(g(16), p.model), str(g(17), p.serial),
    int(`${MIB.prtMarkerEntry}.2.1.1`, 10), int(`${MIB.prtMarkerEntry}.3.1.1`, 7), counter(`${MIB.prtMarkerEntry}.4.1.1`, 18342),
    int(supply(2, 1), 1), int(supply(3, 1), 3), int(supply(4, 1), 3), int(supply(5, 1), 1), str(supply(6, 1), 'Black Cartridge HP 58A CF258A'),
    int(supply(7, 1), 7), int(supply(8, 1), 3000), int(supply(9, 1), 1860),
    int(supply(2, 2), 1), int(supply(3, 2), 1), int(supply(4, 2), 15), int(supply(5, 2), 1), str(supply(6, 2), 'Fuser Kit'),
    int(supply(7, 2), 7), int(supply(8, 2), -2), int(supply(9, 2), -3),
  ];
}

/** name, install date; names with Windows-1252 characters (ö, é, ™), HTML and a control character on purpose */
export const WINDOWS_SOFTWARE: Array<[string, string]> = [
  ['7-Zip 23.01 (x64)', '2024-02-12'],
  ['Adobe Acrobat (64-bit)', '2024-05-03'],
  ['Audacity 3.4.2', '2024-01-20'],
  ['Bj\u00f6rn\'s Tools 2.1', '2023-11-02'],
  ['Caf\u00e9 Manager 3.0.4', '2023-09-14'],
  ['Cisco Secure Client - AnyConnect VPN 5.1.2.42', '2024-03-01'],
  ['Contoso Sync\u2122 5.2', '2024-04-22'],
  ['Dell Command | Update for Windows Universal', '2023-06-30'],
  ['Dell SupportAssist', '2024-06-11'],
  ['FileZilla 3.66.4', '2024-01-08'],
  ['Git', '2024-02-27'],
  ['GIMP 2.10.36', '2023-12-05'],
  ['Google Chrome', '2024-07-16'],
  ['Greenshot 1.2.10.6', '2023-03-09'],
  ['Intel(R) Chipset Device Software', '2022-10-18'],
  ['Intel(R) Management Engine Components', '2022-10-18'],
  ['Intel(R) Network Connections 28.2.501.4', '2022-10-18'],
  ['IrfanView 4.67 (64-bit)', '2024-05-29'],
  ['Java 8 Update 401 (64-bit)', '2024-01-17'],
  ['KeePass Password Safe 2.56', '2024-02-03'],
  ['LibreOffice 24.2.4.2', '2024-06-20'],
  ['Legacy\u0007Tool 1.0', '2019-05-05'],
  ['Microsoft 365 Apps for enterprise - en-us', '2024-07-09'],
  ['Microsoft Edge', '2024-07-18'],
  ['Microsoft Edge WebView2 Runtime', '2024-07-18'],
  ['Microsoft OneDrive', '2024-07-02'],
  ['Microsoft Teams', '2024-06-27'],
  ['Microsoft Update Health Tools', '2023-08-08'],
  ['Microsoft Visual C++ 2013 Redistributable (x64) - 12.0.40664', '2022-10-19'],
  ['Microsoft Visual C++ 2013 Redistributable (x86) - 12.0.40664', '2022-10-19'],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.38.33135', '2024-01-11'],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x86) - 14.38.33135', '2024-01-11'],
  ['Microsoft Visual Studio Code', '2024-07-10'],
  ['Microsoft Windows Desktop Runtime - 8.0.6 (x64)', '2024-06-12'],
  ['Mozilla Firefox (x64 en-US) 128.0', '2024-07-09'],
  ['Mozilla Maintenance Service', '2023-02-14'],
  ['Mozilla Thunderbird (x64 de) 115.12.2', '2024-06-25'],
  ['M\u00fcller Buchhaltung 2024', '2024-01-02'],
  ['Notepad++ (64-bit x64)', '2024-03-19'],
  ['Office 16 Click-to-Run Extensibility Component', '2023-05-05'],
  ['OpenVPN 2.6.10-I001 amd64', '2024-04-04'],
  ['paint.net 5.0.13', '2024-03-28'],
  ['PDF24 Creator 11.17.0', '2024-05-15'],
  ['PowerShell 7-x64', '2024-02-21'],
  ['PuTTY release 0.81 (64-bit)', '2024-04-16'],
  ['Python 3.12.4 (64-bit)', '2024-06-07'],
  ['Realtek High Definition Audio Driver', '2022-10-18'],
  ['Soci\u00e9t\u00e9 G\u00e9n\u00e9rale Connect 1.0', '2023-10-10'],
  ['TeamViewer', '2024-05-30'],
  ['Update for Windows 10 for x64-based Systems (KB5001716)', '2023-07-12'],
  ['VLC media player', '2024-06-10'],
  ['VMware Tools', '2023-09-26'],
  ['WinMerge 2.16.40.0 x64', '2024-05-22'],
  ['WinRAR 7.01 (64-bit)', '2024-06-03'],
  ['WinSCP 6.3.3', '2024-05-08'],
  ['Wireshark 4.2.5 x64', '2024-05-24'],
  ['<script>alert("owned")</script> Helper 1.2', '2024-02-29'],
  ['Zoom Workplace (64-bit)', '2024-07-01'],
  ['Microsoft .NET Framework 4.8.1 Targeting Pack', '2023-04-18'],
  ['Windows PC Health Check', '2023-01-25'],
];

async function windowsRecording(): Promise<Rec[]> {
  const w = SNMP_DEVICES.windows;
  const descr = 'Hardware: Intel64 Family 6 Model 158 Stepping 10 AT/AT COMPATIBLE - Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)';
  const recorded = await recordFromSnmpd({ sysName: w.hostname, sysDescr: descr, sysObjectID: '.1.3.6.1.4.1.311.1.1.3.1.1', sysLocation: 'Office 2.07', sysContact: 'IT Helpdesk' }, [[MIB.system, '1.3.6.1.2.1.2']]);
  const nic = 'Intel(R) Ethernet Connection (7) I219-LM';
  const cpu = 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz';
  const cpus = Array.from({ length: 12 }, (_, i) => ({ index: 5 + i, type: 3, descr: cpu }));
  const software = WINDOWS_SOFTWARE.flatMap(([name, date], i) => {
    const e = (col: number) => `${MIB.hrSWInstalledEntry}.${col}.${i + 1}`;
    return [int(e(1), i + 1), cp1252(e(2), name), objectId(e(3), '0.0'), int(e(4), 4), str(e(5), dateAndTime(date))];
  });
  return [
    ...systemGroup(recorded, descr, 76),
    ...interfaces([
      { ifIndex: 1, descr: 'Software Loopback Interface 1', name: 'loopback_0', alias: 'Loopback Pseudo-Interface 1', type: 24, mtu: 1500, speed: 1073741824, admin: 1, oper: 1 },
      { ifIndex: 2, descr: 'WAN Miniport (IP)', name: 'ppp_32768', type: 23, mtu: 1500, speed: 0, admin: 1, oper: 1 },
      { ifIndex: 3, descr: 'WAN Miniport (IPv6)', name: 'ppp_32769', type: 23, mtu: 1500, speed: 0, admin: 1, oper: 1 },
      { ifIndex: 4, descr: 'Microsoft Kernel Debug Network Adapter', name: 'ethernet_0', type: 6, mtu: 1500, speed: 0, admin: 1, oper: 6 },
      { ifIndex: 5, descr: 'Microsoft IP-HTTPS Platform Interface', name: 'tunnel_32768', type: 131, mtu: 1500, speed: 0, admin: 1, oper: 6 },
      { ifIndex: 6, descr: nic, name: 'ethernet_32768', alias: 'Ethernet', type: 6, mtu: 1500, speed: 1e9, mac: w.mac, admin: 1, oper: 1 },
      { ifIndex: 7, descr: `${nic}-WFP Native MAC Layer LightWeight Filter-0000`, name: 'ethernet_32769', alias: 'Ethernet-WFP Native MAC Layer LightWeight Filter-0000', type: 6, mtu: 1500, speed: 1e9, mac: w.mac, admin: 1, oper: 1 },
      { ifIndex: 8, descr: 'WAN Miniport (Network Monitor)', name: 'ethernet_32770', type: 6, mtu: 1500, speed: 0, admin: 1, oper: 1 },
    ]),
    ...addresses([{ ip: '10.20.0.107', ifIndex: 6, mask: '255.255.255.0' }, { ip: '127.0.0.1', ifIndex: 1, mask: '255.0.0.0' }]),
    int(MIB.hrMemorySize, 16663476),
    ...hrStorage([
      { index: 1, type: 4, descr: 'C:\\ Label:Windows  Serial Number 8a3c21f0', units: 4096, size: 124717055, used: 61234021 },
      { index: 2, type: 7, descr: 'D:\\', units: 0, size: 0, used: 0 },
      { index: 3, type: 4, descr: 'E:\\ Label:Data  Serial Number 5e2b9a11', units: 4096, size: 244190645, used: 120014556 },
      { index: 4, type: 3, descr: 'Virtual Memory', units: 65536, size: 384122, used: 151020 },
      { index: 5, type: 2, descr: 'Physical Memory', units: 65536, size: 260366, used: 140121 },
    ]),
    ...hrDevices([
      { index: 1, type: 5, descr: 'Microsoft Print to PDF' },
      { index: 2, type: 5, descr: 'Microsoft XPS Document Writer v4' },
      { index: 3, type: 5, descr: 'OneNote for Windows 10' },
      ...cpus,
      { index: 17, type: 4, descr: 'Software Loopback Interface 1' },
      { index: 18, type: 4, descr: nic },
      { index: 19, type: 6, descr: 'Samsung SSD 970 EVO Plus 500GB' },
      { index: 20, type: 6, descr: 'ST1000DM010-2EP102' },
      { index: 21, type: 13, descr: 'HID Keyboard Device' },
    ]),
    ...cpus.flatMap((c, i) => [objectId(`${MIB.hrProcessorEntry}.1.${c.index}`, '0.0'), int(`${MIB.hrProcessorEntry}.2.${c.index}`, (i * 7) % 23)]),
    ...software,
  ];
}

async function web01Recording(): Promise<Rec[]> {
  const host = LINUX_HOSTS.web01;
  const base = linuxProfile('127.0.0.1', host.hostname);
  // net-snmp as the host runs it: its system group with the ORtable, and hrSystem; its
  // interfaces are the namespaced host's, not this machine's, so they are written here
  const recorded = await recordFromSnmpd(
    { sysName: base.sysName, sysDescr: base.sysDescr, sysObjectID: base.sysObjectID, sysLocation: 'Lab rack 1', sysContact: 'lab@example.invalid' },
    [[MIB.system, '1.3.6.1.2.1.2'], [MIB.hrSystem, '1.3.6.1.2.1.25.2']],
  );
  const [ip, prefix] = host.innerAddresses[0].split('/');
  const mask = prefixMask(Number(prefix));
  const linkLocal = `fe80::${eui64(host.macs[0])}`;
  return [
    ...systemGroup(recorded, base.sysDescr, 72, true),
    ...recorded.filter((r) => r.oid.startsWith(`${MIB.hrSystem}.`)),
    // the kernel command line of the host it boots, not of the machine that made the recording
    str(`${MIB.hrSystem}.4.0`, 'BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-amd64 root=UUID=3f6c2a7e-1b2d-4c5e-9f80-7a6b5c4d3e21 ro quiet'),
    ...interfaces([
      { ifIndex: 1, descr: 'lo', name: 'lo', type: 24, mtu: 65536, speed: 10e6, admin: 1, oper: 1 },
      { ifIndex: 2, descr: 'eth0', name: 'eth0', type: 6, mtu: 1500, speed: 1e9, mac: host.macs[0], admin: 1, oper: 1 },
    ]),
    ...addresses(
      [{ ip: '127.0.0.1', ifIndex: 1, mask: '255.0.0.0' }, { ip, ifIndex: 2, mask }],
      [{ ip: '127.0.0.1', ifIndex: 1 }, { ip, ifIndex: 2 }, { ip: '::1', ifIndex: 1 }, { ip: linkLocal, ifIndex: 2 }],
    ),
  ];
}

function prefixMask(bits: number): string {
  const m = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');
}

function eui64(mac: string): string {
  const b = macBytes(mac);
  const e = [b[0] ^ 2, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]];
  return [0, 2, 4, 6].map((i) => ((e[i] << 8) | e[i + 1]).toString(16)).join(':');
}

// --- writing -------------------------------------------------------------------------------

function compareOids(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function write(file: string, profile: SnmpsimProfile, recs: Rec[]): void {
  const byOid = new Map(recs.map((r) => [r.oid, r])); // a generated value replaces a recorded one
  const lines = [...byOid.values()].sort((a, b) => compareOids(a.oid, b.oid)).map((r) => `${r.oid}|${r.tag}|${r.value}`);
  const header = `# ${profile}: the Teknisi device lab's simulated ${profile}, made by test/lab/make-recordings.ts (see there to regenerate)`;
  fs.writeFileSync(file, `${header}\n${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join(__dirname, 'recordings'));
  fs.mkdirSync(out, { recursive: true });
  const makers: Record<SnmpsimProfile, () => Promise<Rec[]>> = { switch: switchRecording, printer: printerRecording, windows: windowsRecording, web01: web01Recording };
  for (const [profile, make] of Object.entries(makers) as Array<[SnmpsimProfile, () => Promise<Rec[]>]>) {
    write(path.join(out, `${profile}.snmprec`), profile, await make());
    console.log(`wrote ${path.join(out, `${profile}.snmprec`)}`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
