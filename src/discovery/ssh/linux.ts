// discovery/ssh: a Linux machine over SSH. Fixed commands (no user input in any of them), each
// run on its own and allowed to fail: what is missing is left out of the report, not guessed.
import { InventoryReport } from '../../inventory/inventory-report';
import { DeviceType } from '../../devices/device.entity';
import { asArray, CAPS, dayOfEpoch, isRecord, isVirtualHardware, keyValues, mac, num, parseHostname, parseJson, smbios, str } from './text';

export const LINUX_COMMANDS = {
  // RHEL and CentOS 6 have no os-release: their release file says it ("CentOS release 6.10 (Final)")
  osRelease: "cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release; printf 'DEBIAN_VERSION=%s\\n' \"$(cat /etc/debian_version 2>/dev/null)\"; printf 'REDHAT_RELEASE=%s\\n' \"$(head -n 1 /etc/redhat-release 2>/dev/null)\"",
  // Arch, Fedora and UBI containers may lack the hostname command; uname is coreutils'
  hostname: 'hostname 2>/dev/null || uname -n',
  machineId: 'cat /etc/machine-id 2>/dev/null || cat /var/lib/dbus/machine-id',
  // unreadable files (product_serial is root-only on most systems) come out empty
  dmi: "for f in sys_vendor product_name product_serial product_uuid chassis_type; do printf '%s=%s\\n' \"$f\" \"$(cat /sys/class/dmi/id/$f 2>/dev/null)\"; done",
  // a container (LXC, Proxmox's CTs, systemd-nspawn, podman) sees its host's /sys: its DMI and
  // disks are the host's. systemd in a container says which in /run/systemd/container; podman
  // leaves /run/.containerenv
  container: 'cat /run/systemd/container 2>/dev/null || { test -e /run/.containerenv && echo podman; } || true',
  cpu: 'LC_ALL=C lscpu 2>/dev/null || cat /proc/cpuinfo',
  memory: 'cat /proc/meminfo',
  // util-linux before 2.27 (RHEL 7) has no -J: its KEY="value" form, with SERIAL where it has
  // that. An lsblk that is there and fails says "#failed" (the disks are unknown, not none), as
  // the Linux agent's does; a machine without lsblk (busybox) has no disk list to read at all
  disks: 'if command -v lsblk >/dev/null 2>&1; then lsblk -J -b -d -o NAME,TYPE,SIZE,MODEL,SERIAL,VENDOR,TRAN 2>/dev/null || lsblk -P -b -d -o NAME,TYPE,SIZE,MODEL,SERIAL,VENDOR 2>/dev/null || lsblk -P -b -d -o NAME,TYPE,SIZE,MODEL,VENDOR 2>/dev/null || echo "#failed"; fi',
  network: 'ip -j addr show 2>/dev/null || ip addr show',
  // dpkg only where its database holds something: Fedora and EPEL package dpkg, whose dpkg-query
  // lists nothing and succeeds on an empty or missing status file, and the report would say the
  // machine has no software instead of giving its rpm list. The status file is looked for where
  // dpkg-query looks (DPKG_ADMINDIR, else the default)
  packages: [
    'if command -v dpkg-query >/dev/null 2>&1 && test -s "${DPKG_ADMINDIR:-/var/lib/dpkg}/status"; then echo "#dpkg"; dpkg-query -W -f=\'${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\n\';',
    'elif command -v rpm >/dev/null 2>&1; then echo "#rpm"; rpm -qa --qf \'%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n\';',
    'elif command -v apk >/dev/null 2>&1; then echo "#apk"; apk list -I 2>/dev/null || apk info -v;',
    'elif command -v pacman >/dev/null 2>&1; then echo "#pacman"; pacman -Q;',
    // a manager that fails (a damaged database) may have printed part of the list, or none of it
    'fi || echo "#failed"',
  ].join(' '),
} as const;

export type LinuxCommand = keyof typeof LINUX_COMMANDS;
/** stdout of each command */
export type LinuxOutputs = Partial<Record<LinuxCommand, string>>;

type Software = NonNullable<InventoryReport['software']>[number];
type Interface = NonNullable<InventoryReport['interfaces']>[number];
type Hardware = NonNullable<InventoryReport['hardware']>[number];

const dmiValue = (v: string | undefined) => smbios(v, 255);

/** Interfaces whose MACs say nothing about which machine this is (bridges, containers, tunnels). */
const VIRTUAL_IFACE = /^(lo|veth|docker|br-|virbr|vnet|tun|tap|cni|flannel|cali|kube|lxc|lxd|wg|vxlan|genev|tailscale|zt|dummy|ifb|bond\d+\.|team)/;

