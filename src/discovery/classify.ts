// discovery/: what a device is, from its sysObjectID enterprise number, product OID and
// sysDescr. One table each, first match wins; add a row to teach Teknisi a new vendor.
import { DeviceType, Platform } from '../devices/device.entity';

export interface Classification {
  vendor?: string;
  type?: DeviceType;
  platform?: Platform;
  osFamily?: string;
  osName?: string;
  osVersion?: string;
}

/** IANA private enterprise numbers (the first arc after 1.3.6.1.4.1). */
export const ENTERPRISES: Record<number, Classification> = {
  // not every Cisco box runs IOS (Small Business switches, wireless controllers): the platform comes from sysDescr
  9: { vendor: 'Cisco', osFamily: 'network-os' },
  11: { vendor: 'HP' },
  63: { vendor: 'Apple', platform: 'macos', osFamily: 'macos' },
  253: { vendor: 'Xerox', type: 'printer', platform: 'printer', osFamily: 'embedded' },
  311: { vendor: 'Microsoft', platform: 'windows', osFamily: 'windows' },
  367: { vendor: 'Ricoh', type: 'printer', platform: 'printer', osFamily: 'embedded' },
  1602: { vendor: 'Canon', type: 'printer', platform: 'printer', osFamily: 'embedded' },
  2021: { platform: 'linux', osFamily: 'linux' },
  2435: { vendor: 'Brother', type: 'printer', platform: 'printer', osFamily: 'embedded' },
  2636: { vendor: 'Juniper', platform: 'junos', osFamily: 'network-os' },
  6876: { vendor: 'VMware', type: 'server', osFamily: 'other' },
  8072: { platform: 'linux', osFamily: 'linux' },
  12356: { vendor: 'Fortinet', type: 'firewall', platform: 'fortios', osFamily: 'network-os' },
  14179: { vendor: 'Cisco', type: 'access-point', osFamily: 'network-os' },
  14988: { vendor: 'MikroTik', type: 'router', platform: 'routeros', osFamily: 'network-os' },
  25506: { vendor: 'H3C', type: 'switch', osFamily: 'network-os' },
  30065: { vendor: 'Arista', type: 'switch', platform: 'eos', osFamily: 'network-os' },
};

/** Product OIDs (sysObjectID prefixes) that say more than the vendor: the kind of box. */
export const OBJECT_IDS: Array<[prefix: string, result: Classification]> = [
  ['1.3.6.1.4.1.311.1.1.3.1.1', { type: 'workstation' }], // Windows workstation
  ['1.3.6.1.4.1.311.1.1.3.1.2', { type: 'server' }], // Windows server
  ['1.3.6.1.4.1.311.1.1.3.1.3', { type: 'server' }], // Windows domain controller
  ['1.3.6.1.4.1.9.1.1208', { type: 'switch' }], // Catalyst 2960X-48FPD-L
  ['1.3.6.1.4.1.11.2.3.9.1', { type: 'printer', platform: 'printer', osFamily: 'embedded' }], // HP JetDirect
];

/** Windows builds → release names; the sysDescr of every Windows since 8.1 says "Version 6.3". */
export const WINDOWS_BUILDS: Array<{ minBuild: number; workstation: string; server: string }> = [
  { minBuild: 26100, workstation: 'Windows 11', server: 'Windows Server 2025' },
  { minBuild: 22000, workstation: 'Windows 11', server: 'Windows Server 2022' },
  { minBuild: 20348, workstation: 'Windows 10', server: 'Windows Server 2022' },
  { minBuild: 17763, workstation: 'Windows 10', server: 'Windows Server 2019' },
  { minBuild: 14393, workstation: 'Windows 10', server: 'Windows Server 2016' },
  { minBuild: 10240, workstation: 'Windows 10', server: 'Windows Server 2016' },
  { minBuild: 9600, workstation: 'Windows 8.1', server: 'Windows Server 2012 R2' },
  { minBuild: 9200, workstation: 'Windows 8', server: 'Windows Server 2012' },
  { minBuild: 7600, workstation: 'Windows 7', server: 'Windows Server 2008 R2' },
  { minBuild: 6000, workstation: 'Windows Vista', server: 'Windows Server 2008' },
];

