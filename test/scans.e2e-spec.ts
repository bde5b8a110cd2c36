// Discovery end to end: a scan started from the API sweeps a range of the device lab (real
// snmpd and snmpsimd agents, namespaced sshd hosts) and fills the inventory with one device per
// machine, a reason for every address it could not identify, progress while it runs, cancel,
// saved ranges that rescan on their own, and a reconciler that loses nothing when Redis does.
import * as crypto from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { namedLock } from '../src/database/named-lock';
import { ScanRunner } from '../src/discovery/scan-runner.service';
import { runLock, ScanSchedulesService } from '../src/discovery/scan-schedules.service';
import { ScansRepository } from '../src/discovery/scans.repository';
import { ScansService } from '../src/discovery/scans.service';
import { LINUX_HOSTS } from './lab/identities';
import { expectedIdentity, SnmpsimAgent } from './lab/snmpsim';
import { linuxProfile, SnmpdAgent } from './lab/snmpd';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';
import { until as waitFor } from './support/until';

jest.setTimeout(180_000);

const net = `127.79.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;

interface ScanBody {
  id: number;
  status: string;
  targets: string[];
  credentialIds: number[];
  options: Record<string, number>;
  createdBy: string | null;
  error?: string | null;
  skippedFirings: number;
  exclude: string[];
  progress: { done: number; total: number; found: number };
  counts: Record<string, number>;
  devices: Record<string, number>;
  comparison: { previousScanId: number; gone: number } | null;
  results: Array<{ address: string; status: string; reason: string | null; deviceId: number | null; deviceName: string | null; via: string | null; change: string | null }>;
}

/** A UDP 161 socket on an address that swallows every request, as a firewall that drops them: a scan of it waits out its timeout. */
async function udpSink(address: string): Promise<Socket> {
  const sink = createSocket('udp4');
  await new Promise<void>((r) => sink.bind(161, address, r));
  return sink;
}

/** A UDP 161 and TCP 22 listener on an address that records every datagram and connection it gets. */
async function listener(address: string): Promise<{ contacts: string[]; close: () => Promise<void> }> {
  const tcpNet = await import('node:net');
  const contacts: string[] = [];
  const udp = (await udpSink(address)).on('message', () => contacts.push('udp 161'));
  const tcp = tcpNet.createServer((c) => {
    contacts.push('tcp 22');
    c.destroy();
  });
  await new Promise<void>((r) => tcp.listen(22, address, r));
  return { contacts, close: async () => {
    udp.close();
    await new Promise((r) => tcp.close(r));
  } };
}

describe('discovery scans', () => {
  const linux = new SnmpdAgent(linuxProfile(at(2), 'lab-snmp-linux'));
  const sw = new SnmpsimAgent('switch', at(3));
  const printer = new SnmpsimAgent('printer', at(4));
  const windows = new SnmpsimAgent('windows', at(5));
  const web01Snmp = new SnmpsimAgent('web01', at(6));
  const web01 = new LabSshHost({ address: at(6), identity: LINUX_HOSTS.web01 });
  const db01 = new LabSshHost({ address: at(7), identity: LINUX_HOSTS.db01 });
  let t: TestApp;
  let tech: string;
  const cred: Record<string, number> = {};

  const api = () => t.http;
  const scanOf = async (id: number, query = ''): Promise<ScanBody> => (await api().get(`/api/discovery/scans/${id}${query}`).set(bearer(tech)).expect(200)).body;
  const until = async (id: number, statuses = ['completed', 'failed', 'cancelled'], ms = 120_000): Promise<ScanBody> => {
    const end = Date.now() + ms;
    for (;;) {
      const s = await scanOf(id);
      if (statuses.includes(s.status)) return scanOf(id, '?resultsLimit=5000');
      if (Date.now() > end) throw new Error(`scan ${id} still ${s.status} after ${ms} ms: ${JSON.stringify(s.progress)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const startScan = async (body: object) => (await api().post('/api/discovery/scans').set(bearer(tech)).send(body).expect(202)).body.id as number;
  const credential = async (body: object) => (await api().post('/api/credentials').set(bearer(t.adminToken)).send(body).expect(201)).body.id as number;

  beforeAll(async () => {
    await Promise.all([linux.start(), sw.start(), printer.start(), windows.start(), web01Snmp.start(), web01.start(), db01.start()]);
    t = await createTestApp({ consume: true });
    tech = await t.tokenFor('technician');
    for (const a of [sw, printer, windows, web01Snmp]) cred[a.profile] = await credential({ name: `sim ${a.profile}`, kind: 'snmp-v2c', community: a.credentials.community });
    cred.linux = await credential({ name: 'linux v2c', kind: 'snmp-v2c', community: linux.profile.community });
    const v3 = linux.profile.v3;
    cred.linuxV3 = await credential({ name: 'linux v3', kind: 'snmp-v3', username: v3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: v3.authKey, privProtocol: 'AES-128', privKey: v3.privKey });
    cred.web01Ssh = await credential({ name: 'web01 key', kind: 'ssh', username: web01.credentials.username, privateKey: web01.credentials.privateKey });
    cred.db01Ssh = await credential({ name: 'db01 password', kind: 'ssh', username: db01.credentials.username, password: db01.credentials.password });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.allSettled([linux.stop(), sw.stop(), printer.stop(), windows.stop(), web01Snmp.stop(), web01.stop(), db01.stop()]);
  });

  it('refuses bad targets, unknown credentials and too large scans, naming the field', async () => {
    const bad = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.0.0.0/24', '192.0.2.0/33', 'nope!'], credentialIds: [cred.linux] }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['targets.1', 'targets.2']);
    const unknown = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.0.0.1'], credentialIds: [cred.linux, 99999] }).expect(400);
    expect(unknown.body.details).toEqual([{ field: 'credentialIds.1', messages: ['credential 99999 does not exist'] }]);
    const huge = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.0.0.0/8'], credentialIds: [cred.linux] }).expect(400);
    expect(huge.body.message).toContain('16,777,214 addresses is more than one scan may cover (65,536');
    // 400 long host names are valid one by one but do not fit where a scan keeps its targets (was a 500)
    const longNames = Array.from({ length: 400 }, (_, i) => `h${i}.${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example`);
    const long = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: longNames, credentialIds: [cred.linux] }).expect(400);
    expect(long.body.details).toEqual([{ field: 'targets', messages: [expect.stringMatching(/^79,091 bytes together is more than a scan can keep \(65,535\)/)] }]);
    // each excluded name is looked up as the scan starts: a bounded number of them
    const longOut = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.0.0.1'], exclude: longNames, credentialIds: [cred.linux] }).expect(400);
    expect(longOut.body.details).toEqual([
      { field: 'exclude', messages: ['400 host names: at most 50 are looked up as a scan starts; give addresses, ranges or CIDR blocks for the rest'] },
      { field: 'exclude', messages: [expect.stringMatching(/^79,091 bytes together is more than a scan can keep/)] },
    ]);
    const opts = await api().post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['127.0.0.1'], credentialIds: [cred.linux], options: { timeoutMs: 5, bogus: 1 } }).expect(400);
    expect(opts.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['options.bogus', 'options.timeoutMs']);
    const viewer = await t.tokenFor('viewer');
    await api().post('/api/discovery/scans').set(bearer(viewer)).send({ targets: ['127.0.0.1'], credentialIds: [cred.linux] }).expect(403);
  });

  it('sweeps a range and fills the inventory with one device per machine and a reason for every other address', async () => {
    const nowhere = 'teknisi-lab-nowhere.invalid'; // .invalid never resolves (RFC 6761)
    const id = await startScan({ targets: [nowhere, `${net}.0/27`], credentialIds: Object.values(cred), options: { timeoutMs: 1000, retries: 1 } });
    const scan = await until(id);
    expect(scan.status).toBe('completed');
    expect(scan.progress).toEqual({ total: 31, done: 31, found: 6 });
    // listed as a technician reads a range: by address (.2 before .10), host names after
    expect(scan.results.map((r) => r.address)).toEqual([...Array.from({ length: 30 }, (_, i) => at(i + 1)), nowhere]);
    const page = (await scanOf(id, '?resultsOffset=8&resultsLimit=3')).results.map((r) => r.address);
    expect(page).toEqual([at(9), at(10), at(11)]);
    const byAddress = new Map(scan.results.map((r) => [r.address, r]));
    expect(byAddress.size).toBe(31);
    expect(byAddress.get(nowhere)).toMatchObject({ status: 'error', reason: expect.stringMatching(/^host name teknisi-lab-nowhere\.invalid did not resolve \(/), deviceId: null });
    for (const n of [2, 3, 4, 5, 6, 7]) expect(byAddress.get(at(n))).toMatchObject({ status: 'identified', deviceId: expect.any(Number) });
    expect(byAddress.get(at(6))!.via).toBe('snmp+ssh');
    expect(byAddress.get(at(6))!.deviceName).toBe('lab-web01');
    expect(byAddress.get(at(20))!.deviceName).toBeNull();
    expect(byAddress.get(at(7))!.via).toBe('ssh');
    expect(byAddress.get(at(3))!.via).toBe('snmp');
    // silent loopback addresses: closed ports, said so
    expect(byAddress.get(at(20))).toMatchObject({ status: 'refused', reason: expect.stringContaining('UDP 161 closed (ICMP port unreachable)') });
    expect(byAddress.get(at(20))!.reason).toContain('TCP 22 (SSH) refused');
    // every device was first seen by this scan; the addresses that were not identified changed nothing
    expect(scan.devices).toEqual({ new: 6 });
    expect(scan.results.filter((r) => r.change === 'new').map((r) => r.address)).toEqual([2, 3, 4, 5, 6, 7].map(at));
    expect(byAddress.get(at(20))!.change).toBeNull();
    expect(scan.comparison).toBeNull(); // the first scan of this range
    // the same results as a CSV file, for the technician's notes; filtered as the page is
    const csv = await api().get(`/api/discovery/scans/${id}/results.csv`).set(bearer(tech)).expect(200).expect('content-type', /text\/csv/);
    const lines = csv.text.trimEnd().split('\n');
    expect(lines[0]).toBe('\ufeffaddress,status,reason,device_id,device,via,change,duration_ms,at');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(scan.results.map((r) => r.address));
    expect(lines.find((l) => l.startsWith(`${at(6)},`))).toMatch(new RegExp(`^${at(6).replace(/\./g, '\\.')},identified,,${byAddress.get(at(6))!.deviceId},lab-web01,snmp\\+ssh,new,\\d+,20\\d\\d-`));
    expect(lines.find((l) => l.startsWith(`${at(20)},`))).toMatch(/^[\d.]+,refused,UDP 161 closed \(ICMP port unreachable\); TCP 22 \(SSH\) refused,,,,,\d+,20\d\d-/);
    const identified = await api().get(`/api/discovery/scans/${id}/results.csv?resultStatus=identified`).set(bearer(tech)).expect(200);
    expect(identified.text.trimEnd().split('\n')).toHaveLength(7);
    await api().get('/api/discovery/scans/99999999/results.csv').set(bearer(tech)).expect(404).expect('content-type', /json/);
    await api().get(`/api/discovery/scans/${id}/results.csv?change=gone`).set(bearer(tech)).expect(400);

    const devices = (await api().get('/api/devices?limit=100').set(bearer(tech)).expect(200)).body;
    expect(devices.total).toBe(6); // web01 answered SNMP and SSH and is one device
    const byName = new Map(devices.items.map((d: { hostname: string; id: number }) => [d.hostname, d]));
    expect([...byName.keys()].sort()).toEqual(['LAB-PC07', 'lab-db01', 'lab-prn01', 'lab-snmp-linux', 'lab-sw01', 'lab-web01'].sort());
    expect(byName.get('lab-sw01')).toMatchObject({ serial: expectedIdentity('switch').serial, model: expectedIdentity('switch').model, type: 'switch' });
    expect(byName.get('lab-prn01')).toMatchObject({ type: 'printer', serial: expectedIdentity('printer').serial });
    const web = (await api().get(`/api/devices/${byAddress.get(at(6))!.deviceId}`).set(bearer(tech)).expect(200)).body;
    expect(web.sources.map((s: { kind: string }) => s.kind).sort()).toEqual(['snmp', 'ssh']);
    expect(web.addresses.map((a: { mac: string | null }) => a.mac)).toContain(LINUX_HOSTS.web01.macs[0]);
    // the SSH host's software, as its own dpkg counts it
    const db = byAddress.get(at(7))!.deviceId;
    const software = (await api().get(`/api/devices/${db}/software?limit=1`).set(bearer(tech)).expect(200)).body;
    expect(software.total).toBe(await db01.dpkgInstalledCount());
  });

  it('rescans one device as the last scan found it: at its addresses there, with that scan\'s credentials and options', async () => {
    const webId = (await api().get('/api/devices?q=lab-web01').set(bearer(tech)).expect(200)).body.items[0].id as number;
    const id = (await api().post(`/api/devices/${webId}/rescan`).set(bearer(tech)).expect(202)).body.id as number;
    const scan = await until(id);
    const me = (await api().get('/api/auth/me').set(bearer(tech)).expect(200)).body.username;
    expect(scan).toMatchObject({
      status: 'completed', targets: [at(6)], credentialIds: Object.values(cred), options: expect.objectContaining({ timeoutMs: 1000, retries: 1 }),
      createdBy: me, progress: { total: 1, done: 1, found: 1 }, devices: { unchanged: 1 },
    });
    expect(scan.results).toEqual([expect.objectContaining({ address: at(6), status: 'identified', deviceId: webId, via: 'snmp+ssh' })]);
    const audit = (await api().get('/api/audit?action=device.rescan').set(bearer(t.adminToken)).expect(200)).body.items;
    expect(audit[0]).toMatchObject({ username: me, action: 'device.rescan', objectType: 'device', objectId: String(webId) });

    // a record no scan identified (made by hand, or an agent's) says what to do instead
    const byHand = (await api().post('/api/devices').set(bearer(tech)).send({ hostname: 'rescan-by-hand' }).expect(201)).body.id as number;
    const refused = await api().post(`/api/devices/${byHand}/rescan`).set(bearer(tech)).expect(409);
    expect(refused.body.message).toBe(`No scan has identified device ${byHand} (rescan-by-hand): it is known from its agent or by hand. Scan its address from Discovery with the credentials to try.`);
    await api().delete(`/api/devices/${byHand}`).set(bearer(tech)).expect(204);
    await api().post('/api/devices/99999999/rescan').set(bearer(tech)).expect(404);
    await api().post(`/api/devices/${webId}/rescan`).set(bearer(await t.tokenFor('viewer'))).expect(403);
  });

  it('says which credential an agent refused, and that an SSH login was refused', async () => {
    const wrongCommunity = await credential({ name: 'wrong community', kind: 'snmp-v2c', community: 'not-the-community' });
    const v3 = linux.profile.v3;
    const wrongKey = await credential({ name: 'wrong v3 key', kind: 'snmp-v3', username: v3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: 'not-the-auth-key', privProtocol: 'AES-128', privKey: v3.privKey });
    const noUser = await credential({ name: 'no such v3 user', kind: 'snmp-v3', username: 'nobody-here', securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: v3.authKey, privProtocol: 'AES-128', privKey: v3.privKey });
    const wrongSsh = await credential({ name: 'wrong ssh key', kind: 'ssh', username: db01.credentials.username, privateKey: web01.credentials.privateKey });
    const id = await startScan({ targets: [at(2), at(7)], credentialIds: [wrongCommunity, wrongKey, noUser, wrongSsh], options: { timeoutMs: 500, retries: 0 } });
    const scan = await until(id);
    const snmp = scan.results.find((r) => r.address === at(2))!;
    expect(snmp.status).toBe('auth-failed');
    expect(snmp.reason).toContain('answers but accepted no credential');
    expect(snmp.reason).toContain('"wrong community" got no answer to its community');
    // which of the user and its keys, as the agent's usmStats report names it
    expect(snmp.reason).toContain('"wrong v3 key" was refused (wrong authentication key or protocol)');
    expect(snmp.reason).toContain('"no such v3 user" was refused (the agent has no such SNMPv3 user)');
    const ssh = scan.results.find((r) => r.address === at(7))!;
    expect(ssh).toMatchObject({ status: 'auth-failed', reason: expect.stringContaining('SSH on TCP 22 refused the login of "wrong ssh key"') });
  });

  it('streams progress as server-sent events and ends with done', async () => {
    // four addresses whose UDP 161 swallows requests, like a firewall that drops: the scan takes
    // seconds; the lab's snmpsimd agents answer but not to this community (auth-failed)
    const sinks = await Promise.all([9, 10, 11, 12].map((n) => udpSink(at(n))));
    const id = await startScan({ targets: [`${net}.0/28`], credentialIds: [cred.linux], options: { timeoutMs: 700, retries: 0, concurrency: 1 } });
    const server = t.app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const events = await new Promise<Array<{ event: string; data: ScanBody }>>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/discovery/scans/${id}/events`, headers: bearer(tech) }, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        let buf = '';
        res.on('data', (d) => (buf += d));
        res.on('end', () => resolve(buf.split('\n\n').filter((b) => b.includes('data:')).map((b) => ({
          event: /event: (.*)/.exec(b)?.[1] ?? 'message', data: JSON.parse(/data: (.*)/.exec(b)![1]),
        }))));
      });
      req.on('error', reject);
    });
    for (const s of sinks) s.close();
    const last = events[events.length - 1];
    // progress while it ran: counts that grew, below the total
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.some((e) => e.data.progress.done > 0 && e.data.progress.done < 14)).toBe(true);
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({ id, status: 'completed', progress: { total: 14, done: 14, found: 1 }, counts: { identified: 1, 'auth-failed': 4, 'no-response': 4, refused: 5 } });
    for (const e of events.slice(0, -1)) expect(e.event).toBe('progress');
    await api().get('/api/discovery/scans/999999/events').set(bearer(tech)).expect(404);
  });

  it('cancels a scan mid-way: no further addresses are scanned', async () => {
    // 4,094 closed ports one at a time: long enough to cancel in the middle
    const id = await startScan({ targets: [`127.80.${crypto.randomInt(0, 15) * 16}.0/20`], credentialIds: [cred.linux], options: { concurrency: 1, timeoutMs: 1000 } });
    await until(id, ['running']);
    const cancelled = (await api().post(`/api/discovery/scans/${id}/cancel`).set(bearer(tech)).expect(200)).body;
    expect(cancelled.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 2500));
    const a = await scanOf(id);
    await new Promise((r) => setTimeout(r, 1500));
    const b = await scanOf(id);
    expect(b.status).toBe('cancelled');
    expect(b.progress.done).toBe(a.progress.done);
    expect(b.progress.done).toBeLessThan(4094);
    // and it counts exactly what the scan stored
    expect((await scanOf(id, '?resultsLimit=5000')).results).toHaveLength(b.progress.done);
    await api().post(`/api/discovery/scans/${id}/cancel`).set(bearer(tech)).expect(409);
  });

  it('finishes a mostly silent /24 far below the serial time', async () => {
    const started = Date.now();
    const id = await startScan({ targets: [`${net}.0/24`], credentialIds: [cred.linux, cred[sw.profile]], options: { timeoutMs: 1000, retries: 1 } });
    const scan = await until(id);
    expect(scan.progress).toMatchObject({ total: 254, done: 254, found: 2 });
    // one address after another would take 254 × 2 credentials × 2 tries × 1 s
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('leaves out what a scan or a saved range excludes: never contacted, not counted, and a host name that resolves into it is not contacted either', async () => {
    const { contacts, close } = await listener(at(25));
    try {
      const send = (body: object) => api().post('/api/discovery/scans').set(bearer(tech)).send({ credentialIds: [cred.linux], ...body });
      const bad = await send({ targets: [`${net}.24-26`], exclude: [at(25), `${net}.0/40`] }).expect(400);
      expect(bad.body.details).toEqual([{ field: 'exclude.1', messages: [expect.stringContaining('is not a valid CIDR block')] }]);
      const none = await send({ targets: [`${net}.24-26`], exclude: [`${net}.0/24`] }).expect(400);
      expect(none.body.details).toEqual([{ field: 'exclude', messages: ['excludes every target: nothing would be scanned'] }]);

      const exclude = [at(25), '127.0.0.1', '::1'];
      const id = await startScan({ targets: [`${net}.24-26`, 'localhost'], exclude, credentialIds: [cred.linux, cred.db01Ssh], options: { timeoutMs: 500, retries: 0 } });
      const scan = await until(id);
      expect(scan).toMatchObject({ status: 'completed', exclude, progress: { total: 3, done: 3, found: 0 }, counts: { refused: 2, excluded: 1 } });
      expect(scan.results.map((r) => [r.address, r.status])).toEqual([[at(24), 'refused'], [at(26), 'refused'], ['localhost', 'excluded']]);
      expect(scan.results[2].reason).toMatch(/^not contacted: localhost resolves to (127\.0\.0\.1|::1), which this scan excludes \((127\.0\.0\.1|::1)\)$/);
      expect(contacts).toEqual([]);

      // an excluded host name keeps the scan away from its addresses, resolved as the scan starts;
      // one that does not resolve (a typo: the letter O for a zero) protects nothing and is refused
      const localhost = [...new Set((await lookup('localhost', { all: true })).map((a) => a.address))];
      const byName = await until(await startScan({ targets: [localhost[0], at(24)], exclude: ['localhost'], credentialIds: [cred.linux], options: { timeoutMs: 500, retries: 0 } }));
      expect(byName).toMatchObject({ exclude: ['localhost', ...localhost], progress: { total: 1, done: 1 } });
      expect(byName.results.map((r) => r.address)).toEqual([at(24)]);
      const typo = await send({ targets: [`${net}.24-26`], exclude: [`${at(25).slice(0, -1)}O`] }).expect(400);
      expect(typo.body.details).toEqual([{ field: 'exclude.0', messages: [expect.stringMatching(/^host name .* does not resolve \(.*\): it would protect nothing; give its address, or check the spelling$/)] }]);

      // a saved range keeps its exclusions and its scans use them; [] takes them away
      const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
        .send({ name: 'lab without .25', targets: [`${net}.24-26`], exclude: [` ${at(25)} `], credentialIds: [cred.linux, cred.db01Ssh], cron: '0 4 * * *', options: { timeoutMs: 500, retries: 0 } }).expect(201)).body;
      expect(range.exclude).toEqual([at(25)]);
      const first = await until((await api().post(`/api/discovery/schedules/${range.id}/run`).set(bearer(tech)).expect(202)).body.id);
      expect(first).toMatchObject({ exclude: [at(25)], progress: { total: 2, done: 2 } });
      expect(contacts).toEqual([]);
      const patch = (body: object) => api().patch(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).send(body);
      expect((await patch({ exclude: [`${net}.24-26`] }).expect(400)).body.details).toEqual([{ field: 'exclude', messages: ['excludes every target: nothing would be scanned'] }]);
      expect((await patch({ exclude: [] }).expect(200)).body.exclude).toEqual([]);
      // without the exclusion the address is contacted: the listeners above do hear a scan
      const second = await until((await api().post(`/api/discovery/schedules/${range.id}/run`).set(bearer(tech)).expect(202)).body.id);
      expect(second).toMatchObject({ exclude: [], progress: { total: 3, done: 3 } });
      expect(contacts).toEqual(expect.arrayContaining(['udp 161', 'tcp 22']));
    } finally {
      await close();
    }
  });

  it('leaves out TEKNISI_SCAN_EXCLUDE in every scan, after the scan\'s own exclusions, and says so when it leaves nothing', async () => {
    const { contacts, close } = await listener(at(25));
    const g = await createTestApp({ consume: true, env: { TEKNISI_SCAN_EXCLUDE: `${at(25)}, ${at(40)}/30 localhost` } });
    try {
      const gTech = await g.tokenFor('technician');
      const snmp = (await g.http.post('/api/credentials').set(bearer(g.adminToken)).send({ name: 'linux v2c', kind: 'snmp-v2c', community: linux.profile.community }).expect(201)).body.id;
      const send = (body: object) => g.http.post('/api/discovery/scans').set(bearer(gTech)).send({ credentialIds: [snmp], options: { timeoutMs: 500, retries: 0 }, ...body });
      const id = (await send({ targets: [`${net}.24-26`, 'localhost'], exclude: [at(26)] }).expect(202)).body.id;
      let scan: ScanBody;
      for (;;) {
        scan = (await g.http.get(`/api/discovery/scans/${id}`).set(bearer(gTech)).expect(200)).body;
        if (scan.status === 'completed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const localhost = [...new Set((await lookup('localhost', { all: true })).map((a) => a.address))];
      expect(scan).toMatchObject({ exclude: [at(26), at(25), `${at(40)}/30`, 'localhost', ...localhost], progress: { total: 1, done: 1 } });
      expect(scan.results.map((r) => r.address)).toEqual([at(24)]);
      expect(contacts).toEqual([]);
      const none = await send({ targets: [at(25), `${net}.40-43`] }).expect(400);
      expect(none.body.details).toEqual([{ field: 'targets', messages: [expect.stringContaining('every address is in TEKNISI_SCAN_EXCLUDE')] }]);
    } finally {
      await g.close();
      await close();
    }
  });

  it('counts a big scan\'s results once, as it ends, shows its progress exact while it runs, and lists it without counting again', async () => {
    // counting is a COUNT over all of the scan's results: after every batch, a /16 kept MariaDB
    // busy for the whole sweep (41 s, the sweep itself 6 s: npm run bench -- discovery sweep)
    const query = jest.spyOn(t.db, 'query');
    const repo = t.app.get(ScansRepository);
    const countNow = jest.spyOn(repo, 'countsByStatus');
    try {
      const id = await startScan({ targets: [`127.81.${crypto.randomInt(0, 63) * 4}.0/22`], credentialIds: [cred.linux], options: { timeoutMs: 1000 } });
      const seen: number[] = [];
      for (let s = await scanOf(id); ; s = await scanOf(id, '?resultsLimit=5000')) {
        seen.push(s.progress.done);
        if (s.status === 'completed') {
          expect(s.progress).toEqual({ total: 1022, done: 1022, found: 0 });
          expect(s.counts).toEqual({ refused: 1022 });
          expect(s.results).toHaveLength(1022);
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      const recounts = query.mock.calls.filter(([sql, params]) => /^\s*UPDATE scans s SET[\s\S]*COUNT\(\*\) FROM scan_results/.test(String(sql)) && Array.isArray(params) && params.includes(id));
      // only the statements that would complete it, one as each of its 4 chunks ends (the SET
      // counts only where the WHERE matched: once); 44 counts before, one per 25 results
      expect(recounts.filter(([sql]) => !String(sql).includes("s.status = 'completed'"))).toEqual([]);
      expect(recounts.length).toBeLessThanOrEqual(4);
      const [stored] = await t.db.query('SELECT done, found, counts FROM scans WHERE id = ?', [id]);
      expect([Number(stored.done), Number(stored.found), JSON.parse(stored.counts)]).toEqual([1022, 0, { refused: 1022 }]);

      countNow.mockClear();
      const listed = (await api().get('/api/discovery/scans?limit=100').set(bearer(tech)).expect(200)).body.items.find((x: ScanBody) => x.id === id);
      expect(listed).toMatchObject({ progress: { total: 1022, done: 1022, found: 0 }, counts: { refused: 1022 } });
      expect(countNow.mock.calls.filter(([scanId]) => scanId === id)).toHaveLength(0);
    } finally {
      query.mockRestore();
      countNow.mockRestore();
    }
  });

  it('re-enqueues work that Redis lost and takes over chunks whose worker died', async () => {
    const repo = t.app.get(ScansRepository);
    const runner = t.app.get(ScanRunner);
    // a scan whose queue jobs never reached Redis, and one whose worker died holding its chunk;
    // snmpd's answer may take more than 300 ms on a loaded machine (CI once found no one at .2)
    const options = { snmpPort: 161, sshPort: 22, timeoutMs: 3000, retries: 0, concurrency: 16 };
    const lost = await repo.insertScan({ targets: [`${net}.0/29`], credentialIds: [cred.linux], options, total: 6, createdBy: 'test', scheduleId: null }, 256, new Date(Date.now() - 60_000));
    const dead = await repo.insertScan({ targets: [`${net}.0/29`], credentialIds: [cred.linux], options, total: 6, createdBy: 'test', scheduleId: null }, 256, new Date(Date.now() - 60_000));
    expect(await repo.claimChunk(dead.id, 0, 'dead-worker', -1000)).not.toBeNull(); // its lease ran out a second ago
    expect((await runner.reconcile()).requeued).toBeGreaterThanOrEqual(2);
    for (const id of [lost.id, dead.id]) {
      const scan = await until(id);
      expect(scan.results.find((r) => r.address === at(2))).toMatchObject({ status: 'identified', deviceId: expect.any(Number) });
      expect(scan).toMatchObject({ status: 'completed', progress: { total: 6, done: 6, found: 1 } });
    }
  });

  it('rescans a saved range on its schedule and records exactly what changed on a host', async () => {
    const created = await api().post('/api/discovery/schedules').set(bearer(tech))
      .send({ name: 'lab db01', targets: [at(7)], credentialIds: [cred.db01Ssh], cron: '0 3 * * *', timezone: 'Europe/Berlin', options: { timeoutMs: 1000 } }).expect(201);
    expect(new Date(created.body.nextRunAt).getUTCHours()).toBe(new Date('2026-01-15T03:00:00+01:00').getUTCHours());
    await api().post('/api/discovery/schedules').set(bearer(tech)).send({ name: 'bad', targets: [at(7)], credentialIds: [cred.db01Ssh], cron: '61 * * * *' }).expect(400);
    const blank = await api().post('/api/discovery/schedules').set(bearer(tech)).send({ name: '   ', targets: [at(7)], credentialIds: [cred.db01Ssh], cron: '0 3 * * *' }).expect(400);
    expect(blank.body.details).toEqual([{ field: 'name', messages: ['name must not be empty'] }]);
    await api().patch(`/api/discovery/schedules/${created.body.id}`).set(bearer(tech)).send({ name: ' ' }).expect(400);
    await api().post('/api/discovery/schedules').set(bearer(tech)).send({ name: 'bad', targets: [at(7)], credentialIds: [cred.db01Ssh], cron: '0 3 * * *', timezone: 'Mars/Olympus' }).expect(400);

    db01.removePackage('openssh-server');
    // due now; two processes firing at once start one scan. The app's own maintenance tick
    // (every 20 s) is a third that may fire it first (CI once saw both calls return none): the
    // scans of the range count, not which caller started it
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 1000), created.body.id]);
    const fired = await Promise.all([t.app.get(ScanSchedulesService).fireDue(), t.app.get(ScanSchedulesService).fireDue()]);
    expect(fired.flat().length).toBeLessThanOrEqual(1);
    // the firing is over once the range has moved on to its next time (the scan is started first)
    await waitFor('the saved range to move on', async () => ((await t.db.query('SELECT next_run_at > UTC_TIMESTAMP() AS moved FROM scan_schedules WHERE id = ?', [created.body.id])) as Array<{ moved: number }>)[0].moved, 20_000);
    const started = (await t.db.query('SELECT id FROM scans WHERE schedule_id = ?', [created.body.id])) as Array<{ id: number }>;
    expect(started).toHaveLength(1);
    if (fired.flat().length) expect(fired.flat()[0]).toBe(Number(started[0].id));
    const scan = await until(Number(started[0].id));
    expect(scan.status).toBe('completed');
    const schedule = (await api().get(`/api/discovery/schedules/${created.body.id}`).set(bearer(tech)).expect(200)).body;
    expect(schedule.lastScanId).toBe(scan.id);
    // the list of saved ranges shows what that scan found and changed (the first of this range: nothing to compare)
    expect(schedule.lastScan).toEqual({ id: scan.id, status: 'completed', found: 1, devices: { changed: 1 }, gone: null, skippedFirings: 0, finishedAt: expect.any(String) });
    // the scan says which saved range started it, by name, and that its schedule did
    expect(scan).toMatchObject({ scheduleId: created.body.id, scheduleName: 'lab db01', createdBy: 'schedule:lab db01' });
    const listed = (await api().get('/api/discovery/scans?limit=5').set(bearer(tech)).expect(200)).body.items.find((s: { id: number }) => s.id === scan.id);
    expect(listed).toMatchObject({ scheduleName: 'lab db01' });
    expect(new Date(schedule.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    const deviceId = scan.results[0].deviceId;
    const history = (await api().get(`/api/devices/${deviceId}/history?limit=100`).set(bearer(tech)).expect(200)).body.items as Array<{ kind: string; action: string; subject: string; source: string }>;
    const sinceScan = history.filter((h) => h.source === 'ssh' && h.kind === 'software');
    expect(sinceScan).toEqual([expect.objectContaining({ kind: 'software', action: 'removed', subject: 'openssh-server' })]);
    // and the scan says the device changed
    expect(scan.results[0].change).toBe('changed');
    expect(scan.devices).toEqual({ changed: 1 });
  });

  it('a saved range that can no longer start (its credential deleted) shows a failed scan saying why, not nothing', async () => {
    const gone = await credential({ name: 'soon deleted', kind: 'snmp-v2c', community: 'whatever' });
    const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
      .send({ name: 'orphaned range', targets: [at(30)], credentialIds: [gone], cron: '0 5 * * *' }).expect(201)).body;
    await api().delete(`/api/credentials/${gone}`).set(bearer(t.adminToken)).expect(204);
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 1000), range.id]);
    expect(await t.app.get(ScanSchedulesService).fireDue()).toEqual([]);
    const after = (await api().get(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).expect(200)).body;
    expect(after.lastScanId).toEqual(expect.any(Number));
    const failed = await scanOf(after.lastScanId);
    expect(failed).toMatchObject({
      status: 'failed', scheduleName: 'orphaned range', createdBy: 'schedule:orphaned range', progress: { done: 0, total: 0, found: 0 },
      error: `the saved range could not start its scan: credentialIds.0: credential ${gone} does not exist`,
    });
    expect(after.lastScan).toMatchObject({ id: after.lastScanId, status: 'failed', found: 0, devices: {}, gone: null });
    expect(new Date(after.nextRunAt).getTime()).toBeGreaterThan(Date.now()); // and it tries again next time
  });

  it('a saved range that fires while its last scan is under way skips the firing and counts it on that scan; Run now is refused until the scan ends', async () => {
    // an address whose UDP 161 swallows requests, asked with a long timeout: the scan stays under way
    const sink = await udpSink(at(50));
    try {
      const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
        .send({ name: 'overrunning range', targets: [at(50)], credentialIds: [cred.linux], cron: '*/5 * * * *', options: { timeoutMs: 10_000, retries: 2 } }).expect(201)).body;
      const due = () => t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 1000), range.id]);
      const fire = () => t.app.get(ScanSchedulesService).fireDue();
      await due();
      const [first] = await fire();
      expect(first).toEqual(expect.any(Number));
      for (let i = 0; i < 2; i++) {
        await due();
        expect(await fire()).toEqual([]);
      }
      const scan = await scanOf(first);
      expect(scan.status).toMatch(/^(queued|running)$/);
      expect(scan).toMatchObject({ skippedFirings: 2 });
      const view = (await api().get(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).expect(200)).body;
      expect(view).toMatchObject({ lastScanId: first, lastScan: { id: first, skippedFirings: 2 } });
      expect(new Date(view.nextRunAt).getTime()).toBeGreaterThan(Date.now()); // the schedule moved on all the same
      const refused = await api().post(`/api/discovery/schedules/${range.id}/run`).set(bearer(tech)).expect(409);
      expect(refused.body.message).toMatch(new RegExp(`^Saved range "overrunning range" is being scanned now \\(scan ${first}, (queued|running)\\): wait for it to end, or cancel it first\\.$`));
      expect((await api().get('/api/discovery/scans?limit=1').set(bearer(tech)).expect(200)).body.items[0].id).toBe(first); // none started

      // once it has ended, the next firing scans again, and so does Run now
      await api().post(`/api/discovery/scans/${first}/cancel`).set(bearer(tech)).expect(200);
      await due();
      const [second] = await fire();
      expect(second).toBeGreaterThan(first);
      expect((await scanOf(second)).skippedFirings).toBe(0);
      await api().post(`/api/discovery/scans/${second}/cancel`).set(bearer(tech)).expect(200);
      const third = (await api().post(`/api/discovery/schedules/${range.id}/run`).set(bearer(tech)).expect(202)).body.id;
      await api().post(`/api/discovery/scans/${third}/cancel`).set(bearer(tech)).expect(200);
      for (const id of [first, second, third]) expect((await until(id)).status).toBe('cancelled');
    } finally {
      sink.close();
    }
  });

  it('a firing that finds its last scan ended after all, and then cannot start its scan, stays due and scans on the next tick', async () => {
    const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
      .send({ name: 'unlucky range', targets: [at(51)], credentialIds: [cred.linux], cron: '*/5 * * * *', options: { timeoutMs: 200, retries: 0 } }).expect(201)).body;
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 2000), range.id]);
    const fire = () => t.app.get(ScanSchedulesService).fireDue();
    const [first] = await fire();
    expect((await until(first)).status).toBe('completed');
    const due = new Date(Date.now() - 1000); // the next firing
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [due, range.id]);
    // the firing reads the first scan as it was a moment before it ended, and the database then
    // refuses the new scan once: the firing must not be lost with it
    const repo = t.app.get(ScansRepository);
    const firingOf = repo.firingOf.bind(repo);
    const stale = jest.spyOn(repo, 'firingOf').mockImplementation(async (id: number) => {
      const f = await firingOf(id);
      return id === first && f ? { ...f, status: 'running' as const } : f;
    });
    const refused = jest.spyOn(t.app.get(ScansService), 'start').mockRejectedValueOnce(new Error('Connection lost: The server closed the connection.'));
    try {
      expect(await fire()).toEqual([]);
      expect(refused).toHaveBeenCalledTimes(1);
    } finally {
      stale.mockRestore();
      refused.mockRestore();
    }
    const view = (await api().get(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).expect(200)).body;
    expect([view.nextRunAt, view.lastScanId, view.lastScan.skippedFirings]).toEqual([due.toISOString(), first, 0]);
    const [second] = await fire();
    expect(second).toBeGreaterThan(first);
    expect((await until(second)).status).toBe('completed');
  });

  it('three Run now clicks on one saved range at once start one scan; the others are refused', async () => {
    const sink = await udpSink(at(52));
    try {
      const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
        .send({ name: 'clicked twice', targets: [at(52)], credentialIds: [cred.linux], cron: '0 4 * * *', options: { timeoutMs: 10_000, retries: 2 } }).expect(201)).body;
      const before = (await api().get('/api/discovery/scans?limit=1').set(bearer(tech)).expect(200)).body.items[0]?.id ?? 0;
      const clicks = await Promise.all([1, 2, 3].map(() => api().post(`/api/discovery/schedules/${range.id}/run`).set(bearer(tech))));
      expect(clicks.map((c) => c.status).sort()).toEqual([202, 409, 409]);
      const started = clicks.find((c) => c.status === 202)!.body.id;
      for (const c of clicks.filter((x) => x.status === 409)) expect(c.body.message).toMatch(/^Saved range "clicked twice" is being scanned now \(scan \d+, (queued|running)\)/);
      const newer = (await api().get('/api/discovery/scans?limit=10').set(bearer(tech)).expect(200)).body.items.filter((x: ScanBody) => x.id > before);
      expect(newer.map((x: ScanBody) => x.id)).toEqual([started]);
      expect((await api().get(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).expect(200)).body.lastScanId).toBe(started);
      await api().post(`/api/discovery/scans/${started}/cancel`).set(bearer(tech)).expect(200);
      expect((await until(started)).status).toBe('cancelled');
    } finally {
      sink.close();
    }
  });

  it('a range that falls due while a Run now of it is starting is not fired beside it: it stays due, and fires once that is done', async () => {
    const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
      .send({ name: 'fired while clicked', targets: [at(53)], credentialIds: [cred.linux], cron: '0 4 * * *', options: { timeoutMs: 500, retries: 0 } }).expect(201)).body;
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 1000), range.id]);
    const stored = () => t.db.query('SELECT next_run_at AS at, last_scan_id AS last FROM scan_schedules WHERE id = ?', [range.id]);
    const [due] = await stored();
    // what a Run now holds while it checks the last scan and starts the next, from another connection
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      const name = namedLock(t.db, runLock(range.id));
      expect(Number((await runner.query('SELECT GET_LOCK(?, 0) AS got', [name]))[0].got)).toBe(1);
      expect(await t.app.get(ScanSchedulesService).fireDue()).toEqual([]);
      expect(await stored()).toEqual([due]); // still due, no scan
      expect(due.last).toBeNull();
      await runner.query('SELECT RELEASE_LOCK(?)', [name]);
    } finally {
      await runner.release();
    }
    const [fired] = await t.app.get(ScanSchedulesService).fireDue();
    expect(fired).toEqual(expect.any(Number));
    expect((await until(fired)).status).toBe('completed');
  });

  it('a firing whose scan a process started before it died (the schedule not moved on yet) is answered by that scan, not a second one nor none', async () => {
    const options = { timeoutMs: 500, retries: 0 };
    const range = (await api().post('/api/discovery/schedules').set(bearer(tech))
      .send({ name: 'crashed firing', targets: [at(51)], credentialIds: [cred.linux], cron: '0 4 * * *', options }).expect(201)).body;
    await t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [new Date(Date.now() - 60_000), range.id]);
    // what the process did before it died: the firing's scan queued, the schedule still due
    const [due] = await t.db.query('SELECT next_run_at AS at FROM scan_schedules WHERE id = ?', [range.id]);
    const { id: orphan } = await t.app.get(ScansService).start({ targets: [at(51)], exclude: [], credentialIds: [cred.linux], options }, 'schedule:crashed firing', range.id, new Date(due.at));
    // then two processes fire it at once
    const fired = await Promise.all([t.app.get(ScanSchedulesService).fireDue(), t.app.get(ScanSchedulesService).fireDue()]);
    expect(fired.flat()).toEqual([orphan]);
    const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM scans WHERE schedule_id = ?', [range.id]);
    expect(Number(n)).toBe(1);
    const view = (await api().get(`/api/discovery/schedules/${range.id}`).set(bearer(tech)).expect(200)).body;
    expect(view.lastScanId).toBe(orphan);
    expect(new Date(view.nextRunAt).getTime()).toBeGreaterThan(Date.now());
    expect((await until(orphan)).status).toBe('completed');
  });

  it('compares a completed scan with the previous one of its range: devices found as they were, and those that no longer answer, with what their address said', async () => {
    const range = { targets: [`${at(3)}-5`], credentialIds: [cred.switch, cred.printer, cred.windows], options: { timeoutMs: 2000, retries: 1 } };
    const first = await until(await startScan(range));
    expect(first).toMatchObject({ status: 'completed', devices: { unchanged: 3 }, comparison: null });
    const printerId = first.results.find((r) => r.address === at(4))!.deviceId;
    const none = (await api().get(`/api/discovery/scans/${first.id}/gone`).set(bearer(tech)).expect(200)).body;
    expect(none).toEqual({ previousScanId: null, items: [], total: 0, page: 1, limit: 50 });

    await printer.stop();
    // a scan of another range, and a cancelled one of this range, in between: neither is compared with
    await until(await startScan({ ...range, targets: [at(3)] }));
    const cancelled = await startScan(range);
    await api().post(`/api/discovery/scans/${cancelled}/cancel`).set(bearer(tech));
    const second = await until(await startScan(range));
    expect(second).toMatchObject({ status: 'completed', devices: { unchanged: 2 }, comparison: { previousScanId: first.id, gone: 1 } });
    expect((await scanOf(second.id, '?change=unchanged')).results.map((r) => r.address)).toEqual([at(3), at(5)]);
    expect((await scanOf(second.id, '?change=new')).results).toEqual([]);
    const gone = (await api().get(`/api/discovery/scans/${second.id}/gone`).set(bearer(tech)).expect(200)).body;
    expect(gone).toMatchObject({ previousScanId: first.id, total: 1, items: [{
      deviceId: printerId, deviceName: 'lab-prn01', deviceStatus: 'active', lastSeen: expect.any(String),
      // closed (ICMP port unreachable), or silent where the kernel's ICMP rate limit ate the refusal
      addresses: [{ address: at(4), now: { status: expect.stringMatching(/^(refused|no-response)$/), reason: expect.stringMatching(/^UDP 161 closed|^no reply on UDP 161/) } }],
    }] });
    await api().get(`/api/discovery/scans/${second.id}?change=gone`).set(bearer(tech)).expect(400);
    await api().get('/api/discovery/scans/99999999/gone').set(bearer(tech)).expect(404);
  });

  it('refuses a host whose SSH key changed since it was pinned, and says how to accept it', async () => {
    await db01.rotateHostKey();
    const id = await startScan({ targets: [at(7)], credentialIds: [cred.db01Ssh], options: { timeoutMs: 1000 } });
    const scan = await until(id);
    expect(scan.results[0]).toMatchObject({ status: 'error', reason: expect.stringMatching(/host key for .* changed: pinned SHA256:.*, offered SHA256:/) });
    const keys = (await api().get('/api/discovery/host-keys?rejected=true').set(bearer(tech)).expect(200)).body.items;
    expect(keys).toEqual([expect.objectContaining({ host: at(7), rejectedFingerprint: db01.hostKeyFingerprint() })]);
    // the saved range's scan of this address identified the host; this one did not, and says why
    expect(scan.comparison).toEqual({ previousScanId: expect.any(Number), gone: 1 });
    const gone = (await api().get(`/api/discovery/scans/${id}/gone`).set(bearer(tech)).expect(200)).body;
    expect(gone.items).toEqual([expect.objectContaining({ deviceName: 'lab-db01', addresses: [{ address: at(7), now: { status: 'error', reason: expect.stringMatching(/host key for .* changed/) } }] })]);
    await api().delete(`/api/discovery/host-keys/${at(7)}/22`).set(bearer(tech)).expect(204);
    const again = await until(await startScan({ targets: [at(7)], credentialIds: [cred.db01Ssh], options: { timeoutMs: 1000 } }));
    expect(again.results[0]).toMatchObject({ status: 'identified', via: 'ssh' });
  });
});
