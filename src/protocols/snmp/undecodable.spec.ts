import { patchScopedPdu, patchUndecodable, patchV3Message } from './undecodable';

// BER as an agent writes it (definite lengths, short or long form)
function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), body]);
}
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const int = (n: number) => tlv(0x02, Buffer.from([n]));
function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const bytes = [a * 40 + b];
  for (const arc of rest) {
    const out = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) out.unshift((v & 0x7f) | 0x80);
    bytes.push(...out);
  }
  return tlv(0x06, Buffer.from(bytes));
}
/** a GetResponse of SNMP `version` (0: v1, 1: v2c) carrying these varbinds */
const response = (varbinds: Array<[string, Buffer]>, { version = 1, community = 'public' } = {}) =>
  seq(int(version), tlv(0x04, Buffer.from(community)), tlv(0xa2, Buffer.concat([int(42), int(0), int(0), seq(...varbinds.map(([o, v]) => seq(oid(o), v)))])));

const LOAD = '1.3.6.1.4.1.232.165.2.3.2.1.4.1';
const octets = (b: Buffer | string) => tlv(0x04, Buffer.from(b));
const pdu = (varbinds: Array<[string, Buffer]>) => tlv(0xa2, Buffer.concat([int(42), int(0), int(0), seq(...varbinds.map(([o, v]) => seq(oid(o), v)))]));
/** a v3 scoped PDU: contextEngineID, contextName, the PDU */
const scoped = (varbinds: Array<[string, Buffer]>) => seq(octets(ENGINE), octets(''), pdu(varbinds));
const ENGINE = Buffer.from('8000c53f0401020304', 'hex');
const DIGEST = Buffer.alloc(24, 0xab); // HMAC-SHA-256's 192 bits
/** a v3 message sent in the clear, authNoPriv: the digest in msgAuthenticationParameters */
const v3Message = (data: Buffer) => seq(
  int(3), seq(int(7), tlv(0x02, Buffer.from([0x05, 0xdc])), octets(Buffer.from([0x01])), int(3)),
  octets(seq(octets(ENGINE), int(2), tlv(0x02, Buffer.from([0x01, 0x00])), octets('labodd-an'), octets(DIGEST), octets(''))),
  data,
);
const ODD_UPTIME: Array<[string, Buffer]> = [['1.3.6.1.2.1.1.3.0', tlv(0x47, Buffer.from([0x01]))], ['1.3.6.1.2.1.1.5.0', octets('lab-odd5')]];

