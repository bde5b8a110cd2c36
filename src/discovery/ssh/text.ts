// discovery/ssh: small helpers shared by the per-platform parsers. Everything a device prints is
// untrusted: values are trimmed and capped here, lists are capped by the parsers.
import { isPlausibleDay } from '../../common/calendar';

export const CAPS = { value: 512, software: 20_000, interfaces: 4096, addressesPerInterface: 64, disks: 256, cpus: 64 };

/** Trimmed text, capped; undefined when empty. */
export function str(value: unknown, max = CAPS.value): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  if (!s) return undefined;
  return s.length > max ? s.slice(0, max) : s;
}

/** What board makers leave in SMBIOS (DMI, WMI) when they never set it: it names no vendor, model or serial. */
const SMBIOS_PLACEHOLDER = /^(to be filled by o\.?e\.?m\.?|default string|system (manufacturer|product name|serial number|version)|chassis (manufacturer|serial number)|not specified|not applicable|none|n\/a|o\.?e\.?m\.?|0?123456789|0+)$/i;

/** An SMBIOS vendor, model or serial as str() has it, or undefined when it is a placeholder. */
export function smbios(value: unknown, max = CAPS.value): string | undefined {
  const s = str(value, max);
  return s && !SMBIOS_PLACEHOLDER.test(s) ? s : undefined;
}

/** A finite, non-negative number or undefined. */
export function num(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value.trim()) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** yyyy-mm-dd of a Unix time in seconds (rpm, pkgutil), or undefined when it cannot be an install time. */
export function dayOfEpoch(seconds: unknown, now = Date.now()): string | undefined {
  const s = num(seconds);
  if (s === undefined || !isPlausibleDay(s * 1000, now)) return undefined;
  return new Date(s * 1000).toISOString().slice(0, 10);
}

/** Any MAC notation (aa:bb.., aa-bb.., aabb.ccdd.eeff, aabbccddeeff) → aa:bb:cc:dd:ee:ff, else undefined. */
export function mac(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.trim().toLowerCase().replace(/[:.\-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  return hex.match(/../g)!.join(':');
}

/** `Key: value` or `Key=value` lines into a map with lower-case keys; the first of a repeated key wins. */
export function keyValues(text: string, separator: RegExp = /\s*:\s*/): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = separator.exec(line);
    if (!m || m.index === 0) continue;
    const key = line.slice(0, m.index).trim().toLowerCase();
    if (!out.has(key)) out.set(key, line.slice(m.index + m[0].length).trim());
  }
  return out;
}

/** how many lines that open with a bracket are tried before the output is taken for no JSON */
const JSON_STARTS = 16;

/**
 * JSON that a device printed, or undefined when it is not JSON. It may follow other text (a
 * PowerShell profile's greeting: "Welcome [CORP\anna]"), so after the first bracket each line
 * that opens with one is tried, to the end of the output or, JSON printed on one line, to the
 * end of that line.
 */
export function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  const first = text.search(/[[{]/);
  if (first < 0) return undefined;
  const starts = [first];
  for (const m of text.slice(first + 1).matchAll(/\n[ \t]*(?=[[{])/g)) {
    starts.push(first + 1 + m.index + m[0].length);
    if (starts.length > JSON_STARTS) break;
  }
  for (const start of starts) {
    const end = text.indexOf('\n', start);
    for (const candidate of end < 0 ? [text.slice(start)] : [text.slice(start), text.slice(start, end)]) {
      try {
        return JSON.parse(candidate);
      } catch {
        // not JSON from here: the next candidate
      }
    }
  }
  return undefined;
}

/** PowerShell's ConvertTo-Json writes a one-element list as the element itself. */
export function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VIRTUAL = /\b(VMware|VirtualBox|innotek|QEMU|KVM|Xen|HVM domU|Virtual Machine|Bochs|Parallels|Standard PC \(|Amazon EC2|Google Compute Engine|OpenStack|DigitalOcean|Hyper-V)\b/i;

/** Whether a vendor or model string names a hypervisor's virtual hardware. */
export function isVirtualHardware(...values: Array<string | undefined>): boolean {
  return values.some((v) => !!v && VIRTUAL.test(v));
}

/** `hostname` output → short name, and the FQDN when it has dots. */
export function parseHostname(text: string | undefined): { hostname?: string; fqdn?: string } {
  const name = str(text?.split('\n')[0], 255);
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return {};
  const short = name.split('.')[0];
  return name.includes('.') ? { hostname: short, fqdn: name } : { hostname: short };
}
