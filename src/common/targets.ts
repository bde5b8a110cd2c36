// common/: what a technician types as scan targets — CIDR blocks, address ranges, single
// addresses and host names — and what a scan must leave out, in the same forms: checked,
// counted without expanding, then expanded in order with duplicates and exclusions dropped.
// ipaddr.js parses the addresses; the spans are plain bigint arithmetic.
import * as ipaddr from 'ipaddr.js';

export type Target =
  /** first and size: the hosts; block: every address of the block (what an exclusion leaves out) */
  | { kind: 'cidr'; text: string; first: bigint; size: bigint; v6: boolean; block: { first: bigint; size: bigint } }
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
  // ipaddr.js accepts "fe80::1%eth0", but the zone does not survive as an address is counted
  // and expanded: the scan would contact fe80::1 on whichever interface the system picks
  const zone = /%[^-/]*/.exec(text);
  if (zone && text.includes(':')) throw new TargetError(`"${text}" has an IPv6 zone (${zone[0]}): a scan cannot keep which interface to use; give the address without it`);
  if (text.includes('/')) {
    const parts = text.split('/');
    // "192.0.2.0/24/7" is a typo, not the /24 it starts with
    const [addrText, bitsText] = parts.length === 2 ? parts : ['', ''];
    let addr = parseAddress(addrText);
    let bits = /^\d{1,3}$/.test(bitsText ?? '') ? Number(bitsText) : NaN;
    // an IPv4-mapped block (::ffff:192.0.2.0/120) counts its prefix in IPv6 bits: past the
    // first 96 it is the IPv4 block (192.0.2.0/24); a shorter one is an IPv6 block, not the
    // IPv4 block its address reads as (::ffff:192.0.2.0/24 is ::/24, not 192.0.2.0/24)
    if (addr?.kind() === 'ipv4' && addrText.includes(':')) {
      if (bits >= 96 && bits <= 128) bits -= 96;
      else addr = ipaddr.IPv6.parse(addrText);
    }
    const width = addr?.kind() === 'ipv6' ? 128 : 32;
    if (!addr || !(bits >= 0 && bits <= width)) throw new TargetError(`"${text}" is not a valid CIDR block (like 192.0.2.0/24)`);
    const v6 = addr.kind() === 'ipv6';
    const hostBits = BigInt(width - bits);
    const first = (toBig(addr) >> hostBits) << hostBits;
    let size = 1n << hostBits;
    // an IPv4 block's network and broadcast addresses are not hosts (except in /31 and /32)
    const block = { first, size };
    if (!v6 && bits <= 30) return { kind: 'cidr', text, first: first + 1n, size: size - 2n, v6, block };
    if (v6 && bits <= 126) size -= 1n; // the subnet-router anycast address
    return { kind: 'cidr', text, first: v6 && bits <= 126 ? first + 1n : first, size, v6, block };
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

/** An inclusive run of addresses of one family, as numbers. */
interface Span {
  v6: boolean;
  from: bigint;
  to: bigint;
}

/**
 * The addresses a target covers as a span; a host name has none. An exclusion's CIDR block
 * covers all of it: excluding 192.0.2.0/24 leaves out 192.0.2.0 and .255, hosts of a /23.
 */
function spanOf(t: Target, whole = false): Span | null {
  if (t.kind === 'cidr' && whole) return { v6: t.v6, from: t.block.first, to: t.block.first + t.block.size - 1n };
  if (t.kind !== 'host') return { v6: t.v6, from: t.first, to: t.first + t.size - 1n };
  const a = parseAddress(t.text);
  return a ? { v6: a.kind() === 'ipv6', from: toBig(a), to: toBig(a) } : null;
}

/** Sorted, overlapping and touching spans joined. */
function merge(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const s of [...spans].sort((a, b) => Number(a.v6) - Number(b.v6) || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    const last = out[out.length - 1];
    if (last && last.v6 === s.v6 && s.from <= last.to + 1n) {
      if (s.to > last.to) last.to = s.to;
    } else out.push({ ...s });
  }
  return out;
}

/** What is left of a span once the (merged) exclusions are taken out, in ascending order. */
function subtract(span: Span, excluded: Span[]): Span[] {
  const out: Span[] = [];
  let from = span.from;
  for (const x of excluded) {
    if (x.v6 !== span.v6 || x.to < from) continue;
    if (x.from > span.to) break;
    if (x.from > from) out.push({ v6: span.v6, from, to: x.from - 1n });
    from = x.to + 1n;
    if (from > span.to) return out;
  }
  out.push({ v6: span.v6, from, to: span.to });
  return out;
}

/**
 * What a scan leaves out: addresses, ranges and CIDR blocks (whatever address a target or a
 * host name's lookup gives) and host names as written.
 */
export class Exclusions {
  private readonly spans: Span[];
  private readonly hosts = new Set<string>();

  constructor(readonly targets: Target[] = []) {
    this.spans = merge(targets.map((t) => spanOf(t, true)).filter((s): s is Span => !!s));
    for (const t of targets) if (t.kind === 'host' && !spanOf(t)) this.hosts.add(t.text);
  }

  get empty(): boolean {
    return !this.spans.length && !this.hosts.size;
  }

  /** The pieces of a target's addresses the scan keeps. */
  keep(span: Span): Span[] {
    return subtract(span, this.spans);
  }

  hasHost(name: string): boolean {
    return this.hosts.has(name);
  }

  /** The exclusion an address (an IP address as text) falls in, or null. */
  matching(ip: string): string | null {
    const a = parseAddress(ip);
    if (!a) return null;
    const n = toBig(a);
    const v6 = a.kind() === 'ipv6';
    const hit = this.targets.find((t) => {
      const s = spanOf(t, true);
      return s && s.v6 === v6 && s.from <= n && n <= s.to;
    });
    return hit?.text ?? null;
  }
}

/** A problem parseTargets reported ("exclude.2: …") as the field it names and what is wrong there. */
export function targetErrorParts(error: string): { field: string; message: string } {
  const at = error.indexOf(': ');
  return { field: error.slice(0, at), message: error.slice(at + 2) };
}

export interface ParsedTargets {
  targets: Target[];
  /** what the scan leaves out */
  exclusions: Exclusions;
  /** distinct addresses and host names the scan covers, exclusions taken out */
  size: number;
  errors: string[];
}

function parseList(raw: string[], field: string, errors: string[]): Target[] {
  const out: Target[] = [];
  raw.forEach((r, i) => {
    try {
      out.push(parseTarget(r));
    } catch (err) {
      if (err instanceof TargetError) errors.push(`${field}.${i}: ${err.message}`);
      else throw err;
    }
  });
  return out;
}

/**
 * Parses every target and exclusion, collecting each problem; the size (distinct addresses
 * left once the exclusions are taken out) is counted without expanding anything.
 */
export function parseTargets(raw: string[], max: number, exclude: string[] = []): ParsedTargets {
  const errors: string[] = [];
  const targets = parseList(raw, 'targets', errors);
  const exclusions = new Exclusions(parseList(exclude, 'exclude', errors));
  let size = 0n;
  for (const s of merge(targets.map((t) => spanOf(t)).filter((x): x is Span => !!x))) for (const k of exclusions.keep(s)) size += k.to - k.from + 1n;
  size += BigInt(new Set(targets.filter((t) => t.kind === 'host' && !spanOf(t) && !exclusions.hasHost(t.text)).map((t) => t.text)).size);
  if (!errors.length && size > BigInt(max)) {
    const left = exclusions.empty ? '' : ' once the exclusions are taken out';
    errors.push(`targets: ${size.toLocaleString('en')} addresses${left} is more than one scan may cover (${max.toLocaleString('en')}, TEKNISI_MAX_SCAN_ADDRESSES); split the scan`);
  }
  return { targets, exclusions, size: Number(size > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : size), errors };
}

/** Adds a span to sorted, joined spans (as merge() leaves them), joining those it overlaps or touches. */
function join(spans: Span[], s: Span): void {
  let i = 0;
  while (i < spans.length && (Number(spans[i].v6) < Number(s.v6) || (spans[i].v6 === s.v6 && spans[i].to + 1n < s.from))) i++;
  const joined = { ...s };
  let j = i;
  for (; j < spans.length && spans[j].v6 === s.v6 && spans[j].from <= s.to + 1n; j++) {
    if (spans[j].from < joined.from) joined.from = spans[j].from;
    if (spans[j].to > joined.to) joined.to = spans[j].to;
  }
  spans.splice(i, j - i, joined);
}

/**
 * Every address (or host name) in order, each once, minus the exclusions. Call only on targets
 * that passed the size check: only what is left is expanded, so a /8 less a /9 is never walked.
 * What earlier targets covered is left out of later ones as the exclusions are, so that fifty
 * copies of a /16 walk it once (dropping repeats after walking each took ~20 s); the list is
 * the same, order included, and must stay so: a running scan's chunks are positions in it.
 */
export function expandTargets(targets: Target[], exclusions = new Exclusions()): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  const walked: Span[] = [];
  for (const t of targets) {
    const span = spanOf(t);
    if (!span) {
      if (!exclusions.hasHost(t.text) && !names.has(t.text)) out.push(t.text);
      names.add(t.text);
      continue;
    }
    for (const k of exclusions.keep(span)) for (const fresh of subtract(k, walked)) for (let n = fresh.from; n <= fresh.to; n++) out.push(fromBig(n, k.v6));
    join(walked, span);
  }
  return out;
}