/**
 * An os-release value as the shell reads it: "…" with \\ \" \$ \` escaped, '…' literal, bare
 * text with backslash escapes; undefined when a quote is never closed (no guessing).
 */
function shellValue(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += raw.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) out += raw[j] === '\\' && '"\\$`'.includes(raw[j + 1] ?? '') ? raw[++j] : raw[j];
      if (j >= raw.length) return undefined;
      i = j;
    } else if (c === '\\' && i + 1 < raw.length) out += raw[++i];
    else out += c;
  }
  return out;
}

export function parseOsRelease(text: string | undefined): Pick<NonNullable<InventoryReport['device']>, 'osName' | 'osVersion'> {
  const kv = keyValues(text ?? '', /=/);
  const get = (k: string) => str(shellValue(kv.get(k.toLowerCase())), 128);
  const id = get('ID');
  const versionId = get('VERSION_ID');
  const version = get('VERSION');
  const debian = get('DEBIAN_VERSION');
  let osVersion = versionId;
  const redhatVersion = / release (\d[\w.]*)/.exec(kv.get('redhat_release') ?? '')?.[1];
  if (id === 'debian' && debian && versionId && debian.startsWith(`${versionId}.`)) osVersion = debian;
  // CentOS 7 says VERSION_ID="7", its release file "CentOS Linux release 7.9.2009 (Core)"
  else if (versionId && redhatVersion?.startsWith(`${versionId}.`)) osVersion = redhatVersion.slice(0, 128);
  else if (versionId && version) {
    // Ubuntu's VERSION carries the point release: "22.04.4 LTS (Jammy Jellyfish)"
    const precise = /^(\d[\w.]*)/.exec(version)?.[1];
    if (precise && precise.startsWith(`${versionId}.`)) osVersion = precise;
  }
  const name = get('NAME') ?? get('PRETTY_NAME');
  // no os-release (RHEL/CentOS 6): "CentOS release 6.10 (Final)", "Red Hat Enterprise Linux Server release 6.10 (Santiago)"
  const redhat = name ? null : /^(.+?) release (\d[\w.]*)/.exec(kv.get('redhat_release') ?? '');
  if (redhat) return { osName: str(redhat[1], 128), osVersion: redhat[2].slice(0, 128) };
  return { osName: name ?? 'Linux', osVersion: osVersion ?? get('BUILD_ID') };
}

/** DMI chassis types (SMBIOS 7.4.1) that say what kind of machine it is. */
const CHASSIS: Record<number, DeviceType> = {
  3: 'workstation', 4: 'workstation', 5: 'workstation', 6: 'workstation', 7: 'workstation', 13: 'workstation', 15: 'workstation', 16: 'workstation', 35: 'workstation', 36: 'workstation',
  8: 'laptop', 9: 'laptop', 10: 'laptop', 14: 'laptop', 30: 'laptop', 31: 'laptop', 32: 'laptop',
  17: 'server', 23: 'server', 25: 'server', 28: 'server', 29: 'server',
};

export function parseDmi(text: string | undefined): { vendor?: string; model?: string; serial?: string; uuid?: string; type?: DeviceType } {
  const kv = keyValues(text ?? '', /=/);
  const vendor = dmiValue(kv.get('sys_vendor'));
  const model = dmiValue(kv.get('product_name'));
  const type = isVirtualHardware(vendor, model) ? 'virtual-machine' : CHASSIS[Number(kv.get('chassis_type'))];
  return { vendor, model, serial: dmiValue(kv.get('product_serial')), uuid: dmiValue(kv.get('product_uuid')), type };
}

/**
 * Whether the CPU output says the machine runs under a hypervisor (lscpu's "Hypervisor vendor",
 * /proc/cpuinfo's "hypervisor" flag): a guest whose DMI is absent (a cloud instance, a container
 * on one) is still a virtual machine. A hypervisor's own host shows neither.
 */
export function isHypervisorGuest(cpu: string | undefined): boolean {
  return /^hypervisor vendor\s*:\s*\S/im.test(cpu ?? '') || /^flags\s*:.*\bhypervisor\b/im.test(cpu ?? '');
}

/** DMI files only root may read on most systems: the machine's serial number and UUID. */
const ROOT_DMI = ['product_serial', 'product_uuid'] as const;

/** Whether the DMI output has a machine (a vendor) but neither root-only file: they were unreadable. */
export function dmiNeedsRoot(text: string | undefined): boolean {
  if (text === undefined) return false;
  const kv = keyValues(text, /=/);
  return !!kv.get('sys_vendor') && ROOT_DMI.every((f) => !kv.get(f));
}

