// discovery/: what a technician types as scan targets — CIDR blocks, address ranges, single
// addresses and host names — checked, counted without expanding, then expanded in order with
// duplicates dropped. ipaddr.js does the address maths.
import * as ipaddr from 'ipaddr.js';

export type Target =
  | { kind: 'cidr'; text: string; first: bigint; size: bigint; v6: boolean }
  | { kind: 'range'; text: string; first: bigint; size: bigint; v6: boolean }
  | { kind: 'host'; text: string; size: 1n };

export class TargetError extends Error {}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((n, b) => (n << 8n) | BigInt(b), 0n);
}

function fromBig(n: bigint, v6: boolean): string {
  const bytes: number[] = [];
  for (let i = 0; i < (v6 ? 16 : 4); i++) bytes.unshift(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** A strict address: dotted quads only for IPv4 (no "10.1" or octal shorthands). */
function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) {
    const a = ipaddr.IPv6.parse(s);
    return a.isIPv4MappedAddress() ? a.toIPv4Address() : a;
  }
  return null;
}

export function parseTarget(raw: string): Target {
  const text = raw.trim();
  if (!text) throw new TargetError('is empty');
  if (text.includes('/')) {
    const [addrText, bitsText] = text.split('/');
    const addr = parseAddress(addrText);
    const bits = /^\d{1,3}$/.test(bitsText ?? '') ? Number(bitsText) : NaN;
    const width = addr?.kind() === 'ipv6' ? 128 : 32;
    if (!addr || !(bits >= 0 && bits <= width)) throw new TargetError(`"${text}" is not a valid CIDR block (like 192.0.2.0/24)`);
    const v6 = addr.kind() === 'ipv6';
    const hostBits = BigInt(width - bits);
    const first = (toBig(addr) >> hostBits) << hostBits;
    let size = 1n << hostBits;
    // an IPv4 block's network and broadcast addresses are not hosts (except in /31 and /32)
    if (!v6 && bits <= 30) return { kind: 'cidr', text, first: first + 1n, size: size - 2n, v6 };
    if (v6 && bits <= 126) size -= 1n; // the subnet-router anycast address
    return { kind: 'cidr', text, first: v6 && bits <= 126 ? first + 1n : first, size, v6 };
  }
  const dash = text.indexOf('-');
  if (dash > 0 && (parseAddress(text.slice(0, dash)) || text.includes(':'))) {
    const from = parseAddress(text.slice(0, dash));
    let toText = text.slice(dash + 1);
    // "192.0.2.5-9": the end given as the last octet
    if (from?.kind() === 'ipv4' && /^\d{1,3}$/.test(toText)) toText = [...from.toString().split('.').slice(0, 3), toText].join('.');
    const to = parseAddress(toText);
    if (!from || !to || from.kind() !== to.kind()) throw new TargetError(`"${text}" is not a valid address range (like 192.0.2.5-192.0.2.9 or 192.0.2.5-9)`);
    const a = toBig(from);
    const b = toBig(to);
    if (b < a) throw new TargetError(`"${text}" ends before it starts`);
    return { kind: 'range', text, first: a, size: b - a + 1n, v6: from.kind() === 'ipv6' };
  }
  if (parseAddress(text)) return { kind: 'host', text: parseAddress(text)!.toString(), size: 1n };
  if (/^[\d.]+$/.test(text) || !HOSTNAME.test(text)) throw new TargetError(`"${text}" is not an address, range, CIDR block or host name`);
  return { kind: 'host', text: text.replace(/\.$/, '').toLowerCase(), size: 1n };
}

export interface ParsedTargets {
  targets: Target[];
  /** addresses before duplicates are dropped */
  size: number;
  errors: string[];
}

/** Parses every target, collecting each problem; the size is counted without expanding anything. */
export function parseTargets(raw: string[], max: number): ParsedTargets {
  const targets: Target[] = [];
  const errors: string[] = [];
  let size = 0n;
  raw.forEach((r, i) => {
    try {
      const t = parseTarget(r);
      targets.push(t);
      size += t.size;
    } catch (err) {
      if (err instanceof TargetError) errors.push(`targets.${i}: ${err.message}`);
      else throw err;
    }
  });
  if (!errors.length && size > BigInt(max)) {
    errors.push(`targets: ${size.toLocaleString('en')} addresses is more than one scan may cover (${max.toLocaleString('en')}, TEKNISI_MAX_SCAN_ADDRESSES); split the scan`);
  }
  return { targets, size: Number(size > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : size), errors };
}

/** Every address (or host name) in order, each once. Call only on targets that passed the size check. */
export function expandTargets(targets: Target[]): string[] {
  const out = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'host') out.add(t.text);
    else for (let i = 0n; i < t.size; i++) out.add(fromBig(t.first + i, t.v6));
  }
  return [...out];
}
