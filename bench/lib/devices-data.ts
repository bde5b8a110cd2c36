// bench/: deterministic synthetic inventory. Every device is a pure function of (seed, id),
// so that each table can be streamed independently and the expected row counts computed
// without generating the rows. Addresses are data only: IPv4 from 10.0.0.0/8 and IPv6
// from the documentation prefix 2001:db8::/32; nothing here is ever contacted.
import { hash32, Rng } from './rng';

/** "Now" of the generated data (fixed, so that runs are comparable). */
export const REF_TIME = Date.UTC(2026, 0, 15, 9, 0, 0);
const DAY = 86_400_000;

export const SITES = [
  { code: 'jkt', name: 'Jakarta HQ', w: 22 },
  { code: 'sby', name: 'Surabaya', w: 12 },
  { code: 'bdg', name: 'Bandung', w: 10 },
  { code: 'mdn', name: 'Medan', w: 8 },
  { code: 'smg', name: 'Semarang', w: 7 },
  { code: 'dps', name: 'Denpasar', w: 6 },
  { code: 'mks', name: 'Makassar', w: 6 },
  { code: 'yog', name: 'Yogyakarta', w: 6 },
  { code: 'bpn', name: 'Balikpapan', w: 5 },
  { code: 'plm', name: 'Palembang', w: 5 },
  { code: 'sgp', name: 'Singapore', w: 4 },
  { code: 'dc1', name: 'Data Centre Cikarang', w: 3 },
] as const;
const DC = SITES.length - 1;

export const TAGS = [
  'finance', 'hr', 'engineering', 'sales', 'marketing', 'it', 'legal', 'support', 'operations', 'executive',
  'vip', 'pci', 'hipaa', 'kiosk', 'shared', 'loaner', 'lab', 'dev', 'test', 'production',
  'dmz', 'backup', 'critical', 'monitoring', 'byod', 'remote', 'warranty-expiring', 'to-replace', 'win10-eol', 'encrypted',
] as const;
const TAG_WEIGHTS = [12, 5, 14, 10, 6, 8, 2, 7, 6, 1.5, 1.2, 3, 1, 1.5, 3, 1, 3, 5, 4, 6, 1, 2, 2.5, 4, 1.2, 8, 3, 2.5, 4, 9];

const TYPES = ['workstation', 'laptop', 'server', 'virtual-machine', 'switch', 'router', 'firewall', 'access-point', 'printer', 'phone', 'other'] as const;
const TYPE_WEIGHTS = [38, 30, 7, 9, 3.5, 1, 0.5, 3, 4, 3.5, 0.5];
const TYPE_CODE: Record<string, string> = {
  workstation: 'ws', laptop: 'lt', server: 'srv', 'virtual-machine': 'vm', switch: 'sw', router: 'rt', firewall: 'fw',
  'access-point': 'ap', printer: 'prn', phone: 'ph', other: 'dev',
};