describe('answers net-snmp cannot decode, made decodable', () => {
  it('re-tags a GetBulk answer\'s integer of no bytes (an HPE PDU\'s breakerPercentLoad) and nothing else', () => {
    // as snmp_exporter#541's capture shows it: good values around the empty one
    const answer = response([[`${LOAD}.4`, tlv(0x02, Buffer.from([12]))], [`${LOAD}.5`, Buffer.from([0x02, 0x00])], [`${LOAD}.6`, tlv(0x42, Buffer.from([0x00, 0xff, 0xff, 0xff, 0xff]))]]);
    const patched = patchUndecodable(answer)!;
    expect([...patched.values]).toEqual([[`${LOAD}.5`, 'an integer of no bytes']]);
    expect(patched.buffer.length).toBe(answer.length);
    const at = answer.indexOf(Buffer.from([0x02, 0x00]), answer.indexOf(oid(`${LOAD}.5`)));
    expect(patched.buffer[at]).toBe(0x04);
    // every other byte as it was, and the agent's answer itself left alone
    expect(Buffer.concat([patched.buffer.subarray(0, at), patched.buffer.subarray(at + 1)])).toEqual(Buffer.concat([answer.subarray(0, at), answer.subarray(at + 1)]));
    expect(answer[at]).toBe(0x02);
  });

  it('names each kind of undecodable value, in an answer whose lengths take the long form', () => {
    const name = Buffer.alloc(300, 'x');
    const answer = response([
      ['1.3.6.1.2.1.25.6.3.1.2.1', tlv(0x04, name)],
      ['1.3.6.1.2.1.1.3.0', tlv(0x47, Buffer.from([0x01, 0x02]))],
      ['1.3.6.1.2.1.4.20.1.1.1', tlv(0x40, Buffer.from([192, 0, 2, 1, 255, 255, 255, 0]))],
      ['1.3.6.1.2.1.2.2.1.5.1', tlv(0x42, Buffer.alloc(9, 1))],
      ['1.3.6.1.2.1.1.2.0', Buffer.from([0x06, 0x00])],
    ], { version: 0 });
    expect(answer[1]).toBe(0x82);
    expect([...patchUndecodable(answer)!.values]).toEqual([
      ['1.3.6.1.2.1.1.3.0', 'a value of ASN.1 type 0x47, which SNMP does not define'],
      ['1.3.6.1.2.1.4.20.1.1.1', 'an IpAddress of 8 bytes'],
      ['1.3.6.1.2.1.2.2.1.5.1', 'an integer of 9 bytes'],
      ['1.3.6.1.2.1.1.2.0', 'an empty OBJECT IDENTIFIER'],
    ]);
  });

  it('leaves alone what it cannot or need not mend: a decodable answer, v3, a request, truncated bytes', () => {
    const good = response([['1.3.6.1.2.1.1.5.0', tlv(0x04, Buffer.from('sw01'))], ['1.3.6.1.2.1.1.3.0', tlv(0x43, Buffer.from([0x01, 0x00]))]]);
    expect(patchUndecodable(good)).toBeNull();
    const odd = response([['1.3.6.1.2.1.1.3.0', tlv(0x47, Buffer.from([0x01]))]]);
    expect(patchUndecodable(odd)).not.toBeNull();
    expect(patchUndecodable(response([['1.3.6.1.2.1.1.3.0', tlv(0x47, Buffer.from([0x01]))]], { version: 3 }))).toBeNull();
    const request = Buffer.from(odd);
    request[request.indexOf(0xa2)] = 0xa5; // a GetBulk request, not an answer
    expect(patchUndecodable(request)).toBeNull();
    for (let cut = 0; cut < odd.length; cut++) expect(patchUndecodable(odd.subarray(0, cut))).toBeNull();
    expect(patchUndecodable(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toBeNull();
  });

  it('mends a v3 scoped PDU as decrypted, keeping whatever padding follows it', () => {
    const plain = Buffer.concat([scoped(ODD_UPTIME), Buffer.alloc(5)]); // DES pads to 8 bytes
    const patched = patchScopedPdu(plain)!;
    expect([...patched.values]).toEqual([['1.3.6.1.2.1.1.3.0', 'a value of ASN.1 type 0x47, which SNMP does not define']]);
    expect(patched.buffer.length).toBe(plain.length);
    expect(patched.buffer.filter((b, i) => b !== plain[i])).toEqual(Buffer.from([0x04]));
    expect(patchScopedPdu(scoped([['1.3.6.1.2.1.1.5.0', octets('lab-odd5')]]))).toBeNull();
    expect(patchScopedPdu(pdu(ODD_UPTIME))).toBeNull(); // not scoped
  });

  it('mends a v3 message in the clear and says where its digest lies, for it to be checked and written again; an encrypted one is left alone', () => {
    const message = v3Message(scoped(ODD_UPTIME));
    const patched = patchV3Message(message)!;
    expect([...patched.values]).toEqual([['1.3.6.1.2.1.1.3.0', 'a value of ASN.1 type 0x47, which SNMP does not define']]);
    expect(patched.engineId).toEqual(ENGINE);
    expect(message.subarray(patched.digest.start, patched.digest.start + patched.digest.len)).toEqual(DIGEST);
    expect(patched.buffer.filter((b, i) => b !== message[i])).toEqual(Buffer.from([0x04]));
    // authPriv: the scoped PDU is an encrypted OCTET STRING, mended only once decrypted
    expect(patchV3Message(v3Message(octets(scoped(ODD_UPTIME))))).toBeNull();
    // v3's own patcher is not v1/v2c's, nor the other way round
    expect(patchUndecodable(message)).toBeNull();
    expect(patchV3Message(response(ODD_UPTIME))).toBeNull();
    for (let cut = 0; cut < message.length; cut++) expect(patchV3Message(message.subarray(0, cut))).toBeNull();
  });
});
