// Agents whose answers carry a value net-snmp cannot decode (an ASN.1 type it does not know,
// an IpAddress of 8 bytes): net-snmp drops such an answer whole, so one odd sysUpTime made a
// scan say "no answer to its community" over v2c and "refused (wrong user or key)" over v3
// for a device whose credentials were right. The system group is then asked object by object,
// the odd one left out, and the device identified; an agent none of whose system group can be
// decoded is an error that says so, not a wrong credential.
import * as crypto from 'node:crypto';
import { SnmpClient, SnmpError, UndecodableAnswer } from '../src/protocols/snmp/snmp.client';
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
const agent = (n: number, odd: OddTypeAgentOptions['odd'], tag?: number) => new OddTypeAgent(at(n), { community: COMMUNITY, v3: V3, system: system(n), odd, tag });

describe('agents whose answers carry a value that cannot be decoded', () => {
  const oddUptime = agent(5, ['sysUpTime']); // the SNMPv2 draft's UInteger32
  const oddContact = agent(6, ['sysContact'], 0x40); // an IpAddress of 8 bytes
  const nothingReadable = agent(7, ['sysDescr', 'sysObjectID', 'sysUpTime', 'sysContact', 'sysName', 'sysLocation']);
  const agents = [oddUptime, oddContact, nothingReadable];
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

  it('a walk into the value says that it cannot be decoded, not that the agent is silent', async () => {
    const c = new SnmpClient({ host: oddUptime.address, timeoutMs: 500, retries: 0 }, { kind: 'snmp-v2c', community: COMMUNITY });
    clients.push(c);
    const err = await c.walk('1.3.6.1.2.1.1').then(() => new Error('the walk ended'), (e: unknown) => e);
    expect(err).toBeInstanceOf(UndecodableAnswer);
    expect(err).toMatchObject({ reason: 'protocol', message: 'the agent answered with a value that cannot be decoded (Unknown type \'71\' in response)' });
    expect((err as SnmpError).reason).not.toBe('timeout');
  });

  it('identifies the devices over v2c and over v3 with what they said, and says why one could not be read', async () => {
    const v2c = await credential({ name: 'odd v2c', kind: 'snmp-v2c', community: COMMUNITY });
    const v3 = await credential({ name: 'odd v3', kind: 'snmp-v3', username: V3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: V3.authKey, privProtocol: 'AES-128', privKey: V3.privKey });

    const first = await scan(agents.map((a) => a.address), [v2c]);
    const result = (s: typeof first, a: OddTypeAgent) => s.results.find((r) => r.address === a.address)!;
    expect(result(first, oddUptime)).toMatchObject({ status: 'identified', reason: null });
    expect(result(first, oddContact)).toMatchObject({ status: 'identified', reason: null });
    expect(result(first, nothingReadable)).toMatchObject({
      status: 'error',
      reason: 'SNMP agent on UDP 161 answers, but its system group cannot be read: "odd v2c" failed: the agent answered with a value that cannot be decoded (Unknown type \'71\' in response)',
    });
    for (const [a, n] of [[oddUptime, 5], [oddContact, 6]] as const) {
      const d = (await t!.http.get(`/api/devices/${result(first, a).deviceId}`).set(bearer(t!.adminToken)).expect(200)).body;
      expect(d).toMatchObject({ hostname: `lab-odd${n}`, platform: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64', primaryIp: a.address });
    }

    // over v3 the same answer failed to "decrypt", which was said as a wrong user or key
    const again = await scan([oddUptime.address], [v3]);
    expect(result(again, oddUptime)).toMatchObject({ status: 'identified', reason: null, deviceId: result(first, oddUptime).deviceId });
  });
});
