import { patchUndecodable } from './undecodable';

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
});
