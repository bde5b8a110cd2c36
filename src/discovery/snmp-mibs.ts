// discovery/: one reader per MIB that the SNMP collector understands — IF-MIB with IP-MIB
// addresses, HOST-RESOURCES-MIB, ENTITY-MIB, Printer-MIB, LLDP-MIB and CISCO-CDP-MIB — each
// turning its tables into the parts of an InventoryReport. Values are untrusted device text.
import { InventoryReport } from '../inventory/inventory-report';
import { SnmpValue, text } from '../protocols/snmp/snmp.client';
import { dateFromOctets, ipFromBytes, ipFromIndex, isLinkLocal, macFromOctets, num, TableReader } from './snmp-tables';

type Interface = NonNullable<InventoryReport['interfaces']>[number];
type Hardware = NonNullable<InventoryReport['hardware']>[number];
type Neighbour = NonNullable<InventoryReport['neighbours']>[number];

export const OID = {
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
  ipAdEntIfIndex: '1.3.6.1.2.1.4.20.1.2',
  ipAddressEntry: '1.3.6.1.2.1.4.34.1',
  hrMemorySize: '1.3.6.1.2.1.25.2.2.0',
  hrStorageEntry: '1.3.6.1.2.1.25.2.3.1',
  hrDeviceEntry: '1.3.6.1.2.1.25.3.2.1',
  hrSWInstalledName: '1.3.6.1.2.1.25.6.3.1.2',
  hrSWInstalledDate: '1.3.6.1.2.1.25.6.3.1.5',
  entPhysicalEntry: '1.3.6.1.2.1.47.1.1.1.1',
  prtGeneralSerialNumber: '1.3.6.1.2.1.43.5.1.1.17.1',
  prtMarkerLifeCount: '1.3.6.1.2.1.43.10.2.1.4.1.1',
  prtSuppliesEntry: '1.3.6.1.2.1.43.11.1.1',
  lldpLocChassisId: '1.0.8802.1.1.2.1.3.2.0',
  lldpLocPortEntry: '1.0.8802.1.1.2.1.3.7.1',
  lldpRemEntry: '1.0.8802.1.1.2.1.4.1.1',
  lldpRemManAddrIfSubtype: '1.0.8802.1.1.2.1.4.2.1.3',
  cdpCacheEntry: '1.3.6.1.4.1.9.9.23.1.2.1.1',
  cdpGlobalRun: '1.3.6.1.4.1.9.9.23.1.3.1.0',
};

/** The scalars the readers below need, fetched together in one request. */
export const SCALARS = [OID.hrMemorySize, OID.prtGeneralSerialNumber, OID.prtMarkerLifeCount, OID.lldpLocChassisId, OID.cdpGlobalRun];

