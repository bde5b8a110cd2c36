// discovery/ssh: Cisco IOS and IOS XE over SSH. `show version` for hostname, software, model,
// serial and memory; `show inventory` for the chassis and its field-replaceable parts;
// `show interfaces` for ports, burned-in MACs and addresses. The ASA, IOS XR and NX-OS can land
// here too (the same SSH server, or the same refusal of the probe): show version tells them apart,
// and what IOS's patterns would misread of them is left out.
import { InventoryReport } from '../../inventory/inventory-report';
import { DeviceType, Platform } from '../../devices/device.entity';
import { classify } from '../classify';
import { CAPS, keyValues, mac, num, smbios, str } from './text';

/** In an interactive shell, in this order; over exec channels, all but the first. */
export const IOS_COMMANDS = ['terminal length 0', 'show version', 'show inventory', 'show interfaces'] as const;

export interface IosOutputs {
  version?: string;
  inventory?: string;
  interfaces?: string;
}

type Hardware = NonNullable<InventoryReport['hardware']>[number];
type Interface = NonNullable<InventoryReport['interfaces']>[number];

/** The Cisco operating systems whose show version Teknisi tells apart; the ASA and IOS XR answer SSH as IOS does. */
export type CiscoOs = 'ios' | 'ios-xe' | 'ios-xr' | 'nx-os' | 'asa';

export interface ShowVersion {
  /** undefined: no show version that Teknisi knows */
  os?: CiscoOs;
  hostname?: string;
  osName?: string;
  osVersion?: string;
  model?: string;
  serial?: string;
  baseMac?: string;
  memoryBytes?: number;
  uptime?: string;
  /** the software banner, the text that IOS also serves as sysDescr */
  banner: string;
}

/** Whether a reply is IOS refusing a command it does not know (the probe on exec channels). */
export function isIosRejection(text: string): boolean {
  // NX-OS says "% Invalid command at '^' marker.", the ASA "ERROR: % Invalid input detected …"
  return /^(?:ERROR: )?% ?(Invalid input detected|Invalid command|Unknown command|Ambiguous command|Incomplete command)/m.test(text);
}

/**
 * Each OS by the line its show version starts with, most specific first, and its version (from
 * that line unless said apart). Anchored at a line's start: a login banner's prose names nothing.
 */
