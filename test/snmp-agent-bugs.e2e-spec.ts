// Agents with firmware bugs, served by the lab's snmpsimd from a recording with one line
// changed. A known one (snmpwalk's "OID not increasing"): part-way through a table the agent
// answers an OID it already gave, and a walk that followed it would ask the same thing for
// ever, flooding the device and never finishing the scan. The walk must stop with an error,
// the collection leave that table out and say so, and ingest keep what it knew. Another: an
// agent whose buffer a long program name overflows answers tooBig to a GetBulk for 25 rows
// (instead of sending fewer): the walk asks for fewer and reads the whole table. One that
// does send fewer, as RFC 3416 asks, sends none when the next value alone does not fit: that
// empty answer is not the end of the table, and a walk that took it so stored a short software
// list (a rescan then "removed" the rest). And a path that loses big answers (fragments
// dropped): a walk that asked for more rows at a time must go back to fewer. The same three
// overflows on a switch's interface table, whose columns are walked together, and a switch
// whose agent cannot walk them together at all (read column by column).
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import { collectSnmp } from '../src/discovery/snmp.collector';
import { TableReader } from '../src/discovery/snmp-tables';
import { SnmpClient, SnmpCredential, SnmpError } from '../src/protocols/snmp/snmp.client';
import { expectedIdentity, readRecording, snmpsimCredentials, SnmpsimAgent, v2cCredential, v3Credential } from './lab/snmpsim';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);