/**
 * The root-only DMI files read through sudo: -n never prompts (the account may sudo without a
 * password, or the read is refused at once, with no failed login on record); -S reads the
 * credential's sudo password from stdin. `grep -H ''` names each file before its value.
 */
export function rootDmiCommand(withPassword: boolean): string {
  return `${withPassword ? "sudo -S -p ''" : 'sudo -n'} -- grep -H '' ${ROOT_DMI.map((f) => `/sys/class/dmi/id/${f}`).join(' ')}`;
}

/** The DMI output with the root-only values that rootDmiCommand printed put in. */
export function withRootDmi(text: string, rootOutput: string): string {
  const values = new Map<string, string>();
  for (const line of rootOutput.split('\n')) {
    const m = /^\/sys\/class\/dmi\/id\/(product_serial|product_uuid):(.*)$/.exec(line);
    if (m && !values.has(m[1])) values.set(m[1], m[2].trim());
  }
  return text.split('\n').map((line) => {
    const key = line.slice(0, line.indexOf('='));
    return values.has(key) ? `${key}=${values.get(key)}` : line;
  }).join('\n');
}

const CPU_VENDORS: Record<string, string> = { GenuineIntel: 'Intel', AuthenticAMD: 'AMD', HygonGenuine: 'Hygon', CentaurHauls: 'Centaur' };

/**
 * lscpu (C locale), else /proc/cpuinfo: one entry per socket, whose `cores` is that socket's
 * physical cores (as Win32_Processor's NumberOfCores and the agents' count), not its threads:
 * lscpu's CPU(s) and /proc/cpuinfo's processors are logical processors, threads per core of them.
 */
export function parseCpu(text: string | undefined): Hardware[] {
  if (!text?.trim()) return [];
  const kv = keyValues(text);
  const isLscpu = kv.has('cpu(s)') || kv.has('socket(s)');
  let model: string | undefined, vendor: string | undefined, sockets: number, cores: number | undefined, mhz: number | undefined;
  if (isLscpu) {
    model = kv.get('model name');
    vendor = kv.get('vendor id');
    sockets = num(kv.get('socket(s)')) || num(kv.get('cluster(s)')) || 1;
    const perSocket = num(kv.get('core(s) per socket')) ?? num(kv.get('core(s) per cluster'));
    const logical = num(kv.get('cpu(s)'));
    const threads = num(kv.get('thread(s) per core')) || 1;
    cores = perSocket ?? (logical ? Math.max(1, Math.floor(logical / sockets / threads)) : undefined);
    mhz = num(kv.get('cpu max mhz')) ?? num(kv.get('cpu mhz'));
  } else {
    model = kv.get('model name') ?? kv.get('hardware') ?? kv.get('cpu model');
    vendor = kv.get('vendor_id');
    const physical = new Set<string>();
    let processors = 0;
    for (const line of text.split('\n')) {
      const m = /^(physical id|processor)\s*:\s*(\S+)/.exec(line);
      if (m?.[1] === 'physical id') physical.add(m[2]);
      else if (m) processors++;
    }
    sockets = Math.max(1, physical.size);
    cores = num(kv.get('cpu cores')) ?? (processors ? Math.max(1, Math.floor(processors / sockets)) : undefined);
    mhz = num(kv.get('cpu mhz'));
  }
  const name = str(model?.replace(/\s+/g, ' '), 255);
  if (!name && !vendor) return [];
  return Array.from({ length: Math.min(sockets, CAPS.cpus) }, (_, i) => ({
    kind: 'cpu' as const,
    name,
    manufacturer: str(vendor ? (CPU_VENDORS[vendor] ?? vendor) : undefined, 128),
    cores: cores ? Math.round(cores) : undefined,
    speedMhz: mhz ? Math.round(mhz) : undefined,
    slot: `socket ${i}`,
  }));
}

export function parseMeminfo(text: string | undefined): Hardware[] {
  const kb = num(/^MemTotal:\s+(\d+)\s*kB/m.exec(text ?? '')?.[1]);
  return kb ? [{ kind: 'memory', name: 'total memory', capacityBytes: kb * 1024 }] : [];
}

/** lsblk -P's lines (NAME="sda" TYPE="disk" …) as lsblk -J's objects, keys in lower case; \xHH decoded */
function lsblkPairs(text: string): Array<Record<string, string>> {
  return text.split('\n').filter((l) => /^NAME="/.test(l)).map((line) => {
    const device: Record<string, string> = {};
    for (const m of line.matchAll(/([A-Z][A-Z0-9:-]*)="([^"]*)"/g)) device[m[1].toLowerCase()] = m[2].replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return device;
  });
}

