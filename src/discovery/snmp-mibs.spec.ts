// The MIB readers against agents that say impossible things: each value a device sends is
// untrusted, and a bad one is left out (or capped) without losing the rest of the device.
// The agent is a recording (OID → value, as net-snmp decodes them) walked in OID order.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareOids, SnmpClient, SnmpError, SnmpValue } from '../protocols/snmp/snmp.client';
import { classify } from './classify';
import { collectSnmp, splitSoftwareName } from './snmp.collector';
import { parseCpu } from './ssh/linux';
import { parseWindows } from './ssh/windows';

type Recording = Array<[oid: string, value: SnmpValue]>;
type InventoryNeighbours = Awaited<ReturnType<typeof collectSnmp>>['neighbours'];

/** An agent answering from a recording: Get by OID, walks in OID order, capped as the real client caps them. */
function recordedAgent(recording: Recording): SnmpClient {
  const sorted = [...recording].sort(([a], [b]) => compareOids(a, b));
  const walk = (oid: string, maxRows: number) => new Map(sorted.filter(([o]) => o.startsWith(`${oid}.`)).slice(0, maxRows));
  const agent = {
    bulk: true,
    get: async (oids: string[]) => new Map(oids.map((o) => [o, sorted.find(([x]) => x === o)?.[1] ?? null])),
    walk: async (oid: string, maxRows = 10_000) => walk(oid, maxRows),
    walkColumns: async (oids: string[], maxRows = 10_000) => oids.map((o) => walk(o, maxRows)),
    undecodableValues: new Map<string, string>(),
    close: () => undefined,
  };
  return agent as unknown as SnmpClient;
}

const SYS: Recording = [
  ['1.3.6.1.2.1.1.1.0', Buffer.from('Linux lab-odd 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64')],
  ['1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.8072.3.2.10'],
  ['1.3.6.1.2.1.1.5.0', Buffer.from('lab-odd')],
];
/** eth0 (ifIndex 2) and eth1 (3), physical, with MACs */
const IFS: Recording = [
  ['1.3.6.1.2.1.2.2.1.2.2', Buffer.from('eth0')], ['1.3.6.1.2.1.2.2.1.3.2', 6], ['1.3.6.1.2.1.2.2.1.5.2', 1_000_000_000], ['1.3.6.1.2.1.2.2.1.6.2', Buffer.from('525400a1b2c3', 'hex')],
  ['1.3.6.1.2.1.2.2.1.2.3', Buffer.from('eth1')], ['1.3.6.1.2.1.2.2.1.3.3', 6], ['1.3.6.1.2.1.2.2.1.5.3', 1_000_000_000], ['1.3.6.1.2.1.2.2.1.6.3', Buffer.from('525400a1b2c4', 'hex')],
  ['1.3.6.1.2.1.31.1.1.1.1.2', Buffer.from('eth0')], ['1.3.6.1.2.1.31.1.1.1.15.2', 1000],
  // ipAddressTable: 192.0.2.2 and 2001:db8::2 on eth0
  ['1.3.6.1.2.1.4.34.1.3.1.4.192.0.2.2', 2], ['1.3.6.1.2.1.4.34.1.4.1.4.192.0.2.2', 1],
  ['1.3.6.1.2.1.4.34.1.3.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.2', 2], ['1.3.6.1.2.1.4.34.1.4.2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.2', 1],
];
const MACS = ['52:54:00:a1:b2:c3', '52:54:00:a1:b2:c4'];

async function collect(...parts: Recording[]) {
  return collectWithin(undefined, ...parts);
}

async function collectWithin(limits: Parameters<typeof collectSnmp>[2], ...parts: Recording[]) {
  const problems: string[] = [];
  const report = await collectSnmp(recordedAgent(parts.flat()), '127.0.0.9', limits, problems);
  return { report, problems };
}