interface Hw { vendor: string; models: string[]; oui: string; serial: (r: Rng) => string }
const UP = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const HEX = '0123456789ABCDEF';
const HW: Record<string, Hw> = {
  dell: { vendor: 'Dell Inc.', models: ['Latitude 5440', 'Latitude 7440', 'OptiPlex 7010', 'OptiPlex 5000', 'Precision 3660', 'PowerEdge R650', 'PowerEdge R750', 'PowerEdge R6525'], oui: 'f8:bc:12', serial: (r) => r.chars(UP, 7) },
  lenovo: { vendor: 'LENOVO', models: ['ThinkPad T14 Gen 4', 'ThinkPad X1 Carbon Gen 11', 'ThinkPad E14 Gen 5', 'ThinkCentre M70q Gen 4', 'ThinkCentre M90t', 'ThinkSystem SR650 V3'], oui: '54:ee:75', serial: (r) => `PF${r.chars(UP, 6)}` },
  hp: { vendor: 'HP', models: ['EliteBook 840 G10', 'ProBook 450 G10', 'EliteDesk 800 G9', 'ProDesk 400 G9', 'Z2 Tower G9', 'ProLiant DL380 Gen11'], oui: '3c:52:82', serial: (r) => `5CG${r.chars(UP, 7)}` },
  apple: { vendor: 'Apple Inc.', models: ['MacBook Pro 14-inch M3', 'MacBook Air 13-inch M2', 'MacBook Pro 16-inch M3 Max', 'iMac 24-inch M3', 'Mac mini M2'], oui: 'a4:83:e7', serial: (r) => `C02${r.chars(UP, 9)}` },
  asus: { vendor: 'ASUSTeK COMPUTER INC.', models: ['ExpertBook B1', 'ExpertCenter D7'], oui: '04:d9:f5', serial: (r) => r.chars(UP, 12) },
  vmware: { vendor: 'VMware, Inc.', models: ['VMware Virtual Platform', 'VMware7,1'], oui: '00:50:56', serial: (r) => `VMware-42 ${r.chars(HEX, 2)} ${r.chars(HEX, 2)} ${r.chars(HEX, 2)}` },
  hyperv: { vendor: 'Microsoft Corporation', models: ['Virtual Machine'], oui: '00:15:5d', serial: (r) => `${r.chars('0123456789', 4)}-${r.chars('0123456789', 4)}-${r.chars('0123456789', 4)}` },
  supermicro: { vendor: 'Supermicro', models: ['SYS-1029P-WTR', 'SYS-2029U-TR4'], oui: '0c:c4:7a', serial: (r) => `S${r.chars('0123456789', 9)}` },
  cisco: { vendor: 'Cisco Systems', models: ['C9300-48P', 'C9200L-24P-4G', 'WS-C2960X-48FPD-L', 'ISR4331/K9', 'C8200-1N-4T', 'N9K-C93180YC-FX'], oui: '00:1b:54', serial: (r) => `FOC${r.chars(UP, 8)}` },
  juniper: { vendor: 'Juniper Networks', models: ['EX2300-48P', 'EX4300-48T', 'MX204', 'SRX345'], oui: '28:8a:1c', serial: (r) => r.chars(UP, 12) },
  aruba: { vendor: 'Aruba, a Hewlett Packard Enterprise company', models: ['2930F-48G-PoE+', 'AP-515', 'AP-535', '6300M'], oui: '94:18:82', serial: (r) => `CN${r.chars(UP, 8)}` },
  arista: { vendor: 'Arista Networks', models: ['DCS-7050SX3-48YC8', 'DCS-7280SR-48C6'], oui: '28:99:3a', serial: (r) => `JPE${r.chars('0123456789', 8)}` },
  mikrotik: { vendor: 'MikroTik', models: ['CCR2004-1G-12S+2XS', 'RB5009UG+S+IN', 'hAP ax3'], oui: '4c:5e:0c', serial: (r) => r.chars(HEX, 12) },
  fortinet: { vendor: 'Fortinet', models: ['FortiGate-60F', 'FortiGate-100F', 'FortiGate-200F'], oui: '00:09:0f', serial: (r) => `FGT${r.chars(UP, 13)}` },
  ubiquiti: { vendor: 'Ubiquiti Inc.', models: ['U6-Pro', 'U6-LR', 'UAP-AC-PRO'], oui: '24:5a:4c', serial: (r) => r.chars(HEX, 12) },
  brother: { vendor: 'Brother', models: ['HL-L6400DW', 'MFC-L8900CDW', 'HL-L2350DW'], oui: '00:80:77', serial: (r) => `E${r.chars(UP, 14)}` },
  kyocera: { vendor: 'KYOCERA Document Solutions', models: ['ECOSYS M3655idn', 'TASKalfa 3554ci'], oui: '00:c0:ee', serial: (r) => `W${r.chars(UP, 9)}` },
  hpprinter: { vendor: 'HP', models: ['LaserJet Enterprise M611', 'Color LaserJet Pro M479fdw'], oui: '10:e7:c6', serial: (r) => `PHB${r.chars(UP, 7)}` },
  poly: { vendor: 'Poly', models: ['VVX 450', 'CCX 400', 'Edge E300'], oui: '00:04:f2', serial: (r) => `64167F${r.chars(HEX, 6)}` },
  yealink: { vendor: 'Yealink', models: ['T54W', 'T46U'], oui: '80:5e:c0', serial: (r) => r.chars('0123456789', 16) },
  other: { vendor: 'Raspberry Pi Ltd', models: ['Raspberry Pi 4 Model B', 'Raspberry Pi 5'], oui: 'd8:3a:dd', serial: (r) => r.chars('0123456789abcdef', 16) },
};