const CISCO_OSES: Array<{ os: CiscoOs; name: string; pattern: RegExp; version?: RegExp }> = [
  { os: 'nx-os', name: 'Cisco NX-OS', pattern: /^Cisco Nexus Operating System \(NX-OS\) Software/m, version: /^[ \t]*(?:NXOS|system):[ \t]+version[ \t]+(\S+)/im },
  { os: 'asa', name: 'Cisco ASA', pattern: /^Cisco Adaptive Security Appliance Software Version (\S+)/m },
  { os: 'ios-xr', name: 'Cisco IOS XR', pattern: /^Cisco IOS XR Software, Version ([^\s,[]+)/m },
  { os: 'ios-xe', name: 'Cisco IOS XE', pattern: /^Cisco IOS[ -]XE Software,? .*?Version ([^\s,]+)/im },
  // IOS XE 3 (Catalyst 3850, 4500-X) still starts as IOS did
  { os: 'ios-xe', name: 'Cisco IOS XE', pattern: /^Cisco IOS Software,? IOS-XE Software.*?,\s*Version ([^\s,]+)/im },
  // IOS 12 and older: "IOS (tm) C2950 Software (C2950-I6Q4L2-M), Version 12.1(22)EA14, …"
  { os: 'ios', name: 'Cisco IOS', pattern: /^(?:Cisco IOS Software|IOS \(tm\)).*?,\s*Version ([^\s,]+)/im },
];

/** "acc-sw03 uptime is 1 year, 8 weeks, …"; NX-OS says "Kernel uptime is", IOS XR "System uptime is" */
const UPTIME = /^(\S+) uptime is (\d+ (?:years?|weeks?|days?|hours?|minutes?|seconds?)\b.*)$/gm;
const NOT_A_HOSTNAME = /^(Kernel|System)$/;
/** the ASA: "edge-fw01 up 45 days 3 hours" */
const ASA_UP = /^(\S+) up (\d+ (?:years?|weeks?|days?|hours?|mins?|secs?)\b.*)$/m;

export function parseShowVersion(text: string | undefined): ShowVersion {
  const t = (text ?? '').replace(/\r/g, '');
  let os: (typeof CISCO_OSES)[number] | undefined, first: RegExpExecArray | null = null;
  for (const candidate of CISCO_OSES) {
    first = candidate.pattern.exec(t);
    if (first) {
      os = candidate;
      break;
    }
  }
  const banner = first ? t.slice(first.index).split('\n').slice(0, 3).join('\n') : '';
  const uptimes = [...t.matchAll(UPTIME)];
  const asaUp = os?.os === 'asa' ? ASA_UP.exec(t) : null;
  const deviceName = os?.os === 'nx-os' ? /^[ \t]*Device name:[ \t]*(\S+)/m.exec(t)?.[1] : undefined;
  // "Model number : WS-C2960X-24PS-L" on switches; "cisco ISR4331/K9 (1RU) processor" on most, the ISR
  // G1/G2 and 800 series without "processor": "Cisco CISCO2911/K9 (revision 1.0) with 491520K/32768K
  // bytes of memory."; "cisco Nexus9000 C93180YC-EX chassis"; the ASA's "Hardware:   ASA5516, 8192 MB RAM, …"
  const fields = keyValues(t);
  const asaHardware = os?.os === 'asa' ? /^Hardware:[ \t]+([^,\s]+),(?:.*?(\d+) MB RAM)?/m.exec(t) : null;
  const model = fields.get('model number') ?? /^cisco (\S+) .*(?:processor|K bytes of memory)/im.exec(t)?.[1] ?? /^[ \t]*cisco (.+?) chassis/im.exec(t)?.[1] ?? asaHardware?.[1];
  const serial = fields.get('system serial number') ?? /^[ \t]*Processor board ID (\S+)/im.exec(t)?.[1] ?? (os?.os === 'asa' ? fields.get('serial number') : undefined);
  // IOS XE: "4194304K bytes of physical memory."; classic IOS: "with 524288K/65536K bytes of memory.",
  // main and I/O memory, which together are the DRAM fitted; NX-OS: "with 24632252 kB of memory."
  const physical = /^(\d+)K bytes of physical memory/m.exec(t);
  const withMem = /^cisco \S+ .*with (\d+)K(?:\/(\d+)K)? bytes of memory/im.exec(t);
  const nxos = /with (\d+) kB of memory/.exec(t);
  const memoryKb = physical ? Number(physical[1]) : withMem ? Number(withMem[1]) + Number(withMem[2] ?? 0) : nxos ? Number(nxos[1]) : asaHardware?.[2] ? Number(asaHardware[2]) * 1024 : undefined;
  return {
    os: os?.os,
    hostname: str(deviceName ?? asaUp?.[1] ?? uptimes.find((m) => !NOT_A_HOSTNAME.test(m[1]))?.[1], 255),
    osName: os?.name,
    osVersion: str(first && (os?.version ? os.version.exec(t)?.[1] : first[1]), 64),
    model: str(model, 255),
    serial: str(serial, 128),
    baseMac: mac(fields.get('base ethernet mac address')),
    memoryBytes: memoryKb ? memoryKb * 1024 : undefined,
    uptime: str(asaUp?.[2] ?? uptimes[0]?.[2], 128),
    banner,
  };
}

export interface InventoryItem {
  name: string;
  descr?: string;
  pid?: string;
  vid?: string;
  sn?: string;
}

export function parseShowInventory(text: string | undefined): InventoryItem[] {
  const out: InventoryItem[] = [];
  // the SN may be blank: nothing after it may be read from the next item's line. A quoted field
  // may hold quotes of its own (third-party optics): NAME ends at `", DESCR:`, DESCR at the line's
  // last quote. The ASA writes "Name:".
  const re = /NAME:[ \t]*"(.*?)"[ \t]*,[ \t]*DESCR:[ \t]*"(.*)"[ \t]*\n[ \t]*PID:[ \t]*([^,\n]*?)[ \t]*,[ \t]*VID:[ \t]*([^,\n]*?)[ \t]*,[ \t]*SN:[ \t]*(\S*)/gi;
  const t = (text ?? '').replace(/\r/g, '');
  for (let m = re.exec(t); m && out.length < 1024; m = re.exec(t)) {
    // NX-OS's fans and the ASA's parts say "N/A"
    out.push({ name: str(m[1], 255) ?? '', descr: str(m[2], 255), pid: str(m[3], 128), vid: smbios(m[4], 32), sn: smbios(m[5], 128) });
  }
  return out;
}

/** The chassis: named so, else stack member 1, else the first item. */
export function chassisOf(items: InventoryItem[]): InventoryItem | undefined {
  return items.find((i) => /chassis/i.test(i.name) || /chassis/i.test(i.descr ?? '')) ?? items.find((i) => /^(switch )?1$/i.test(i.name)) ?? items[0];
}

const STATUS: Record<string, string> = { up: 'up', down: 'down', 'administratively down': 'down', deleted: 'down' };

export function parseShowInterfaces(text: string | undefined): Interface[] {
  const out: Interface[] = [];
  let current: Interface | undefined;
  for (const raw of (text ?? '').replace(/\r/g, '').split('\n')) {
    const head = /^(\S+) is (administratively down|up|down|deleted),\s*line protocol is (\w+)/.exec(raw);
    if (head) {
      if (out.length >= CAPS.interfaces) break;
      current = { name: str(head[1], 64)!, adminStatus: head[2] === 'administratively down' ? 'down' : 'up', operStatus: STATUS[head[3]] ?? head[3], addresses: [] };
      out.push(current);
      continue;
    }
    if (!current || !/^\s/.test(raw)) continue;
    const line = raw.trim();
    const hw = /^Hardware is .*?, address is (\S+)(?: \(bia (\S+)\))?/.exec(line);
    if (hw) current.mac = mac(hw[2] ?? hw[1]);
    const desc = /^Description: (.*)$/.exec(line);
    if (desc) current.description = str(desc[1], 255);
    const ip = /^Internet address is ([\d.]+)\//.exec(line);
    if (ip && current.addresses!.length < CAPS.addressesPerInterface) current.addresses!.push(ip[1]);
    const mtu = /^MTU (\d+) bytes, BW (\d+) Kbit/.exec(line);
    if (mtu) {
      current.mtu = num(mtu[1]);
      current.speedMbps = Math.round(Number(mtu[2]) / 1000) || undefined;
    }
    // the negotiated speed, where the port says it, beats the configured bandwidth
    const speed = /(?:^|,\s*)(\d+)(Mb|Gb)(?:ps|\/s)?(?:,|$)/.exec(line);
    if (speed && /duplex/i.test(line)) current.speedMbps = Number(speed[1]) * (speed[2] === 'Gb' ? 1000 : 1);
  }
  return out;
}

/** What each OS is in Teknisi's terms: the ASA and IOS XR have no driver of their own */
const PLATFORMS: Record<CiscoOs, Platform> = { ios: 'cisco-ios', 'ios-xe': 'cisco-ios', 'ios-xr': 'other', 'nx-os': 'cisco-nxos', asa: 'other' };
const TYPES: Partial<Record<CiscoOs, DeviceType>> = { 'nx-os': 'switch', asa: 'firewall' };
/** whose show interfaces reads as IOS's (NX-OS's and the ASA's are worded otherwise) */
const IOS_INTERFACES: ReadonlySet<CiscoOs | undefined> = new Set<CiscoOs | undefined>(['ios', 'ios-xe', 'ios-xr']);

export function parseIos(o: IosOutputs, address: string): InventoryReport {
  const v = parseShowVersion(o.version);
  // without show version, the SSH server or the probe's refusal is what said IOS; with one that
  // names no OS Teknisi knows, nothing is said of the platform (ingest keeps what it knew)
  const iosByTransport = o.version === undefined;
  const items = o.inventory === undefined ? undefined : parseShowInventory(o.inventory);
  const chassis = items && chassisOf(items);
  const interfaces = o.interfaces === undefined || !(iosByTransport || IOS_INTERFACES.has(v.os)) ? undefined : parseShowInterfaces(o.interfaces);
  const c = classify(null, v.banner);
  const hardware: Hardware[] | undefined = items && [
    ...(v.memoryBytes ? [{ kind: 'memory' as const, name: 'total memory', capacityBytes: v.memoryBytes }] : []),
    // field-replaceable parts with serials: power supplies, modules, transceivers; all of those
    // parseShowInventory read (a chassis of 8 line cards × 36 optics has ~300): the list replaces
    // the stored one, so a part left out past a smaller cap was recorded as removed
    ...items
      .filter((i) => i.sn && i.sn !== chassis?.sn)
      .map((i) => ({ kind: 'other' as const, name: i.descr ?? i.name, model: i.pid, serial: i.sn, slot: str(i.name, 64) })),
  ];
  const macs = [v.baseMac, ...(interfaces ?? []).map((i) => i.mac)].filter((m): m is string => !!m);
  const addresses = (interfaces ?? []).flatMap((i) => i.addresses ?? []).filter((a) => a !== address);
  return {
    source: 'ssh',
    identity: {
      hostname: v.hostname,
      serial: chassis?.sn ?? v.serial,
      macs: [...new Set(macs)],
      addresses: [address, ...new Set(addresses)],
    },
    device: {
      vendor: 'Cisco',
      type: v.os ? (TYPES[v.os] ?? c.type ?? 'router') : iosByTransport ? 'router' : undefined,
      platform: v.os ? PLATFORMS[v.os] : iosByTransport ? 'cisco-ios' : undefined,
      osFamily: 'network-os',
      model: chassis?.pid ?? v.model, osName: v.osName, osVersion: v.osVersion,
    },
    ...(hardware ? { hardware } : {}),
    ...(interfaces ? { interfaces } : {}),
  };
}