describe('IP-MIB and LLDP-MIB addresses in table indexes', () => {
  // an index is sub-identifiers, each up to 2^32-1: one past 255 is no address byte
  const badIpv6 = '2.16.32.1.13.184.256.0.0.0.0.0.0.0.0.0.0.7'; // past 255 where a group's high byte goes
  const wrongIpv6 = '2.16.32.1.13.184.0.0.0.0.0.0.0.0.0.0.0.300'; // past 255 in a low byte: read as 2001:db8::12c

  it('an ipAddressTable row whose index holds no address is left out, and the interfaces and MACs are read', async () => {
    const { report, problems } = await collect(SYS, IFS, [
      [`1.3.6.1.2.1.4.34.1.3.${badIpv6}`, 2], [`1.3.6.1.2.1.4.34.1.4.${badIpv6}`, 1],
      [`1.3.6.1.2.1.4.34.1.3.${wrongIpv6}`, 2], [`1.3.6.1.2.1.4.34.1.4.${wrongIpv6}`, 1],
      ['1.3.6.1.2.1.4.34.1.3.1.4.10.300.0.9', 2], ['1.3.6.1.2.1.4.34.1.4.1.4.10.300.0.9', 1],
    ]);
    expect(problems).toEqual([]);
    expect(report.identity.macs).toEqual(MACS);
    expect(report.interfaces?.map((i) => [i.name, i.addresses])).toEqual([['eth0', ['192.0.2.2', '2001:db8::2']], ['eth1', []]]);
  });

  it('an LLDP management address whose index holds no address is left out, and the neighbours are read', async () => {
    const lldpRem = '1.0.8802.1.1.2.1.4.1.1';
    const { report, problems } = await collect(SYS, IFS, [
      ['1.0.8802.1.1.2.1.3.2.0', Buffer.from('525400a1b2c3', 'hex')],
      [`${lldpRem}.9.0.2.1`, Buffer.from('core01')],
      [`${lldpRem}.9.0.2.2`, Buffer.from('core02')],
      [`1.0.8802.1.1.2.1.4.2.1.3.0.2.1.${badIpv6}`, 2],
      [`1.0.8802.1.1.2.1.4.2.1.3.0.2.2.1.4.192.0.2.32`, 2],
    ]);
    expect(problems).toEqual([]);
    expect(report.neighbours).toEqual([
      expect.objectContaining({ protocol: 'lldp', remoteName: 'core01', remoteAddress: undefined, localPort: 'eth0' }),
      expect.objectContaining({ protocol: 'lldp', remoteName: 'core02', remoteAddress: '192.0.2.32', localPort: 'eth0' }),
    ]);
  });
});

