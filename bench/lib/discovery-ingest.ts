// bench/discovery, part "ingest": N InventoryReports (Debian machines, ~800 packages each)
// through the server's own IngestService on a real TypeORM DataSource, beside a raw batched
// INSERT of the same device, title and installed_software rows with mysql2, each side in its
// own freshly migrated scratch database (dropped afterwards), the two taking turns in blocks
// of reports. Both write one transaction per report; the figure is installed_software rows
// per second. Concurrent lanes retry a report after a deadlock, as a queue worker would.
import { createConnection, createPool, Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DataSource, QueryRunner, ReplicationMode } from 'typeorm';
import { dataSourceOptions, ensureDatabase, runMigrations } from '../../src/database/data-source';
import { DevicesRepository } from '../../src/devices/devices.repository';
import { IngestService } from '../../src/inventory/ingest.service';
import { InventoryReport } from '../../src/inventory/inventory-report';
import { InventoryRepository } from '../../src/inventory/inventory.repository';
import { DeviceCountsService } from '../../src/software/device-counts.service';
import { SoftwareRepository } from '../../src/software/software.repository';
import { buildFleet } from './discovery-reports';
import { WHAT_IF } from './discovery-whatif';
import { benchDatabaseGuard } from './seed';
import { fmtMs, round1, summarize, Summary, table } from './stats';

export interface IngestParams {
  dbServer: string;
  reports: number;
  packages: number;
  shared: number;
  concurrency: number;
  /** reports in the concurrent pairing */
  concurrentReports: number;
  seed: number;
  profile: boolean;
  whatIf: boolean;
}

export interface RunResult {
  side: 'ingest' | 'raw';
  concurrency: number;
  /** reports written (the first one untimed) */
  reports: number;
  seconds: number;
  installedRows: number;
  titles: number;
  rowsPerSecond: number;
  reportsPerSecond: number;
  /** per report, ms */
  perReport: Summary;
  /** per-report p50 of the first and the last tenth of the reports: does it slow down as the tables grow? */
  trend: { firstTenthP50: number; lastTenthP50: number };
  /** node's CPU (user + system) over the run, ms */
  nodeCpuMs: number;
  /** deadlocks and lock wait timeouts, each followed by a retry of the report (as a worker would) */
  lockConflicts: number;
  /** the most attempts one report needed */
  maxAttempts: number;
  checksum: string;
  migrateSeconds: number;
  /** ingest: every title's device_count equals a fresh count of its devices in installed_software (after the last flush) */
  countsExact?: boolean;
}

export interface StatementProfile {
  shape: string;
  count: number;
  totalMs: number;
  share: number;
}

export interface IngestBenchResult {
  reports: number;
  packages: number;
  shared: number;
  generateSeconds: number;
  runs: RunResult[];
  /**
   * Where ingest's time goes, per concurrency: each SQL statement shape, summed (from the call to
   * its result, in node; with several lanes the sums overlap and exceed the wall time).
   */
  profiles?: Array<{ concurrency: number; wallMs: number; sqlMs: number; outsideSqlMs: number; rollbacks: number; statements: StatementProfile[] }>;
  sameRows: boolean;
  /** --what-if: InventoryRepository variants (bench/lib/discovery-whatif.ts) beside the raw INSERT */
  whatIf?: Array<{ variant: string; label: string; concurrency: number; ingest: RunResult; raw: RunResult; ratio: number; sameRows: boolean }>;
  /** every ingest run ended with exact catalogue device counts (DeviceCountsService flushed) */
  countsExact: boolean;
  goal: string;
  ratio: number;
  ratioConcurrent?: number;
  pass: boolean;
}

/** reports per block: the two sides take turns, a block each */
const BLOCK = 50;
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Same rows on both sides: every install with its machine, title, version, architecture and date. */
const CHECKSUM_SQL = `SELECT COUNT(*) AS n, SUM(CRC32(CONCAT_WS('|', d.serial, s.normalized_name, s.publisher, i.version, i.architecture, IFNULL(i.install_date, ''))))
  AS c FROM installed_software i JOIN devices d ON d.id = i.device_id JOIN software s ON s.id = i.software_id`;

