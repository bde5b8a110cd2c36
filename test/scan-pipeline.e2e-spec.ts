// The scan pipeline where it meets trouble, without the device lab: a database write that fails
// in the middle of a chunk (scan-retry.e2e-spec.ts has a real worker retry it), a worker whose
// clock is wrong, a CSV export read while workers add results, and targets that look valid but
// are not. Only closed or silent loopback addresses are scanned; nothing here runs a queue
// consumer: the spec calls the worker's steps itself.
import * as crypto from 'node:crypto';
import { createSocket, Socket } from 'node:dgram';
import { Semaphore } from '../src/discovery/probes';
import { ScanRunner } from '../src/discovery/scan-runner.service';
import { ResultRow, ScansRepository } from '../src/discovery/scans.repository';
import { chunkJobId, ScansService } from '../src/discovery/scans.service';
import { JobName, QueueName } from '../src/queue/queue.constants';
import { QueueService } from '../src/queue/queue.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { until } from './support/until';

jest.setTimeout(120_000);

const net = `127.83.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;
const options = { snmpPort: 161, sshPort: 22, timeoutMs: 500, retries: 0, concurrency: 8 };

/** A UDP 161 socket that swallows every request, as a firewall that drops them: a scan of it waits out its timeout. */
async function udpSink(address: string): Promise<Socket> {
  const sink = createSocket('udp4');
  await new Promise<void>((r) => sink.bind(161, address, r));
  return sink;
}

const row = (address: string, status: ResultRow['status'] = 'refused'): ResultRow => ({ address, status, reason: null, deviceId: null, via: null, durationMs: 1, at: new Date() });

describe('the scan pipeline under trouble', () => {
  let t: TestApp;
  let tech: string;
  let credentialId: number;
  let repo: ScansRepository;
  let runner: ScanRunner;
  const newScan = async (targets: string[], total: number, scanOptions = options) =>
    (await repo.insertScan({ targets, credentialIds: [credentialId], options: scanOptions, total, createdBy: 'test', scheduleId: null }, 256, new Date())).id;
  const chunkOf = async (scanId: number) => {
    const [c] = await t.db.query('SELECT status, lease_owner AS owner FROM scan_chunks WHERE scan_id = ? AND chunk_no = 0', [scanId]);
    return c as { status: string; owner: string | null };
  };
  const view = async (id: number, query = '') => (await t.http.get(`/api/discovery/scans/${id}${query}`).set(bearer(tech)).expect(200)).body;
  const discovery = () => t.app.get(QueueService).queue(QueueName.Discovery);

  beforeAll(async () => {
    t = await createTestApp();
    tech = await t.tokenFor('technician');
    credentialId = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'v2c', kind: 'snmp-v2c', community: 'not-answered-here' }).expect(201)).body.id;
    repo = t.app.get(ScansRepository);
    runner = t.app.get(ScanRunner);
  });
  afterAll(() => t?.close());

  it('refuses a CIDR block with an extra "/" part and an IPv6 address with a zone, naming each target', async () => {
    const res = await t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets: ['192.0.2.0/24/7', 'fe80::1%eth0', at(1)], credentialIds: [credentialId] }).expect(400);
    expect(res.body.details).toEqual([
      { field: 'targets.0', messages: ['"192.0.2.0/24/7" is not a valid CIDR block (like 192.0.2.0/24)'] },
      { field: 'targets.1', messages: [expect.stringMatching(/^"fe80::1%eth0" has an IPv6 zone \(%eth0\)/)] },
    ]);
  });

  it('a lane whose results cannot be stored stops the others, and the next claim scans what was not stored: one result per address', async () => {
    const id = await newScan([`${net}.0/24`], 254);
    const probed = jest.spyOn((runner as unknown as { slots: Semaphore }).slots, 'acquire');
    const save = jest.spyOn(repo, 'saveResults').mockRejectedValueOnce(new Error('Lock wait timeout exceeded; try restarting transaction'));
    try {
      await expect(runner.runChunk(id, 0)).rejects.toThrow('Lock wait timeout exceeded');
      expect(save.mock.calls.length).toBeGreaterThanOrEqual(1);
      // once the worker has given up, nothing probes on without a lease nor a cancel check
      const probes = probed.mock.calls.length;
      const saves = save.mock.calls.length;
      const stored = (await view(id)).progress.done;
      expect(probes).toBeLessThan(254);
      await new Promise((r) => setTimeout(r, 1500));
      expect([probed.mock.calls.length, save.mock.calls.length, (await view(id)).progress.done]).toEqual([probes, saves, stored]);
    } finally {
      probed.mockRestore();
      save.mockRestore();
    }
    // the chunk is given back at once (it kept its lease for a minute), and its next attempt queued
    expect(await chunkOf(id)).toEqual({ status: 'queued', owner: null });
    const retry = await discovery().getJob(chunkJobId(id, 0, 1));
    expect(retry).toMatchObject({ name: JobName.ScanChunk, data: { scanId: id, chunkNo: 0 }, opts: expect.objectContaining({ delay: 500 }) });
    // Redis loses it: the chunk is queued in MySQL, and the reconciler enqueues it again
    await retry!.remove();
    await t.db.query('UPDATE scans SET created_at = created_at - INTERVAL 1 MINUTE WHERE id = ?', [id]);
    await runner.reconcile();
    expect(await discovery().getJob(chunkJobId(id, 0, 1))).toMatchObject({ data: { scanId: id, chunkNo: 0 } });
    await runner.runChunk(id, 0);
    const scan = await view(id, '?resultsLimit=5000');
    expect(scan).toMatchObject({ status: 'completed', progress: { total: 254, done: 254 }, counts: { refused: 254 } });
    expect(scan.results.map((r: { address: string }) => r.address)).toEqual(Array.from({ length: 254 }, (_, i) => at(i + 1)));
  });

  it('a worker whose chunk another worker took over gives nothing back when it fails: the chunk stays the new holder\'s', async () => {
    const id = await newScan([`${net}.0/28`], 14);
    const save = jest.spyOn(repo, 'saveResults').mockImplementationOnce(async () => {
      // this worker's lease ran out while it waited, and another worker claimed the chunk
      await t.db.query(`UPDATE scan_chunks SET lease_owner = 'another-worker', lease_until = UTC_TIMESTAMP(3) + INTERVAL 1 MINUTE WHERE scan_id = ?`, [id]);
      throw new Error('Lock wait timeout exceeded; try restarting transaction');
    });
    try {
      await expect(runner.runChunk(id, 0)).rejects.toThrow('Lock wait timeout exceeded');
    } finally {
      save.mockRestore();
    }
    expect(await chunkOf(id)).toEqual({ status: 'running', owner: 'another-worker' });
    expect(await discovery().getJob(chunkJobId(id, 0, 1))).toBeUndefined();
  });

  it('keeps a chunk\'s lease by the database\'s clock: a reconciler does not take it from a worker whose clock is five minutes slow', async () => {
    // the address swallows SNMP: the chunk stays running for its 3 s timeout
    const sink = await udpSink(at(9));
    try {
      const id = await newScan([at(9)], 1, { ...options, timeoutMs: 3000, concurrency: 1 });
      let running: Promise<unknown>;
      // this process plays the slow worker while it claims the chunk...
      jest.useFakeTimers({
        now: Date.now() - 5 * 60_000, advanceTimers: true,
        doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
      });
      try {
        running = runner.runChunk(id, 0);
        await until('the chunk claimed', async () => (await chunkOf(id)).status === 'running', 10_000, 20);
      } finally {
        jest.useRealTimers();
      }
      // ...and a reconciler whose clock is right looks at it while it runs
      await runner.reconcile();
      expect(await chunkOf(id)).toEqual({ status: 'running', owner: expect.stringMatching(new RegExp(`^${runner.owner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#[0-9a-z]+$`)) });
      expect(await running).toEqual({ scanned: 1 });
      expect(await view(id)).toMatchObject({ status: 'completed', progress: { total: 1, done: 1 }, counts: { 'no-response': 1 } });
    } finally {
      sink.close();
    }
  });

  it('exports a scan as CSV while its workers store results: each address once, none that was there left out', async () => {
    // more than one page of the export (5,000 rows): every other address of a /18, two names and two IPv6 addresses
    const id = await newScan(['127.83.0.0/18'], 16_382);
    const v4 = (n: number) => `127.83.${n >> 8}.${n & 255}`;
    const before = [...Array.from({ length: 6000 }, (_, i) => v4(2 * i + 1)), '2001:db8::5', '2001:db8::9', 'b.example', 'd.example'];
    for (let i = 0; i < before.length; i += 2000) await repo.saveResults(id, before.slice(i, i + 2000).map((a) => row(a)));
    // as the export reads its second page, a worker stores results before where it has read to,
    // and after it
    const behind = [v4(2), v4(4), v4(6), v4(8)];
    const ahead = [v4(11_000), '2001:db8::7', 'c.example'];
    const query = t.db.query.bind(t.db);
    let pages = 0;
    const spy = jest.spyOn(t.db, 'query').mockImplementation(async (...args: Parameters<typeof t.db.query>) => {
      const [sql, params] = args;
      if (/FROM scan_results[\s\S]*ORDER BY[\s\S]*LIMIT/.test(sql) && params?.[0] === id && ++pages === 2) await repo.saveResults(id, [...behind, ...ahead].map((a) => row(a)));
      return query(...args);
    });
    let csv: string;
    try {
      csv = (await t.http.get(`/api/discovery/scans/${id}/results.csv`).set(bearer(tech)).expect(200)).text;
    } finally {
      spy.mockRestore();
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    const addresses = csv.trimEnd().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(addresses.filter((a, i) => addresses.indexOf(a) !== i)).toEqual([]);
    expect(before.filter((a) => !addresses.includes(a))).toEqual([]);
    expect(ahead.filter((a) => !addresses.includes(a))).toEqual([]);
    // and in address order: IPv4, IPv6, then names
    expect(addresses.slice(-5)).toEqual(['2001:db8::7', '2001:db8::9', 'b.example', 'c.example', 'd.example']);
  });

  it('pages an export in the order the scan page lists, across IPv4, IPv6 and names, filtered as asked', async () => {
    const id = await newScan(['127.83.0.0/18'], 16_382);
    const rows = [
      // 127.83.1.2 twice, written two ways: tied on the address, then ordered by its text
      row(v4n(10)), row(v4n(300), 'identified'), row(v4n(2)), row(v4n(258)), row('::ffff:7f53:0102'), row('2001:db8::1', 'identified'), row('2001:db8::10'),
      row('fd00::1', 'identified'), row('a.example'), row('z.example', 'identified'), row('m.example'), row(v4n(256), 'identified'),
    ];
    await repo.saveResults(id, rows);
    const scans = t.app.get(ScansService);
    const exported = async (q: object, pageSize: number) => {
      let text = '';
      for await (const lines of scans.resultsCsv(id, q, pageSize)) text += lines;
      return text.trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join(','));
    };
    for (const q of [{}, { resultStatus: 'identified' as const }]) {
      const listed = (await view(id, `?resultsLimit=5000${'resultStatus' in q ? '&resultStatus=identified' : ''}`)).results.map((r: { address: string; status: string }) => `${r.address},${r.status}`);
      expect(listed.length).toBeGreaterThan(4);
      for (const pageSize of [1, 2, 3, 100]) expect({ pageSize, rows: await exported(q, pageSize) }).toEqual({ pageSize, rows: listed });
    }
  });
});

function v4n(n: number): string {
  return `127.83.${n >> 8}.${n & 255}`;
}
