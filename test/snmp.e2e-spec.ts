// The SNMP client against a real Net-SNMP agent of the device lab (loopback only).
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import { readSystem, SnmpClient, SnmpCredential, SnmpError, text } from '../src/protocols/snmp/snmp.client';
import { linuxProfile, SnmpdAgent } from './lab/snmpd';

describe('SNMP client against a lab snmpd', () => {
  // an address of its own, so that parallel spec files never share an agent
  const address = `127.77.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
  const profile = linuxProfile(address, 'lab-linux-01');
  const agent = new SnmpdAgent(profile);
  const clients: SnmpClient[] = [];
  const client = (...args: ConstructorParameters<typeof SnmpClient>) => {
    const c = new SnmpClient(...args);
    clients.push(c);
    return c;
  };

  beforeAll(() => agent.start());
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await agent.stop();
  });

  const expectedSystem = {
    sysName: 'lab-linux-01', sysDescr: profile.sysDescr, sysObjectID: '1.3.6.1.4.1.8072.3.2.10', sysLocation: 'Lab rack 1', sysContact: 'lab@example.invalid',
  };

  it('reads the system group over v2c', async () => {
    const sys = await readSystem(client({ host: address }, { kind: 'snmp-v2c', community: profile.community }));
    expect(sys).toMatchObject(expectedSystem);
    expect(Number(sys.sysUpTime)).toBeGreaterThan(0);
  });

  it('reads the system group over v1', async () => {
    expect(await readSystem(client({ host: address }, { kind: 'snmp-v1', community: profile.community }))).toMatchObject(expectedSystem);
  });

  it('reads the system group over v3 authPriv (SHA-256, AES)', async () => {
    const sys = await readSystem(client({ host: address }, {
      kind: 'snmp-v3', username: 'labv3', securityLevel: 'authPriv',
      authProtocol: 'SHA-256', authKey: profile.v3.authKey, privProtocol: 'AES-128', privKey: profile.v3.privKey,
    }));
    expect(sys).toMatchObject(expectedSystem);
  });

  it('walks the interfaces table, capped in rows', async () => {
    const c = client({ host: address }, { kind: 'snmp-v2c', community: profile.community });
    const all = await c.walk('1.3.6.1.2.1.2.2.1.2'); // ifDescr: the machine's real interfaces
    expect([...all.values()].map((v) => text(v))).toContain('lo');
    const capped = await c.walk('1.3.6.1.2.1.1', 3);
    expect(capped.size).toBe(3);
  });

  it('walks the ~900-program software list in a dozen round trips, asking for more rows as the answers come back full, and reads what snmpbulkwalk reads', async () => {
    const names = '1.3.6.1.2.1.25.6.3.1.2'; // hrSWInstalledName
    const walked = spawnSync('snmpbulkwalk', ['-v2c', '-c', profile.community, '-On', '-Cr25', address, names], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(walked.status).toBe(0);
    const expected = walked.stdout.split('\n').filter((l) => l.startsWith(`.${names}.`)).map((l) => l.slice(1, l.indexOf(' = ')));
    expect(expected.length).toBeGreaterThan(300);
    const c = client({ host: address }, { kind: 'snmp-v2c', community: profile.community });
    const sent = jest.spyOn(dgram.Socket.prototype, 'send');
    let rows;
    try {
      rows = await c.walk(names);
      // 25, 50, then 100 a request (snmpd's most), and the answer that passes the end
      expect(sent.mock.calls.length).toBeLessThanOrEqual(Math.ceil((expected.length - 75) / 100) + 3);
    } finally {
      sent.mockRestore();
    }
    expect([...rows.keys()]).toEqual(expected);
  });

  it.each(['v2c', 'v3', 'v1'] as const)('walks the interface table\'s columns together over %s: what a walk of each reads, in fewer requests', async (version) => {
    const ifEntry = '1.3.6.1.2.1.2.2.1';
    const columns = [2, 3, 4, 5, 6, 7, 8].map((col) => `${ifEntry}.${col}`); // descr, type, mtu, speed, MAC, admin and oper status
    const cred: SnmpCredential = version === 'v3'
      ? { kind: 'snmp-v3', username: 'labv3', securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: profile.v3.authKey, privProtocol: 'AES-128', privKey: profile.v3.privKey }
      : { kind: version === 'v1' ? 'snmp-v1' : 'snmp-v2c', community: profile.community };
    const sent = jest.spyOn(dgram.Socket.prototype, 'send');
    try {
      const each = [];
      const c = client({ host: address }, cred);
      await c.get(['1.3.6.1.2.1.1.5.0']); // v3's engine discovery out of the count
      sent.mockClear();
      for (const oid of columns) each.push(await c.walk(oid));
      const perColumn = sent.mock.calls.length;
      sent.mockClear();
      const together = await c.walkColumns(columns);
      expect(together).toEqual(each);
      const rows = each[0].size;
      expect(rows).toBeGreaterThan(0);
      expect(each.every((col) => col.size === rows)).toBe(true);
      if (version === 'v1') {
        expect(sent.mock.calls.length).toBe(perColumn); // GetNext, column by column
      } else {
        // 3 rows of the 7 columns, then 7, then 14 (98 values, snmpd's most is 100), and the row past the end
        expect(sent.mock.calls.length).toBeLessThanOrEqual(rows <= 9 ? 2 : Math.ceil((rows - 10) / 14) + 3);
        expect(sent.mock.calls.length).toBeLessThan(perColumn);
      }
    } finally {
      sent.mockRestore();
    }
  });

  it('a wrong community is a timeout, said as such', async () => {
    const err = await readSystem(client({ host: address, timeoutMs: 300, retries: 0 }, { kind: 'snmp-v2c', community: 'wrong' })).catch((e) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect(err).toMatchObject({ reason: 'timeout' });
  });

  it('a wrong v3 key is an authentication failure, said as such', async () => {
    const err = await readSystem(client({ host: address, timeoutMs: 500, retries: 0 }, {
      kind: 'snmp-v3', username: 'labv3', securityLevel: 'authPriv',
      authProtocol: 'SHA-256', authKey: 'not-the-right-key', privProtocol: 'AES-128', privKey: profile.v3.privKey,
    })).catch((e) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect(err).toMatchObject({ reason: 'auth' });
  });
});