describe('LLDP ports: the name a technician knows the port by, whatever the subtype of its id', () => {
  const LLDP_LOC_PORT = '1.0.8802.1.1.2.1.3.7.1';
  const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';
  /** an EX2300 on Junos: ge-0/0/0 and ge-0/0/1 are ifIndex 523 and 524 (ifDescr and ifName alike) */
  const JUNOS: Recording = [
    ['1.3.6.1.2.1.1.1.0', Buffer.from('Juniper Networks, Inc. ex2300-24t Ethernet Switch, kernel JUNOS 21.4R3-S5.4, Build date: 2023-09-20 12:00:00 UTC Copyright (c) 1996-2023 Juniper Networks, Inc.')],
    ['1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.2636.1.1.1.2.132'],
    ['1.3.6.1.2.1.1.5.0', Buffer.from('ex-access01')],
    ['1.3.6.1.2.1.2.2.1.2.523', Buffer.from('ge-0/0/0')], ['1.3.6.1.2.1.2.2.1.3.523', 6], ['1.3.6.1.2.1.31.1.1.1.1.523', Buffer.from('ge-0/0/0')],
    ['1.3.6.1.2.1.2.2.1.2.524', Buffer.from('ge-0/0/1')], ['1.3.6.1.2.1.2.2.1.3.524', 6], ['1.3.6.1.2.1.31.1.1.1.1.524', Buffer.from('ge-0/0/1')],
    ['1.0.8802.1.1.2.1.3.2.0', Buffer.from('a8d0e5f10000', 'hex')],
  ];
  /** lldpLocPortTable's row for local port `num`: its id's subtype, the id and the port's description (none when undefined) */
  const localPort = (num: number, subtype: number, id: Buffer, descr?: string): Recording => [
    [`${LLDP_LOC_PORT}.2.${num}`, subtype], [`${LLDP_LOC_PORT}.3.${num}`, id], ...(descr === undefined ? [] : [[`${LLDP_LOC_PORT}.4.${num}`, Buffer.from(descr)] as [string, SnmpValue]]),
  ];
  /** lldpRemTable's row for neighbour `remIndex`, seen on local port `num`: its port id's subtype and id, its port description, its name */
  const remote = (num: number, remIndex: number, subtype: number, id: Buffer, descr: string | undefined, sysName: string): Recording => {
    const e = (col: number) => `${LLDP_REM}.${col}.0.${num}.${remIndex}`;
    return [
      [e(4), 4], [e(5), Buffer.from(`0200${String(remIndex).padStart(8, '0')}`, 'hex')], [e(6), subtype], [e(7), id],
      ...(descr === undefined ? [] : [[e(8), Buffer.from(descr)] as [string, SnmpValue]]), [e(9), Buffer.from(sysName)],
    ];
  };
  const ports = (neighbours: InventoryNeighbours) => neighbours?.map((n) => [n.remoteName, n.localPort, n.remotePort]);

  it('our port\'s locally assigned id (Junos: its ifIndex, "523") is the interface\'s name, ge-0/0/0, before its description; an id that is no ifIndex here is the description, else the number', async () => {
    const { report, problems } = await collect(JUNOS, [
      ...localPort(523, 7, Buffer.from('523'), 'uplink to core01'),
      ...localPort(524, 7, Buffer.from('524')),
      ...localPort(530, 7, Buffer.from('530'), 'to ap-3f'),
      ...localPort(531, 7, Buffer.from('531')),
      ...remote(523, 1, 5, Buffer.from('xe-0/1/0'), 'to ex-access01', 'core01'),
      ...remote(524, 2, 5, Buffer.from('Gi0'), 'GigabitEthernet0', 'ap-2f'),
      ...remote(530, 3, 5, Buffer.from('Gi0'), 'GigabitEthernet0', 'ap-3f'),
      ...remote(531, 4, 5, Buffer.from('Gi0'), 'GigabitEthernet0', 'ap-4f'),
    ]);
    expect(problems).toEqual([]);
    expect(ports(report.neighbours)).toEqual([
      ['core01', 'ge-0/0/0', 'xe-0/1/0'],
      ['ap-2f', 'ge-0/0/1', 'Gi0'],
      ['ap-3f', 'to ap-3f', 'Gi0'],
      ['ap-4f', '531', 'Gi0'],
    ]);
  });

  it('a Linux server\'s port id, its MAC (lldpd\'s default), is the description it sends, eth0, as is a network address; without one, the MAC written as a MAC and the address as an address', async () => {
    const { report } = await collect(JUNOS, [
      ...localPort(523, 7, Buffer.from('523')),
      ...localPort(524, 7, Buffer.from('524')),
      ...remote(523, 1, 3, Buffer.from('525400a1b2c3', 'hex'), 'eth0', 'web01'),
      ...remote(523, 2, 3, Buffer.from('525400a1b2c5', 'hex'), undefined, 'web02'),
      ...remote(524, 3, 4, Buffer.from('01c000020a', 'hex'), 'mgmt0', 'pdu01'), // family 1 (IPv4), 192.0.2.10
      ...remote(524, 4, 4, Buffer.from('01c000020b', 'hex'), '', 'pdu02'), // 192.0.2.11, an empty description
    ]);
    expect(ports(report.neighbours)).toEqual([
      ['web01', 'ge-0/0/0', 'eth0'],
      ['web02', 'ge-0/0/0', '52:54:00:a1:b2:c5'],
      ['pdu01', 'ge-0/0/1', 'mgmt0'],
      ['pdu02', 'ge-0/0/1', '192.0.2.11'],
    ]);
  });

  it('an interface name (subtype 5) or alias (1) is kept before the description; a neighbour\'s locally assigned id (7) is its description, else the number', async () => {
    const { report } = await collect(JUNOS, [
      ...localPort(523, 5, Buffer.from('ge-0/0/0'), 'uplink to core01'),
      ...localPort(524, 1, Buffer.from('access-uplink'), 'ge-0/0/1'),
      ...remote(523, 1, 5, Buffer.from('Te1/1/1'), 'TenGigabitEthernet1/1/1', 'core01'),
      ...remote(523, 2, 7, Buffer.from('517'), 'ge-0/0/12', 'ex-dist01'),
      ...remote(524, 3, 7, Buffer.from('518'), undefined, 'ex-dist02'),
    ]);
    expect(ports(report.neighbours)).toEqual([
      ['core01', 'ge-0/0/0', 'Te1/1/1'],
      ['ex-dist01', 'ge-0/0/0', 'ge-0/0/12'],
      ['ex-dist02', 'access-uplink', '518'],
    ]);
  });
});