/** "… Windows Version 6.3 (Build 19045 Multiprocessor Free)" → Windows 10, 10.0.19045, as Windows itself names it. */
function windowsDetail(descr: string, type: DeviceType | undefined): Classification {
  const m = /Version ([\d.]+) \(Build (\d+)/.exec(descr);
  if (!m) return { osName: 'Windows' };
  const build = Number(m[2]);
  const release = WINDOWS_BUILDS.find((b) => build >= b.minBuild);
  const osName = release ? (type === 'server' ? release.server : release.workstation) : 'Windows';
  return { osName, osVersion: build >= 10240 ? `10.0.${build}` : `${m[1]}.${build}` };
}

/** An ArubaOS controller (MODEL: Aruba7030, 9004) or an Instant access point (MODEL: 515). */
function arubaOsDetail(descr: string): Classification {
  const model = /MODEL: *(?:Aruba)?(\w+)/i.exec(descr)?.[1] ?? '';
  return { type: /^[79]\d{3}/.test(model) ? 'other' : 'access-point' };
}

/** sysDescr patterns; each may also pull a version out of the text, or more (detail). */
export const DESCR_RULES: Array<{
  pattern: RegExp;
  result: Classification;
  version?: RegExp;
  osName?: string;
  detail?: (descr: string, type: DeviceType | undefined) => Classification;
}> = [
  { pattern: /Cisco NX-OS/i, result: { vendor: 'Cisco', type: 'switch', platform: 'cisco-nxos', osFamily: 'network-os' }, version: /Version ([^\s,]+)/, osName: 'Cisco NX-OS' },
  // the ASA answers to Cisco's enterprise number but not to IOS commands: no driver of its own, as over SSH
  { pattern: /Cisco Adaptive Security Appliance/i, result: { vendor: 'Cisco', type: 'firewall', platform: 'other', osFamily: 'network-os' }, version: /Version ([^\s,]+)/, osName: 'Cisco ASA' },
  // a switch by its image family: Catalyst 2918-2970, 3550/3560, 3750, 3850, 9200/9300, 1000 and the IE
  // series. C2900 is the ISR G2 routers' image (2901-2951), so the 29xx families are listed one by one
  { pattern: /(?:Cisco IOS|IOS \(tm\)).*(?:Switch|Catalyst|\b(?:C29(?:18|40|5[05]|60|70)|C35[56]0|C3750|C3850|C9[23]00|C1000(?!\d)|IE\d{4}|IE3x00|s72033|s2t54|s3223|s6t64|cat4500|C4500|C6800))/is, result: { vendor: 'Cisco', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os' }, version: /Version ([^\s,]+)/, osName: 'Cisco IOS' },
  // IOS 12 and older begin "Cisco Internetwork Operating System Software", then "IOS (tm) …"
  { pattern: /Cisco IOS|IOS \(tm\)/i, result: { vendor: 'Cisco', type: 'router', platform: 'cisco-ios', osFamily: 'network-os' }, version: /Version ([^\s,]+)/, osName: 'Cisco IOS' },
  // the model comes before the kernel's name: "Juniper Networks, Inc. ex4300-48t Ethernet Switch, kernel JUNOS 21.4R3"
  { pattern: /^(?=[\s\S]*JUNOS)(?=[\s\S]*(?:\b(?:ex|qfx)\d{4}|Ethernet Switch))/i, result: { vendor: 'Juniper', type: 'switch', platform: 'junos', osFamily: 'network-os' }, version: /JUNOS ([^\s,]+)/i, osName: 'Junos' },
  { pattern: /^(?=[\s\S]*JUNOS)(?=[\s\S]*\bsrx\d{3,4})/i, result: { vendor: 'Juniper', type: 'firewall', platform: 'junos', osFamily: 'network-os' }, version: /JUNOS ([^\s,]+)/i, osName: 'Junos' },
  { pattern: /JUNOS/i, result: { vendor: 'Juniper', type: 'router', platform: 'junos', osFamily: 'network-os' }, version: /JUNOS ([^\s,]+)/i, osName: 'Junos' },
  { pattern: /Arista Networks EOS/i, result: { vendor: 'Arista', type: 'switch', platform: 'eos', osFamily: 'network-os' }, version: /EOS version ([^\s,]+)/i, osName: 'Arista EOS' },
  // "RouterOS CCR2004-1G-12S+2XS": the word after RouterOS is the board, not a version
  { pattern: /RouterOS/i, result: { vendor: 'MikroTik', type: 'router', platform: 'routeros', osFamily: 'network-os' }, osName: 'RouterOS' },
  // ArubaOS controllers and Instant APs answer no ProCurve command: "ArubaOS (MODEL: Aruba7030), Version 8.10.0.6"
  { pattern: /ArubaOS/, result: { vendor: 'HPE Aruba', platform: 'other', osFamily: 'network-os' }, version: /Version ([^\s,]+)/, osName: 'ArubaOS', detail: arubaOsDetail },
  { pattern: /ProCurve|Aruba|\bHPE? J\d{4}[A-Z]\b[^,]*Switch/i, result: { vendor: 'HPE Aruba', type: 'switch', platform: 'procurve', osFamily: 'network-os' } },
  // Small Business switches run no IOS: "SG350-28 28-Port Gigabit Managed Switch", "CBS350-24P-4G …"
  { pattern: /^(?:S[FGX]|CBS)\d{3}[A-Z0-9]*-\d/, result: { vendor: 'Cisco', type: 'switch', platform: 'other', osFamily: 'network-os' } },
  { pattern: /FortiGate|FortiOS/i, result: { vendor: 'Fortinet', type: 'firewall', platform: 'fortios', osFamily: 'network-os' }, version: /v(\d+\.\d+[.\d]*)/, osName: 'FortiOS' },
  { pattern: /LaserJet|OfficeJet|JETDIRECT|imageRUNNER|MFC-|HL-|Printer|Lexmark|KYOCERA/i, result: { type: 'printer', platform: 'printer', osFamily: 'embedded' } },
  { pattern: /Windows/i, result: { platform: 'windows', osFamily: 'windows' }, detail: windowsDetail },
  { pattern: /^Darwin/i, result: { platform: 'macos', osFamily: 'macos' }, version: /^Darwin \S+ (\S+)/, osName: 'macOS (Darwin)' },
  { pattern: /^Linux/i, result: { platform: 'linux', osFamily: 'linux' }, version: /^Linux \S+ (\S+)/, osName: 'Linux' },
  { pattern: /FreeBSD|OpenBSD|NetBSD/i, result: { platform: 'other', osFamily: 'bsd' }, version: /BSD \S+ (\S+)/ },
];

export function enterpriseOf(sysObjectID: string | null | undefined): number | null {
  const m = /^\.?1\.3\.6\.1\.4\.1\.(\d+)/.exec(sysObjectID ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * The part of sysDescr the rules read. It is a DisplayString (255 octets; IOS sends some 400,
 * its banner first): past this is junk, on which a pattern such as /Cisco IOS.*(Switch|…)/ took
 * a second per 64 KiB of "Cisco IOS " repeated, with the worker's timers waiting.
 */
const SYS_DESCR_READ = 4096;

/**
 * Net-SNMP on Unix sends `uname -snrvm`: "Linux hl-app01 5.15.0-91-generic #101-Ubuntu SMP … x86_64".
 * The second word is the host's name, which an administrator chose: the rules must not read it,
 * or "hl-app01" is a Brother printer and "windows-build" a Windows machine. The rest of the line
 * is read as before, so the vendor's words elsewhere in an appliance's sysDescr still count.
 */
function withoutNodeName(descr: string): string {
  return descr.replace(/^((?:Linux|Darwin|FreeBSD|OpenBSD|NetBSD)[ \t]+)\S+/i, '$1-');
}

/**
 * sysDescr decides where it is specific; the enterprise number fills what it leaves open,
 * and a known product OID has the last word on the kind of box.
 */
export function classify(sysObjectID: string | null | undefined, sysDescr: string | null | undefined): Classification {
  const descr = (sysDescr ?? '').slice(0, SYS_DESCR_READ);
  const oid = (sysObjectID ?? '').replace(/^\./, '');
  const readable = withoutNodeName(descr);
  const rule = DESCR_RULES.find((r) => r.pattern.test(readable));
  const ent = enterpriseOf(sysObjectID);
  const byEnterprise = ent !== null ? (ENTERPRISES[ent] ?? {}) : {};
  const byProduct = OBJECT_IDS.find(([prefix]) => oid === prefix || oid.startsWith(`${prefix}.`))?.[1] ?? {};
  const out: Classification = { ...byEnterprise, ...(rule?.result ?? {}), ...byProduct };
  if (byEnterprise.vendor && !rule?.result.vendor) out.vendor = byEnterprise.vendor;
  if (rule?.osName) out.osName = rule.osName;
  const version = rule?.version?.exec(descr)?.[1];
  if (version) out.osVersion = version;
  if (rule?.detail) Object.assign(out, rule.detail(descr, out.type));
  return out;
}
