// inventory/: identifiers that decide whether a report is a known machine, and the junk
// values (placeholder serials, virtual and broadcast MACs) that must never match anything.
import { isIP } from 'node:net';

/** Serials that vendors ship as placeholders; compared case-insensitively after trimming. */
export const JUNK_SERIALS = [
  '', '0', '00000000', '000000000', '0000000000', '0123456789', '123456789', '1234567890', 'none', 'n/a', 'na',
  'not specified', 'not available', 'not applicable', 'unknown', 'default string', 'to be filled by o.e.m.',
  'to be filled by oem', 'system serial number', 'chassis serial number', 'serial number', 'invalid', 'xxxxxxxxxx',
  'oem', 'empty', 'none provided', 'base board serial number',
];

/** MAC prefixes (lower-case, colon-separated) of virtual or shared adapters that many machines carry. */
export const JUNK_MAC_PREFIXES = [
  '00:00:00:00:00:00', 'ff:ff:ff:ff:ff:ff',
  '02:00:4c:4f:4f:50', // Microsoft loopback adapter
  '00:05:9a:3c:7a:00', // Cisco AnyConnect virtual adapter
  '02:42:', // Docker bridges
  '00:50:56:c0:00:', // VMware host-only/NAT adapters on the host
  '0a:00:27:00:00:', // VirtualBox host-only adapters on the host
  '00:15:5d:', // Hyper-V virtual switch adapters (shared across hosts)
  '00:1c:42:00:00:', // Parallels shared networking
  '7a:79:', // Apple AWDL-style locally administered
  '00:ff:', // TAP-Windows adapters
  'ee:ee:ee:ee:ee:ee', // Calico's host side of every pod interface, on every Kubernetes node
  '00:16:3e:00:00:00', // lxc-net's lxcbr0 bridge, the same on every host that runs it
  'fe:ff:ff:ff:ff:ff', // Xen's backend vif interfaces in dom0
  // first-hop redundancy: the address moves between the routers, firewalls or load balancers
  // of a pair (keepalived's use_vmac and macvlan vrrp.N interfaces report it as Ethernet)
  '00:00:5e:00:01:', // VRRP for IPv4, and OpenBSD/pfSense CARP
  '00:00:5e:00:02:', // VRRP for IPv6
  '00:00:0c:07:ac:', // Cisco HSRP version 1
  '00:00:0c:9f:f', // Cisco HSRP version 2 (00:00:0c:9f:f0:00–ff:ff)
  '00:07:b4:00:', // Cisco GLBP
  '02:bf:', // Windows NLB in unicast mode: every host of the cluster
];

export function isUsefulMac(mac: string): boolean {
  if (JUNK_MAC_PREFIXES.some((p) => mac.startsWith(p))) return false;
  // multicast bit set: never a machine's own address
  return (parseInt(mac.slice(0, 2), 16) & 1) === 0;
}

export function isUsefulSerial(serial: string | undefined | null): serial is string {
  if (!serial) return false;
  const s = serial.trim().toLowerCase();
  if (s.length < 3 || JUNK_SERIALS.includes(s)) return false;
  return !/^(.)\1+$/.test(s); // 0000…, FFFF…, xxxx…
}

/** A UTF-16 surrogate without its other half: not a character, and MySQL stores it as U+FFFD. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Terminal escape sequences a device's text may carry (a banner's colours, a hostile sysName's
 * "clear screen"): CSI (ESC [ or U+009B, parameters, a final letter) and OSC (ESC ], up to BEL or
 * ESC \\) go whole, not as a leftover "[31m" once their ESC is dropped as a control character.
 */
const TERMINAL_SEQUENCES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]{0,256}(?:\u0007|\u001b\\)/g;

/**
 * Explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): a
 * name carrying U+202E shows its end reversed ("Invoice\u202Eexe.pdf" reads "Invoicefdp.exe"),
 * the "Trojan Source" trick; right-to-left names display correctly without them.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Linux's /etc/machine-id (32 hex digits) or Windows' MachineGuid; none of zeros. */
const MACHINE_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** An OS installation id, lower case, when the value is one (not empty, malformed or zeros). */
export function usefulMachineId(id: unknown): string | undefined {
  return typeof id === 'string' && MACHINE_ID.test(id) && /[1-9a-f]/i.test(id) ? id.toLowerCase() : undefined;
}

/**
 * An IP address as a device reported it, storable as one: IPv4 or IPv6 without a zone
 * (fe80::1%eth0 means something only on the host that wrote it, as the API says, and a zone
 * can be longer than any address column).
 */
export function isStorableIp(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('%') && isIP(value) !== 0;
}

/**
 * Text from a device is untrusted: invalid UTF-8 arrives already replaced by the decoder, but
 * JSON's \uD800 escapes can still carry half a character; here such halves become U+FFFD (as
 * the database would store them, so that what ingest compares is what it stored), control
 * characters and bidirectional overrides go, white space is folded and the length is capped without cutting a character
 * in two.
 */
export function cleanText(value: unknown, max = 255): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).replace(LONE_SURROGATE, '\uFFFD').replace(BIDI_CONTROLS, '').replace(TERMINAL_SEQUENCES, '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return s ? capped(s, max) : undefined;
}

/** The first `max` UTF-16 units of `s`, less half a character at the end. */
function capped(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * A software title as the catalogue keys it: lower case, within its column. Lower-casing can
 * lengthen a name ('İ' becomes two characters), so a name cleaned to 255 is cut again after it:
 * a 256-character key was cut by the database on insert and then never found again.
 */
export function normalizedTitle(name: string, max = 255): string {
  return capped(name.toLowerCase(), max);
}
