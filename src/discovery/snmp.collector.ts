// discovery/: collects one device over SNMP into an InventoryReport: the system group and
// classification, interfaces with MACs and addresses, the ENTITY-MIB chassis serial and
// model, memory and installed software from the HOST-RESOURCES-MIB. Tables that an agent
// lacks are skipped, not fatal; only the system group must answer.
import { InventoryReport } from '../inventory/inventory-report';
import { readSystem, SnmpClient, SnmpValue, text } from '../protocols/snmp/snmp.client';
import { classify } from './classify';

const OID = {
  ifTable: '1.3.6.1.2.1.2.2.1',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
  ipAdEntIfIndex: '1.3.6.1.2.1.4.20.1.2',
  entPhysical: '1.3.6.1.2.1.47.1.1.1.1',
  hrMemorySize: '1.3.6.1.2.1.25.2.2.0',
  hrSWInstalledName: '1.3.6.1.2.1.25.6.3.1.2',
  hrSWInstalledDate: '1.3.6.1.2.1.25.6.3.1.5',
};

/** Rows of a table walk: index (the OID suffix after the column) → column number → value. */
export function tableRows(values: Map<string, SnmpValue>, base: string): Map<string, Map<number, SnmpValue>> {
  const rows = new Map<string, Map<number, SnmpValue>>();
  for (const [oid, v] of values) {
    if (!oid.startsWith(`${base}.`)) continue;
    const [col, ...index] = oid.slice(base.length + 1).split('.');
    const key = index.join('.');
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key)!.set(Number(col), v);
  }
  return rows;
}

/** 6 raw bytes → aa:bb:cc:dd:ee:ff; anything else is not a MAC. */
export function macFromOctets(v: SnmpValue | undefined): string | undefined {
  if (!Buffer.isBuffer(v) || v.length !== 6) return undefined;
  return [...v].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** SNMP DateAndTime (8 or 11 octets) → YYYY-MM-DD. */
export function dateFromOctets(v: SnmpValue | undefined): string | undefined {
  if (!Buffer.isBuffer(v) || v.length < 8) return undefined;
  const year = v.readUInt16BE(0);
  if (year < 1980 || year > 2100 || v[2] < 1 || v[2] > 12 || v[3] < 1 || v[3] > 31) return undefined;
  return `${year}-${String(v[2]).padStart(2, '0')}-${String(v[3]).padStart(2, '0')}`;
}

/**
 * hrSWInstalledName carries name and version in one string: Debian's agent sends
 * name_version_arch, RPM-based ones name-version-release.arch, others "Name 1.2.3".
 */
export function splitSoftwareName(full: string): { name: string; version: string; architecture?: string } {
  const deb = /^([a-z0-9][a-z0-9+.-]+)_([^_\s]+)_([a-z0-9-]+)$/.exec(full);
  if (deb) return { name: deb[1], version: deb[2], architecture: deb[3] };
  const rpm = /^([\w+.-]+?)-(\d[\w.+~^]*-[\w.+~^]+)\.(x86_64|i686|noarch|aarch64|ppc64le|s390x)$/.exec(full);
  if (rpm) return { name: rpm[1], version: rpm[2], architecture: rpm[3] };
  const spaced = /^(.*?\S)(?:\s+-)?\s+v?(\d[\w.:+~-]*)$/.exec(full);
  if (spaced) return { name: spaced[1], version: spaced[2] };
  return { name: full, version: '' };
}

const STATUS: Record<number, string> = { 1: 'up', 2: 'down', 3: 'testing', 5: 'dormant', 6: 'notPresent', 7: 'lowerLayerDown' };

export async function collectSnmp(client: SnmpClient, address: string, limits = { maxInterfaces: 4096, maxSoftware: 20_000 }): Promise<InventoryReport> {
  const sys = await readSystem(client);
  const optional = (p: Promise<Map<string, SnmpValue>>) => p.catch(() => new Map<string, SnmpValue>());
  const [ifTable, ifName, ifHighSpeed, ipAddr, entity, memory, swNames, swDates] = await Promise.all([
    optional(client.walk(OID.ifTable, limits.maxInterfaces * 22)),
    optional(client.walk(OID.ifName, limits.maxInterfaces)),
    optional(client.walk(OID.ifHighSpeed, limits.maxInterfaces)),
    optional(client.walk(OID.ipAdEntIfIndex, limits.maxInterfaces * 4)),
    optional(client.walk(OID.entPhysical, 20_000)),
    client.get([OID.hrMemorySize]).catch(() => new Map<string, SnmpValue>()),
    optional(client.walk(OID.hrSWInstalledName, limits.maxSoftware)),
    optional(client.walk(OID.hrSWInstalledDate, limits.maxSoftware)),
  ]);

  const addressesByIf = new Map<string, string[]>();
  for (const [oid, ifIndex] of ipAddr) {
    const ip = oid.slice(OID.ipAdEntIfIndex.length + 1);
    const key = String(ifIndex);
    addressesByIf.set(key, [...(addressesByIf.get(key) ?? []), ip]);
  }
  const interfaces: NonNullable<InventoryReport['interfaces']> = [];
  for (const [index, cols] of tableRows(ifTable, OID.ifTable)) {
    const highSpeed = Number(ifHighSpeed.get(`${OID.ifHighSpeed}.${index}`) ?? 0);
    const speed = Number(cols.get(5) ?? 0);
    interfaces.push({
      name: text(ifName.get(`${OID.ifName}.${index}`)) ?? text(cols.get(2)) ?? `if${index}`,
      description: text(cols.get(2)) ?? undefined,
      ifIndex: Number(index),
      mac: macFromOctets(cols.get(6)),
      mtu: Number(cols.get(4) ?? 0) || undefined,
      speedMbps: highSpeed || (speed ? Math.round(speed / 1e6) : undefined),
      adminStatus: STATUS[Number(cols.get(7))],
      operStatus: STATUS[Number(cols.get(8))],
      addresses: addressesByIf.get(index) ?? [],
    });
  }

  // ENTITY-MIB: the first chassis (entPhysicalClass 3) carries the serial and model
  const chassis = [...tableRows(entity, OID.entPhysical).values()].find((c) => Number(c.get(5)) === 3);
  const serial = text(chassis?.get(11)) ?? undefined;
  const entModel = text(chassis?.get(13)) ?? undefined;

  const software: NonNullable<InventoryReport['software']> = [];
  for (const [oid, name] of swNames) {
    const index = oid.slice(OID.hrSWInstalledName.length + 1);
    const full = text(name);
    if (!full) continue;
    software.push({ ...splitSoftwareName(full), installDate: dateFromOctets(swDates.get(`${OID.hrSWInstalledDate}.${index}`)) });
  }

  const c = classify(sys.sysObjectID, sys.sysDescr);
  const memKb = Number(memory.get(OID.hrMemorySize) ?? 0);
  return {
    source: 'snmp',
    identity: {
      hostname: sys.sysName?.split('.')[0] || undefined,
      fqdn: sys.sysName?.includes('.') ? sys.sysName : undefined,
      serial,
      macs: interfaces.map((i) => i.mac).filter((m): m is string => !!m),
      addresses: [address],
    },
    device: { ...c, model: entModel },
    hardware: memKb > 0 ? [{ kind: 'memory', name: 'total memory', capacityBytes: memKb * 1024 }] : [],
    interfaces,
    ...(swNames.size ? { software } : {}),
  };
}
