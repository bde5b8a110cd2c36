// The catalogue's device counts, which ingest adjusts in batches (DeviceCountsService) between
// the worker's hourly recounts, against the real MariaDB: after concurrent ingests and a flush
// they equal a fresh count from installed_software; removals count down; a failed flush loses
// nothing; shutting the application down writes what is pending.
import { createConnection } from 'mysql2/promise';
import { IngestService } from '../src/inventory/ingest.service';
import { InventoryReport } from '../src/inventory/inventory-report';
import { DeviceCountsService } from '../src/software/device-counts.service';
import { SoftwareRepository } from '../src/software/software.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { TEST_DATABASE_SERVER } from './support/env';

const TITLES = Array.from({ length: 60 }, (_, i) => `pkg-${String(i).padStart(2, '0')}`);

/** Machine `n` with the titles `pick` chooses (deterministic, so that re-reports differ predictably). */
const machine = (n: number, pick: (title: number) => boolean, at = '2025-06-01T08:00:00Z'): InventoryReport => ({
  source: 'agent',
  collectedAt: new Date(at),
  identity: { hostname: `ws-${n}`, serial: `SER-COUNT-${n}`, macs: [`52:54:00:aa:00:${n.toString(16).padStart(2, '0')}`], addresses: [`192.0.2.${n}`] },
  device: { type: 'workstation', platform: 'linux', osFamily: 'linux' },
  software: TITLES.filter((_, t) => pick(t)).map((name) => ({ name, version: '1.0', architecture: 'amd64' })),
});

describe('catalogue device counts', () => {
  let t: TestApp;
  let ingest: IngestService;
  let counts: DeviceCountsService;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    counts = t.app.get(DeviceCountsService);
    viewer = bearer(await t.tokenFor('viewer'));
  });
  afterAll(() => t?.close());

  /** Titles whose stored count differs from a fresh count of their non-retired devices. */
  const wrongCounts = async () =>
    t.db.query(
      `SELECT s.normalized_name AS name, s.device_count AS stored, IFNULL(c.n, 0) AS fresh FROM software s LEFT JOIN (
         SELECT i.software_id, COUNT(DISTINCT i.device_id) AS n FROM installed_software i JOIN devices d ON d.id = i.device_id AND d.status <> 'retired'
         GROUP BY i.software_id) c ON c.software_id = s.id WHERE s.device_count <> IFNULL(c.n, 0)`,
    );
  const stored = async (name: string) => Number((await t.db.query('SELECT device_count AS n FROM software WHERE normalized_name = ?', [name]))[0]?.n);
  const apiCount = async (name: string) => (await t.http.get(`/api/software?q=${name}`).set(viewer)).body.items.find((s: { name: string }) => s.name === name)?.deviceCount;

  it('equal a fresh count after many concurrent ingests, re-reports and a flush', async () => {
    // 40 machines, 8 at a time, each with its own subset of 60 titles (every machine has pkg-00)
    const first = (n: number) => (t: number) => t === 0 || (t * 7 + n) % 3 !== 0;
    for (let n = 1; n <= 40; n += 8) await Promise.all(Array.from({ length: 8 }, (_, k) => ingest.ingest(machine(n + k, first(n + k)))));
    // then again, concurrently, with titles removed and others installed (the same machines)
    const second = (n: number) => (t: number) => t === 0 || (t * 5 + n) % 4 !== 0;
    await Promise.all(Array.from({ length: 40 }, (_, k) => ingest.ingest(machine(k + 1, second(k + 1), '2025-06-02T08:00:00Z'))));
    await counts.flush();
    expect(counts.pendingTitles).toBe(0);
    expect(await wrongCounts()).toEqual([]);
    expect(await stored('pkg-00')).toBe(40);
    expect(await apiCount('pkg-00')).toBe(40);
  });

  it('count a removal down', async () => {
    const before = await stored('pkg-00');
    await ingest.ingest(machine(1, (t) => t === 1, '2025-06-03T08:00:00Z')); // ws-1 drops pkg-00
    await counts.flush();
    expect(await stored('pkg-00')).toBe(before - 1);
    expect(await apiCount('pkg-00')).toBe(before - 1);
    expect(await wrongCounts()).toEqual([]);
  });

  it('follow a device retired by hand and brought back, at once rather than at the hourly recount', async () => {
    await counts.flush();
    const before = await stored('pkg-00');
    const admin = bearer(t.adminToken);
    const [{ id }] = await t.db.query("SELECT id FROM devices WHERE hostname = 'ws-2'");
    await t.http.delete(`/api/devices/${id}`).set(admin).expect(204);
    // before: the title page said 40 devices while its device list, which leaves retired ones out, had 39
    expect(await stored('pkg-00')).toBe(before - 1);
    expect(await wrongCounts()).toEqual([]);
    await t.http.patch(`/api/devices/${id}`).set(admin).send({ status: 'active' }).expect(200);
    expect(await stored('pkg-00')).toBe(before);
    expect(await wrongCounts()).toEqual([]);
    // a change that keeps it counted (active to stale) moves nothing
    await t.http.patch(`/api/devices/${id}`).set(admin).send({ status: 'stale' }).expect(200);
    expect(await stored('pkg-00')).toBe(before);
  });

  it('keep the deltas of a failed flush, log it without secrets, and write them on the next', async () => {
    const repo = t.app.get(SoftwareRepository);
    const before = await stored('pkg-00');
    await ingest.ingest(machine(1, (t) => t <= 1, '2025-06-04T08:00:00Z')); // ws-1 has pkg-00 again
    // the database gone for a moment: mysql2's error for a connection the server closed
    const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    const spy = jest.spyOn(repo, 'adjustDeviceCounts').mockRejectedValueOnce(lost);
    try {
      await expect(counts.flush()).rejects.toThrow('Connection lost');
    } finally {
      spy.mockRestore();
    }
    expect(await stored('pkg-00')).toBe(before);
    expect(counts.pendingTitles).toBeGreaterThan(0);
    const line = t.logs.find((l) => l.includes('catalogue device counts not written'));
    expect(line).toContain('PROTOCOL_CONNECTION_LOST');
    expect(line).not.toContain(t.config.secretKey!);
    await counts.flush();
    expect(await stored('pkg-00')).toBe(before + 1);
    expect(await wrongCounts()).toEqual([]);
  });

  it('are written when the application shuts down', async () => {
    const other = await createTestApp();
    try {
      const c = other.app.get(DeviceCountsService);
      await other.app.get(IngestService).ingest(machine(90, (t) => t < 3));
      // only the shutdown may write them now: no timer
      (c as unknown as { clearTimer(): void }).clearTimer();
      expect(c.pendingTitles).toBe(3);
      await other.closeApp();
      const conn = await createConnection({ uri: `${TEST_DATABASE_SERVER}/${other.dbName}` });
      try {
        const [rows] = await conn.query('SELECT normalized_name AS name, device_count AS n FROM software ORDER BY normalized_name');
        expect(rows).toEqual([{ name: 'pkg-00', n: 1 }, { name: 'pkg-01', n: 1 }, { name: 'pkg-02', n: 1 }]);
      } finally {
        await conn.end();
      }
    } finally {
      await other.close();
    }
  });
});