export function parseLsblk(text: string | undefined): Hardware[] {
  const doc = parseJson(text);
  const devices = isRecord(doc) ? asArray(doc.blockdevices as unknown[]) : lsblkPairs(text ?? '');
  const out: Hardware[] = [];
  for (const d of devices) {
    if (!isRecord(d) || d.type !== 'disk') continue;
    const name = str(d.name, 64);
    const size = num(d.size);
    // 0 is a slot without a medium (a card reader); a size lsblk could not say leaves the disk there, unsized
    if (!name || size === 0 || /^(zram|loop|ram|fd|nbd)/.test(name)) continue;
    const vendor = str(d.vendor, 64);
    out.push({
      kind: 'disk',
      name,
      model: str(d.model, 255),
      serial: str(d.serial, 128),
      // virtio reports its PCI vendor id (0x1af4), which names nobody
      manufacturer: vendor && !/^0x[0-9a-f]+$/i.test(vendor) ? vendor : undefined,
      capacityBytes: size,
    });
    if (out.length >= CAPS.disks) break;
  }
  return out;
}

const usableAddress = (scope: unknown) => scope !== 'link' && scope !== 'host';

/**
 * `ip -j addr show`, or the text of `ip addr show` where iproute2 is too old for JSON; undefined
 * when the output is neither (JSON cut short, an error, no ip command): not a machine without
 * interfaces, which is what an empty list would tell ingest.
 */