describe('HOST-RESOURCES-MIB sizes', () => {
  const FIXED_DISK = '1.3.6.1.2.1.25.2.1.4';
  /** an hrStorageTable row: a fixed disk mounted at `descr`, `size` allocation units of `units` bytes */
  const disk = (index: number, descr: string, units: SnmpValue, size: SnmpValue): Recording => [
    [`1.3.6.1.2.1.25.2.3.1.2.${index}`, FIXED_DISK], [`1.3.6.1.2.1.25.2.3.1.3.${index}`, Buffer.from(descr)],
    [`1.3.6.1.2.1.25.2.3.1.4.${index}`, units], [`1.3.6.1.2.1.25.2.3.1.5.${index}`, size],
  ];

  it('a disk whose allocation unit or size is out of the MIB\'s range is left out, not stored with a size made of two wrongs; a size its agent wrapped past 2^31 units is read as unsigned', async () => {
    const { report, problems } = await collect(SYS, IFS, [
      ['1.3.6.1.2.1.25.2.2.0', 16_663_476],
      ...disk(1, '/', 4096, 2_441_406), // 10 GB
      ...disk(2, '/both-negative', -4096, -2_000_000), // -4096 × -2,000,000 is no 8 GB disk
      ...disk(3, 'E:\\ Label:Archive  Serial Number 9a3c01f2', 4096, -2_000_000), // 2^32 - 2,000,000 units, wrapped to Integer32: a 17.6 TB volume
      ...disk(4, '/no-unit', 0, 2_000_000),
      ...disk(5, '/size-as-text', 4096, Buffer.from('2000000')),
      ...disk(6, '/unit-as-text', Buffer.from('4096'), 2_000_000),
    ]);
    expect(problems).toEqual([]);
    expect(report.hardware).toEqual([
      { kind: 'memory', name: 'total memory', capacityBytes: 16_663_476 * 1024 },
      { kind: 'disk', name: '/', capacityBytes: 4096 * 2_441_406 },
      { kind: 'disk', name: 'E:\\ (Archive)', capacityBytes: 4096 * (2 ** 32 - 2_000_000) },
    ]);
  });

  it('a volume description of 64 KiB (spaces between the drive and "Label:") is kept whole, not parsed: the disk stays', async () => {
    // the label pattern backtracks quadratically over such a run of spaces: this one stalled a worker for seconds
    const padded = `C:\\ Label:${' '.repeat(65_000)}x`;
    const { report } = await collect(SYS, IFS, [...disk(1, padded, 4096, 2_441_406), ...disk(2, 'D:\\ Label:Data  Serial Number 5e2b9a11', 4096, 2_441_406)]);
    const names = report.hardware?.filter((h) => h.kind === 'disk').map((h) => h.name);
    expect(names?.[0] === padded).toBe(true); // (not printed whole on a failure)
    expect(names?.[1]).toBe('D:\\ (Data)');
  });

  it('a size past what a number holds exactly (2^31-1 units of 2^31-1 bytes) is no size: the disk stays, without one', async () => {
    const { report } = await collect(SYS, IFS, disk(1, '/huge', 2 ** 31 - 1, 2 ** 31 - 1), [['1.3.6.1.2.1.25.2.2.0', 2 ** 50]]);
    expect(report.hardware).toEqual([{ kind: 'memory', name: 'total memory' }, { kind: 'disk', name: '/huge' }]);
  });
});

