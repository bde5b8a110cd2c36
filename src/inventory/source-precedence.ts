// inventory/: which source's view of a machine stands when several sources see it. One PC
// scanned over SNMP and SSH gets two different descriptions of itself ("Linux 6.1.0-28-amd64"
// and memory only from SNMP; "Debian GNU/Linux 12 (bookworm)", CPUs, disks and dpkg's list
// from SSH). Written one over the other, every scan would record the OS, hardware and software
// changing back and forth. So the fields a report writes come in groups, and per group a
// ranking of sources decides which one's view the device keeps:
//
//   A report writes a group unless a source ranked above its own saw the device within the
//   window (the stale window, TEKNISI_STALE_DAYS) and the device already knows something of
//   that group. A lower source therefore still fills what nobody better has told, and takes
//   over once the better source has been silent longer than the window.
//
// The OS fields go together (a distribution's name with a kernel's version would be neither);
// vendor, model and serial are separate facts, so a lower source still fills an empty one.
// "Saw the device" is all device_sources knows: a better source that sees a device but never
// reports some group (an agent sending only a heartbeat) holds that group all the same.
//
// Identity (hostname, FQDN, MACs, the address the device was reached at), lastSeen, status,
// and type and platform (filled only while unknown) are not ranked: every source keeps them
// current, as before. Which source holds a group is computed from device_sources (who saw
// the device, and when), so nothing is stored for it.
import { DeviceType, Platform } from '../devices/device.entity';
import { SourceKind } from '../devices/device-source.entity';

export const FIELD_GROUPS = ['os', 'device', 'hardware', 'software', 'interfaces'] as const;
/**
 * os: osFamily, osName, osVersion · device: vendor, model, serial · hardware: the component
 * list · software: installed software · interfaces: the interface table and, with it, the
 * device's whole address list (a lower source only adds the addresses it reached it at)
 */
export type FieldGroup = (typeof FIELD_GROUPS)[number];

/** The device columns each scalar group is made of. */
export const GROUP_FIELDS = {
  os: ['osFamily', 'osName', 'osVersion'],
  device: ['vendor', 'model', 'serial'],
} as const satisfies Partial<Record<FieldGroup, readonly string[]>>;

export type ReportSource = Exclude<SourceKind, 'manual'>;

/** Computers (anything with an OS a login can inspect), or network gear (switches, routers, printers …). */
export type DeviceClass = 'computer' | 'network';

const COMPUTER_FIRST: readonly ReportSource[] = ['agent', 'ssh', 'snmp'];
const CLI_FIRST: readonly ReportSource[] = ['ssh', 'snmp', 'agent'];
const SNMP_FIRST: readonly ReportSource[] = ['snmp', 'ssh', 'agent'];

/**
 * Best first. On a computer an agent or a login reads the machine itself (os-release, DMI,
 * lscpu and lsblk, the package database), while SNMP sees the kernel string, total memory
 * and whatever the agent's hrSWInstalled makes of the package list: agent > ssh > snmp
 * everywhere. On network gear SSH is the CLI: `show version` names IOS XE as such where
 * sysDescr just says IOS, and `show inventory` lists the replaceable parts with serials,
 * so it keeps the lead for OS and hardware; the interface table is SNMP's, since IF-MIB
 * gives ifIndex, speeds, aliases and every address in structured form and uses the port
 * names (Gi1/0/1) that LLDP/CDP neighbours refer to, where `show interfaces` is a screen
 * scrape with long names (GigabitEthernet1/0/1). Agents don't run on network gear, so an
 * agent's report there is someone's forgery or mistake: ranked last for every group (and
 * ingest never matches one to network gear in the first place), so that the next scan puts the
 * device's own view back.
 */
export const PRECEDENCE: Record<DeviceClass, Record<FieldGroup, readonly ReportSource[]>> = {
  computer: { os: COMPUTER_FIRST, device: COMPUTER_FIRST, hardware: COMPUTER_FIRST, software: COMPUTER_FIRST, interfaces: COMPUTER_FIRST },
  network: { os: CLI_FIRST, device: CLI_FIRST, hardware: CLI_FIRST, software: CLI_FIRST, interfaces: SNMP_FIRST },
};

const NETWORK_PLATFORMS: ReadonlySet<Platform> = new Set(['cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios', 'printer']);
const NETWORK_TYPES: ReadonlySet<DeviceType> = new Set(['switch', 'router', 'firewall', 'access-point', 'printer', 'phone']);

export function deviceClass(platform: Platform | null | undefined, type: DeviceType | null | undefined): DeviceClass {
  return (platform && NETWORK_PLATFORMS.has(platform)) || (type && NETWORK_TYPES.has(type)) ? 'network' : 'computer';
}

export interface Sighting {
  kind: SourceKind;
  lastSeen: Date;
  /** where that source last reached the device, when it says */
  address?: string | null;
}

/** For each group, the best source ranked above `source` that saw the device within `windowDays` before `at`. */
export function outrankedBy(source: ReportSource, at: Date, cls: DeviceClass, sightings: Sighting[], windowDays: number): Partial<Record<FieldGroup, ReportSource>> {
  const since = at.getTime() - windowDays * 86_400_000;
  const fresh = sightings.filter((s) => s.kind !== source && s.lastSeen.getTime() >= since).map((s) => s.kind);
  const out: Partial<Record<FieldGroup, ReportSource>> = {};
  for (const group of FIELD_GROUPS) {
    const ranking = PRECEDENCE[cls][group];
    const own = ranking.indexOf(source);
    // a kind outside the ranking (manual: a technician's edit) never holds a group
    const better = ranking.find((kind, i) => i < own && fresh.includes(kind));
    if (better) out[group] = better;
  }
  return out;
}

/**
 * The addresses other sources reach the device at that a report of `source` must leave alone,
 * though it does not see the machine there: a machine SNMP reaches at a NAT or management
 * address its own interfaces do not carry, and SSH at another, is at both. Without this each
 * report took the other's address away and moved the primary address back, at every scan.
 * Only an address another source reached it at last, within the window, and only once this
 * source has itself reached the device somewhere else: a source's first sighting may be news
 * (the machine moved to a new DHCP lease), and an address this source used to reach it at and
 * reaches it at no longer is a move, not a second address. Once the other source finds the
 * machine elsewhere too, the address is no longer held.
 */
export function addressesOthersReach(source: ReportSource, at: Date, sightings: Sighting[], windowDays: number): Set<string> {
  const own = sightings.find((s) => s.kind === source)?.address;
  if (!own) return new Set();
  const since = at.getTime() - windowDays * 86_400_000;
  return new Set(
    sightings
      .filter((s) => s.kind !== source && s.address && s.address !== own && s.lastSeen.getTime() >= since)
      .map((s) => s.address as string),
  );
}
