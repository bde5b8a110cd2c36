// protocols/snmp: answers net-snmp cannot decode, made decodable. net-snmp drops a whole answer
// over one value it cannot read — an INTEGER of no bytes (HPE and ServerTech PDUs send them in
// GetBulk answers), an ASN.1 type it does not know (the SNMPv2 draft's UInteger32, 0x47), an
// IpAddress that is not 4 bytes — and a walk through such a value then loses its whole table:
// 900 programs over one bad install date. A v1/v2c answer is plain bytes, so the value's tag
// can be changed to OCTET STRING in place (lengths unchanged) and the answer decoded again; the
// client then leaves those values empty and says how many there were. A v3 answer is mended
// where its PDU is in the clear: once decrypted (authPriv), or in the message itself, whose
// digest the client checks before and writes again after (authNoPriv).

/** One TLV: its tag, where its contents start and how long they are. */
type Tlv = { tag: number; start: number; len: number };

/** The TLV at `at`; null when it does not fit before `end`. */
function tlvAt(b: Buffer, at: number, end: number): Tlv | null {
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
 * The undecodable values of the Response PDU at `at`: where each value's tag lies, its OID and
 * why; null when what is there is not a Response PDU as SNMP writes it.
 */
function oddValuesOf(b: Buffer, at: number, end: number): Array<{ tagAt: number; oid: string; why: string }> | null {
  const pdu = tlvAt(b, at, end);
  if (!pdu || pdu.tag !== 0xa2) return null; // a Response
  // request-id, error-status, error-index, then the varbind list
  const fields = tlvsFrom(b, pdu.start, pdu.start + pdu.len, 4);
  if (fields.length !== 4 || fields.slice(0, 3).some((f) => f.tag !== 0x02)) return null;
  const list = fields[3];
  if (list.tag !== 0x30) return null;
  const odd: Array<{ tagAt: number; oid: string; why: string }> = [];
  const listEnd = list.start + list.len;
  for (let vbAt = list.start; vbAt < listEnd; ) {
    const vb = tlvAt(b, vbAt, listEnd);
    if (!vb || vb.tag !== 0x30) return null;
    const vbEnd = vb.start + vb.len;
    const name = tlvAt(b, vb.start, vbEnd);
    if (!name || name.tag !== 0x06) return null;
    const valueAt = name.start + name.len;
    const value = tlvAt(b, valueAt, vbEnd);
    if (!value) return null;
    const why = whyUndecodable(value.tag, value.len);
    const oid = why && oidText(b, name.start, name.len);
    if (why && oid) odd.push({ tagAt: valueAt, oid, why });
    vbAt = vbEnd;
  }
  return odd;
}

/** A copy of `b` with the Response PDU at `at` mended, or null when it is not one or has nothing to mend. */
function patchAt(b: Buffer, at: number, end: number): PatchedAnswer | null {
  const odd = oddValuesOf(b, at, end);
  if (!odd?.length) return null;
  const buffer = Buffer.from(b);
  for (const v of odd) buffer[v.tagAt] = 0x04;
  return { buffer, values: new Map(odd.map((v) => [v.oid, v.why])) };
}

/** The TLVs one after another from `at`, as long as each fits; fewer than asked when they stop fitting. */
function tlvsFrom(b: Buffer, at: number, end: number, count: number): Tlv[] {
  const out: Tlv[] = [];
  while (out.length < count) {
    const t = tlvAt(b, at, end);
    if (!t) break;
    out.push(t);
    at = t.start + t.len;
  }
  return out;
}

/**
 * A v1/v2c response whose undecodable values are re-tagged OCTET STRING, or null when it is not
 * such a response or has no such value (its problem lies elsewhere).
 */
export function patchUndecodable(message: Buffer): PatchedAnswer | null {
  const outer = tlvAt(message, 0, message.length);
  if (!outer || outer.tag !== 0x30) return null;
  const end = outer.start + outer.len;
  const [version, community] = tlvsFrom(message, outer.start, end, 2);
  if (!version || version.tag !== 0x02 || version.len !== 1 || message[version.start] > 1) return null; // v1 or v2c only
  if (!community || community.tag !== 0x04) return null;
  return patchAt(message, community.start + community.len, end);
}

/**
 * A v3 scoped PDU (contextEngineID, contextName, PDU), as an encrypted answer decrypts to,
 * with its undecodable values re-tagged; null as patchUndecodable. Bytes after it (DES's
 * padding) are kept.
 */
export function patchScopedPdu(plain: Buffer): PatchedAnswer | null {
  return patchScoped(plain, tlvAt(plain, 0, plain.length));
}

/** `b` with the scoped PDU `scoped` (a TLV of it) mended; null as patchUndecodable. */
function patchScoped(b: Buffer, scoped: Tlv | null | undefined): PatchedAnswer | null {
  if (!scoped || scoped.tag !== 0x30) return null;
  const end = scoped.start + scoped.len;
  const [engine, context] = tlvsFrom(b, scoped.start, end, 2);
  if (!engine || engine.tag !== 0x04 || !context || context.tag !== 0x04) return null;
  return patchAt(b, context.start + context.len, end);
}

export interface PatchedV3Answer extends PatchedAnswer {
  /** msgAuthoritativeEngineID, which the digest's key is localized to */
  engineId: Buffer;
  /** where msgAuthenticationParameters (the digest, HMAC over the whole message with it zeroed) lies, in both buffers */
  digest: { start: number; len: number };
}

/**
 * A v3 answer sent in the clear (noAuthNoPriv, authNoPriv) with its undecodable values
 * re-tagged, and where its digest lies: the digest no longer fits the mended bytes, so whoever
 * mends one must first check the digest of the answer as it came and then sign the mended one.
 * Null as patchUndecodable, and for an encrypted answer (see patchScopedPdu).
 */
export function patchV3Message(message: Buffer): PatchedV3Answer | null {
  const outer = tlvAt(message, 0, message.length);
  if (!outer || outer.tag !== 0x30) return null;
  const end = outer.start + outer.len;
  const [version, header, security, data] = tlvsFrom(message, outer.start, end, 4);
  if (!version || version.tag !== 0x02 || version.len !== 1 || message[version.start] !== 3) return null;
  if (!header || header.tag !== 0x30 || !security || security.tag !== 0x04) return null;
  const usm = tlvAt(message, security.start, security.start + security.len);
  if (!usm || usm.tag !== 0x30) return null;
  // msgAuthoritativeEngineID, -Boots, -Time, msgUserName, msgAuthenticationParameters, msgPrivacyParameters
  const fields = tlvsFrom(message, usm.start, usm.start + usm.len, 6);
  if (fields.length !== 6 || fields[0].tag !== 0x04 || fields[4].tag !== 0x04) return null;
  const patched = patchScoped(message, data); // a plain scoped PDU (an encrypted one is an OCTET STRING)
  if (!patched) return null;
  const engineId = Buffer.from(message.subarray(fields[0].start, fields[0].start + fields[0].len));
  return { ...patched, engineId, digest: { start: fields[4].start, len: fields[4].len } };
}
