// Agents whose answers carry a value net-snmp cannot decode (an ASN.1 type it does not know,
// an IpAddress of 8 bytes): net-snmp drops such an answer whole, so one odd sysUpTime made a
// scan say "no answer to its community" over v2c and "refused (wrong user or key)" over v3
// for a device whose credentials were right, and one odd install date lost a PC's whole
// software list. The answer is now read with that value left empty, over v1/v2c and over v3 at
// each security level (an encrypted answer once decrypted; a signed one only when its digest
// fits what came, and then signed again). The device is identified and its result names the
// value; an agent none of whose system group can be decoded is an error that says so, not a
// wrong credential.
import * as crypto from 'node:crypto';
import { SnmpClient, SnmpCredential, UndecodableAnswer } from '../src/protocols/snmp/snmp.client';
import { OddTypeAgent, OddTypeAgentOptions } from './lab/odd-type-agent';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const net = `127.85.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;
const COMMUNITY = 'lab-odd';
const V3 = { username: 'labodd', authKey: 'auth-odd-key-1234', privKey: 'priv-odd-key-1234' };
const system = (n: number): OddTypeAgentOptions['system'] => ({
  sysDescr: 'Linux lab-odd 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 x86_64', sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
  sysUpTime: 8_640_000, sysContact: 'helpdesk@example.invalid', sysName: `lab-odd${n}`, sysLocation: 'rack 4',
});
const agent = (n: number, odd: OddTypeAgentOptions['odd'], tag?: number, software?: OddTypeAgentOptions['software'], tamper?: boolean) =>
  new OddTypeAgent(at(n), { community: COMMUNITY, v3: V3, system: system(n), odd, tag, software, tamper });
const V3_CREDENTIAL = { kind: 'snmp-v3', username: V3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: V3.authKey, privProtocol: 'AES-128', privKey: V3.privKey } as const;
/** the agent's users at each v3 security level */
const V3_LEVELS: SnmpCredential[] = [
  V3_CREDENTIAL,
  { kind: 'snmp-v3', username: `${V3.username}-an`, securityLevel: 'authNoPriv', authProtocol: 'SHA-256', authKey: V3.authKey },
  { kind: 'snmp-v3', username: `${V3.username}-nn`, securityLevel: 'noAuthNoPriv' },
];
/** SNMPv2-TC DateAndTime of a day */
const day = (y: number, m: number, d: number) => Buffer.from([y >> 8, y & 0xff, m, d, 10, 30, 0, 0]);
const PROGRAMS: NonNullable<OddTypeAgentOptions['software']> = [
  { name: '7-Zip 23.01 (x64)', date: day(2024, 3, 2) },
  { name: 'Mozilla Firefox (x64 de)', date: day(2024, 5, 14) },
  { name: 'Notepad++ (64-bit x64)', date: 'odd' },
  { name: 'VLC media player', date: day(2023, 11, 20) },
];
const ODD_SOFTWARE = at(8);

describe('agents whose answers carry a value that cannot be decoded', () => {
  const oddUptime = agent(5, ['sysUpTime']); // the SNMPv2 draft's UInteger32
  const oddContact = agent(6, ['sysContact'], 0x40); // an IpAddress of 8 bytes
  const nothingReadable = agent(7, ['sysDescr', 'sysObjectID', 'sysUpTime', 'sysContact', 'sysName', 'sysLocation']);
  const oddDate = agent(8, [], undefined, PROGRAMS);
  const tampered = agent(9, ['sysUpTime'], undefined, undefined, true);
  const agents = [oddUptime, oddContact, nothingReadable, oddDate, tampered];
  let t: TestApp | undefined;
  const clients: SnmpClient[] = [];

  beforeAll(async () => {
    await Promise.all(agents.map((a) => a.start()));
    t = await createTestApp({ consume: true });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
    await Promise.all(agents.map((a) => a.stop()));
  });

  const credential = async (body: object) => (await t!.http.post('/api/credentials').set(bearer(t!.adminToken)).send(body).expect(201)).body.id as number;
  const scan = (targets: string[], credentialIds: number[]) => scanToEnd(t!.http, bearer(t!.adminToken), { targets, credentialIds, options: { timeoutMs: 500, retries: 1 } });

  const client = (a: OddTypeAgent, cred: SnmpCredential) => {
    const c = new SnmpClient({ host: a.address, timeoutMs: 500, retries: 0 }, cred);
    clients.push(c);
    return c;
  };

  it('a walk through the value reads the rest, that value empty and named, over v2c and over v3 at each security level', async () => {
    for (const cred of [{ kind: 'snmp-v2c', community: COMMUNITY } as const, ...V3_LEVELS]) {
      const c = client(oddUptime, cred);
      const walked = await c.walk('1.3.6.1.2.1.1');
      expect([cred, walked.get('1.3.6.1.2.1.1.3.0')]).toEqual([cred, null]);
      expect(walked.get('1.3.6.1.2.1.1.5.0')?.toString()).toBe('lab-odd5');
      expect(walked.get('1.3.6.1.2.1.1.6.0')?.toString()).toBe('rack 4');
      expect([...c.undecodableValues]).toEqual([['1.3.6.1.2.1.1.3.0', 'a value of ASN.1 type 0x47, which SNMP does not define']]);
    }
    // an IpAddress of 8 bytes, encrypted
    const v3 = client(oddContact, V3_CREDENTIAL);
    expect((await v3.walk('1.3.6.1.2.1.1')).get('1.3.6.1.2.1.1.4.0')).toBeNull();
    expect([...v3.undecodableValues]).toEqual([['1.3.6.1.2.1.1.4.0', 'an IpAddress of 8 bytes']]);
  });

  it('a signed answer whose bytes changed after it was signed is not mended: the walk says it cannot be decoded, and reads nothing of it', async () => {
    const [, authNoPriv, noAuthNoPriv] = V3_LEVELS;
    const err = await client(tampered, authNoPriv).walk('1.3.6.1.2.1.1').then(() => new Error('the walk ended'), (e: unknown) => e);
    expect(err).toBeInstanceOf(UndecodableAnswer);
    expect((err as Error).message).toMatch(/^the agent answered with a value that cannot be decoded \(.*'71'.*\)$/);
    // unsigned, the same answer is mended: nothing to check it against
    expect((await client(tampered, noAuthNoPriv).walk('1.3.6.1.2.1.1')).get('1.3.6.1.2.1.1.5.0')?.toString()).toBe('lab-odd9');
  });

  it('identifies the devices over v2c and over v3 with what they said, and says why one could not be read', async () => {
    const v2c = await credential({ name: 'odd v2c', kind: 'snmp-v2c', community: COMMUNITY });
    const v3 = await credential({ ...V3_CREDENTIAL, name: 'odd v3' });

    const first = await scan(agents.map((a) => a.address), [v2c]);
    const result = (s: typeof first, a: OddTypeAgent) => s.results.find((r) => r.address === a.address)!;
    expect(result(first, oddUptime)).toMatchObject({
      status: 'identified', reason: 'SNMP: a value the agent sent could not be decoded and is left empty (1.3.6.1.2.1.1.3.0: a value of ASN.1 type 0x47, which SNMP does not define)',
    });
    expect(result(first, oddContact)).toMatchObject({
      status: 'identified', reason: 'SNMP: a value the agent sent could not be decoded and is left empty (1.3.6.1.2.1.1.4.0: an IpAddress of 8 bytes)',
    });
    expect(result(first, nothingReadable)).toMatchObject({
      status: 'error',
      reason: 'SNMP agent on UDP 161 answers, but its system group cannot be read: "odd v2c" failed: the agent answered with a value that cannot be decoded (a value of ASN.1 type 0x47, which SNMP does not define)',
    });
    for (const [a, n] of [[oddUptime, 5], [oddContact, 6]] as const) {
      const d = (await t!.http.get(`/api/devices/${result(first, a).deviceId}`).set(bearer(t!.adminToken)).expect(200)).body;
      expect(d).toMatchObject({ hostname: `lab-odd${n}`, platform: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64', primaryIp: a.address });
    }

    // over v3 the same answer failed to "decrypt", which was said as a wrong user or key
    const again = await scan([oddUptime.address], [v3]);
    expect(result(again, oddUptime)).toMatchObject({
      status: 'identified', deviceId: result(first, oddUptime).deviceId,
      reason: 'SNMP: a value the agent sent could not be decoded and is left empty (1.3.6.1.2.1.1.3.0: a value of ASN.1 type 0x47, which SNMP does not define)',
    });
  });

  it('keeps a PC\'s software list whose agent sends one install date it cannot decode, over v3 and v2c alike: that date left empty and said', async () => {
    const reason = 'SNMP: a value the agent sent could not be decoded and is left empty (1.3.6.1.2.1.25.6.3.1.5.3: a value of ASN.1 type 0x47, which SNMP does not define)';
    const listOf = async (deviceId: number) => {
      const items = (await t!.http.get(`/api/devices/${deviceId}/software?limit=50`).set(bearer(t!.adminToken)).expect(200)).body.items as Array<{ name: string; installDate: string | null }>;
      return items.map((s) => [s.name, s.installDate]).sort();
    };
    const programs = [['7-Zip', '2024-03-02'], ['Mozilla Firefox', '2024-05-14'], ['Notepad++', null], ['VLC media player', '2023-11-20']];

    // over v3 the walk's answer failed to "decrypt", and the list was left out
    const v3 = await credential({ ...V3_CREDENTIAL, name: 'odd v3 software' });
    const first = await scan([ODD_SOFTWARE], [v3]);
    expect(first.results[0]).toMatchObject({ status: 'identified', reason });
    const deviceId = first.results[0].deviceId!;
    expect(await listOf(deviceId)).toEqual(programs);

    const v2c = await credential({ name: 'odd v2c software', kind: 'snmp-v2c', community: COMMUNITY });
    const again = await scan([ODD_SOFTWARE], [v2c]);
    expect(again.results[0]).toMatchObject({ status: 'identified', deviceId, reason });
    expect(await listOf(deviceId)).toEqual(programs);
  });
});
