// discovery/ssh: a Windows machine through its built-in OpenSSH server. One PowerShell script,
// sent as -EncodedCommand (UTF-16LE, base64) so that neither cmd.exe nor PowerShell as the
// default shell reinterprets a character of it, prints everything as one UTF-8 JSON document:
// computer system, BIOS serial, OS, processors, disks, physical NICs with their addresses, and
// installed software from both Uninstall hives (64- and 32-bit), and the installation's
// MachineGuid (identity when neither a serial nor a MAC is readable, as the agent reports it).
import { InventoryReport } from '../../inventory/inventory-report';
import { DeviceType } from '../../devices/device.entity';
import { calendarDay } from '../../common/calendar';
import { powershellCommand } from '../../protocols/ssh/powershell';
import { asArray, CAPS, isRecord, isVirtualHardware, mac, num, parseHostname, parseJson, smbios, str } from './text';

const SCRIPT = [
  "$ErrorActionPreference='SilentlyContinue';$ProgressPreference='SilentlyContinue'",
  '[Console]::OutputEncoding=New-Object Text.UTF8Encoding $false',
  'function L($o,$p){,@($o|Select-Object $p)}',
  "$u='\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\*'",
  "$sw=foreach($h in 'SOFTWARE','SOFTWARE\\WOW6432Node'){Get-ItemProperty \"HKLM:\\$h$u\"|Where-Object{$_.DisplayName -and $_.SystemComponent -ne 1 -and !$_.ParentKeyName}|Select-Object DisplayName,DisplayVersion,Publisher,InstallDate,@{n='Hive';e={$h}}}",
  '[ordered]@{',
  'cs=Get-CimInstance Win32_ComputerSystem|Select-Object Name,DNSHostName,Domain,PartOfDomain,Manufacturer,Model,TotalPhysicalMemory,PCSystemType',
  'bios=Get-CimInstance Win32_BIOS|Select-Object SerialNumber,Manufacturer,SMBIOSBIOSVersion',
  'os=Get-CimInstance Win32_OperatingSystem|Select-Object Caption,Version,BuildNumber,OSArchitecture,ProductType',
  'cpu=L (Get-CimInstance Win32_Processor) Name,Manufacturer,NumberOfCores,MaxClockSpeed,DeviceID',
  'disk=L (Get-CimInstance Win32_DiskDrive) Index,Model,SerialNumber,Size,InterfaceType',
  "nic=L (Get-CimInstance Win32_NetworkAdapter -Filter 'PhysicalAdapter=TRUE') Index,NetConnectionID,Name,MACAddress,Speed,NetEnabled",
  "ip=L (Get-CimInstance Win32_NetworkAdapterConfiguration -Filter 'IPEnabled=TRUE') Index,IPAddress,MACAddress",
  'sw=@($sw)',
  'hn=$env:COMPUTERNAME',
  "mg=(Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Cryptography').MachineGuid",
  '}|ConvertTo-Json -Depth 4 -Compress',
].join('\n');

/** The one command run on Windows: fits cmd.exe's 8,191-character command line. */
export const WINDOWS_COMMAND = powershellCommand(SCRIPT);

type Software = NonNullable<InventoryReport['software']>[number];
type Hardware = NonNullable<InventoryReport['hardware']>[number];
type Interface = NonNullable<InventoryReport['interfaces']>[number];

const CPU_VENDORS: Record<string, string> = { GenuineIntel: 'Intel', AuthenticAMD: 'AMD', Qualcomm: 'Qualcomm' };
/** Win32_ComputerSystem.PCSystemType */
const PC_SYSTEM_TYPE: Record<number, DeviceType> = { 1: 'workstation', 2: 'laptop', 3: 'workstation', 4: 'server', 5: 'server', 7: 'server', 8: 'laptop' };

const records = (v: unknown) => asArray(v as unknown[]).filter(isRecord);