const STATUS: Record<number, string> = { 1: 'up', 2: 'down', 3: 'testing', 4: 'unknown', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown' };
/** ifSpeed's ceiling (a Gauge32): RFC 2863 says it means "this or faster, see ifHighSpeed", not 4295 Mb/s */
const IF_SPEED_SATURATED = 2 ** 32 - 1;
/** IANAifType values of virtual interfaces (loopback, PPP, tunnels, VLAN, LAG, bridge): their MACs don't identify a machine */
const VIRTUAL_IF_TYPES = new Set([1, 23, 24, 53, 131, 135, 136, 161, 209]);

/**
 * Device text, or undefined when it says nothing: empty, blank, or only control characters
 * (NUL-padded firmware fields). Such a value must not stand in front of the next source of the
 * same thing (ifDescr for a name, the Printer-MIB's serial): ingest would clean it to nothing.
 */
const str = (v: SnmpValue | undefined) => text(v)?.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim() || undefined;
/** A count the MIB says is positive (a speed, an MTU); zero, negative or not a number is none. */
const positive = (v: SnmpValue | undefined) => {
  const n = num(v);
  return n !== null && n > 0 ? n : undefined;
};

// --- IF-MIB and IP-MIB --------------------------------------------------------------------

/**
 * The first `max` interfaces; `more` when the agent lists more than that (one row more is read
 * to tell), so that the scan can say the list was cut rather than pass it off as the whole.
 */
export async function readInterfaces(r: TableReader, max: number): Promise<{ interfaces: Interface[]; physicalMacs: string[]; more: boolean }> {
  const [ifTable, ifXTable, addrs] = await Promise.all([
    r.table(OID.ifEntry, [2, 3, 4, 5, 6, 7, 8], max + 1),
    r.table(OID.ifXEntry, [1, 15, 18], max + 1),
    readAddresses(r, max * 4),
  ]);
  const interfaces: Interface[] = [];
  const physicalMacs = new Set<string>();
  for (const [index, cols] of [...ifTable].slice(0, max)) {
    const x = ifXTable.get(index);
    const name = str(x?.get(1)) ?? str(cols.get(2)) ?? `if${index}`;
    const descr = str(cols.get(2));
    const mac = macFromOctets(cols.get(6));
    const usefulMac = mac && mac !== '00:00:00:00:00:00' ? mac : undefined;
    const type = num(cols.get(3));
    if (usefulMac && !VIRTUAL_IF_TYPES.has(type ?? 0)) physicalMacs.add(usefulMac);
    const highSpeed = positive(x?.get(15));
    // a saturated ifSpeed without an ifHighSpeed leaves the speed unknown
    const ifSpeed = positive(cols.get(5));
    const speed = ifSpeed === IF_SPEED_SATURATED ? undefined : ifSpeed;
    interfaces.push({
      name,
      // the administrator's label when there is one, else the hardware's description
      description: str(x?.get(18)) ?? (descr !== name ? descr : undefined),
      ifIndex: Number(index),
      mac: usefulMac,
      mtu: positive(cols.get(4)),
      // under 1 Mb/s (a 64 kb/s serial line) is not "0 Mb/s": unknown, as the column counts whole Mb/s
      speedMbps: highSpeed ?? (speed && speed >= 1e6 ? Math.round(speed / 1e6) : undefined),
      adminStatus: STATUS[num(cols.get(7)) ?? 0],
      operStatus: STATUS[num(cols.get(8)) ?? 0],
      addresses: addrs.get(index) ?? [],
    });
  }
  return { interfaces, physicalMacs: [...physicalMacs], more: ifTable.size > max };
}

/** ifIndex → addresses, from ipAddrTable (IPv4, every agent) and ipAddressTable (IPv4 and IPv6, newer agents). */
async function readAddresses(r: TableReader, max: number): Promise<Map<string, string[]>> {
  const [legacy, modern] = await Promise.all([r.column(OID.ipAdEntIfIndex, max), r.table(OID.ipAddressEntry, [3, 4], max)]);
  const out = new Map<string, string[]>();
  const add = (ifIndex: SnmpValue | undefined, ip: string) => {
    const key = String(num(ifIndex) ?? '');
    if (!key || isLinkLocal(ip)) return;
    const list = out.get(key) ?? [];
    if (!list.includes(ip)) out.set(key, [...list, ip]);
  };
  for (const [ip, ifIndex] of legacy) add(ifIndex, ip);
  for (const [index, cols] of modern) {
    const parsed = ipFromIndex(index.split('.'));
    if (parsed && num(cols.get(4)) !== 3) add(cols.get(3), parsed.ip); // 3: broadcast
  }
  return out;
}

// --- HOST-RESOURCES-MIB -------------------------------------------------------------------

const HR_STORAGE_FIXED_DISK = '1.3.6.1.2.1.25.2.1.4';
const HR_DEVICE = { processor: '1.3.6.1.2.1.25.3.1.3', printer: '1.3.6.1.2.1.25.3.1.5' };
/** Linux file systems that are views of memory or the kernel, not disks */
const PSEUDO_MOUNTS = /^\/(dev|sys|proc|run)(\/|$)/;
const CPU_VENDORS: Record<string, string> = { GenuineIntel: 'Intel', AuthenticAMD: 'AMD' };

export interface HostResources {
  hardware: Hardware[];
  /**
   * hrDeviceTable's printer description: the hardware's model ("HP LaserJet Pro M404dn"), which
   * the Printer-MIB requires a printer to list (its tables are indexed by hrDeviceIndex). A
   * Windows PC lists its print queues there too.
   */
  printerDescr?: string;
  /** whether the agent has HOST-RESOURCES-MIB at all */
  present: boolean;
}

export async function readHostResources(r: TableReader, memoryKb: number | null): Promise<HostResources> {
  const [storage, devices] = await Promise.all([r.table(OID.hrStorageEntry, [2, 3, 4, 5], 1000), r.table(OID.hrDeviceEntry, [2, 3], 5000)]);
  const hardware: Hardware[] = [];
  if (memoryKb && memoryKb > 0) hardware.push({ kind: 'memory', name: 'total memory', ...capacity(memoryKb * 1024) });

  // One entry per processor model, without `cores`. A CPU's `cores` is the physical cores of
  // one socket, as SSH (lscpu's "Core(s) per socket", Win32_Processor.NumberOfCores) and the
  // agents report it, one entry per socket. hrDeviceTable's rows are logical processors
  // instead (Net-SNMP lists each "processor" of /proc/cpuinfo, Windows each logical
  // processor), of every socket together, and HOST-RESOURCES-MIB says neither sockets nor
  // threads per core: counted as cores, an i7-8700 had 12 by SNMP and 6 by SSH, and the
  // machine's history flipped between the two with each source's scan.
  const cpus = new Set<string>();
  for (const cols of devices.values()) {
    if (text(cols.get(2)) === HR_DEVICE.processor) cpus.add(str(cols.get(3)) ?? 'processor');
  }
  for (const descr of cpus) {
    // Net-SNMP on Linux says "GenuineIntel: Intel(R) Core(TM) …"
    const m = /^(\w+): (.+)$/.exec(descr);
    hardware.push({ kind: 'cpu', name: m ? m[2] : descr, manufacturer: m ? (CPU_VENDORS[m[1]] ?? m[1]) : undefined });
  }

  for (const cols of storage.values()) {
    if (text(cols.get(2)) !== HR_STORAGE_FIXED_DISK) continue;
    const descr = str(cols.get(3));
    // hrStorageAllocationUnits is 1..2^31-1 and hrStorageSize 0..2^31-1: a unit outside that (two
    // negatives made a plausible size) says nothing about the disk. A negative size of a real
    // unit is a volume past 2^31 units that the agent's 32 bits wrapped (Windows' SNMP service on
    // volumes over 8 TiB, older Net-SNMP): read as unsigned, as LibreNMS and Cacti read it
    const units = num(cols.get(4)) ?? 0;
    const raw = num(cols.get(5)) ?? Number.NaN;
    const size = raw < 0 && raw >= -(2 ** 31) ? raw + 2 ** 32 : raw;
    if (!descr || PSEUDO_MOUNTS.test(descr) || units < 1 || !(size >= 0) || units * size < 16 * 2 ** 20) continue;
    hardware.push({ kind: 'disk', name: volumeName(descr), ...capacity(units * size) });
  }

  const printer = [...devices.values()].find((cols) => text(cols.get(2)) === HR_DEVICE.printer);
  return { hardware, printerDescr: str(printer?.get(3)), present: storage.size > 0 || devices.size > 0 || !!memoryKb };
}

/** A size in bytes, unless it is past what a number holds exactly (no disk or memory is 8 PiB): then none. */
function capacity(bytes: number): { capacityBytes?: number } {
  return Number.isSafeInteger(bytes) ? { capacityBytes: bytes } : {};
}

/**
 * Windows describes a volume as `C:\ Label:Data  Serial Number 5e2b9a11`: keep the drive and its
 * label. Only a description of a volume's length is parsed: the pattern backtracks quadratically
 * over a long run of spaces, and an agent may send 64 KiB of them (seconds of a worker's CPU).
 */
function volumeName(descr: string): string {
  if (descr.length > 300) return descr;
  const m = /^([A-Za-z]:\\)\s*Label:(.*?)\s*Serial Number\s+\w+$/.exec(descr);
  if (!m) return descr;
  return m[2].trim() ? `${m[1]} (${m[2].trim()})` : m[1];
}

/** The first `max` installed programs; `more` when the agent lists more (as readInterfaces). */
export async function readSoftware(r: TableReader, max: number): Promise<{ programs: Array<{ full: string; installDate?: string }>; more: boolean } | undefined> {
  const [names, dates] = await Promise.all([r.column(OID.hrSWInstalledName, max + 1), r.column(OID.hrSWInstalledDate, max + 1)]);
  if (!names.size) return undefined;
  const programs: Array<{ full: string; installDate?: string }> = [];
  for (const [index, name] of [...names].slice(0, max)) {
    // control characters out first: a name padded with NULs to the agent's buffer ("Foo 1.2\0\0")
    // kept its version glued to the name, the split's "version at the end" finding none
    const full = str(name);
    if (full) programs.push({ full, installDate: dateFromOctets(dates.get(index)) });
  }
  return { programs, more: names.size > max };
}

// --- ENTITY-MIB ---------------------------------------------------------------------------

/** The first chassis (entPhysicalClass 3) in index order: a stack's first member. */
export async function readChassis(r: TableReader): Promise<{ serial?: string; model?: string; manufacturer?: string }> {
  const entities = await r.table(OID.entPhysicalEntry, [5, 11, 12, 13], 20_000);
  const chassis = [...entities.values()].find((c) => num(c.get(5)) === 3);
  return { serial: str(chassis?.get(11)), model: str(chassis?.get(13)), manufacturer: str(chassis?.get(12)) };
}

// --- Printer-MIB --------------------------------------------------------------------------

export interface PrinterInfo {
  serial?: string;
  /** page count and supplies, as hardware entries of kind 'other' */
  hardware: Hardware[];
}

/**
 * Printer-MIB basics, or undefined when the agent is not a printer's. Not prtGeneralPrinterName:
 * that is the name an administrator gives the printer ("2nd floor HP"), no model, and the
 * report has no field for it; the model is the printer device's hrDeviceDescr.
 */
export async function readPrinter(r: TableReader, scalars: Map<string, SnmpValue>): Promise<PrinterInfo | undefined> {
  const serial = str(scalars.get(OID.prtGeneralSerialNumber));
  const lifeCount = num(scalars.get(OID.prtMarkerLifeCount));
  const pages = lifeCount !== null && lifeCount >= 0 ? lifeCount : null; // a Counter32: negative is no count
  if (!serial && pages === null) return undefined;
  const hardware: Hardware[] = [];
  // the current value is in the name: ingest compares hardware by its description
  if (pages !== null) hardware.push({ kind: 'other', slot: 'page count', name: `Pages printed: ${pages}` });
  const supplies = await r.table(OID.prtSuppliesEntry, [6, 8, 9], 200);
  for (const [index, cols] of supplies) {
    const descr = str(cols.get(6));
    if (!descr) continue;
    hardware.push({ kind: 'other', slot: `supply ${index}`, name: `${descr}: ${supplyLevel(num(cols.get(8)), num(cols.get(9)))}` });
  }
  return { serial, hardware };
}

/** prtMarkerSuppliesLevel against MaxCapacity; negative values are RFC 3805's "unknown" and "some remaining". */
export function supplyLevel(max: number | null, level: number | null): string {
  if (level === -3) return 'some remaining';
  if (level === null || level < 0) return 'level unknown';
  if (max !== null && max > 0) return `${Math.round((100 * Math.min(level, max)) / max)}%`;
  return String(level);
}

// --- LLDP-MIB and CISCO-CDP-MIB -----------------------------------------------------------

/**
 * Neighbours by LLDP and CDP. undefined when the agent implements neither MIB (its local
 * LLDP chassis id and CDP's global switch answer nothing), [] when it does but sees no one.
 */
export async function readNeighbours(r: TableReader, scalars: Map<string, SnmpValue>, ifNames: Promise<Map<number, string>>): Promise<Neighbour[] | undefined> {
  const hasLldp = scalars.get(OID.lldpLocChassisId) != null;
  const hasCdp = scalars.get(OID.cdpGlobalRun) != null;
  if (!hasLldp && !hasCdp) return undefined;
  const [lldp, cdp, names] = await Promise.all([hasLldp ? readLldp(r, ifNames) : [], hasCdp ? readCdp(r) : [], ifNames]);
  // local ports: LLDP names its own (else its port number is an ifIndex), CDP gives the ifIndex
  return [...lldp, ...cdp].map(({ localIfIndex, ...n }) => ({ ...n, localPort: n.localPort ?? names.get(localIfIndex) }));
}

type Seen = Neighbour & { localIfIndex: number };

async function readLldp(r: TableReader, ifNames: Promise<Map<number, string>>): Promise<Seen[]> {
  const [remote, localPorts, manAddrs, names] = await Promise.all([
    r.table(OID.lldpRemEntry, [4, 5, 6, 7, 8, 9], 4096),
    r.table(OID.lldpLocPortEntry, [2, 3, 4], 4096),
    r.column(OID.lldpRemManAddrIfSubtype, 4096),
    ifNames,
  ]);
  // management addresses sit in the index: timeMark.localPort.remIndex.addrSubtype.len.addr…
  const addressOf = new Map<string, string>();
  for (const index of manAddrs.keys()) {
    const parts = index.split('.');
    const parsed = ipFromIndex(parts.slice(3));
    const key = parts.slice(0, 3).join('.');
    if (parsed && (!addressOf.has(key) || !parsed.ip.includes(':'))) addressOf.set(key, parsed.ip);
  }
  const out: Seen[] = [];
  for (const [index, cols] of remote) {
    const localPortNum = Number(index.split('.')[1]);
    const local = localPorts.get(String(localPortNum));
    out.push({
      protocol: 'lldp',
      localPort: lldpPort(num(local?.get(2)), local?.get(3), local?.get(4), names),
      localIfIndex: localPortNum,
      remoteChassisId: lldpId(num(cols.get(4)), cols.get(5), true),
      remotePort: lldpPort(num(cols.get(6)), cols.get(7), cols.get(8)),
      remoteName: str(cols.get(9)),
      remoteAddress: addressOf.get(index),
    });
  }
  return out;
}

/** LldpPortIdSubtype values whose id is no name a technician knows the port by: a MAC, a network address, a locally assigned id */
const PORT_ID_NOT_A_NAME = new Set([3, 4, 7]);
const PORT_ID_LOCAL = 7;

/**
 * The port a technician knows: the name on the device's own interface list. An id that is an
 * interface's name or alias (subtypes 5 and 1, most switches) is that, before the description
 * (often an administrator's free text). A MAC (3, lldpd's default), a network address (4) or a
 * locally assigned id (7, Junos: the ifIndex as text, "523") is not: the port's description
 * (lldpd sends "eth0") stands before it, and without one the id is still better than nothing.
 * Our own port's locally assigned number is looked up in our interface table first, so that
 * the neighbour's row names ge-0/0/0 as the interface list does, not its description.
 */
function lldpPort(subtype: number | null, id: SnmpValue | undefined, descr: SnmpValue | undefined, ifNames?: Map<number, string>): string | undefined {
  if (subtype === null || !PORT_ID_NOT_A_NAME.has(subtype)) return lldpId(subtype, id) ?? str(descr);
  const local = str(id);
  const ifName = subtype === PORT_ID_LOCAL && local && /^\d{1,10}$/.test(local) ? ifNames?.get(Number(local)) : undefined;
  return ifName ?? str(descr) ?? lldpId(subtype, id);
}

/**
 * An LLDP chassis or port id by its subtype: a MAC (chassis subtype 4, port subtype 3), a
 * network address (chassis 5, port 4: an address family octet, then the address), else text.
 */
function lldpId(subtype: number | null, v: SnmpValue | undefined, chassis = false): string | undefined {
  if (subtype === (chassis ? 4 : 3)) return macFromOctets(v) ?? str(v);
  if (subtype === (chassis ? 5 : 4) && Buffer.isBuffer(v)) return ipFromBytes(v.subarray(1)) ?? str(v);
  return str(v);
}

async function readCdp(r: TableReader): Promise<Seen[]> {
  const cache = await r.table(OID.cdpCacheEntry, [3, 4, 6, 7, 8], 4096);
  const out: Seen[] = [];
  for (const [index, cols] of cache) {
    const address = cols.get(4);
    out.push({
      protocol: 'cdp',
      localIfIndex: Number(index.split('.')[0]),
      remoteName: str(cols.get(6)),
      remotePort: str(cols.get(7)),
      remotePlatform: str(cols.get(8)),
      // cdpCacheAddressType 1 is IP (4 bytes); 20 is IPv6
      remoteAddress: Buffer.isBuffer(address) && [1, 20].includes(num(cols.get(3)) ?? 0) ? ipFromBytes(address) : undefined,
    });
  }
  return out;
}
