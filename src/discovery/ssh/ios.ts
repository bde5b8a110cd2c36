// discovery/ssh: Cisco IOS and IOS XE over SSH. `show version` for hostname, software, model,
// serial and memory; `show inventory` for the chassis and its field-replaceable parts;
// `show interfaces` for ports, burned-in MACs and addresses.
import { InventoryReport } from '../../inventory/inventory-report';
import { classify } from '../classify';
import { CAPS, keyValues, mac, num, str } from './text';

/** In an interactive shell, in this order; over exec channels, all but the first. */
export const IOS_COMMANDS = ['terminal length 0', 'show version', 'show inventory', 'show interfaces'] as const;

export interface IosOutputs {
  version?: string;
  inventory?: string;
  interfaces?: string;
}

type Hardware = NonNullable<InventoryReport['hardware']>[number];
type Interface = NonNullable<InventoryReport['interfaces']>[number];

export interface ShowVersion {
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
  return /^% ?(Invalid input detected|Unknown command|Ambiguous command|Incomplete command)/m.test(text);
}

export function parseShowVersion(text: string | undefined): ShowVersion {
  const t = (text ?? '').replace(/\r/g, '');
  const lines = t.split('\n');
  const start = lines.findIndex((l) => /Cisco IOS/i.test(l));
  const banner = start >= 0 ? lines.slice(start, start + 3).join('\n') : '';
  const xe = /^Cisco IOS[ -]XE Software,? .*?Version ([^\s,]+)/im.exec(t);
  const classic = /Cisco IOS Software.*?,\s*Version ([^\s,]+)/i.exec(t);
  const uptime = /^(\S+) uptime is (.+)$/m.exec(t);
  // "Model number : WS-C2960X-24PS-L" on switches; "cisco ISR4331/K9 (1RU) processor" everywhere
  const fields = keyValues(t);
  const model = fields.get('model number') ?? /^cisco (\S+) .*processor/im.exec(t)?.[1];
  const serial = fields.get('system serial number') ?? /^Processor board ID (\S+)/m.exec(t)?.[1];
  // IOS XE: "4194304K bytes of physical memory."; classic IOS: "with 524288K/65536K bytes of memory."
  const physical = /^(\d+)K bytes of physical memory/m.exec(t);
  const withMem = /processor.*with (\d+)K(?:\/(\d+)K)? bytes of memory/i.exec(t);
  const memoryKb = physical ? Number(physical[1]) : withMem ? Number(withMem[1]) + Number(withMem[2] ?? 0) : undefined;
  return {
    hostname: str(uptime?.[1], 255),
    osName: xe ? 'Cisco IOS XE' : classic ? 'Cisco IOS' : undefined,
    osVersion: str(xe?.[1] ?? classic?.[1], 64),
    model: str(model, 255),
    serial: str(serial, 128),
    baseMac: mac(fields.get('base ethernet mac address')),
    memoryBytes: memoryKb ? memoryKb * 1024 : undefined,
    uptime: str(uptime?.[2], 128),
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
    out.push({ name: str(m[1], 255) ?? '', descr: str(m[2], 255), pid: str(m[3], 128), vid: str(m[4], 32), sn: str(m[5], 128) });
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

export function parseIos(o: IosOutputs, address: string): InventoryReport {
  const v = parseShowVersion(o.version);
  const items = o.inventory === undefined ? undefined : parseShowInventory(o.inventory);
  const chassis = items && chassisOf(items);
  const interfaces = o.interfaces === undefined ? undefined : parseShowInterfaces(o.interfaces);
  const c = classify(null, v.banner);
  const hardware: Hardware[] | undefined = items && [
    ...(v.memoryBytes ? [{ kind: 'memory' as const, name: 'total memory', capacityBytes: v.memoryBytes }] : []),
    // field-replaceable parts with serials: power supplies, modules, transceivers
    ...items
      .filter((i) => i.sn && i.sn !== chassis?.sn)
      .slice(0, CAPS.disks)
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
      vendor: 'Cisco', type: c.type ?? 'router', platform: 'cisco-ios', osFamily: 'network-os',
      model: chassis?.pid ?? v.model, osName: v.osName ?? c.osName, osVersion: v.osVersion ?? c.osVersion,
    },
    ...(hardware ? { hardware } : {}),
    ...(interfaces ? { interfaces } : {}),
  };
}