interface Os { family: string; name: string; versions: string[]; w: number }
const WIN_CLIENT: Os[] = [
  { family: 'windows', name: 'Microsoft Windows 11 Pro', versions: ['10.0.22631', '10.0.26100', '10.0.22621'], w: 45 },
  { family: 'windows', name: 'Microsoft Windows 11 Enterprise', versions: ['10.0.22631', '10.0.26100'], w: 20 },
  { family: 'windows', name: 'Microsoft Windows 10 Pro', versions: ['10.0.19045', '10.0.19044'], w: 30 },
  { family: 'windows', name: 'Microsoft Windows 10 Enterprise LTSC', versions: ['10.0.17763', '10.0.19044'], w: 5 },
];
const WIN_SERVER: Os[] = [
  { family: 'windows', name: 'Microsoft Windows Server 2022 Standard', versions: ['10.0.20348'], w: 50 },
  { family: 'windows', name: 'Microsoft Windows Server 2019 Standard', versions: ['10.0.17763'], w: 30 },
  { family: 'windows', name: 'Microsoft Windows Server 2016 Datacenter', versions: ['10.0.14393'], w: 10 },
  { family: 'windows', name: 'Microsoft Windows Server 2025 Standard', versions: ['10.0.26100'], w: 10 },
];
const LINUX: Os[] = [
  { family: 'linux', name: 'Ubuntu 22.04.5 LTS', versions: ['22.04'], w: 30 },
  { family: 'linux', name: 'Ubuntu 24.04.1 LTS', versions: ['24.04'], w: 25 },
  { family: 'linux', name: 'Debian GNU/Linux 12 (bookworm)', versions: ['12.8', '12.7'], w: 15 },
  { family: 'linux', name: 'Red Hat Enterprise Linux 9.4 (Plow)', versions: ['9.4'], w: 15 },
  { family: 'linux', name: 'Rocky Linux 8.10 (Green Obsidian)', versions: ['8.10'], w: 10 },
  { family: 'linux', name: 'CentOS Linux 7 (Core)', versions: ['7.9.2009'], w: 5 },
];
const MACOS: Os[] = [
  { family: 'macos', name: 'macOS Sonoma', versions: ['14.6.1', '14.7', '14.5'], w: 50 },
  { family: 'macos', name: 'macOS Sequoia', versions: ['15.1', '15.2'], w: 40 },
  { family: 'macos', name: 'macOS Ventura', versions: ['13.7.1'], w: 10 },
];

const FIRST = ['adi', 'budi', 'citra', 'dewi', 'eko', 'fajar', 'gita', 'hadi', 'indah', 'joko', 'kartika', 'lestari', 'made', 'nur', 'putri', 'rizky', 'sari', 'tono', 'wahyu', 'yuni', 'agus', 'bayu', 'dian', 'rina', 'andi', 'siti', 'ahmad', 'ratna', 'hendra', 'maya'];
const LAST = ['santoso', 'wijaya', 'pratama', 'saputra', 'hidayat', 'kusuma', 'setiawan', 'nugroho', 'lestari', 'rahman', 'gunawan', 'susanto', 'halim', 'siregar', 'nasution', 'simanjuntak', 'wibowo', 'utomo', 'permana', 'hakim'];
const NOTES = ['Loaner pool', 'Replaced battery', 'Keyboard swapped under warranty', 'Reimaged after malware alert', 'Spare, do not assign', 'Rack A3 U12', 'Shared by the front desk', 'Due for replacement next quarter'];

export type SwFamily = 0 | 1 | 2 | 3; // 0 none, 1 windows, 2 linux, 3 macos

export interface DeviceSpec {
  id: number;
  hostname: string | null;
  fqdn: string | null;
  type: string;
  platform: string;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  status: 'active' | 'stale' | 'retired';
  location: string | null;
  assignedTo: string | null;
  notes: string | null;
  primaryIp: string | null;
  firstSeen: number;
  lastSeen: number;
  retiredAt: number | null;
  tags: string[];
  addresses: Array<{ ip: string | null; mac: string | null; interfaceName: string }>;
  sources: Array<{ kind: string; firstSeen: number; lastSeen: number }>;
  swFamily: SwFamily;
  /** relative amount of installed software (0 for network gear, printers, phones) */
  swWeight: number;
}

function pickOs(r: Rng, list: Os[]): { os: Os; version: string } {
  const os = r.weighted(list, list.map((o) => o.w));
  return { os, version: r.pick(os.versions) };
}

