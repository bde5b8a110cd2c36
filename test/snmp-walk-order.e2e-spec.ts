// Agents whose objects past a column go backwards: after a column's last row, agents with
// subagents (AgentX borders, extension agents) answer objects beyond it in the wrong order.
// net-snmp's own order check dropped such an answer whole, the column's last rows with it:
// the walk failed, table() column by column failed the same way, and the PC's software was
// "not read" at every scan. A walk ends at the first value past its column whatever its order,
// and reads the column whole; an agent that loops inside the column still stops the walk, with
// an error that says so. The agent is net-snmp's own (test/lab/odd-type-agent.ts), over UDP on
// a loopback address, asked through the real SnmpClient.
import * as crypto from 'node:crypto';
import { collectSnmp } from '../src/discovery/snmp.collector';
import { TableReader } from '../src/discovery/snmp-tables';
import { SnmpClient, SnmpCredential, SnmpError, SYSTEM_OIDS } from '../src/protocols/snmp/snmp.client';
import { OddTypeAgent, OddTypeAgentOptions } from './lab/odd-type-agent';

jest.setTimeout(60_000);

const net = `127.85.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;
const COMMUNITY = 'lab-order';
const V3 = { username: 'laborder', authKey: 'auth-order-key-1234', privKey: 'priv-order-key-1234' };
const CREDENTIALS: Record<'v1' | 'v2c' | 'v3', SnmpCredential> = {
  v1: { kind: 'snmp-v1', community: COMMUNITY },
  v2c: { kind: 'snmp-v2c', community: COMMUNITY },
  v3: { kind: 'snmp-v3', username: V3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: V3.authKey, privProtocol: 'AES-128', privKey: V3.privKey },
};

const HR_SW_INSTALLED_ENTRY = '1.3.6.1.2.1.25.6.3.1';
const NAME = `${HR_SW_INSTALLED_ENTRY}.2`;
const DATE = `${HR_SW_INSTALLED_ENTRY}.5`;
const INDEX = `${HR_SW_INSTALLED_ENTRY}.1`;

/** 30 programs: a GetBulk walk reads 25 in its first answer, and the rest with what follows them in its second */
const PROGRAMS = Array.from({ length: 30 }, (_, i) => ({ name: `Lab Tool ${i + 1} 1.${i}`, date: Buffer.from([0x07, 0xe8, 1 + (i % 12), 1 + i, 10, 30, 0, 0]) }));
const LAST = PROGRAMS.length;

const agent = (n: number, afterLastName: string[]) =>
  new OddTypeAgent(at(n), {
    community: COMMUNITY, v3: V3, odd: [], software: PROGRAMS, afterLastName,
    system: {
      sysDescr: 'Hardware: Intel64 Family 6 Model 158 - Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)', sysObjectID: '1.3.6.1.4.1.311.1.1.3.1.1',
      sysUpTime: 8_640_000, sysContact: 'helpdesk@example.invalid', sysName: `lab-order${n}`, sysLocation: 'office 2',
    },
  });

describe('walks of agents whose objects past a column go backwards', () => {
  /** past the last name: the last install date (beyond the column), then the index column from its end (backwards) */
  const beyond = agent(20, [`${DATE}.${LAST}`, `${INDEX}.${LAST}`, `${INDEX}.1`]);
  /** right after the last name, an object before it: the last index, then sysName */
  const before = agent(21, [`${INDEX}.${LAST}`, SYSTEM_OIDS.sysName]);
  /** after the last name, the second name again: back inside the column (a walk that followed it would ask for ever) */
  const backInside = agent(22, [`${NAME}.2`]);
  /** after the last name, the last name, for ever */
  const repeats = agent(23, [`${NAME}.${LAST}`]);
  const agents = [beyond, before, backInside, repeats];
  const clients: SnmpClient[] = [];
  const client = (a: OddTypeAgent, version: keyof typeof CREDENTIALS) => {
    const c = new SnmpClient({ host: a.address, timeoutMs: 500, retries: 1 }, CREDENTIALS[version]);
    clients.push(c);
    return c;
  };

  beforeAll(() => Promise.all(agents.map((a) => a.start())));
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(agents.map((a) => a.stop()));
  });

  const names = PROGRAMS.map((p, i) => [`${NAME}.${i + 1}`, Buffer.from(p.name)]);
  const dates = PROGRAMS.map((p, i) => [`${DATE}.${i + 1}`, p.date]);

  it.each([
    ['beyond the column, then backwards', 'v2c'],
    ['beyond the column, then backwards', 'v3'],
    ['before the last name', 'v2c'],
    ['before the last name', 'v1'],
  ] as const)('a walk reads every program\'s name when what follows the last is %s (%s)', async (what, version) => {
    const rows = await client(what === 'before the last name' ? before : beyond, version).walk(NAME);
    expect([...rows]).toEqual(names);
  });

  it('the collection of that PC reads its whole software list, with install dates, and has nothing to say', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(client(beyond, 'v2c'), beyond.address, undefined, problems);
    expect(problems).toEqual([]);
    expect(report.identity.hostname).toBe('lab-order20');
    expect(report.software?.map((s) => [s.name, s.version, s.installDate])).toEqual(
      PROGRAMS.map((p, i) => [p.name.replace(/ 1\.\d+$/, ''), `1.${i}`, `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + i).padStart(2, '0')}`]),
    );
  });

  it('names and dates walked together go backwards past the dates: the walk together stops, and the table is read column by column', async () => {
    const c = client(beyond, 'v2c');
    const together = await c.walkColumns([NAME, DATE]).then((values) => new Error(`the walk together read ${values.map((v) => v.size).join(', ')} values`), (e: unknown) => e);
    expect(together).toBeInstanceOf(SnmpError);
    expect((together as SnmpError).reason).toBe('protocol');
    expect((together as SnmpError).message).toBe(
      `the agent answered ${INDEX}.${LAST} after ${DATE}.${LAST} (OIDs not increasing, an agent bug); stopped after ${2 * LAST} values of ${NAME}, ${DATE}`,
    );
    const table = await new TableReader(c).table(HR_SW_INSTALLED_ENTRY, [2, 5], 1000);
    expect([...table].map(([index, row]) => [index, row.get(2), row.get(5)])).toEqual(PROGRAMS.map((p, i) => [`${i + 1}`, Buffer.from(p.name), p.date]));
  });

  // net-snmp's own check let an OID equal to the one asked from through: the walk's check is
  // what stops an agent that repeats, with or without it
  it.each([
    ['answers the second name after the last', 'v2c', `${NAME}.2`],
    ['answers the second name after the last', 'v1', `${NAME}.2`],
    ['answers the last name again, for ever', 'v2c', `${NAME}.${LAST}`],
    ['answers the last name again, for ever', 'v1', `${NAME}.${LAST}`],
  ] as const)('a walk stops with an error naming the OIDs when the agent %s (%s), keeping the count of what it read', async (what, version, again) => {
    const err = await client(what === 'answers the last name again, for ever' ? repeats : backInside, version).walk(NAME).then((rows) => new Error(`the walk ended with ${rows.size} rows`), (e: unknown) => e);
    expect(err).toBeInstanceOf(SnmpError);
    expect((err as SnmpError).reason).toBe('protocol');
    expect((err as SnmpError).message).toBe(`the agent answered ${again} after ${NAME}.${LAST} (OIDs not increasing, an agent bug); stopped after ${LAST} values of ${NAME}`);
    expect((err as SnmpError).afterValues).toBe(LAST);
  });
});