async function scratchDatabase(dbServer: string, tag: string): Promise<{ url: string; name: string; migrateSeconds: number }> {
  const name = `teknisi_bench_discovery_${process.pid}_${tag}`;
  benchDatabaseGuard(name);
  await dropDatabase(dbServer, name);
  const url = `${dbServer}/${name}`;
  const t = process.hrtime.bigint();
  const flavor = await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  try {
    await runMigrations(ds);
  } finally {
    await ds.destroy();
  }
  return { url, name, migrateSeconds: ms(t) / 1000 };
}

async function dropDatabase(dbServer: string, name: string): Promise<void> {
  benchDatabaseGuard(name);
  const conn = await createConnection({ uri: `${dbServer}/` });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

/** Titles whose device_count differs from a fresh count of their (non-retired) devices. */
const WRONG_COUNTS_SQL = `SELECT COUNT(*) AS n FROM software s LEFT JOIN (SELECT i.software_id, COUNT(DISTINCT i.device_id) AS n FROM installed_software i
  JOIN devices d ON d.id = i.device_id AND d.status <> 'retired' GROUP BY i.software_id) c ON c.software_id = s.id WHERE s.device_count <> IFNULL(c.n, 0)`;

async function checksum(url: string): Promise<{ rows: number; titles: number; sum: string; wrongCounts: number }> {
  const conn = await createConnection({ uri: url, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const [[row]] = await conn.query<RowDataPacket[]>(CHECKSUM_SQL);
    const [[t]] = await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM software');
    const [[w]] = await conn.query<RowDataPacket[]>(WRONG_COUNTS_SQL);
    return { rows: Number(row.n), titles: Number(t.n), sum: `${row.n}:${row.c}`, wrongCounts: Number(w.n) };
  } finally {
    await conn.end();
  }
}

/** MariaDB's deadlock (1213) and lock wait timeout (1205): a worker retries the report. */
function isLockConflict(err: unknown): boolean {
  const e = err as { errno?: number; driverError?: { errno?: number }; message?: string };
  const errno = e?.driverError?.errno ?? e?.errno;
  return errno === 1213 || errno === 1205 || /Deadlock found|Lock wait timeout/.test(String(e?.message));
}

/** Runs `work` again after a deadlock or lock wait timeout (up to 100 times, with a short random back-off), counting them. */
async function retrying(conflicts: { n: number; maxAttempts: number }, work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await work();
      conflicts.maxAttempts = Math.max(conflicts.maxAttempts, attempt);
      return;
    } catch (err) {
      if (!isLockConflict(err) || attempt >= 100) throw err;
      conflicts.n++;
      await new Promise((r) => setTimeout(r, Math.random() * 20));
    }
  }
}

/** Runs `work(i)` for i in [0, n) on `concurrency` lanes; returns each call's duration. */
async function lanes(n: number, concurrency: number, work: (i: number, lane: number) => Promise<void>): Promise<number[]> {
  const times: number[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async (_, lane) => {
    for (let i = next++; i < n; i = next++) {
      const t = process.hrtime.bigint();
      await work(i, lane);
      times[i] = ms(t);
    }
  }));
  return times;
}

/** Times every statement that goes through the DataSource's query runners, by statement shape. */
function profileQueries(ds: DataSource): Map<string, { count: number; ms: number }> {
  const stats = new Map<string, { count: number; ms: number }>();
  const create = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = (mode?: ReplicationMode): QueryRunner => {
    const runner = create(mode);
    const query = runner.query.bind(runner) as (...a: unknown[]) => Promise<unknown>;
    (runner as { query: unknown }).query = async (...args: unknown[]) => {
      const t = process.hrtime.bigint();
      try {
        return await query(...args);
      } finally {
        const key = shape(String(args[0]));
        const s = stats.get(key) ?? { count: 0, ms: 0 };
        s.count++;
        s.ms += ms(t);
        stats.set(key, s);
      }
    };
    return runner;
  };
  return stats;
}

function tenths(times: number[]): RunResult['trend'] {
  const k = Math.max(1, Math.floor(times.length / 10));
  return { firstTenthP50: round1(summarize(times.slice(0, k)).p50), lastTenthP50: round1(summarize(times.slice(-k)).p50) };
}

