// discovery/: collects one device over SNMP into an InventoryReport: the system group and
// classification, interfaces with MACs and IPv4/IPv6 addresses, the ENTITY-MIB chassis,
// HOST-RESOURCES memory, processors, disks and installed software, Printer-MIB basics and
// LLDP/CDP neighbours. Tables that an agent lacks are skipped, not fatal; only the system
// group must answer. The per-MIB readers live in snmp-mibs.ts.
import { InventoryReport } from '../inventory/inventory-report';
import { readSystem, SnmpClient, SnmpError } from '../protocols/snmp/snmp.client';
import { classify } from './classify';
import { OID, readChassis, readHostResources, readInterfaces, readNeighbours, readPrinter, readSoftware, SCALARS } from './snmp-mibs';
import { num, TableReader } from './snmp-tables';

export { dateFromOctets, macFromOctets, tableRows } from './snmp-tables';

const ARCH_TOKENS: Record<string, string> = {
  x64: 'x64', 'x86_64': 'x64', amd64: 'x64', '64-bit': 'x64', '64bit': 'x64',
  x86: 'x86', '32-bit': 'x86', '32bit': 'x86', arm64: 'arm64', aarch64: 'arm64',
};
const LOCALE = /^[a-z]{2}(-[a-z]{2,4})?$/i;

/**
 * Whether a sysName reads as a dotted DNS name (`sw-core-01.corp.example`), whose first label is
 * the host name. An address (`192.0.2.15`, which some set on printers and cameras) or a label
 * with a space (`Printer v2.1`) is a name as it is, not a host in a domain.
 */
export function dnsName(sysName: string | null | undefined): boolean {
  if (!sysName || !sysName.includes('.') || sysName.length > 253) return false;
  const labels = sysName.replace(/\.$/, '').split('.');
  return labels.every((l) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(l)) && /[A-Za-z]/.test(labels[labels.length - 1]);
}

/**
 * A Windows display name's architecture marker — "(x64)", "(64-bit)", "(x64 en-US)" or a
 * trailing "x64"/"amd64" — taken out of the name, so that one product is one title
 * (a locale inside the marker goes with it).
 */
export function splitArchitecture(name: string): { name: string; architecture?: string } {
  let architecture: string | undefined;
  const stripped = name
    // (?<!\s): a run of white space is tried from its start only; tried from each of its
    // characters, 60,000 spaces (a field padded to the agent's buffer) took 9 s of this process
    .replace(/(?<!\s)\s*\(([^()]*)\)/g, (group, inner: string) => {
      const tokens = inner.split(/[\s,]+/).filter(Boolean);
      const arch = tokens.map((t) => ARCH_TOKENS[t.toLowerCase()]).find(Boolean);
      if (!arch || !tokens.every((t) => ARCH_TOKENS[t.toLowerCase()] || LOCALE.test(t))) return group;
      architecture ??= arch;
      return '';
    })
    .replace(/[\s-](x64|x86|amd64)$/i, (m, t: string) => {
      architecture ??= ARCH_TOKENS[t.toLowerCase()];
      return '';
    })
    .trim();
  return stripped ? { name: stripped, ...(architecture ? { architecture } : {}) } : { name };
}

/**
 * hrSWInstalledName carries name and version in one string: Debian's agent sends
 * name_version_arch, RPM-based ones name-version-release.arch, Windows its display name
 * ("7-Zip 23.01 (x64)", "Mozilla Firefox (x64 en-US) 128.0", "… Redistributable (x64) - 14.38"),
 * others "Name 1.2.3". A bare year ("Office 2016") is part of the name, not a version.
 */
export function splitSoftwareName(full: string): { name: string; version: string; architecture?: string } {
  const deb = /^([a-z0-9][a-z0-9+.-]+)_([^_\s]+)_([a-z0-9-]+)$/.exec(full);
  if (deb) return { name: deb[1], version: deb[2], architecture: deb[3] };
  const rpm = /^([\w+.-]+?)-(\d[\w.+~^]*-[\w.+~^]+)\.(x86_64|i686|noarch|aarch64|ppc64le|s390x)$/.exec(full);
  if (rpm) return { name: rpm[1], version: rpm[2], architecture: rpm[3] };
  const { name, architecture } = splitArchitecture(full);
  const arch = architecture ? { architecture } : {};
  const spaced = /^(.*?\S)(?:\s+-)?(?:\s+(?:version|release))?\s+v?(\d[\w.:+~-]*)$/i.exec(name);
  if (spaced && !/^(19|20)\d\d$/.test(spaced[2])) return { name: spaced[1], version: spaced[2], ...arch };
  // one word: name-version-release without the architecture (Net-SNMP's RPM reader on some
  // builds), or name-version (FreeBSD's pkg, Solaris); left whole, every update of a package
  // read as one title removed and another added
  if (!/\s/.test(name)) {
    const nv = /^(.+?)-(\d[\w.+~^]*-[\w.+~^]+)$/.exec(name) ?? /^(.+)-(\d[\w.+~^,]*)$/.exec(name);
    if (nv && /[a-z]/i.test(nv[1]) && !/^(19|20)\d\d$/.test(nv[2])) return { name: nv[1], version: nv[2], ...arch };
  }
  return { name, version: '', ...arch };
}

