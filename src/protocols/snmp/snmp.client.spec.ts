import * as snmp from 'net-snmp';
import { compareOids, decodeOctets, readSystem, SnmpClient, SnmpError, SnmpValue, SYSTEM_OIDS, text } from './snmp.client';

describe('decoding device strings', () => {
  it.each([
    ['valid UTF-8 as such', Buffer.from('Björn’s Tools ™', 'utf8'), 'Björn’s Tools ™'],
    ['plain ASCII', Buffer.from('7-Zip 23.01 (x64)'), '7-Zip 23.01 (x64)'],
    ['Windows-1252 Latin letters', Buffer.from('Bj\xf6rn Caf\xe9 M\xfcller', 'latin1'), 'Björn Café Müller'],
    ['Windows-1252 0x80-0x9F: ™ € “ ” – Š', Buffer.from([0x99, 0x20, 0x80, 0x20, 0x93, 0x94, 0x20, 0x96, 0x20, 0x8a]), '™ € “” – Š'],
    ['an unassigned Windows-1252 byte as its C1 control (cleaned later)', Buffer.from([0x41, 0x81, 0x42]), 'A\u0081B'],
    ['a control character kept for the cleaner', Buffer.from('Legacy\x07Tool'), 'Legacy\x07Tool'],
  ])('%s', (_, bytes, decoded) => {
    expect(decodeOctets(bytes)).toBe(decoded);
  });

  it('caps long values without turning UTF-8 cut mid-character into mojibake', () => {
    const long = Buffer.from('é'.repeat(10), 'utf8'); // 20 bytes
    expect(decodeOctets(long, 5)).toBe('éé');
    expect(decodeOctets(Buffer.from('a'.repeat(100)), 10)).toBe('a'.repeat(10));
  });

  it('says numbers as digits and missing values as null', () => {
    expect(text(42)).toBe('42');
    expect(text(null)).toBeNull();
    expect(text(undefined)).toBeNull();
  });
});

describe('ordering OIDs, as a walk checks that each answer comes after the one before', () => {
  const sign = (n: number) => Math.sign(n) || 0; // no -0
  it.each([
    ['1.3.6.1.2.1.2.2.1.2.10', '1.3.6.1.2.1.2.2.1.2.9', 1, 'by number, not by text (10 after 9)'],
    ['1.3.6.1.2.1.25.6.3.1.2.30', '1.3.6.1.2.1.25.6.3.1.2.30', 0, 'the same OID'],
    ['1.3.6.1.2.1.25.6.3.1.2', '1.3.6.1.2.1.25.6.3.1.2.1', -1, 'a prefix before what extends it'],
    ['1.3.6.1.2.1.25.6.3.1.3.1', '1.3.6.1.2.1.25.6.3.1.2.999', 1, 'the next column after the last row of this one'],
    ['1.3.6.1.4.1.9.4294967295', '1.3.6.1.4.1.9.4294967294', 1, 'the largest sub-identifier'],
    ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.50', -1, 'a shorter sub-identifier is a smaller number'],
  ])('%s vs %s: %i (%s)', (a, b, expected) => {
    expect(sign(compareOids(a, b))).toBe(expected);
    expect(sign(compareOids(b, a))).toBe(sign(-expected));
  });
});