function shape(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\((?:\s*\?\s*,)*\s*\?\s*\)(?:\s*,\s*\((?:\s*\?\s*,)*\s*\?\s*\))+/g, '(?, …), …')
    .replace(/`/g, '')
    .trim()
    .slice(0, 140);
}

interface Side {
  one(r: InventoryReport, lane: number): Promise<void>;
  /** at the end of each timed block, inside its time: ingest writes the catalogue counts it still holds */
  settle?(): Promise<void>;
  close(): Promise<void>;
  stats?: Map<string, { count: number; ms: number }>;
}

async function openIngest(url: string, profile: boolean, repo: InventoryRepository, makeCounts: CountsFactory): Promise<Side> {
  const flavor = await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  const stats = profile ? profileQueries(ds) : undefined;
  // as the server runs it: flushed by its own timer (~1 s) and past FLUSH_AT_TITLES titles
  const counts = makeCounts(new SoftwareRepository(ds));
  const service = new IngestService(ds, repo, new DevicesRepository(ds), counts);
  return {
    stats,
    async one(r) {
      const res = await service.ingest(r);
      if (!res.created) throw new Error(`${r.identity.hostname} matched device ${res.deviceId} by ${res.matchedBy}: the generated machines must be distinct`);
    },
    settle: () => counts.flush(),
    async close() {
      await counts.onApplicationShutdown();
      await ds.destroy();
    },
  };
}

export type CountsFactory = (repo: SoftwareRepository) => DeviceCountsService;

/** The same rows as ingest writes for installs, with nothing but mysql2 and multi-row INSERTs. */
async function openRaw(url: string, concurrency: number): Promise<Side> {
  const pool: Pool = createPool({ uri: url, connectionLimit: concurrency, timezone: 'Z', charset: 'utf8mb4_unicode_ci', supportBigNumbers: true });
  const conns: PoolConnection[] = await Promise.all(Array.from({ length: concurrency }, () => pool.getConnection()));
  const titleIds = new Map<string, number>();
  return {
    async one(r, lane) {
      const conn = conns[lane];
      const at = r.collectedAt ?? new Date();
      await conn.beginTransaction();
      try {
        const [dev] = await conn.query<ResultSetHeader>(
          `INSERT INTO devices (hostname, fqdn, type, platform, vendor, model, serial, os_family, os_name, os_version, status, primary_ip, first_seen, last_seen, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)`,
          [r.identity.hostname, r.identity.fqdn, r.device?.type, r.device?.platform, r.device?.vendor, r.device?.model, r.identity.serial,
            r.device?.osFamily, r.device?.osName, r.device?.osVersion, r.identity.addresses?.[0] ?? null, at, at, at, at],
        );
        const sw = r.software ?? [];
        // titles this process has not seen yet: inserted, then their ids read back
        const fresh = [...new Set(sw.map((s) => s.name.toLowerCase()).filter((n) => !titleIds.has(n)))];
        for (let i = 0; i < fresh.length; i += 1000) {
          const batch = fresh.slice(i, i + 1000);
          await conn.query(`INSERT IGNORE INTO software (name, normalized_name, publisher, created_at) VALUES ?`, [batch.map((n) => [n, n, '', at])]);
          const [rows] = await conn.query<RowDataPacket[]>(`SELECT id, normalized_name AS n FROM software WHERE publisher = '' AND normalized_name IN (?)`, [batch]);
          for (const row of rows) titleIds.set(row.n, Number(row.id));
        }
        for (let i = 0; i < sw.length; i += 1000) {
          const batch = sw.slice(i, i + 1000);
          await conn.query(`INSERT INTO installed_software (device_id, software_id, version, architecture, install_date, source, first_seen) VALUES ?`, [
            batch.map((s) => [dev.insertId, titleIds.get(s.name.toLowerCase()), s.version ?? '', s.architecture ?? '', s.installDate ?? null, r.source, at]),
          ]);
        }
        await conn.commit();
      } catch (err) {
        await conn.rollback();
        throw err;
      }
    },
    async close() {
      for (const c of conns) c.release();
      await pool.end();
    },
  };
}

interface Tally {
  wallMs: number;
  cpuMs: number;
  times: number[];
  conflicts: { n: number; maxAttempts: number };
}

/**
 * Both sides at one concurrency, in alternating blocks of reports (the order flips each block),
 * so that load from other work on this machine falls on both alike.
 */
async function runPair(reports: InventoryReport[], ingest: Side, raw: Side, concurrency: number, block: number): Promise<{ ingest: Tally; raw: Tally }> {
  const tally = (): Tally => ({ wallMs: 0, cpuMs: 0, times: [], conflicts: { n: 0, maxAttempts: 1 } });
  const out = { ingest: tally(), raw: tally() };
  // report 0 warms each side up (TypeORM metadata, pools, the statement paths): untimed
  await ingest.one(reports[0], 0);
  await ingest.settle?.();
  await raw.one(reports[0], 0);
  for (let from = 1, k = 0; from < reports.length; from += block, k++) {
    const slice = reports.slice(from, Math.min(reports.length, from + block));
    const order: Array<['ingest' | 'raw', Side]> = k % 2 === 0 ? [['ingest', ingest], ['raw', raw]] : [['raw', raw], ['ingest', ingest]];
    for (const [name, side] of order) {
      const t = out[name];
      const cpu = process.cpuUsage();
      const start = process.hrtime.bigint();
      t.times.push(...(await lanes(slice.length, concurrency, (i, lane) => retrying(t.conflicts, () => side.one(slice[i], lane)))));
      await side.settle?.();
      t.wallMs += ms(start);
      const c = process.cpuUsage(cpu);
      t.cpuMs += (c.user + c.system) / 1000;
    }
  }
  return out;
}

export async function benchIngest(p: IngestParams, log: (s: string) => void): Promise<IngestBenchResult> {
  if (p.reports < 2) throw new Error('--reports must be at least 2');
  const t = process.hrtime.bigint();
  const fleet = buildFleet({ seed: p.seed, reports: p.reports, packages: p.packages, shared: p.shared });
  const reports = Array.from({ length: p.reports }, (_, i) => fleet.report(i));
  const generateSeconds = ms(t) / 1000;
  const timedRows = reports.slice(1).reduce((a, r) => a + (r.software?.length ?? 0), 0);
  log(`  generated ${p.reports} reports (${(timedRows + (reports[0].software?.length ?? 0)).toLocaleString('en-US')} installs) in ${generateSeconds.toFixed(1)} s; ` +
    `report 0 warms each side up, ${(p.reports - 1).toLocaleString('en-US')} are timed, in alternating blocks of ${BLOCK}`);

  const levels = p.concurrency > 1 ? [1, p.concurrency] : [1];
  /** One pairing (ingest with `repo` beside raw) at concurrency c, in two fresh databases. */
  // the concurrent pairing takes the first `concurrentReports` reports (it is the slow one)
  const subset = (c: number) => (c === 1 ? reports : reports.slice(0, Math.max(2, Math.min(reports.length, p.concurrentReports))));
  const pairAt = async (c: number, repo: InventoryRepository, counts: CountsFactory, profile: boolean, tag: string) => {
    const rs = subset(c);
    const rows = rs.slice(1).reduce((a, r) => a + (r.software?.length ?? 0), 0);
    const dbs = { ingest: await scratchDatabase(p.dbServer, `${tag}${c}`), raw: await scratchDatabase(p.dbServer, `raw${c}`) };
    try {
      const ingest = await openIngest(dbs.ingest.url, profile, repo, counts);
      const raw = await openRaw(dbs.raw.url, c);
      let pair: { ingest: Tally; raw: Tally };
      try {
        pair = await runPair(rs, ingest, raw, c, BLOCK);
      } finally {
        await ingest.close();
        await raw.close();
      }
      const out: RunResult[] = [];
      for (const side of ['ingest', 'raw'] as const) {
        const r = pair[side];
        const sum = await checksum(dbs[side].url);
        out.push({
          side, concurrency: c, reports: rs.length, seconds: Math.round(r.wallMs / 100) / 10, installedRows: sum.rows, titles: sum.titles,
          rowsPerSecond: Math.round(rows / (r.wallMs / 1000)), reportsPerSecond: round1((rs.length - 1) / (r.wallMs / 1000)),
          perReport: summarize(r.times), trend: tenths(r.times), nodeCpuMs: Math.round(r.cpuMs),
          lockConflicts: r.conflicts.n, maxAttempts: r.conflicts.maxAttempts, checksum: sum.sum, migrateSeconds: round1(dbs[side].migrateSeconds),
          // raw keeps no counts at all
          ...(side === 'ingest' ? { countsExact: sum.wrongCounts === 0 } : {}),
        });
      }
      return { runs: out, wallMs: pair.ingest.wallMs, stats: ingest.stats };
    } finally {
      await dropDatabase(p.dbServer, dbs.ingest.name);
      await dropDatabase(p.dbServer, dbs.raw.name);
    }
  };
  const describe = (label: string, run: RunResult) =>
    log(`  ${label.padEnd(6)} c=${run.concurrency}: ${run.seconds} s, ${run.rowsPerSecond.toLocaleString('en-US')} rows/s, ` +
      `per report p50 ${fmtMs(run.perReport.p50)} p95 ${fmtMs(run.perReport.p95)} ms (first tenth ${fmtMs(run.trend.firstTenthP50)}, last ${fmtMs(run.trend.lastTenthP50)}), ` +
      `node CPU ${(run.nodeCpuMs / 1000).toFixed(1)} s, ${run.lockConflicts} deadlocks retried (at most ${run.maxAttempts} attempts); ` +
      `${run.reports} reports, ${run.installedRows.toLocaleString('en-US')} installs, ${run.titles.toLocaleString('en-US')} titles`);

  const runs: RunResult[] = [];
  const profiles: NonNullable<IngestBenchResult['profiles']> = [];
  for (const c of levels) {
    const r = await pairAt(c, new InventoryRepository(), (sr) => new DeviceCountsService(sr), p.profile, 'ingest');
    for (const run of r.runs) (runs.push(run), describe(run.side, run));
    if (r.stats) {
      const statements = [...r.stats.entries()].map(([s, v]) => ({ shape: s, count: v.count, totalMs: Math.round(v.ms), share: 0 })).sort((a, b) => b.totalMs - a.totalMs);
      const sqlMs = statements.reduce((a, s) => a + s.totalMs, 0);
      for (const s of statements) s.share = round1((100 * s.totalMs) / r.wallMs);
      // ingest retries a deadlocked report itself: its ROLLBACKs count them
      const rollbacks = statements.find((s) => /^ROLLBACK/i.test(s.shape))?.count ?? 0;
      profiles.push({ concurrency: c, wallMs: Math.round(r.wallMs), sqlMs, outsideSqlMs: Math.round(r.wallMs - sqlMs), rollbacks, statements });
      if (rollbacks) log(`  ingest c=${c}: ${rollbacks} transactions rolled back and retried inside IngestService (deadlocks, lock wait timeouts)`);
    }
  }
  const whatIf: NonNullable<IngestBenchResult['whatIf']> = [];
  if (p.whatIf) {
    for (const [key, v] of Object.entries(WHAT_IF)) {
      for (const c of levels) {
        const r = await pairAt(c, v.repo?.() ?? new InventoryRepository(), v.counts ?? ((sr) => new DeviceCountsService(sr)), false, key.replace(/\W/g, '').slice(0, 12));
        const [ing, raw] = r.runs;
        describe(`what-if ${key}`, ing);
        describe('raw', raw);
        whatIf.push({
          variant: key, label: v.label, concurrency: c, ingest: ing, raw, ratio: Math.round((ing.rowsPerSecond / raw.rowsPerSecond) * 100) / 100,
          sameRows: ing.checksum === raw.checksum,
        });
      }
    }
  }
  // ingest and raw wrote the same install rows (same machine, title, version, architecture, date)
  const sameRows = runs.every((r) => r.checksum === runs.find((x) => x.reports === r.reports)!.checksum);
  if (!sameRows) log(`  note: the runs wrote different rows: ${runs.map((r) => `${r.side} c=${r.concurrency} ${r.checksum}`).join(', ')}`);
  const rate = (side: string, c: number) => runs.find((r) => r.side === side && r.concurrency === c)?.rowsPerSecond;
  const ratio = rate('ingest', 1)! / rate('raw', 1)!;
  const ratioConcurrent = p.concurrency > 1 ? rate('ingest', p.concurrency)! / rate('raw', p.concurrency)! : undefined;
  const countsExact = runs.every((r) => r.side !== 'ingest' || r.countsExact);
  if (!countsExact) log(`  note: catalogue device counts differ from a fresh count after ingest: ${runs.filter((r) => r.countsExact === false).map((r) => `c=${r.concurrency}`).join(', ')}`);
  return {
    reports: p.reports, packages: p.packages, shared: p.shared, generateSeconds: round1(generateSeconds), runs, profiles: profiles.length ? profiles : undefined, sameRows,
    goal: 'ingest >= 0.5x the raw INSERT rate (concurrency 1)',
    ratio: Math.round(ratio * 100) / 100,
    ratioConcurrent: ratioConcurrent === undefined ? undefined : Math.round(ratioConcurrent * 100) / 100,
    whatIf: whatIf.length ? whatIf : undefined,
    countsExact,
    pass: ratio >= 0.5 && sameRows && countsExact,
  };
}

export function ingestTable(r: IngestBenchResult): string {
  const rows = r.runs.map((x) => [
    `${x.side === 'ingest' ? 'IngestService.ingest' : 'raw mysql2 INSERT'} c=${x.concurrency}${x.reports !== r.reports ? ` (${x.reports} reports)` : ''}`, `${x.seconds} s`, `${x.rowsPerSecond.toLocaleString('en-US')} rows/s`,
    `${fmtMs(x.perReport.p50)} ms`, `${fmtMs(x.perReport.p95)} ms`, `${(x.nodeCpuMs / 1000).toFixed(1)} s`, String(x.lockConflicts),
  ]);
  rows.push([`goal: ${r.goal}`, '', `${r.ratio}x${r.ratioConcurrent !== undefined ? ` (c=${r.runs[r.runs.length - 1].concurrency}: ${r.ratioConcurrent}x)` : ''}`, '', '', '', r.pass ? 'pass' : 'FAIL']);
  for (const w of r.whatIf ?? []) {
    rows.push([`what if: ${w.label}, c=${w.concurrency}`, `${w.ingest.seconds} s`, `${w.ingest.rowsPerSecond.toLocaleString('en-US')} rows/s`,
      `${fmtMs(w.ingest.perReport.p50)} ms`, `${fmtMs(w.ingest.perReport.p95)} ms`, `${(w.ingest.nodeCpuMs / 1000).toFixed(1)} s`, String(w.ingest.lockConflicts)]);
    rows.push([`  raw beside it, c=${w.concurrency}: ratio ${w.ratio}x${w.sameRows ? '' : ' (rows differ!)'}`, `${w.raw.seconds} s`, `${w.raw.rowsPerSecond.toLocaleString('en-US')} rows/s`,
      `${fmtMs(w.raw.perReport.p50)} ms`, `${fmtMs(w.raw.perReport.p95)} ms`, `${(w.raw.nodeCpuMs / 1000).toFixed(1)} s`, String(w.raw.lockConflicts)]);
  }
  let out = table([`${r.reports} reports x ${r.packages} packages`, 'wall', 'installs/s', 'report p50', 'report p95', 'node CPU', 'deadlocks'], rows);
  for (const pr of r.profiles ?? []) {
    out += `\n\nwhere ingest's time goes (c=${pr.concurrency}, ${(pr.wallMs / 1000).toFixed(1)} s wall; ${(pr.sqlMs / 1000).toFixed(1)} s in SQL calls` +
      (pr.concurrency === 1 ? `, ${(pr.outsideSqlMs / 1000).toFixed(1)} s outside them` : ` summed over ${pr.concurrency} lanes`) + `; ${pr.rollbacks} rollbacks):\n`;
    out += pr.statements.slice(0, pr.concurrency === 1 ? 14 : 8).map((s) => `  ${String(s.totalMs).padStart(7)} ms ${String(s.share).padStart(5)}% ${String(s.count).padStart(6)}x  ${s.shape}`).join('\n');
  }
  return out;
}
