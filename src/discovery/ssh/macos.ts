// discovery/ssh: a Mac over SSH (Remote Login). sw_vers for the OS, system_profiler's JSON for
// hardware, network and storage, applications from /Applications with their bundle versions,
// and installer receipts (pkgutil) for what came without an application bundle.
import { InventoryReport } from '../../inventory/inventory-report';
import { DeviceType } from '../../devices/device.entity';
import { asArray, CAPS, dayOfEpoch, isRecord, isVirtualHardware, keyValues, mac, num, parseHostname, parseJson, str } from './text';

export const MACOS_COMMANDS = {
  swVers: 'sw_vers',
  // the name an admin set (HostName, unset on most Macs), else the Mac's own (LocalHostName,
  // "Annas-MacBook-Pro"): plain hostname answers whatever the network gives it by DHCP or
  // reverse DNS ("dhcp-10-30-12-87.corp.example"), a new name at every network it joins
  // ("HostName: not set" is no name, on whichever stream scutil says it)
  hostname: "{ scutil --get HostName 2>/dev/null || scutil --get LocalHostName 2>/dev/null || hostname; } | grep -v ': not set$'",
  profiler: 'system_profiler -json SPHardwareDataType SPNetworkDataType SPStorageDataType 2>/dev/null',
  apps: [
    'for a in /Applications/*.app /Applications/*/*.app; do [ -d "$a" ] || continue;',
    'printf \'%s\\t%s\\t%s\\n\' "$a" "$(defaults read "$a/Contents/Info" CFBundleShortVersionString 2>/dev/null)" "$(defaults read "$a/Contents/Info" CFBundleIdentifier 2>/dev/null)";',
    'done',
  ].join(' '),
  receipts: 'for p in $(pkgutil --pkgs | grep -v \'^com\\.apple\\.\'); do pkgutil --pkg-info "$p"; echo; done',
} as const;

export type MacosCommand = keyof typeof MACOS_COMMANDS;
export type MacosOutputs = Partial<Record<MacosCommand, string>>;

type Software = NonNullable<InventoryReport['software']>[number];
type Hardware = NonNullable<InventoryReport['hardware']>[number];
type Interface = NonNullable<InventoryReport['interfaces']>[number];

/** the power of 1024 of each unit's letter, Latin or Cyrillic */
const UNIT_EXP: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, К: 1, М: 2, Г: 3, Т: 4 };

/** "16 GB", "512 MB" → bytes; in the Mac's language: "16 Go" in French, "16 ГБ" in Russian */
export function sizeBytes(text: unknown): number | undefined {
  const m = /^([\d.,]+)\s*([KMGTКМГТ])(?:B|o|Б)$/i.exec(String(text ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1].replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 1024 ** UNIT_EXP[m[2].toUpperCase()]) : undefined;
}

/** "2,3 GHz" (the decimal comma follows the Mac's locale) → 2300 */
function mhzOf(text: unknown): number | undefined {
  const m = /^([\d.,]+)\s*(GHz|MHz)$/i.exec(String(text ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1].replace(',', '.'));
  return Number.isFinite(n) ? Math.round(m[2].toLowerCase() === 'ghz' ? n * 1000 : n) : undefined;
}

function typeOf(machineName: string | undefined, machineModel: string | undefined): DeviceType | undefined {
  if (isVirtualHardware(machineModel, machineName) || /^VMware/i.test(machineModel ?? '')) return 'virtual-machine';
  if (/book/i.test(machineName ?? machineModel ?? '')) return 'laptop';
  if (/^(iMac|Mac ?mini|Mac ?Pro|Mac ?Studio|Macmini|MacPro|Mac\d)/i.test(machineName ?? machineModel ?? '')) return 'workstation';
  return undefined;
}

function hardwareOf(hw: Record<string, unknown> | undefined): { hardware: Hardware[]; model?: string; serial?: string; type?: DeviceType } {
  if (!hw) return { hardware: [] };
  const machineName = str(hw.machine_name, 128);
  const machineModel = str(hw.machine_model, 64);
  const hardware: Hardware[] = [];
  // Apple silicon: chip_type and "proc 10:8:2" (total:performance:efficiency); Intel: cpu_type and a core count
  const cpuName = str(hw.chip_type ?? hw.cpu_type, 255);
  const procs = typeof hw.number_processors === 'string' ? num(/^proc (\d+)/.exec(hw.number_processors)?.[1]) : num(hw.number_processors);
  if (cpuName) {
    hardware.push({ kind: 'cpu', name: cpuName, manufacturer: /intel/i.test(cpuName) ? 'Intel' : 'Apple', cores: procs, speedMhz: mhzOf(hw.current_processor_speed), slot: 'socket 0' });
  }
  const memory = sizeBytes(hw.physical_memory);
  if (memory) hardware.push({ kind: 'memory', name: 'total memory', capacityBytes: memory });
  return {
    hardware,
    model: machineName && machineModel ? `${machineName} (${machineModel})` : (machineName ?? machineModel),
    serial: str(hw.serial_number, 128),
    type: typeOf(machineName, machineModel),
  };
}