/** The recording with these OIDs' values replaced (or added); `undefined` removes one. */
function patched(recording: Recording, changes: Record<string, SnmpValue | undefined>): Recording {
  const out = new Map(recording);
  for (const [oid, v] of Object.entries(changes)) if (v === undefined) out.delete(oid); else out.set(oid, v);
  return [...out];
}

describe('text that is only control characters, and numbers of the wrong sign or type', () => {
  it('an ifName of NULs is no name: the interface is called by its ifDescr, as one without ifName is', async () => {
    const { report } = await collect(SYS, patched(IFS, { '1.3.6.1.2.1.31.1.1.1.1.2': Buffer.from([0, 0, 0, 0]), '1.3.6.1.2.1.31.1.1.1.1.3': Buffer.from('\x1b\x7f ') }));
    expect(report.interfaces?.map((i) => i.name)).toEqual(['eth0', 'eth1']);
  });

  it('a negative ifHighSpeed or ifMtu is no value: the speed comes from ifSpeed, the MTU is left out', async () => {
    const { report } = await collect(SYS, patched(IFS, {
      '1.3.6.1.2.1.31.1.1.1.15.2': -1, '1.3.6.1.2.1.2.2.1.4.2': -1500,
      '1.3.6.1.2.1.2.2.1.5.3': Buffer.from('1000000000'), '1.3.6.1.2.1.2.2.1.4.3': 0, '1.3.6.1.2.1.2.2.1.6.3': 42,
    }));
    expect(report.interfaces).toEqual([
      expect.objectContaining({ name: 'eth0', speedMbps: 1000, mtu: undefined, mac: MACS[0] }),
      expect.objectContaining({ name: 'eth1', speedMbps: undefined, mtu: undefined, mac: undefined }),
    ]);
    expect(report.identity.macs).toEqual([MACS[0]]);
  });

  it('a 10 Gb/s port whose ifSpeed is pinned at 2^32-1 ("4.29 Gb/s or more") has ifHighSpeed\'s speed, or none without one, never 4295 Mb/s', async () => {
    // eth0 has an ifXTable row (ifHighSpeed 10000); eth1 none, as on agents that leave ifXTable out
    const { report } = await collect(SYS, patched(IFS, {
      '1.3.6.1.2.1.2.2.1.5.2': 4_294_967_295, '1.3.6.1.2.1.31.1.1.1.15.2': 10_000,
      '1.3.6.1.2.1.2.2.1.5.3': 4_294_967_295,
    }));
    expect(report.interfaces?.map((i) => [i.name, i.speedMbps])).toEqual([['eth0', 10_000], ['eth1', undefined]]);
  });

  it('a 64 kb/s serial line without ifHighSpeed has no speed, not "0 Mb/s"; a T1 rounds to 2 Mb/s', async () => {
    const { report } = await collect(SYS, patched(IFS, { '1.3.6.1.2.1.2.2.1.5.2': 64_000, '1.3.6.1.2.1.31.1.1.1.15.2': 0, '1.3.6.1.2.1.2.2.1.5.3': 1_544_000 }));
    expect(report.interfaces?.map((i) => [i.name, i.speedMbps])).toEqual([['eth0', undefined], ['eth1', 2]]);
  });

  /** a LaserJet whose administrator named it (prtGeneralPrinterName); hrDeviceTable's printer entry says the model */
  const PRINTER: Recording = [
    ['1.3.6.1.2.1.25.3.2.1.2.1', '1.3.6.1.2.1.25.3.1.5'], ['1.3.6.1.2.1.25.3.2.1.3.1', Buffer.from('HP LaserJet Pro M404dn')],
    ['1.3.6.1.2.1.25.3.2.1.2.2', '1.3.6.1.2.1.25.3.1.4'], ['1.3.6.1.2.1.25.3.2.1.3.2', Buffer.from('HP Jetdirect JD153 network interface')],
    ['1.3.6.1.2.1.43.5.1.1.16.1', Buffer.from('2nd floor HP')],
    ['1.3.6.1.2.1.43.5.1.1.17.1', Buffer.from('VNB3K12345')],
    ['1.3.6.1.2.1.43.10.2.1.4.1.1', 18_342],
  ];

  it('an ENTITY-MIB chassis whose serial and model are NULs says neither: the Printer-MIB serial and the printer device\'s model stand', async () => {
    const { report } = await collect(SYS, IFS, PRINTER, [
      ['1.3.6.1.2.1.47.1.1.1.1.5.1', 3], ['1.3.6.1.2.1.47.1.1.1.1.11.1', Buffer.alloc(16)], ['1.3.6.1.2.1.47.1.1.1.1.13.1', Buffer.from('\0')],
    ]);
    expect(report.identity.serial).toBe('VNB3K12345');
    expect(report.device).toMatchObject({ type: 'printer', model: 'HP LaserJet Pro M404dn' });
  });

  it('a negative page count is no page count (prtMarkerLifeCount is a Counter32)', async () => {
    const { report } = await collect(SYS, IFS, patched(PRINTER, { '1.3.6.1.2.1.43.10.2.1.4.1.1': -5 }));
    expect(report.device).toMatchObject({ type: 'printer' });
    expect(report.hardware?.filter((h) => h.slot === 'page count')).toEqual([]);
    const counted = await collect(SYS, IFS, PRINTER);
    expect(counted.report.hardware?.filter((h) => h.slot === 'page count')).toEqual([{ kind: 'other', slot: 'page count', name: 'Pages printed: 18342' }]);
  });
});