describe('values as net-snmp decodes them', () => {
  /** a client whose session answers a Get with these varbinds, as net-snmp hands them over */
  const answering = (varbinds: Array<{ oid: string; type: number; value: unknown }>) => {
    const client = new SnmpClient({ host: '127.0.0.1', timeoutMs: 10, retries: 0 }, { kind: 'snmp-v2c', community: 'unused' });
    const session = (client as unknown as { session: { get: (oids: string[], cb: (err: Error | null, vbs: unknown[]) => void) => void } }).session;
    session.get = (_oids, cb) => cb(null, varbinds);
    return client;
  };

  it('a Counter64 is a number (net-snmp hands over its bytes), said as digits', async () => {
    const client = answering([
      { oid: '1.3.6.1.2.1.43.10.2.1.4.1.1', type: snmp.ObjectType.Counter64, value: Buffer.from('00000000000047a6', 'hex') },
      { oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: snmp.ObjectType.Counter64, value: Buffer.from('00ffffffffffffffff', 'hex') },
      { oid: '1.3.6.1.2.1.1.5.0', type: snmp.ObjectType.OctetString, value: Buffer.from('00000000000047a6', 'hex') },
    ]);
    try {
      const values = await client.get(['1.3.6.1.2.1.43.10.2.1.4.1.1', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3.6.1.2.1.1.5.0']);
      expect(values.get('1.3.6.1.2.1.43.10.2.1.4.1.1')).toBe(18342n);
      expect(text(values.get('1.3.6.1.2.1.43.10.2.1.4.1.1'))).toBe('18342');
      expect(text(values.get('1.3.6.1.2.1.31.1.1.1.6.1'))).toBe('18446744073709551615');
      expect(values.get('1.3.6.1.2.1.1.5.0')).toEqual(Buffer.from('00000000000047a6', 'hex')); // an octet string of the same bytes stays bytes
    } finally {
      client.close();
    }
  });
});

describe('the socket a session asks through', () => {
  // net-snmp defaults to a udp4 socket, which cannot send to an IPv6 address ("send EINVAL"):
  // the socket's family is checked here, and nothing is sent
  const socketType = (client: SnmpClient) => (client as unknown as { session: { dgram: { type: string } } }).session.dgram.type;

  it.each([
    ['an IPv6 address', '2001:db8::7', 'udp6'],
    ['a unique-local IPv6 address', 'fd00::1', 'udp6'],
    ['an IPv4 address', '127.0.0.1', 'udp4'],
    ['a host name (resolved over IPv4, as before)', 'printer.example', 'udp4'],
  ])('%s (%s) gets a %s socket, over v2c and v3 alike', (_, host, type) => {
    const v2c = new SnmpClient({ host }, { kind: 'snmp-v2c', community: 'unused' });
    const v3 = new SnmpClient({ host }, { kind: 'snmp-v3', username: 'unused', securityLevel: 'noAuthNoPriv' });
    try {
      expect([socketType(v2c), socketType(v3)]).toEqual([type, type]);
    } finally {
      v2c.close();
      v3.close();
    }
  });
});

describe('the system group of an SNMPv1 agent that lacks one of its objects', () => {
  /** answers a GET as an SNMPv1 agent without sysContact does: noSuchName (2) for any request that names it */
  const v1Agent = (lacking: string[], status = 2) => {
    const values: Record<string, SnmpValue> = { [SYSTEM_OIDS.sysDescr]: Buffer.from('HP ETHERNET MULTI-ENVIRONMENT'), [SYSTEM_OIDS.sysObjectID]: '1.3.6.1.4.1.11.2.3.9.1', [SYSTEM_OIDS.sysUpTime]: 1234, [SYSTEM_OIDS.sysContact]: Buffer.from('helpdesk'), [SYSTEM_OIDS.sysName]: Buffer.from('prn-2f'), [SYSTEM_OIDS.sysLocation]: Buffer.from('2F') };
    return {
      get: async (oids: string[]) => {
        if (oids.some((o) => lacking.includes(o))) throw new SnmpError('protocol', `the agent answered error-status ${status}`, status);
        return new Map(oids.map((o) => [o, values[o]]));
      },
    } as unknown as SnmpClient;
  };

  it('asks for each object alone and leaves the missing one empty, rather than taking the agent for silent', async () => {
    expect(await readSystem(v1Agent([SYSTEM_OIDS.sysContact]))).toMatchObject({ sysName: 'prn-2f', sysDescr: 'HP ETHERNET MULTI-ENVIRONMENT', sysObjectID: '1.3.6.1.4.1.11.2.3.9.1', sysContact: null, sysLocation: '2F' });
  });

  it('an agent that lacks every object, or fails otherwise (genErr), is still an error', async () => {
    await expect(readSystem(v1Agent(Object.values(SYSTEM_OIDS)))).rejects.toThrow(/error-status 2/);
    await expect(readSystem(v1Agent([SYSTEM_OIDS.sysContact], 5))).rejects.toThrow(/error-status 5/);
  });
});
