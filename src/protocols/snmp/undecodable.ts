// protocols/snmp: answers net-snmp cannot decode, made decodable. net-snmp drops a whole answer
// over one value it cannot read — an INTEGER of no bytes (HPE and ServerTech PDUs send them in
// GetBulk answers), an ASN.1 type it does not know (the SNMPv2 draft's UInteger32, 0x47), an
// IpAddress that is not 4 bytes — and a walk through such a value then loses its whole table:
// 900 programs over one bad install date. A v1/v2c answer is plain bytes, so the value's tag
// can be changed to OCTET STRING in place (lengths unchanged) and the answer decoded again; the
// client then leaves those values empty and says how many there were. A v3 answer is signed or
// encrypted, so it is left as it is.

/** One TLV's tag, where its contents start and how long they are; null when it does not fit. */
function tlvAt(b: Buffer, at: number, end: number): { tag: number; start: number; len: number } | null {
  if (at + 2 > end) return null;
  let len = b[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > end) return null;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[start + k];
    start += n;
  }
  return start + len > end ? null : { tag: b[at], start, len };
}

/** An OID's contents as net-snmp writes it: dotted, no leading dot. */
function oidText(b: Buffer, start: number, len: number): string | null {
  if (!len) return null;
  const arcs: number[] = [];
  let v = 0;
  for (let i = start; i < start + len; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (b[i] & 0x80) continue;
    if (!arcs.length) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
    else arcs.push(v);
    v = 0;
  }
  return arcs.join('.');
}

const INTEGERS = new Set([0x01, 0x02, 0x41, 0x42, 0x43]);
/** the value tags net-snmp reads (Boolean, INTEGER, BIT STRING, OCTET STRING, NULL, OID, the SMI's application types, and the v2 exceptions) */
const KNOWN = new Set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x40, 0x41, 0x42, 0x43, 0x44, 0x46, 0x80, 0x81, 0x82]);

/** Why net-snmp cannot decode a value of this tag and length, or null when it can. */
function whyUndecodable(tag: number, len: number): string | null {
  if (!KNOWN.has(tag)) return `a value of ASN.1 type 0x${tag.toString(16)}, which SNMP does not define`;
  if (INTEGERS.has(tag) && len === 0) return 'an integer of no bytes';
  // beyond 2^53: not a number JavaScript holds exactly
  if (INTEGERS.has(tag) && len > 6) return `an integer of ${len} bytes`;
  if (tag === 0x40 && len !== 4) return `an IpAddress of ${len} bytes`;
  if (tag === 0x06 && len === 0) return 'an empty OBJECT IDENTIFIER';
  return null;
}

export interface PatchedAnswer {
  buffer: Buffer;
  /** OID of each value re-tagged, with why it could not be decoded */
  values: Map<string, string>;
}

/**
 * A v1/v2c response whose undecodable values are re-tagged OCTET STRING, or null when it is not
 * such a response or has no such value (its problem lies elsewhere).
 */
export function patchUndecodable(message: Buffer): PatchedAnswer | null {
  const outer = tlvAt(message, 0, message.length);
  if (!outer || outer.tag !== 0x30) return null;
  const end = outer.start + outer.len;
  const version = tlvAt(message, outer.start, end);
  if (!version || version.tag !== 0x02 || version.len !== 1 || message[version.start] > 1) return null; // v1 or v2c only
  const community = tlvAt(message, version.start + version.len, end);
  if (!community || community.tag !== 0x04) return null;
  const pdu = tlvAt(message, community.start + community.len, end);
  if (!pdu || pdu.tag !== 0xa2) return null; // a Response
  const pduEnd = pdu.start + pdu.len;
  let at = pdu.start;
  for (let i = 0; i < 3; i++) {
    const field = tlvAt(message, at, pduEnd);
    if (!field || field.tag !== 0x02) return null;
    at = field.start + field.len;
  }
  const list = tlvAt(message, at, pduEnd);
  if (!list || list.tag !== 0x30) return null;
  const buffer = Buffer.from(message);
  const values = new Map<string, string>();
  const listEnd = list.start + list.len;
  for (let vbAt = list.start; vbAt < listEnd; ) {
    const vb = tlvAt(message, vbAt, listEnd);
    if (!vb || vb.tag !== 0x30) return null;
    const vbEnd = vb.start + vb.len;
    const name = tlvAt(message, vb.start, vbEnd);
    if (!name || name.tag !== 0x06) return null;
    const valueAt = name.start + name.len;
    const value = tlvAt(message, valueAt, vbEnd);
    if (!value) return null;
    const why = whyUndecodable(value.tag, value.len);
    const oid = oidText(message, name.start, name.len);
    if (why && oid) {
      buffer[valueAt] = 0x04;
      values.set(oid, why);
    }
    vbAt = vbEnd;
  }
  return values.size ? { buffer, values } : null;
}