describe('tables longer than a collection reads', () => {
  /** ports 1…9,999 and 2^31-1 (the largest InterfaceIndex), each with a MAC of its own */
  const ports: Recording = [...Array.from({ length: 9_999 }, (_, i) => i + 1), 2 ** 31 - 1].flatMap((n): Recording => [
    [`1.3.6.1.2.1.2.2.1.2.${n}`, Buffer.from(`port${n}`)], [`1.3.6.1.2.1.2.2.1.3.${n}`, 6],
    [`1.3.6.1.2.1.2.2.1.6.${n}`, Buffer.from(`0200${n.toString(16).padStart(8, '0')}`, 'hex')],
  ]);

  it('an interface table of 10,000 rows keeps the first 4096 and says so', async () => {
    const { report, problems } = await collect(SYS, ports);
    expect(report.interfaces).toHaveLength(4096);
    expect(report.interfaces?.at(-1)).toMatchObject({ name: 'port4096', ifIndex: 4096, mac: '02:00:00:00:10:00' });
    expect(report.identity.macs).toHaveLength(4096);
    expect(problems).toEqual(['interfaces: the agent lists more than 4096; the first 4096 are kept']);
  });

  it('one of exactly as many rows as are read is whole, with nothing to say; ifIndex 2^31-1 is read as such', async () => {
    const last = ports.slice(-3 * 4096);
    const { report, problems } = await collect(SYS, last);
    expect(problems).toEqual([]);
    expect(report.interfaces).toHaveLength(4096);
    expect(report.interfaces?.at(-1)).toMatchObject({ name: 'port2147483647', ifIndex: 2 ** 31 - 1, mac: '02:00:7f:ff:ff:ff' });
  });

  it('a software list longer than the limit keeps the first programs and says so', async () => {
    const programs: Recording = Array.from({ length: 60 }, (_, i) => [`1.3.6.1.2.1.25.6.3.1.2.${i + 1}`, Buffer.from(`tool${i + 1}_1.0_amd64`)]);
    const within = { maxInterfaces: 4096, maxSoftware: 50 };
    const cut = await collectWithin(within, SYS, IFS, programs);
    expect(cut.report.software?.map((p) => p.name)).toEqual(Array.from({ length: 50 }, (_, i) => `tool${i + 1}`));
    expect(cut.problems).toEqual(['software: the agent lists more than 50 programs; the first 50 are kept']);
    const whole = await collectWithin(within, SYS, IFS, programs.slice(0, 50));
    expect(whole.report.software).toHaveLength(50);
    expect(whole.problems).toEqual([]);
  });

  it('a program name padded with NULs to the agent\'s buffer is split into name and version', async () => {
    const programs: Recording = [
      ['1.3.6.1.2.1.25.6.3.1.2.1', Buffer.concat([Buffer.from('Acme Backup Agent 4.2.1'), Buffer.alloc(40)])],
      ['1.3.6.1.2.1.25.6.3.1.2.2', Buffer.from('bash-5.1.8-6.el9\u0000\u0000')],
    ];
    const { report } = await collectWithin({ maxInterfaces: 4096, maxSoftware: 50 }, SYS, IFS, programs);
    expect(report.software).toEqual([
      expect.objectContaining({ name: 'Acme Backup Agent', version: '4.2.1' }),
      expect.objectContaining({ name: 'bash', version: '5.1.8-6.el9' }),
    ]);
  });
});