export function parseIpAddr(text: string | undefined): Interface[] | undefined {
  const doc = parseJson(text);
  const out: Interface[] = [];
  if (/^\s*[[{]/.test(text ?? '') && !Array.isArray(doc)) return undefined;
  if (Array.isArray(doc)) {
    for (const i of doc) {
      if (!isRecord(i) || i.link_type === 'loopback') continue;
      const name = str(i.ifname, 64);
      if (!name) continue;
      const flags = asArray(i.flags as string[]);
      out.push({
        name,
        mac: i.link_type === 'ether' ? mac(i.address) : undefined,
        mtu: num(i.mtu),
        adminStatus: flags.includes('UP') ? 'up' : 'down',
        operStatus: str(i.operstate, 32)?.toLowerCase(),
        addresses: asArray(i.addr_info as unknown[])
          .filter((a): a is Record<string, unknown> => isRecord(a) && usableAddress(a.scope))
          .map((a) => str(a.local, 64))
          .filter((a): a is string => !!a)
          .slice(0, CAPS.addressesPerInterface),
      });
      if (out.length >= CAPS.interfaces) break;
    }
    return out;
  }
  if (!/^\d+:\s/m.test(text ?? '')) return undefined;
  const loopbacks = new Set<Interface>();
  let current: Interface | undefined;
  for (const line of (text ?? '').split('\n')) {
    const head = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>(?:.*\bmtu (\d+))?(?:.*\bstate (\S+))?/.exec(line);
    if (head) {
      if (out.length >= CAPS.interfaces) break;
      const flags = head[2].split(',');
      current = { name: head[1], mtu: num(head[3]), adminStatus: flags.includes('UP') ? 'up' : 'down', operStatus: head[4]?.toLowerCase(), addresses: [] };
      if (flags.includes('LOOPBACK')) loopbacks.add(current);
      out.push(current);
      continue;
    }
    if (!current) continue;
    const link = /^\s+link\/(\S+)\s+(\S+)/.exec(line);
    if (link && link[1] === 'ether') current.mac = mac(link[2]);
    const inet = /^\s+inet6?\s+([^/\s]+)\S*.*?\bscope (\w+)/.exec(line);
    if (inet && usableAddress(inet[2]) && current.addresses!.length < CAPS.addressesPerInterface) current.addresses!.push(inet[1]);
  }
  return out.filter((i) => !loopbacks.has(i));
}

const DPKG_LINE = /^(\S{2,3})\s*\t([^\t]+)\t([^\t]*)\t([^\t]*)$/;
/** dpkg's status letters (the second of db:Status-Abbrev) of a package whose files are on the machine */
const DPKG_PRESENT = new Set(['i', 't', 'W', 'F', 'U', 'H']);

/**
 * The package list, from whichever manager the machine has (the first line names it); undefined
 * when none answered or the one there failed ("#failed" last): not a machine without software.
 */
export function parsePackages(text: string | undefined): Software[] | undefined {
  const lines = (text ?? '').split('\n');
  const manager = lines.shift()?.trim();
  if (lines.some((l) => l.trim() === '#failed')) return undefined;
  const out: Software[] = [];
  const add = (s: Software) => {
    if (out.length < CAPS.software && s.name) out.push(s);
  };
  for (const line of lines) {
    if (!line.trim()) continue;
    if (manager === '#dpkg') {
      const m = DPKG_LINE.exec(line);
      // the second status letter says whether the package is there: installed (ii, and hi when
      // held), and also while an upgrade is under way or left half done: triggers pending or
      // awaited (it, iW, seen during any apt run), unpacked (iU), half-configured (iF: a failed
      // postinst), half-installed (iH). Read as absent, each was "removed" from the inventory
      // until the next scan. Not there: config files left (rc), not installed (un)
      if (m && DPKG_PRESENT.has(m[1][1])) add({ name: str(m[2], 255)!, version: str(m[3], 128), architecture: str(m[4], 32) });
    } else if (manager === '#rpm') {
      const [name, version, arch, vendor, installed] = line.split('\t');
      if (!name || name === 'gpg-pubkey') continue;
      add({
        name: str(name, 255)!, version: str(version?.replace(/^0:/, ''), 128), architecture: arch && arch !== '(none)' ? str(arch, 32) : undefined,
        publisher: vendor && vendor !== '(none)' ? str(vendor, 255) : undefined,
        installDate: dayOfEpoch(installed),
      });
    } else if (manager === '#apk') {
      const m = /^(\S+?)-(\d[^-\s]*-r\d+)(?:\s+(\S+))?/.exec(line);
      if (m) add({ name: m[1], version: m[2], architecture: m[3] });
    } else if (manager === '#pacman') {
      const [name, version] = line.trim().split(/\s+/);
      if (name) add({ name: str(name, 255)!, version: str(version, 128) });
    }
  }
  return manager && /^#(dpkg|rpm|apk|pacman)$/.test(manager) ? out : undefined;
}

/** The kind of container the machine is ("lxc", "podman"), from LINUX_COMMANDS.container; undefined for none. */
export function containerKind(text: string | undefined): string | undefined {
  const kind = text?.split('\n')[0].trim();
  return kind && /^[A-Za-z0-9._-]{1,32}$/.test(kind) ? kind : undefined;
}

export function parseLinux(o: LinuxOutputs, address: string): InventoryReport {
  // in a container, DMI and lsblk describe the host: its vendor, model, disks and, read as root,
  // its chassis serial, by which the host and each of its containers became one device
  const container = containerKind(o.container);
  const dmi: ReturnType<typeof parseDmi> = container ? { type: 'virtual-machine', model: `container (${container})` } : parseDmi(o.dmi);
  // a command that failed or was cut short leaves its part out, so that ingest keeps what it knew
  const interfaces = o.network === undefined ? undefined : parseIpAddr(o.network);
  const machineId = /^[0-9a-f]{32}$/.exec(o.machineId?.trim() ?? '')?.[0];
  const software = parsePackages(o.packages);
  // the server replaces hardware as one list: without the disks, none of it (ingest keeps what it knew)
  const hardwareKnown = o.cpu !== undefined && o.memory !== undefined && o.disks !== undefined && o.disks.trim() !== '#failed' && o.machineId !== undefined;
  // bridges, containers and tunnels carry the same MACs and addresses on many machines
  const own = (interfaces ?? []).filter((i) => !VIRTUAL_IFACE.test(i.name));
  const macs = own.filter((i) => i.mac).map((i) => i.mac!);
  const addresses = own.flatMap((i) => i.addresses ?? []).filter((a) => a !== address && !a.includes(':'));
  return {
    source: 'ssh',
    identity: {
      ...parseHostname(o.hostname),
      serial: dmi.serial,
      macs: [...new Set(macs)],
      addresses: [address, ...new Set(addresses)],
    },
    device: { type: dmi.type ?? (isHypervisorGuest(o.cpu) ? 'virtual-machine' : undefined), platform: 'linux', osFamily: 'linux', vendor: dmi.vendor, model: dmi.model, ...parseOsRelease(o.osRelease) },
    ...(hardwareKnown
      ? {
          hardware: [
            ...parseCpu(o.cpu),
            ...parseMeminfo(o.memory),
            ...(container ? [] : parseLsblk(o.disks)),
            // the systemd machine id tells a technician which install this is (clones share it)
            ...(machineId ? [{ kind: 'other' as const, name: 'machine-id', serial: machineId }] : []),
          ],
        }
      : {}),
    ...(interfaces ? { interfaces } : {}),
    ...(software ? { software } : {}),
  };
}