const net = `127.76.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;
const HR_SW_INSTALLED_NAME = '1.3.6.1.2.1.25.6.3.1.2';

/** The Windows PC whose agent fails at its 30th program: snmpsimd's error variation, which answers the OID asked for again. */
const repeatsAtRow30 = (recording: string) => {
  const edited = recording.replace(new RegExp(`^(${HR_SW_INSTALLED_NAME.replace(/\./g, '\\.')}\\.30)\\|4x?\\|.*$`, 'm'), '$1|4:error|op=any,status=generror,value=x');
  if (edited === recording) throw new Error('the Windows recording has no 30th program to break');
  return edited;
};

/**
 * The Windows PC whose agent overflows its buffer at its 30th program: the lab's smallbuffer
 * variation (test/lab/variation). With max=5, a GetBulk answer of more than 5 rows that would
 * carry it is refused with tooBig; with mode=cut, it is cut before that program (RFC 3416's
 * fewer rows: none when it would be the first); alone=toobig, it fits in no answer at all.
 */
const smallBufferAtRow30 = (settings: string) => (recording: string) => {
  const row = new RegExp(`^(${HR_SW_INSTALLED_NAME.replace(/\./g, '\\.')}\\.30)\\|4(x?)\\|(.*)$`, 'm');
  const m = row.exec(recording);
  if (!m) throw new Error('the Windows recording has no 30th program to break');
  const hex = m[2] === 'x' ? m[3] : Buffer.from(m[3], 'latin1').toString('hex');
  return recording.replace(row, `$1|4:smallbuffer|${settings},hexvalue=${hex}`);
};
const tooBigAtRow30 = smallBufferAtRow30('max=5');

describe('SNMP agents with firmware bugs', () => {
  const faulty = new SnmpsimAgent('windows', at(6), 161, repeatsAtRow30);
  const smallBuffer = new SnmpsimAgent('windows', at(7), 161, tooBigAtRow30);
  const cutsAnswers = new SnmpsimAgent('windows', at(8), 161, smallBufferAtRow30('max=1,mode=cut'));
  const neverFits = new SnmpsimAgent('windows', at(9), 161, smallBufferAtRow30('max=1,mode=cut,alone=toobig'));
  /** The printer whose agent writes its MAC as text ("3C:D9:2B:…") into ifPhysAddress instead of 6 bytes. */
  const textMac = new SnmpsimAgent('printer', at(10), 161, (recording) => {
    const edited = recording.replace(/^(1\.3\.6\.1\.2\.1\.2\.2\.1\.6\.1)\|4x\|([0-9a-f]{12})$/m, (_, oid: string, hex: string) => `${oid}|4|${hex.toUpperCase().match(/../g)!.join(':')}`);
    if (edited === recording) throw new Error('the printer recording has no ifPhysAddress.1 to rewrite');
    return edited;
  });
  /** The PC behind a path that loses big answers: a GetBulk answer of more than 25 rows carrying its 30th program never arrives. */
  const losesBigAnswers = new SnmpsimAgent('windows', at(11), 161, smallBufferAtRow30('max=25,mode=drop'));
  /**
   * The switch whose agent fails on its first interface's ifDescr (snmpsimd's error
   * variation): it echoes the OIDs of a request that would carry it, so a walk of ifDescr
   * alone ends at once (an empty column) and the others are read.
   */
  const failsIfDescr = new SnmpsimAgent('switch', at(12), 161, (recording) => {
    const edited = recording.replace(/^(1\.3\.6\.1\.2\.1\.2\.2\.1\.2\.1)\|4\|.*$/m, '$1|4:error|op=any,status=generror,value=x');
    if (edited === recording) throw new Error('the switch recording has no ifDescr.1 to break');
    return edited;
  });
  /** The switch whose answers overflow at its 30th ifDescr (the smallbuffer variation, as for the PC's programs above). */
  const IF_DESCR_30 = /^(1\.3\.6\.1\.2\.1\.2\.2\.1\.2\.10130)\|4\|(.*)$/m;
  const switchBuffer = (settings: string) => (recording: string) => {
    const m = IF_DESCR_30.exec(recording);
    if (!m) throw new Error('the switch recording has no ifDescr.10130 to break');
    return recording.replace(IF_DESCR_30, `$1|4:smallbuffer|${settings},hexvalue=${Buffer.from(m[2], 'latin1').toString('hex')}`);
  };
  const switchTooBig = new SnmpsimAgent('switch', at(13), 161, switchBuffer('max=5'));
  const switchCuts = new SnmpsimAgent('switch', at(14), 161, switchBuffer('max=1,mode=cut'));
  const switchDrops = new SnmpsimAgent('switch', at(15), 161, switchBuffer('max=6,mode=drop'));
  /**
   * The PC whose agent pads every program name to a 2,000-byte buffer with spaces, and lists 600
   * programs: 1.2 MB of software list (a GetBulk of 25 such rows still fits one datagram).
   */
  const padded = new SnmpsimAgent('windows', at(16), 161, (recording) => {
    const pad = (name: Buffer) => Buffer.concat([name, Buffer.alloc(2_000 - name.length, ' ')]).toString('hex');
    const row = new RegExp(`^(${HR_SW_INSTALLED_NAME.replace(/\./g, '\\.')}\\.(\\d+))\\|4(x?)\\|(.*)$`, 'gm');
    let last = 0;
    const edited = recording.replace(row, (_, oid: string, n: string, x: string, value: string) => {
      last = Math.max(last, Number(n));
      return `${oid}|4x|${pad(x ? Buffer.from(value, 'hex') : Buffer.from(value, 'latin1'))}`;
    });
    if (!last) throw new Error('the Windows recording has no programs to pad');
    const more = Array.from({ length: 600 - last }, (_, i) => `${HR_SW_INSTALLED_NAME}.${last + 1 + i}|4x|${pad(Buffer.from(`Padded Tool ${last + 1 + i} 1.0`))}`);
    return edited.replace(new RegExp(`^${HR_SW_INSTALLED_NAME.replace(/\./g, '\\.')}\\.${last}\\|.*$`, 'm'), (line) => [line, ...more].join('\n'));
  });
  const agents = [faulty, smallBuffer, cutsAnswers, neverFits, textMac, losesBigAnswers, failsIfDescr, switchTooBig, switchCuts, switchDrops, padded];
  let t: TestApp | undefined;
  const clients: SnmpClient[] = [];
  const client = (address: string, cred: SnmpCredential, maxAnswerBytes?: number) => {
    const c = new SnmpClient({ host: address, timeoutMs: 1000, retries: 1, maxAnswerBytes }, cred);
    clients.push(c);
    return c;
  };

  beforeAll(() => Promise.all(agents.map((a) => a.start())));
  afterAll(async () => {
    for (const c of clients) c.close();
    await t?.close();
    await Promise.all(agents.map((a) => a.stop()));
  });

  const programs = [...readRecording('windows')].filter(([oid]) => oid.startsWith(`${HR_SW_INSTALLED_NAME}.`));

  // the agent that says tooBig (.7) and the one that sends an answer with no row (.8)
  it.each([
    ['asks for fewer rows at a time when the agent says tooBig', 7, 'v2c'],
    ['asks for fewer rows at a time when the agent says tooBig', 7, 'v3'],
    ['takes an answer with no row for a value that did not fit, not for the end of the table', 8, 'v2c'],
    ['takes an answer with no row for a value that did not fit, not for the end of the table', 8, 'v3'],
  ] as const)('a walk %s (.%i, %s), and reads the whole table', async (_, host, version) => {
    const rows = await client(at(host), version === 'v2c' ? v2cCredential('windows') : v3Credential('windows')).walk(HR_SW_INSTALLED_NAME);
    expect([...rows.keys()]).toEqual(programs.map(([oid]) => oid));
    expect(rows.get(`${HR_SW_INSTALLED_NAME}.30`)).toEqual(programs[29][1]);
  });

  /** net-snmp's own snmpbulkget of `rows` rows after program `from` */
  const bulkget = (address: string, rows: number, from: number) =>
    spawnSync('snmpbulkget', ['-v2c', '-c', snmpsimCredentials('windows').community, '-t', '2', '-r', '1', `-Cr${rows}`, '-On', address, `${HR_SW_INSTALLED_NAME}.${from}`], { encoding: 'utf8' });
  const answered = (r: ReturnType<typeof bulkget>) => r.stdout.split('\n').filter((l) => l.startsWith(`.${HR_SW_INSTALLED_NAME}.`)).length;

  it('the tooBig agent (.7) really refuses a GetBulk of 25 rows across row 30, and answers one of 5 (net-snmp\'s own snmpbulkget)', () => {
    const tooMany = bulkget(at(7), 25, 25);
    expect(tooMany.stdout + tooMany.stderr).toMatch(/\(tooBig\)/);
    expect(answered(bulkget(at(7), 5, 25))).toBe(5);
  });

  it('the collection of the PC behind the tooBig agent reads every program and has nothing to say', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(client(at(7), v2cCredential('windows')), at(7), undefined, problems);
    expect(problems).toEqual([]);
    expect(report.software).toHaveLength(programs.length);
    expect(report.identity.hostname).toBe(expectedIdentity('windows').hostname);
  });

  it('an agent that sends fewer rows as RFC 3416 asks answers a GetBulk from row 29 with no row at all (net-snmp\'s own snmpbulkget)', () => {
    expect(answered(bulkget(at(8), 25, 25))).toBe(4); // rows 26–29, cut before 30
    const empty = bulkget(at(8), 25, 29);
    expect(empty.status).toBe(0);
    expect(answered(empty)).toBe(0);
    expect(answered(bulkget(at(8), 1, 29))).toBe(1); // alone, row 30 fits
  });

  it('the agent behind the lossy path (.11) answers a GetBulk of 25 rows across row 30 and never one of 50 (net-snmp\'s own snmpbulkget)', () => {
    expect(answered(bulkget(at(11), 25, 25))).toBe(25);
    const lost = bulkget(at(11), 50, 25);
    expect(lost.status).not.toBe(0);
    expect(lost.stderr).toMatch(/Timeout/);
  });

  it('a walk whose bigger answer is lost goes back to 25 rows a request and reads the whole table, and the client keeps to 25', async () => {
    const c = client(at(11), v2cCredential('windows'));
    const rows = await c.walk(HR_SW_INSTALLED_NAME);
    expect([...rows.keys()]).toEqual(programs.map(([oid]) => oid));
    expect(rows.get(`${HR_SW_INSTALLED_NAME}.30`)).toEqual(programs[29][1]);
    const sent = jest.spyOn(dgram.Socket.prototype, 'send');
    try {
      expect((await c.walk(HR_SW_INSTALLED_NAME)).size).toBe(programs.length);
      // 25 rows, 25 rows, then the last 10 and what follows the table: no request lost, none asked twice
      expect(sent).toHaveBeenCalledTimes(Math.ceil((programs.length + 1) / 25));
    } finally {
      sent.mockRestore();
    }
  });

  it('a value that fits in no answer stops the walk with an error naming where, never a table cut short', async () => {
    const err = await client(at(9), v2cCredential('windows')).walk(HR_SW_INSTALLED_NAME).then(
      (rows) => new Error(`the walk ended with ${rows.size} rows`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SnmpError);
    expect((err as SnmpError).message).toBe(
      `the agent cannot fit the value after ${HR_SW_INSTALLED_NAME}.29 in any answer (tooBig); stopped after 29 values of ${HR_SW_INSTALLED_NAME}`,
    );
    expect((err as SnmpError).afterValues).toBe(29);
    const problems: string[] = [];
    const report = await collectSnmp(client(at(9), v2cCredential('windows')), at(9), undefined, problems);
    expect(report.software).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^software not read: the agent cannot fit the value after .*\.29 in any answer/)]);
    expect(report.interfaces?.length).toBeGreaterThan(0);
  });

  it('an agent that sends more than one device may stops being read there: the part it was in is left out and said, the rest kept', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(client(at(16), v2cCredential('windows'), 1024 * 1024), at(16), undefined, problems);
    expect(report.software).toBeUndefined();
    expect(problems).toContainEqual(
      `software not read: the agent's answers passed 1 MiB, the most one device's collection may bring (TEKNISI_SNMP_MAX_DEVICE_MB); stopped reading ${HR_SW_INSTALLED_NAME}`,
    );
    expect(report.identity).toMatchObject({ hostname: expectedIdentity('windows').hostname, macs: expectedIdentity('windows').macs });
    // the same agent within the default 16 MiB: every program, its padding trimmed
    const whole: string[] = [];
    const all = await collectSnmp(client(at(16), v2cCredential('windows')), at(16), undefined, whole);
    expect(whole).toEqual([]);
    expect(all.software).toHaveLength(600);
    expect(all.software!.every((p) => p.name.length < 100)).toBe(true);
  });

  it('a MAC the agent writes as text is read as the MAC it names, and identifies the printer', async () => {
    const raw = await client(at(10), v2cCredential('printer')).get(['1.3.6.1.2.1.2.2.1.6.1']);
    expect(String(raw.get('1.3.6.1.2.1.2.2.1.6.1'))).toMatch(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/);
    const report = await collectSnmp(client(at(10), v2cCredential('printer')), at(10), undefined, []);
    expect(report.identity.macs).toEqual(expectedIdentity('printer').macs);
    expect(report.interfaces?.[0].mac).toBe(expectedIdentity('printer').macs[0]);
  });

  it.each(['snmp-v2c', 'snmp-v1'] as const)('a walk stops with an error when the agent repeats an OID (%s), keeping the count of what it read', async (kind) => {
    const err = await client(at(6), { kind, community: snmpsimCredentials('windows').community }).walk(HR_SW_INSTALLED_NAME).then(
      (rows) => new Error(`the walk ended with ${rows.size} rows`),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SnmpError);
    expect((err as SnmpError).reason).toBe('protocol');
    expect((err as SnmpError).message).toMatch(/^the agent answered 1\.3\.6\.1\.2\.1\.25\.6\.3\.1\.2\.\d+ after 1\.3\.6\.1\.2\.1\.25\.6\.3\.1\.2\.\d+ \(OIDs not increasing, an agent bug\); stopped after \d+ values of 1\.3\.6\.1\.2\.1\.25\.6\.3\.1\.2$/);
    // GetBulk asks 25 at a time, so it stops at the last whole answer before row 30; GetNext at row 29
    expect((err as SnmpError).afterValues).toBe(kind === 'snmp-v2c' ? 25 : 29);
  });

  it('the collection leaves the broken table out and says so; the rest of the device is read', async () => {
    const problems: string[] = [];
    const report = await collectSnmp(client(at(6), v2cCredential('windows')), at(6), undefined, problems);
    expect(report.software).toBeUndefined();
    expect(problems).toEqual([expect.stringMatching(/^software not read: the agent answered .* \(OIDs not increasing, an agent bug\); stopped after 25 values of 1\.3\.6\.1\.2\.1\.25\.6\.3\.1\.2$/)]);
    expect(report.identity.hostname).toBe(expectedIdentity('windows').hostname);
    expect(report.identity.macs).toEqual(expectedIdentity('windows').macs);
    expect(report.hardware?.length).toBeGreaterThan(0);
    expect(report.interfaces?.length).toBeGreaterThan(0);
  });

  it('a table the agent refuses to walk together is read column by column, as each column alone is read', async () => {
    const ifEntry = '1.3.6.1.2.1.2.2.1';
    const columns = [2, 3, 4, 5, 6, 7, 8];
    const c = client(at(12), v2cCredential('switch'));
    const together = await c.walkColumns(columns.map((col) => `${ifEntry}.${col}`)).then(
      (values) => new Error(`the walk together read ${values.map((v) => v.size).join(', ')} values`),
      (e: unknown) => e,
    );
    expect(together).toBeInstanceOf(SnmpError);
    expect((together as SnmpError).reason).toBe('protocol');
    const reader = new TableReader(c);
    const alone = await Promise.all(columns.map((col) => reader.column(`${ifEntry}.${col}`, 4096)));
    const table = await reader.table(ifEntry, columns, 4096);
    expect(alone[0].size).toBe(0); // ifDescr
    expect(table.size).toBe(alone[1].size);
    expect(table.size).toBeGreaterThanOrEqual(48);
    for (const [i, col] of columns.entries()) {
      expect(new Map([...table].filter(([, row]) => row.has(col)).map(([index, row]) => [index, row.get(col)]))).toEqual(alone[i]);
    }
  });

  it.each([
    ['says tooBig to more than 5 rows', 13],
    ['sends the rows before it, none when it would be the first', 14],
    ['loses an answer of more than the 6 rows a first request of 4 columns asks', 15],
  ] as const)('a table walked together reads every row of a switch whose answer across its 30th ifDescr overflows: an agent that %s (.%i)', async (_, host) => {
    const ifEntry = '1.3.6.1.2.1.2.2.1';
    const columns = [2, 3, 5, 7];
    const recorded = [...readRecording('switch')];
    const table = await new TableReader(client(at(host), v2cCredential('switch'))).table(ifEntry, columns, 4096);
    for (const col of columns) {
      const expected = recorded.filter(([oid]) => oid.startsWith(`${ifEntry}.${col}.`)).map(([oid, v]) => [oid.slice(ifEntry.length + col.toString().length + 2), v]);
      expect(expected.length).toBeGreaterThanOrEqual(48);
      expect([...table].filter(([, row]) => row.has(col)).map(([index, row]) => [index, row.get(col)])).toEqual(expected);
    }
  });

  it('TEKNISI_SNMP_MAX_DEVICE_MB: a scan through the API stores the device without the part that passed it, and says why', async () => {
    const small = await createTestApp({ consume: true, env: { TEKNISI_SNMP_MAX_DEVICE_MB: '1' } });
    try {
      const credentialId = (await small.http.post('/api/credentials').set(bearer(small.adminToken)).send({ name: 'sim windows', kind: 'snmp-v2c', community: snmpsimCredentials('windows').community }).expect(201)).body.id as number;
      const scan = await scanToEnd(small.http, bearer(small.adminToken), { targets: [at(16)], credentialIds: [credentialId], options: { timeoutMs: 1000, retries: 1 } });
      expect(scan.results[0]).toMatchObject({ status: 'identified', reason: expect.stringMatching(/^SNMP: software not read: the agent's answers passed 1 MiB, the most one device's collection may bring \(TEKNISI_SNMP_MAX_DEVICE_MB\)/) });
      const device = (await small.http.get(`/api/devices/${scan.results[0].deviceId}`).set(bearer(small.adminToken)).expect(200)).body;
      expect(device).toMatchObject({ hostname: expectedIdentity('windows').hostname });
      expect(device.interfaces.length).toBeGreaterThan(0);
      expect((await small.http.get(`/api/devices/${device.id}/software`).set(bearer(small.adminToken)).expect(200)).body.total).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('a rescan through the API keeps the programs it could not read again, and the result says why', async () => {
    t = await createTestApp({ consume: true });
    const tech = await t.tokenFor('technician');
    const api = t.http;
    const credentialId = (await api.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'sim windows', kind: 'snmp-v2c', community: snmpsimCredentials('windows').community }).expect(201)).body.id as number;
    const scan = (address: string) => scanToEnd(api, bearer(tech), { targets: [address], credentialIds: [credentialId], options: { timeoutMs: 1000, retries: 1 } });

    // the PC as its agent answered before the bug: every program
    const healthy = new SnmpsimAgent('windows', at(5));
    await healthy.start();
    let first;
    try {
      first = await scan(at(5));
    } finally {
      await healthy.stop();
    }
    expect(first.results[0]).toMatchObject({ status: 'identified', reason: null });
    const deviceId = first.results[0].deviceId!;
    const software = async () => (await api.get(`/api/devices/${deviceId}/software?limit=500`).set(bearer(tech)).expect(200)).body as { total: number; items: Array<{ name: string }> };
    const before = await software();
    expect(before.total).toBeGreaterThan(30);

    // the same PC (same name and MAC) after the bug appeared, now at .6
    const rescan = await scan(at(6));
    expect(rescan.status).toBe('completed');
    expect(rescan.results[0]).toMatchObject({ status: 'identified', deviceId });
    expect(rescan.results[0].reason).toMatch(/^SNMP: software not read: the agent answered .* \(OIDs not increasing, an agent bug\)/);
    const after = await software();
    expect(after.total).toBe(before.total);
    expect(after.items.map((s) => s.name).sort()).toEqual(before.items.map((s) => s.name).sort());
    const history = (await api.get(`/api/devices/${deviceId}/history?limit=500`).set(bearer(tech)).expect(200)).body.items as Array<{ kind: string; action: string; subject: string }>;
    expect(history.filter((h) => h.kind === 'software')).toEqual([]);
    // what did change is recorded: the address it answered at
    expect(history).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'address', action: 'changed', subject: 'primaryIp' })]));
  });
});