describe('an agent that fails (genErr) rather than lacks a table', () => {
  /** the recording's agent, answering genErr (5) to any walk of the columns under `failing`, at their first row, as a timed-out AgentX subagent does */
  const failingUnder = (failing: string[], recording: Recording): SnmpClient => {
    const agent = recordedAgent(recording) as unknown as Record<string, unknown>;
    const genErr = () => new SnmpError('protocol', 'the agent answered genErr', 5);
    const walk = agent.walk as (oid: string, max?: number) => Promise<Map<string, SnmpValue>>;
    const walkColumns = agent.walkColumns as (oids: string[], max?: number) => Promise<Array<Map<string, SnmpValue>>>;
    agent.walk = async (oid: string, max?: number) => (failing.some((f) => oid.startsWith(`${f}.`)) ? Promise.reject(genErr()) : walk(oid, max));
    agent.walkColumns = async (oids: string[], max?: number) => (oids.some((o) => failing.some((f) => o.startsWith(`${f}.`))) ? Promise.reject(genErr()) : walkColumns(oids, max));
    return agent as unknown as SnmpClient;
  };

  it('every column of ifTable refused with genErr leaves the interfaces out, and says so: none are read as "no interfaces" (which deleted the stored ones)', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(failingUnder(['1.3.6.1.2.1.2.2.1'], [...SYS, ...IFS]), '127.0.0.9', undefined, problems);
    expect(report.interfaces).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^interfaces not read: the agent answered genErr/)]);
  });

  it('one column refused with genErr is a column the agent lacks: the rest of the table is read', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(failingUnder(['1.3.6.1.2.1.2.2.1.2'], [...SYS, ...IFS]), '127.0.0.9', undefined, problems);
    expect(report.interfaces?.map((i) => [i.name, i.mac])).toEqual([['eth0', MACS[0]], ['eth1', MACS[1]]]);
    expect(problems).toEqual([]);
  });
});