function interfacesOf(entries: unknown[]): Interface[] {
  const out: Interface[] = [];
  for (const e of entries) {
    if (!isRecord(e)) continue;
    const name = str(e.interface, 64);
    if (!name) continue;
    const ipv4 = isRecord(e.IPv4) ? asArray(e.IPv4.Addresses as string[]) : asArray(e.ip_address as string[]);
    out.push({
      name,
      description: str(e._name, 255),
      mac: isRecord(e.Ethernet) ? mac(e.Ethernet['MAC Address']) : undefined,
      addresses: ipv4.map((a) => str(a, 64)).filter((a): a is string => !!a).slice(0, CAPS.addressesPerInterface),
    });
    if (out.length >= CAPS.interfaces) break;
  }
  return out;
}

/** One disk per physical drive; its size is the largest volume (the APFS container) on it. */
function disksOf(volumes: unknown[]): Hardware[] {
  const disks = new Map<string, Hardware>();
  for (const v of volumes) {
    if (!isRecord(v) || !isRecord(v.physical_drive)) continue;
    const name = str(v.physical_drive.device_name, 128);
    if (!name) continue;
    const size = num(v.size_in_bytes);
    const known = disks.get(name);
    if (!known) disks.set(name, { kind: 'disk', name, model: name, capacityBytes: size });
    else if (size && (known.capacityBytes ?? 0) < size) known.capacityBytes = size;
    if (disks.size >= CAPS.disks) break;
  }
  return [...disks.values()];
}

/** "/Applications/Microsoft Word.app<TAB>16.80<TAB>com.microsoft.Word" lines. */
export function parseApps(text: string | undefined): Array<Software & { bundleId?: string }> {
  const out: Array<Software & { bundleId?: string }> = [];
  for (const line of (text ?? '').split('\n')) {
    const [appPath, version, bundleId] = line.split('\t');
    const name = str(/([^/]+)\.app$/.exec(appPath?.trim() ?? '')?.[1], 255);
    if (!name) continue;
    out.push({ name, version: str(version, 128), bundleId: str(bundleId, 255) });
    if (out.length >= CAPS.software) break;
  }
  return out;
}

/** pkgutil --pkg-info blocks: package-id, version, install-time (seconds). */
export function parseReceipts(text: string | undefined): Array<Software & { bundleId: string }> {
  const out: Array<Software & { bundleId: string }> = [];
  for (const block of (text ?? '').split(/\n\s*\n/)) {
    const kv = keyValues(block);
    const id = str(kv.get('package-id'), 255);
    if (!id) continue;
    out.push({ name: id, bundleId: id, version: str(kv.get('version'), 128), installDate: dayOfEpoch(kv.get('install-time')) });
    if (out.length >= CAPS.software) break;
  }
  return out;
}

export function parseMacos(o: MacosOutputs, address: string): InventoryReport {
  const vers = keyValues(o.swVers ?? '');
  const doc = parseJson(o.profiler);
  const profile = isRecord(doc) ? doc : {};
  const hw = hardwareOf(asArray(profile.SPHardwareDataType as unknown[]).find(isRecord));
  const interfaces = interfacesOf(asArray(profile.SPNetworkDataType as unknown[]));
  const apps = parseApps(o.apps);
  const bundles = new Set(apps.map((a) => a.bundleId).filter(Boolean));
  // a receipt for an application already listed (com.microsoft.Word) would count it twice
  const receipts = parseReceipts(o.receipts).filter((r) => !bundles.has(r.bundleId));
  // both lists or neither: half of them would read as removals
  const software = o.apps === undefined || o.receipts === undefined
    ? undefined
    : [...apps, ...receipts].slice(0, CAPS.software).map(({ bundleId: _, ...s }) => s);
  const host = parseHostname(o.hostname?.replace(/\.local\s*$/i, ''));
  // system_profiler leaves out a data type that crashed or passed its time-out: that part is unknown, not empty
  const hardwareKnown = Array.isArray(profile.SPHardwareDataType) && Array.isArray(profile.SPStorageDataType);
  const interfacesKnown = Array.isArray(profile.SPNetworkDataType);
  return {
    source: 'ssh',
    identity: {
      ...host,
      serial: hw.serial,
      macs: [...new Set(interfaces.map((i) => i.mac).filter((m): m is string => !!m))],
      addresses: [address, ...new Set(interfaces.flatMap((i) => i.addresses ?? []).filter((a) => a !== address))],
    },
    device: {
      type: hw.type, platform: 'macos', osFamily: 'macos', vendor: 'Apple', model: hw.model,
      osName: str(vers.get('productname'), 64) ?? 'macOS', osVersion: str(vers.get('productversion'), 64),
    },
    // without system_profiler's answer hardware and interfaces stay as ingest knew them
    ...(hardwareKnown ? { hardware: [...hw.hardware, ...disksOf(asArray(profile.SPStorageDataType as unknown[]))] } : {}),
    ...(interfacesKnown ? { interfaces } : {}),
    ...(software ? { software } : {}),
  };
}