/** Registry InstallDate is yyyyMMdd when the installer set it at all, and a real day only when it set it well. */
function installDate(v: unknown): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(v ?? '').trim());
  return m ? calendarDay(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

export function parseWindowsSoftware(entries: unknown, os64: boolean): Software[] {
  const seen = new Set<string>();
  const out: Software[] = [];
  for (const e of records(entries)) {
    const name = str(e.DisplayName, 255);
    if (!name) continue;
    const architecture = /WOW6432Node/i.test(String(e.Hive ?? '')) || !os64 ? 'x86' : 'x64';
    const version = str(e.DisplayVersion, 128);
    const key = `${name}\u0000${version ?? ''}\u0000${architecture}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, version, publisher: str(e.Publisher, 255), architecture, installDate: installDate(e.InstallDate) });
    if (out.length >= CAPS.software) break;
  }
  return out;
}

function interfacesOf(nics: Array<Record<string, unknown>>, configs: Array<Record<string, unknown>>): Interface[] {
  const byIndex = new Map(configs.map((c) => [Number(c.Index), c]));
  return nics.slice(0, CAPS.interfaces).map((n) => {
    const config = byIndex.get(Number(n.Index));
    const speed = num(n.Speed);
    return {
      name: str(n.NetConnectionID, 128) ?? str(n.Name, 128) ?? `adapter ${n.Index}`,
      description: str(n.Name, 255),
      ifIndex: num(n.Index),
      mac: mac(n.MACAddress),
      // a disconnected adapter reports Int64.MaxValue
      speedMbps: speed && speed < 1e13 ? Math.round(speed / 1e6) : undefined,
      operStatus: n.NetEnabled === true ? 'up' : 'down',
      addresses: asArray(config?.IPAddress as string[])
        .map((a) => str(a, 64))
        .filter((a): a is string => !!a && !/^fe80:/i.test(a))
        .slice(0, CAPS.addressesPerInterface),
    };
  });
}

export function parseWindows(output: string | undefined, address: string): InventoryReport {
  const doc = parseJson(output);
  if (!isRecord(doc)) throw new Error('Windows inventory script printed no JSON');
  const cs = records(doc.cs)[0] ?? {};
  const os = records(doc.os)[0] ?? {};
  const bios = records(doc.bios)[0] ?? {};
  const os64 = /64/.test(String(os.OSArchitecture ?? '64'));
  // a whitebox PC's board says "To Be Filled By O.E.M." for all three
  const vendor = smbios(cs.Manufacturer, 128);
  const model = smbios(cs.Model, 255);
  const productType = num(os.ProductType);
  const type: DeviceType | undefined = isVirtualHardware(vendor, model)
    ? 'virtual-machine'
    : productType === 2 || productType === 3 ? 'server' : PC_SYSTEM_TYPE[num(cs.PCSystemType) ?? 0];

  const hardware: Hardware[] = [];
  for (const c of records(doc.cpu).slice(0, CAPS.cpus)) {
    const vendorId = str(c.Manufacturer, 64);
    hardware.push({
      kind: 'cpu', name: str(String(c.Name ?? '').replace(/\s+/g, ' '), 255), manufacturer: vendorId ? (CPU_VENDORS[vendorId] ?? vendorId) : undefined,
      cores: num(c.NumberOfCores), speedMhz: num(c.MaxClockSpeed), slot: str(c.DeviceID, 32)?.replace(/^CPU(\d+)$/, 'socket $1'),
    });
  }
  const memory = num(cs.TotalPhysicalMemory);
  if (memory) hardware.push({ kind: 'memory', name: 'total memory', capacityBytes: memory });
  for (const d of records(doc.disk).slice(0, CAPS.disks)) {
    if (!num(d.Size)) continue; // a card reader without a card
    hardware.push({ kind: 'disk', name: `disk ${num(d.Index) ?? '?'}`, model: str(d.Model, 255), serial: str(d.SerialNumber, 128), capacityBytes: num(d.Size) });
  }
  // the same row the Windows agent sends, so that an agent's report and a scan's agree
  const machineGuid = str(doc.mg, 128);
  if (machineGuid) hardware.push({ kind: 'other', name: 'machine-id', serial: machineGuid });

  // Win32_ComputerSystem and Win32_Processor always have an instance: without them WMI did not
  // answer (a corrupt repository, a stopped service), and what it would have listed is unknown, not none
  const wmi = records(doc.cs).length > 0 && records(doc.cpu).length > 0;
  const interfaces = interfacesOf(records(doc.nic), records(doc.ip));
  const dnsName = str(cs.DNSHostName, 255) ?? str(cs.Name, 255) ?? str(doc.hn, 255);
  const domain = str(cs.Domain, 255);
  const host = parseHostname(dnsName);
  return {
    source: 'ssh',
    identity: {
      hostname: host.hostname,
      fqdn: cs.PartOfDomain === true && host.hostname && domain?.includes('.') ? `${host.hostname}.${domain}`.toLowerCase() : undefined,
      serial: smbios(bios.SerialNumber, 128),
      macs: [...new Set(interfaces.map((i) => i.mac).filter((m): m is string => !!m))],
      addresses: [address, ...new Set(interfaces.flatMap((i) => i.addresses ?? []).filter((a) => a !== address && !a.includes(':')))],
    },
    device: {
      type, platform: 'windows', osFamily: 'windows', vendor, model,
      osName: str(os.Caption, 255), osVersion: str(os.Version, 64),
    },
    ...(wmi ? { hardware, interfaces } : {}),
    ...(doc.sw !== undefined ? { software: parseWindowsSoftware(doc.sw, os64) } : {}),
  };
}