export interface CollectLimits {
  maxInterfaces: number;
  maxSoftware: number;
}

/**
 * One device's inventory over SNMP. Parts that could not be read are left out of the report
 * and said, one line each, in `problems` (when given), for the scan's result.
 */
export async function collectSnmp(
  client: SnmpClient,
  address: string,
  limits: CollectLimits = { maxInterfaces: 4096, maxSoftware: 20_000 },
  problems: string[] = [],
): Promise<InventoryReport> {
  const sys = await readSystem(client);
  const r = new TableReader(client);
  // every table at once (the reader keeps a few walks in flight); what needs a scalar or the
  // interface names waits for just that. A part that timed out or failed part-way is null and
  // left out of the report — ingest then keeps what it knew — rather than reported as empty.
  const failed = (part: string) => (err: unknown) => {
    problems.push(`${part} not read: ${err instanceof SnmpError && err.reason === 'timeout' ? 'the agent stopped answering' : (err as Error).message}`);
    return null;
  };
  const scalars = r.scalars(SCALARS);
  const interfaces = readInterfaces(r, limits.maxInterfaces).catch(failed('interfaces'));
  const ifNames = interfaces.then((ifs) => new Map((ifs?.interfaces ?? []).map((i) => [i.ifIndex!, i.name])));
  const [ifs, host, software, chassis, printer, neighbours] = await Promise.all([
    interfaces,
    scalars.then((s) => readHostResources(r, num(s.get(OID.hrMemorySize)))).catch(failed('hardware')),
    readSoftware(r, limits.maxSoftware).catch(failed('software')),
    readChassis(r).catch((err) => (failed('chassis serial and model')(err), {} as Awaited<ReturnType<typeof readChassis>>)),
    scalars.then((s) => readPrinter(r, s)).catch(failed('printer')),
    scalars.then((s) => readNeighbours(r, s, ifNames)).catch(failed('LLDP/CDP neighbours')),
  ]);

  if (ifs?.more) problems.push(`interfaces: the agent lists more than ${limits.maxInterfaces}; the first ${limits.maxInterfaces} are kept`);
  if (software?.more) problems.push(`software: the agent lists more than ${limits.maxSoftware} programs; the first ${limits.maxSoftware} are kept`);
  const odd = [...client.undecodableValues];
  if (odd.length) {
    const [oid, why] = odd[0];
    problems.push(`${odd.length === 1 ? 'a value' : `${odd.length} values`} the agent sent could not be decoded and ${odd.length === 1 ? 'is' : 'are'} left empty (${oid}${odd.length > 1 ? ', the first' : ''}: ${why})`);
  }

  const c = classify(sys.sysObjectID, sys.sysDescr);
  const fqdn = dnsName(sys.sysName) ? sys.sysName! : undefined;
  // a printer is one by its Printer-MIB, whatever its network card calls itself
  if (printer) Object.assign(c, { type: 'printer', platform: c.platform ?? 'printer', osFamily: c.osFamily ?? 'embedded' });
  // without an ENTITY-MIB chassis, a printer's model is what its hrDeviceTable printer entry says
  // (never prtGeneralPrinterName: an administrator's label such as "2nd floor HP")
  const model = chassis.model ?? (printer ? host?.printerDescr : undefined);
  // absent, not empty, when the agent says nothing about hardware (or stopped answering): what is known stands
  const hardwareKnown = host !== null && printer !== null && (host.present || printer !== undefined);
  return {
    source: 'snmp',
    identity: {
      hostname: (fqdn ? fqdn.split('.')[0] : sys.sysName) || undefined,
      fqdn,
      serial: chassis.serial ?? printer?.serial,
      macs: ifs?.physicalMacs,
      addresses: [address],
    },
    device: { ...c, vendor: c.vendor ?? chassis.manufacturer, model },
    ...(hardwareKnown ? { hardware: [...host.hardware, ...(printer?.hardware ?? [])] } : {}),
    ...(ifs ? { interfaces: ifs.interfaces } : {}),
    ...(software ? { software: software.programs.map((s) => ({ ...splitSoftwareName(s.full), installDate: s.installDate })) } : {}),
    ...(neighbours ? { neighbours } : {}),
  };
}