function mac(oui: string, n: number): string {
  const h = (n & 0xffffff).toString(16).padStart(6, '0');
  return `${oui}:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

/** Unique per device id: 10.<site*16 + high bits>.x.y. */
function ipv4(site: number, id: number, plane = 0): string {
  return `10.${((site * 16 + plane * 8 + ((id >> 16) & 7)) & 255)}.${(id >> 8) & 255}.${id & 255 || 254}`;
}

export function deviceSpec(seed: number, id: number): DeviceSpec {
  const r = new Rng(hash32(seed, 1, id));
  const type = r.weighted(TYPES, TYPE_WEIGHTS);
  const server = type === 'server' || type === 'virtual-machine';
  const site = server && r.chance(0.6) ? DC : SITES.indexOf(r.weighted(SITES, SITES.map((s) => s.w)));
  let platform = 'other';
  let hw: Hw;
  let os: { os: Os; version: string } | null = null;
  let swFamily: SwFamily = 0;
  let swWeight = 0;
  switch (type) {
    case 'workstation':
    case 'laptop': {
      const x = r.next();
      if (x < 0.76) (platform = 'windows'), (os = pickOs(r, WIN_CLIENT)), (swFamily = 1);
      else if (x < 0.91) (platform = 'macos'), (os = pickOs(r, MACOS)), (swFamily = 3);
      else (platform = 'linux'), (os = pickOs(r, LINUX)), (swFamily = 2);
      hw = platform === 'macos' ? HW.apple : HW[r.weighted(['dell', 'lenovo', 'hp', 'asus'], [40, 30, 25, 5])];
      swWeight = 1;
      break;
    }
    case 'server':
    case 'virtual-machine': {
      if (r.chance(0.62)) (platform = 'linux'), (os = pickOs(r, LINUX)), (swFamily = 2), (swWeight = 1.7);
      else (platform = 'windows'), (os = pickOs(r, WIN_SERVER)), (swFamily = 1), (swWeight = 1.2);
      hw = type === 'virtual-machine' ? HW[r.weighted(['vmware', 'hyperv'], [75, 25])] : HW[r.weighted(['dell', 'hp', 'lenovo', 'supermicro'], [45, 30, 15, 10])];
      break;
    }
    case 'switch': {
      const v = r.weighted(['cisco', 'aruba', 'juniper', 'arista'], [50, 25, 15, 10]);
      hw = HW[v];
      platform = v === 'cisco' ? r.weighted(['cisco-ios', 'cisco-nxos'], [85, 15]) : v === 'aruba' ? 'procurve' : v === 'juniper' ? 'junos' : 'eos';
      break;
    }
    case 'router': {
      const v = r.weighted(['cisco', 'juniper', 'mikrotik'], [60, 25, 15]);
      hw = HW[v];
      platform = v === 'cisco' ? 'cisco-ios' : v === 'juniper' ? 'junos' : 'routeros';
      break;
    }
    case 'firewall':
      hw = HW.fortinet;
      platform = 'fortios';
      break;
    case 'access-point':
      hw = HW[r.weighted(['aruba', 'ubiquiti', 'cisco'], [50, 35, 15])];
      break;
    case 'printer':
      hw = HW[r.weighted(['brother', 'kyocera', 'hpprinter'], [40, 30, 30])];
      platform = 'printer';
      break;
    case 'phone':
      hw = HW[r.weighted(['poly', 'yealink'], [60, 40])];
      break;
    default:
      hw = HW.other;
      platform = 'linux';
      os = pickOs(r, LINUX.slice(2, 3));
  }
  const netOs = ['cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios'].includes(platform);
  const osFamily = os ? os.os.family : netOs ? 'network-os' : type === 'printer' || type === 'phone' || type === 'access-point' ? 'embedded' : null;
  const osName = os ? os.os.name : netOs ? `${hw.vendor.split(' ')[0]} ${platform.toUpperCase()}` : null;
  const osVersion = os ? os.version : netOs ? `${r.range(7, 17)}.${r.range(0, 12)}.${r.range(1, 9)}` : null;

  const code = SITES[site].code;
  const hostname = type === 'printer' && r.chance(0.15) ? null : `${code}-${TYPE_CODE[type]}-${String(id).padStart(6, '0')}`;
  const fqdn = hostname && (swFamily || netOs) ? `${hostname}.${code}.corp.example` : null;
  const x = r.next();
  const status = x < 0.9 ? 'active' : x < 0.97 ? 'stale' : 'retired';
  const firstSeen = REF_TIME - r.range(30, 1100) * DAY - r.int(DAY);
  const lastSeen =
    status === 'active' ? REF_TIME - r.int(7 * DAY) : Math.max(firstSeen + DAY, REF_TIME - r.range(31, 400) * DAY - r.int(DAY));
  const retiredAt = status === 'retired' ? lastSeen + r.range(1, 20) * DAY : null;
  const location = r.chance(0.02) ? null : SITES[site].name;
  const assignedTo = (type === 'workstation' || type === 'laptop') && r.chance(0.85) ? `${r.pick(FIRST)}.${r.pick(LAST)}` : null;
  const notes = r.chance(0.02) ? r.pick(NOTES) : null;

  // addresses: the primary interface, then Wi-Fi, IPv6 or a management port
  const addresses: DeviceSpec['addresses'] = [];
  const primaryIp = ipv4(site, id);
  const ifName = platform === 'windows' ? 'Ethernet' : platform === 'macos' ? 'en0' : netOs ? (platform === 'junos' ? 'me0' : 'Vlan1') : 'eth0';
  addresses.push({ ip: primaryIp, mac: mac(hw.oui, id * 3), interfaceName: ifName });
  if (type === 'laptop' && r.chance(0.7)) addresses.push({ ip: r.chance(0.5) ? ipv4(site, id, 1) : null, mac: mac(hw.oui, id * 3 + 1), interfaceName: platform === 'windows' ? 'Wi-Fi' : platform === 'macos' ? 'en1' : 'wlan0' });
  if (server && r.chance(0.5)) addresses.push({ ip: `2001:db8:${site.toString(16)}::${id.toString(16)}`, mac: mac(hw.oui, id * 3), interfaceName: ifName });
  if (type === 'server' && r.chance(0.6)) addresses.push({ ip: ipv4(site, id, 1), mac: mac(hw.oui, id * 3 + 2), interfaceName: 'mgmt (BMC)' });
  if (addresses.length > 3) addresses.length = 3;

  // 0-3 tags, skewed towards a few common ones
  const tags: string[] = [];
  const nTags = r.weighted([0, 1, 2, 3], [30, 35, 22, 13]);
  for (let i = 0; i < nTags; i++) {
    const t = r.weighted(TAGS, TAG_WEIGHTS);
    if (!tags.includes(t)) tags.push(t);
  }
  tags.sort();

  const sourceKinds: string[] = [];
  if (swFamily === 1 || swFamily === 3) sourceKinds.push('agent');
  if (swFamily === 2) sourceKinds.push('ssh');
  if (netOs || type === 'printer' || type === 'access-point' || type === 'phone' || (server && r.chance(0.5))) sourceKinds.push('snmp');
  if (netOs && r.chance(0.6)) sourceKinds.push('ssh');
  if (r.chance(0.05) || !sourceKinds.length) sourceKinds.push('manual');
  const sources = [...new Set(sourceKinds)].sort().map((kind) => ({ kind, firstSeen: firstSeen + r.int(3 * DAY), lastSeen: lastSeen - r.int(DAY) }));
  for (const s of sources) if (s.lastSeen < s.firstSeen) s.lastSeen = s.firstSeen;

  return {
    id, hostname, fqdn, type, platform, vendor: hw.vendor, model: r.pick(hw.models), serial: hw.serial(r), osFamily, osName, osVersion,
    status, location, assignedTo, notes, primaryIp, firstSeen, lastSeen, retiredAt, tags, addresses, sources, swFamily, swWeight,
  };
}

// ---------------------------------------------------------------- software catalogue

export interface Catalogue {
  /** index = popularity rank; software.id = index + 1 */
  name: string[];
  publisher: string[];
  family: Uint8Array; // 0 any, 1 windows, 2 linux, 3 macos
  versions: string[][];
  /** per software family (1..3): candidate title indexes in rank order and their cumulative weights */
  pools: Array<{ titles: Int32Array; cdf: Float64Array }>;
}

type Head = [name: string, publisher: string, family: number];
const HEAD: Head[] = [
  ['Google Chrome', 'Google LLC', 0], ['Microsoft Edge', 'Microsoft Corporation', 1], ['Microsoft Edge WebView2 Runtime', 'Microsoft Corporation', 1],
  ['Microsoft Visual C++ 2015-2022 Redistributable (x64)', 'Microsoft Corporation', 1], ['Microsoft Visual C++ 2015-2022 Redistributable (x86)', 'Microsoft Corporation', 1],
  ['Microsoft 365 Apps for enterprise - en-us', 'Microsoft Corporation', 1], ['Microsoft Teams', 'Microsoft Corporation', 0], ['Microsoft OneDrive', 'Microsoft Corporation', 1],
  ['Microsoft Update Health Tools', 'Microsoft Corporation', 1], ['Microsoft .NET Runtime - 8.0.11 (x64)', 'Microsoft Corporation', 1],
  ['Microsoft Windows Desktop Runtime - 8.0.11 (x64)', 'Microsoft Corporation', 1], ['Microsoft Visual C++ 2013 Redistributable (x64)', 'Microsoft Corporation', 1],
  ['Microsoft Visual C++ 2012 Redistributable (x64)', 'Microsoft Corporation', 1], ['Microsoft Visual C++ 2010  x64 Redistributable', 'Microsoft Corporation', 1],
  ['7-Zip 24.08 (x64)', 'Igor Pavlov', 1], ['Adobe Acrobat Reader', 'Adobe', 0], ['Mozilla Firefox', 'Mozilla', 0], ['Zoom Workplace', 'Zoom Video Communications, Inc.', 0],
  ['CrowdStrike Windows Sensor', 'CrowdStrike, Inc.', 1], ['FortiClient VPN', 'Fortinet Technologies Inc', 0], ['Cisco Secure Client', 'Cisco Systems, Inc.', 0],
  ['Notepad++ (64-bit x64)', 'Notepad++ Team', 1], ['VLC media player', 'VideoLAN', 0], ['Slack', 'Slack Technologies Inc.', 0], ['Java 8 Update 431', 'Oracle Corporation', 0],
  ['Intel(R) Graphics Driver', 'Intel Corporation', 1], ['Realtek High Definition Audio Driver', 'Realtek Semiconductor Corp.', 1], ['Dell Command | Update', 'Dell Inc.', 1],
  ['Lenovo Vantage Service', 'Lenovo Group Ltd.', 1], ['HP Support Assistant', 'HP Inc.', 1], ['TeamViewer', 'TeamViewer', 0], ['AnyDesk', 'AnyDesk Software GmbH', 1],
  ['Foxit PDF Reader', 'Foxit Software Inc.', 1], ['LibreOffice 24.8.3.2', 'The Document Foundation', 0], ['Visual Studio Code', 'Microsoft Corporation', 0],
  ['Git', 'The Git Development Community', 0], ['Python 3.12.7 (64-bit)', 'Python Software Foundation', 0], ['Node.js', 'Node.js Foundation', 0], ['PuTTY release 0.81 (64-bit)', 'Simon Tatham', 1],
  ['WinSCP 6.3.5', 'Martin Prikryl', 1], ['KeePass Password Safe 2.57', 'Dominik Reichl', 1], ['Greenshot', 'Greenshot', 1], ['PowerShell 7-x64', 'Microsoft Corporation', 1],
  ['Microsoft SQL Server Management Studio - 20.2', 'Microsoft Corporation', 1], ['Microsoft Power BI Desktop (x64)', 'Microsoft Corporation', 1], ['SAP GUI for Windows 8.00', 'SAP', 1],
  ['Wireshark 4.4.2 x64', 'The Wireshark developer community', 0], ['Docker Desktop', 'Docker Inc.', 0], ['Windows Terminal', 'Microsoft Corporation', 1], ['Microsoft Defender for Endpoint', 'Microsoft Corporation', 0],
  ['bash', 'Ubuntu Developers', 2], ['coreutils', 'Ubuntu Developers', 2], ['openssl', 'Ubuntu Developers', 2], ['libssl3', 'Ubuntu Developers', 2], ['openssh-server', 'Ubuntu Developers', 2],
  ['openssh-client', 'Ubuntu Developers', 2], ['systemd', 'Ubuntu Developers', 2], ['curl', 'Ubuntu Developers', 2], ['wget', 'Ubuntu Developers', 2], ['ca-certificates', 'Ubuntu Developers', 2],
  ['tzdata', 'Ubuntu Developers', 2], ['python3', 'Ubuntu Developers', 2], ['perl', 'Ubuntu Developers', 2], ['sudo', 'Ubuntu Developers', 2], ['vim', 'Ubuntu Developers', 2],
  ['rsyslog', 'Ubuntu Developers', 2], ['cron', 'Ubuntu Developers', 2], ['iproute2', 'Ubuntu Developers', 2], ['libc6', 'Ubuntu Developers', 2], ['libstdc++6', 'Ubuntu Developers', 2],
  ['zlib1g', 'Ubuntu Developers', 2], ['dbus', 'Ubuntu Developers', 2], ['apt', 'Ubuntu Developers', 2], ['util-linux', 'Ubuntu Developers', 2], ['lvm2', 'Ubuntu Developers', 2],
  ['chrony', 'Ubuntu Developers', 2], ['nginx', 'Ubuntu Developers', 2], ['apache2', 'Ubuntu Developers', 2], ['postgresql-16', 'Ubuntu Developers', 2], ['mariadb-server', 'Ubuntu Developers', 2],
  ['docker-ce', 'Docker Inc.', 2], ['containerd.io', 'Docker Inc.', 2], ['snmpd', 'Ubuntu Developers', 2], ['zabbix-agent2', 'Zabbix SIA', 2], ['nfs-common', 'Ubuntu Developers', 2],
  ['rsync', 'Ubuntu Developers', 2], ['htop', 'Ubuntu Developers', 2], ['tmux', 'Ubuntu Developers', 2], ['jq', 'Ubuntu Developers', 2], ['logrotate', 'Ubuntu Developers', 2],
  ['Safari', 'Apple Inc.', 3], ['Xcode', 'Apple Inc.', 3], ['Microsoft Word', 'Microsoft Corporation', 3], ['Microsoft Excel', 'Microsoft Corporation', 3], ['Microsoft Outlook', 'Microsoft Corporation', 3],
  ['Keynote', 'Apple Inc.', 3], ['Pages', 'Apple Inc.', 3], ['Numbers', 'Apple Inc.', 3], ['iTerm2', 'George Nachman', 3], ['1Password 8', 'AgileBits Inc.', 3], ['Rectangle', 'Ryan Hanson', 3],
];

const SYL = ['ka', 'lo', 'mi', 'ra', 'ne', 'to', 'vi', 'sa', 'du', 'pe', 'zor', 'lin', 'bex', 'qua', 'tri', 'mon', 'dal', 'fer', 'gis', 'hul', 'jan', 'kor', 'mab', 'nix', 'op', 'pri', 'rus', 'sil', 'tav', 'ul', 'vor', 'wen', 'yl', 'zen'];
const WORDS = ['Asset', 'Ledger', 'Studio', 'Sync', 'Viewer', 'Agent', 'Connector', 'Suite', 'Manager', 'Client', 'Toolkit', 'Designer', 'Monitor', 'Reporter', 'Scanner', 'Bridge', 'Console', 'Runtime', 'Driver', 'Helper', 'Planner', 'Analyzer', 'Backup', 'Capture', 'Express', 'Portal', 'Vault', 'Flow', 'Desk', 'Print', 'Cloud', 'Sense', 'Point', 'Link', 'Forms', 'Office', 'Update', 'Launcher', 'Companion', 'Editor'];
const VENDORS = ['Contoso', 'Fabrikam', 'Northwind', 'Tailspin', 'Wingtip', 'Adatum', 'Litware', 'Proseware', 'Woodgrove', 'Fourth Coffee', 'Lucerne', 'Margie', 'Alpine Ski', 'Bellows', 'Coho', 'Datum', 'Humongous', 'Relecloud', 'Trey Research', 'VanArsdel', 'Wide World', 'Graphic Design', 'Blue Yonder', 'Consolidated', 'Southridge'];
const CORP = [' Inc.', ' Ltd', ' GmbH', ' Corporation', ' Software', ' PT', ' LLC'];
const PKG_SUFFIX = ['utils', 'common', 'data', 'dev', 'doc', 'tools', 'server', 'client', 'plugins', 'bin', 'core', 'perl', 'extra'];
const PKG_PREFIX = ['lib', 'python3-', 'node-', 'golang-', 'r-cran-', 'ruby-', 'php-', 'fonts-', 'gir1.2-', 'texlive-'];

function word(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.pick(SYL);
  return s;
}

/** Zipf-like weight of the k-th most popular title of a pool. */
const zipf = (k: number) => 1 / Math.pow(k + 2, 1.07);

export function buildCatalogue(seed: number, titles: number): Catalogue {
  const r = new Rng(hash32(seed, 2));
  const name: string[] = [];
  const publisher: string[] = [];
  const fam: number[] = [];
  const seen = new Set<string>();
  const add = (n: string, p: string, f: number) => {
    const key = `${n.toLowerCase()}\u0000${p}`;
    if (seen.has(key) || n.length > 255) return false;
    seen.add(key);
    name.push(n), publisher.push(p), fam.push(f);
    return true;
  };
  for (const [n, p, f] of HEAD) if (name.length < titles) add(n, p, f);
  while (name.length < titles) {
    const f = r.weighted([1, 2, 3, 0], [45, 38, 11, 6]);
    if (f === 2) {
      const base = word(r, r.range(2, 3));
      const n = r.chance(0.45) ? `${r.pick(PKG_PREFIX)}${base}${r.chance(0.4) ? r.range(0, 9) : ''}` : `${base}${r.chance(0.7) ? `-${r.pick(PKG_SUFFIX)}` : ''}`;
      add(n, r.weighted(['Ubuntu Developers', 'Debian', 'Red Hat, Inc.'], [60, 25, 15]), 2);
    } else {
      const vendor = r.pick(VENDORS);
      const w1 = r.pick(WORDS);
      const w2 = r.pick(WORDS);
      const brand = word(r, 2);
      const cap = brand[0].toUpperCase() + brand.slice(1);
      const n = f === 3
        ? `${cap} ${w1}${r.chance(0.3) ? ` ${r.range(2, 12)}` : ''}`
        : `${r.chance(0.6) ? `${vendor} ` : ''}${cap} ${w1}${w1 !== w2 && r.chance(0.4) ? ` ${w2}` : ''}${r.chance(0.35) ? ` ${r.range(2, 2025)}` : ''}`;
      add(n, `${vendor}${r.pick(CORP)}`, f);
    }
  }
  const versions = name.map((_, i) => {
    const vr = new Rng(hash32(seed, 3, i));
    const n = vr.weighted([1, 2, 3, 4], [40, 30, 20, 10]);
    const out: string[] = [];
    const major = vr.range(1, 30);
    for (let k = 0; k < n; k++) {
      out.push(fam[i] === 2 ? `${major}.${vr.range(0, 20)}.${vr.range(0, 40)}-${vr.range(1, 9)}ubuntu${vr.range(0, 3)}` : `${major}.${vr.range(0, 9)}.${vr.range(0, 9999)}`);
    }
    return out;
  });
  const family = Uint8Array.from(fam);
  const pools = [0, 1, 2, 3].map((f) => {
    const idx: number[] = [];
    if (f > 0) for (let i = 0; i < titles; i++) if (family[i] === f || family[i] === 0) idx.push(i);
    const cdf = new Float64Array(idx.length);
    let acc = 0;
    for (let k = 0; k < idx.length; k++) cdf[k] = acc += zipf(k);
    return { titles: Int32Array.from(idx), cdf };
  });
  return { name, publisher, family, versions, pools };
}

/** How many titles a device has: avg `perDevice` over all devices, scaled by its swWeight. */
export function softwareCount(seed: number, d: DeviceSpec, scale: number, cat: Catalogue): number {
  if (!d.swFamily || !d.swWeight) return 0;
  const r = new Rng(hash32(seed, 4, d.id));
  const n = Math.round(scale * d.swWeight * (0.55 + 0.9 * r.next()));
  return Math.min(n, Math.floor(cat.pools[d.swFamily].titles.length / 2));
}

/** The scale that makes the average over `devices` come to `perDevice`. */
export function softwareScale(seed: number, devices: number, perDevice: number): number {
  let total = 0;
  for (let id = 1; id <= devices; id++) total += deviceSpec(seed, id).swWeight;
  return total ? (perDevice * devices) / total : 0;
}

export interface Install {
  softwareId: number;
  version: string;
  architecture: string;
  installDate: string | null;
  source: string;
  firstSeen: number;
}

/** The titles installed on a device (distinct), drawn from its family's skewed pool. */
export function installsOf(seed: number, d: DeviceSpec, count: number, cat: Catalogue, stamp: Int32Array): Install[] {
  if (!count) return [];
  const r = new Rng(hash32(seed, 5, d.id));
  const pool = cat.pools[d.swFamily];
  const total = pool.cdf[pool.cdf.length - 1];
  const picked: number[] = [];
  let attempts = 0;
  while (picked.length < count && attempts < count * 30) {
    attempts++;
    const x = r.next() * total;
    let lo = 0;
    let hi = pool.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pool.cdf[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    const t = pool.titles[lo];
    if (stamp[t] === d.id) continue;
    stamp[t] = d.id;
    picked.push(t);
  }
  for (let k = 0; picked.length < count; k++) {
    const t = pool.titles[k];
    if (stamp[t] !== d.id) (stamp[t] = d.id), picked.push(t);
  }
  picked.sort((a, b) => a - b);
  const source = d.swFamily === 2 ? 'ssh' : 'agent';
  const span = Math.max(1, Math.floor((d.lastSeen - d.firstSeen) / DAY));
  return picked.map((t) => {
    const vs = cat.versions[t];
    const version = vs[Math.min(vs.length - 1, Math.floor(-Math.log(1 - r.next()) * 0.8))];
    const architecture =
      d.swFamily === 1 ? (r.chance(0.85) ? 'x64' : 'x86') : d.swFamily === 2 ? (r.chance(0.8) ? 'amd64' : 'all') : r.chance(0.65) ? 'arm64' : 'x86_64';
    const firstSeen = d.firstSeen + r.int(span) * DAY + r.int(DAY);
    const installDate = d.swFamily === 2 && r.chance(0.6) ? null : new Date(firstSeen - r.int(30) * DAY).toISOString().slice(0, 10);
    return { softwareId: t + 1, version, architecture, installDate, source, firstSeen };
  });
}