describe('a printer\'s model', () => {
  const HR_DEVICE = '1.3.6.1.2.1.25.3.2.1';
  /** Printer-MIB's general group with the name its administrator gave it, and its page count */
  const NAMED_PRINTER: Recording = [
    ['1.3.6.1.2.1.43.5.1.1.16.1', Buffer.from('2nd floor HP')], ['1.3.6.1.2.1.43.5.1.1.17.1', Buffer.from('VNB3K12345')], ['1.3.6.1.2.1.43.10.2.1.4.1.1', 18_342],
  ];
  const printerDevice = (descr: string): Recording => [[`${HR_DEVICE}.2.1`, '1.3.6.1.2.1.25.3.1.5'], [`${HR_DEVICE}.3.1`, Buffer.from(descr)]];
  const chassis = (model: string): Recording => [['1.3.6.1.2.1.47.1.1.1.1.5.1', 3], ['1.3.6.1.2.1.47.1.1.1.1.13.1', Buffer.from(model)]];

  it.each([
    ['the printer device of hrDeviceTable', [printerDevice('HP LaserJet Pro M404dn')], 'HP LaserJet Pro M404dn'],
    ['the ENTITY-MIB chassis, before the printer device', [chassis('M404dn'), printerDevice('HP LaserJet Pro M404dn')], 'M404dn'],
    ['nothing, when no part of the agent names the hardware', [], undefined],
  ] as Array<[string, Recording[], string | undefined]>)('is said by %s, never by the name its administrator gave it', async (_name, parts, model) => {
    const { report } = await collect(SYS, IFS, NAMED_PRINTER, ...parts);
    expect(report.device?.type).toBe('printer');
    expect(report.device?.model).toBe(model);
    expect(JSON.stringify(report)).not.toContain('2nd floor HP');
  });
});

describe('processors: one core count for a machine, whichever source reads it', () => {
  const HR_DEVICE = '1.3.6.1.2.1.25.3.2.1';
  /** hrDeviceTable's rows for `n` logical processors described as `descr` (Net-SNMP numbers them from 768) */
  const processors = (n: number, descr: string): Recording =>
    Array.from({ length: n }, (_, i): Recording => [[`${HR_DEVICE}.2.${768 + i}`, '1.3.6.1.2.1.25.3.1.3'], [`${HR_DEVICE}.3.${768 + i}`, Buffer.from(descr)]]).flat();
  const fixture = (...parts: string[]) => fs.readFileSync(path.join(__dirname, 'ssh', 'fixtures', ...parts), 'utf8');
  const cpusOf = (hardware: Array<{ kind: string }> | undefined) => (hardware ?? []).filter((h) => h.kind === 'cpu');

  const lscpu = (file: string) => parseCpu(fixture('lscpu', `${file}.txt`));
  const i7_8700 = 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz';
  const i7_1265u = '12th Gen Intel(R) Core(TM) i7-1265U';

  it.each([
    // an i7-8700 (6 cores, 12 threads) seen by Net-SNMP on its Linux and by Windows' SNMP service, and by lscpu over SSH
    ['an i7-8700 by Net-SNMP', processors(12, `GenuineIntel: ${i7_8700}`), i7_8700, 'Intel', [lscpu('i7-8700-ubuntu2204')], 6],
    ['an i7-8700 by Windows', processors(12, i7_8700), i7_8700, undefined, [lscpu('i7-8700-ubuntu2204')], 6],
    // the ThinkPad's i7-1265U (2 performance cores with two threads, 8 efficiency cores with one): Windows' SNMP service, Windows over SSH, lscpu
    ['the ThinkPad\'s i7-1265U by Windows', processors(12, i7_1265u), i7_1265u, undefined, [parseWindows(fixture('windows-thinkpad', 'inventory.json'), '10.30.12.87').hardware!, lscpu('i7-1265u-fedora39')], 10],
  ] as Array<[string, Recording, string, string | undefined, Array<Array<{ kind: string; name?: string; cores?: number }>>, number]>)(
    '%s: the logical processors SNMP lists are not said as cores, which SSH says as the socket\'s physical cores',
    async (_name, rows, name, manufacturer, bySsh, cores) => {
      const { report } = await collect(SYS, IFS, rows);
      // one entry for the model, without cores: HOST-RESOURCES-MIB says neither sockets nor threads per core
      expect(cpusOf(report.hardware)).toEqual([{ kind: 'cpu', name, manufacturer }]);
      for (const hardware of bySsh) expect(cpusOf(hardware)).toEqual([expect.objectContaining({ name, cores, slot: 'socket 0' })]);
    },
  );
});
