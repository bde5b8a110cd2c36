// bench/: the device list at scale. Seeds (or reuses) a database of 100k devices with 15M
// installed-software rows, starts the real server (API role) as a child process, and times
// each list request over HTTP next to the very SQL that the server runs for it, executed
// straight through mysql2 (DevicesRepository over a thin mysql2 shim: same deviceWhere(),
// same ORDER/LIMIT, count and loadRows, same concurrency). Also samples the server's RSS.
import { deleteKeysWithPrefix } from '../src/common/redis.module';
import { createPool, Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { parseSort } from '../src/common/pagination';
import { DEVICE_SORT, DeviceFilterQuery } from '../src/devices/device.dto';
import { DevicesCsvService } from '../src/devices/devices-csv.service';
import { DeviceFilter, DevicesRepository } from '../src/devices/devices.repository';
import { DevicesService } from '../src/devices/devices.service';
import { FlagSpec, Flags } from './lib/args';
import { benchDatabaseGuard, reusableSeed, seed, SeedInfo, SeedParams } from './lib/seed';
import { BenchClient, BenchServer, REPO_ROOT, RssSampler } from './lib/server';
import { fmtMs, round1, summarize, Summary, table } from './lib/stats';

const FLAGS: FlagSpec[] = [
  { name: 'devices', help: 'devices to seed', default: '100000' },
  { name: 'software-per-device', help: 'average installed titles per device', default: '150' },
  { name: 'titles', help: 'software catalogue size', default: '20000' },
  { name: 'seed', help: 'PRNG seed of the generated data', default: '1' },
  { name: 'reuse', help: 'keep the bench database if it already holds this exact data set', boolean: true },
  { name: 'seed-only', help: 'seed (or check with --reuse) and stop', boolean: true },
  { name: 'database', help: 'bench database (dropped and recreated when seeding; the name must contain "bench")', default: 'teknisi_bench' },
  { name: 'db-server', help: 'MySQL/MariaDB server URL without a database', default: 'mysql://root@127.0.0.1:3306' },
  { name: 'redis-url', help: 'Redis for the server (keys under its own prefix, deleted afterwards)', default: 'redis://127.0.0.1:6379' },
  { name: 'iterations', help: 'timed iterations per list query', default: '50' },
  { name: 'warmup', help: 'untimed iterations before each query', default: '5' },
  { name: 'export-iterations', help: 'timed iterations of the CSV export', default: '5' },
  { name: 'export-rows', help: 'aim of the export filter (the location closest to this many devices)', default: '10000' },
  { name: 'q', help: 'software name searched in (b) (default: a title installed on ~5% of devices)' },
  { name: 'tag', help: 'tag of query (c) (default: finance)' },
  { name: 'export-location', help: 'location filter of the export (default: chosen by --export-rows)' },
  { name: 'server-node-args', help: 'node flags for the server, space-separated (e.g. "--max-old-space-size=192")', default: '' },
  { name: 'max-load', help: 'wait (up to 10 min) until the 1-minute load average is at most this before measuring' },
  { name: 'results-dir', help: 'where the JSON result goes', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

export const ADMIN_PASSWORD = 'bench-admin-password-teknisi';
const PAGE_GOAL_MS = 50;
const EXPORT_GOAL_ROWS_PER_S = 20_000;
const RSS_GOAL_MB = 300;

interface ListCase {
  key: string;
  label: string;
  path: string;
  filter: DeviceFilter;
  page: number;
  limit: number;
  absoluteGoalMs?: number;
}

interface CaseResult {
  key: string;
  label: string;
  request: string;
  total: number;
  api: Summary;
  raw: Summary;
  goal: string;
  pass: boolean;
  rowsPerSecond?: { api: number; raw: number; rawWithCsv?: number };
  rawWithCsv?: Summary;
  sql: Array<{ sql: string; params: unknown[] }>;
  /** each statement alone, run sequentially: where the raw time goes */
  statements: Array<{ sql: string; p50: number; rows: number }>;
  explain: Array<{ sql: string; plan: unknown[] }>;
  rssPeakMb: number;
}

/** A DataSource stand-in that sends DevicesRepository's queries straight to a mysql2 pool. */
class Mysql2Shim {
  captured: Array<{ sql: string; params: unknown[] }> | null = null;

  constructor(readonly pool: Pool) {}

  async query(sql: string, params: unknown[] = []): Promise<unknown> {
    this.captured?.push({ sql, params });
    const [rows] = await this.pool.query(sql, params);
    return rows;
  }

  /** One pooled connection, as TypeORM's QueryRunner offers it (used by the streamed export). */
  createQueryRunner() {
    let conn: PoolConnection;
    const captured = () => this.captured;
    return {
      connect: async () => {
        conn = await this.pool.getConnection();
      },
      query: async (sql: string, params: unknown[] = []) => {
        captured()?.push({ sql, params });
        const [rows] = await conn.query(sql, params);
        return rows;
      },
      stream: async (sql: string, params: unknown[] = []) => {
        captured()?.push({ sql, params });
        return (conn as unknown as { connection: { query(s: string, p: unknown[]): { stream(): NodeJS.ReadableStream } } }).connection.query(sql, params).stream();
      },
      release: async () => conn.release(),
    };
  }
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const localOnly = (raw: string, what: string) => {
  const host = new URL(raw).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`${what} must point at 127.0.0.1 (got ${host})`);
};

export async function main(argv: string[]): Promise<number> {
  const flags = new Flags(FLAGS, argv);
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- devices-list [flags]\n${Flags.usage(FLAGS)}\n`);
    return 0;
  }
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const database = flags.str('database');
  benchDatabaseGuard(database);
  const dbServer = flags.str('db-server').replace(/\/+$/, '');
  const redisUrl = flags.str('redis-url');
  localOnly(dbServer, '--db-server');
  localOnly(redisUrl, '--redis-url');
  const params: SeedParams = { devices: flags.int('devices', 1), perDevice: flags.int('software-per-device'), titles: flags.int('titles', 1), seed: flags.int('seed') };
  const iterations = flags.int('iterations', 1);
  const warmup = flags.int('warmup');
  const exportIterations = flags.int('export-iterations', 1);
  const command = ['npm run bench -- devices-list', ...flags.explicit().filter((f) => !/^--(reuse|seed-only|help)/.test(f)), '--reuse'].join(' ');

  // ---- 1. data
  let seedInfo: SeedInfo | null = null;
  let seededNow = false;
  if (flags.bool('reuse')) {
    log(`checking ${database} for ${JSON.stringify(params)}...`);
    seedInfo = await reusableSeed(dbServer, database, params, log);
    if (seedInfo) log(`reusing ${database} (seeded ${seedInfo.seededAt} in ${Math.round(seedInfo.seconds)} s)`);
  }
  if (!seedInfo) {
    log(`seeding ${database} (dropped and recreated)...`);
    seedInfo = await seed(dbServer, database, params, log);
    seededNow = true;
    log(`seeded in ${seedInfo.seconds.toFixed(0)} s: ${Object.entries(seedInfo.counts).map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`).join(', ')}`);
  }
  if (flags.bool('seed-only')) return 0;

  // ---- 2. what to ask for
  const pool = createPool({
    uri: `${dbServer}/${database}`, connectionLimit: 20, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4_unicode_ci', dateStrings: false,
  });
  const shim = new Mysql2Shim(pool);
  const repo = new DevicesRepository(shim as unknown as DataSource);
  const csv = new DevicesCsvService(repo, null as unknown as DevicesService);
  const sort = parseSort(undefined, DEVICE_SORT, 'hostname'); // what DevicesService.list uses without ?sort
  const q1 = async <T = RowDataPacket>(sql: string, p: unknown[] = []) => (await pool.query<RowDataPacket[]>(sql, p))[0] as T[];
  const [ver] = await q1<{ version: string; bufferPool: number }>('SELECT VERSION() AS version, @@innodb_buffer_pool_size AS bufferPool');

  const searchName = flags.opt('q') ?? (await pickSearchTitle(q1, params.devices));
  const tag = flags.opt('tag') ?? ((await q1<{ n: number }>(`SELECT COUNT(*) AS n FROM device_tags WHERE tag = 'finance'`))[0].n > 0
    ? 'finance' : (await q1<{ tag: string }>('SELECT tag FROM device_tags GROUP BY tag ORDER BY COUNT(*) DESC LIMIT 1'))[0].tag);
  const exportTarget = flags.int('export-rows', 1);
  const exportLocation = flags.opt('export-location') ?? (await q1<{ location: string }>(
    `SELECT location FROM devices WHERE status <> 'retired' AND location IS NOT NULL GROUP BY location ORDER BY ABS(COUNT(*) - ?) LIMIT 1`, [exportTarget]))[0].location;
  const enc = encodeURIComponent;
  const deepPage = 1000;
  const cases: ListCase[] = [
    { key: 'a', label: 'a) page of 50', path: '/api/devices?limit=50', filter: {}, page: 1, limit: 50, absoluteGoalMs: PAGE_GOAL_MS },
    { key: 'b', label: `b) q=${searchName}`, path: `/api/devices?q=${enc(searchName)}&limit=50`, filter: { q: searchName }, page: 1, limit: 50 },
    { key: 'c', label: `c) osFamily=windows&tag=${tag}`, path: `/api/devices?osFamily=windows&tag=${enc(tag)}&limit=50`, filter: { osFamily: 'windows', tag }, page: 1, limit: 50 },
    { key: 'd', label: `d) page=${deepPage} (offset ${(deepPage - 1) * 50})`, path: `/api/devices?page=${deepPage}&limit=50`, filter: {}, page: deepPage, limit: 50 },
  ];
  const exportPath = `/api/devices.csv?location=${enc(exportLocation)}`;

  // ---- 3. the server
  const maxLoad = flags.opt('max-load');
  if (maxLoad !== undefined) {
    const until = Date.now() + 10 * 60_000;
    while (os.loadavg()[0] > Number(maxLoad) && Date.now() < until) {
      log(`waiting for the load average (${os.loadavg()[0].toFixed(2)}) to fall to ${maxLoad}...`);
      await new Promise((r) => setTimeout(r, 15_000));
    }
  }
  const loadBefore = os.loadavg()[0];
  const queuePrefix = `{teknisi-bench-${process.pid}}`;
  const nodeArgs = flags.str('server-node-args').split(/\s+/).filter(Boolean);
  log(`starting the server (API role) on ${database}...`);
  const server = await BenchServer.start({ databaseUrl: `${dbServer}/${database}`, redisUrl, adminPassword: ADMIN_PASSWORD, queuePrefix, nodeArgs });
  const idleRssMb = new RssSampler(server.pid).read() / 1024;
  const rss = new RssSampler(server.pid, 100);
  rss.start();
  const client = new BenchClient(server.port);
  const results: CaseResult[] = [];
  let failed: Error | undefined;
  try {
    const login = await client.request('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    if (login.status !== 200) {
      throw new Error(`admin login failed (${login.status}): ${login.body?.toString('utf8')}. The bench database keeps its users between runs; ` +
        `if admin has another password, reseed (run without --reuse).`);
    }
    client.token = JSON.parse(login.body!.toString('utf8')).accessToken;
    log(`server pid ${server.pid} on 127.0.0.1:${server.port}, RSS after start ${idleRssMb.toFixed(0)} MB; ${iterations} iterations (+${warmup} warm-up) per query`);
    const load = os.loadavg()[0];
    if (load > os.cpus().length / 2) log(`note: the 1-minute load average is ${load.toFixed(2)} on ${os.cpus().length} CPUs: other work competes with the bench and inflates the figures`);
    rss.windowPeakMb();

    for (const c of cases) {
      const api = async () => {
        const { res, data } = await client.json<{ total: number; items: unknown[] }>(c.path);
        return { ms: res.ms, total: data.total, items: data.items.length };
      };
      const raw = async () => {
        const t = process.hrtime.bigint();
        const { ids, total } = await repo.pageIds(c.filter, sort, (c.page - 1) * c.limit, c.limit);
        const rows = await repo.loadRows(ids);
        return { ms: ms(t), total, items: rows.length };
      };
      // one checked call of each: same total and page size
      shim.captured = [];
      const r0 = await raw();
      const sql = shim.captured;
      shim.captured = null;
      const a0 = await api();
      if (a0.total !== r0.total || a0.items !== r0.items) throw new Error(`${c.label}: the API answered total ${a0.total}/${a0.items} items, the SQL ${r0.total}/${r0.items}`);
      const { apiMs, rawMs } = await interleave(api, raw, warmup, iterations);
      const A = summarize(apiMs);
      const R = summarize(rawMs);
      const rel = Math.max(2 * R.p95, R.p95 + 10);
      const pass = A.p95 <= rel && (c.absoluteGoalMs === undefined || A.p95 <= c.absoluteGoalMs);
      const goal = `${c.absoluteGoalMs !== undefined ? `p95 <= ${c.absoluteGoalMs} ms and ` : ''}p95 <= ${fmtMs(rel)} ms (2x raw | raw+10)`;
      const rssPeakMb = rss.windowPeakMb();
      const explain = await explainAll(pool, sql.slice(0, 2));
      const statements = await timeStatements(pool, sql);
      results.push({ key: c.key, label: c.label, request: `GET ${c.path}`, total: r0.total, api: A, raw: R, goal, pass, sql, statements, explain, rssPeakMb });
      log(`  ${c.label.padEnd(44)} total ${String(r0.total).padStart(6)}  api p50 ${fmtMs(A.p50)} p95 ${fmtMs(A.p95)} ms | raw p50 ${fmtMs(R.p50)} p95 ${fmtMs(R.p95)} ms  ${pass ? 'pass' : 'FAIL'}`);
    }

    // ---- the export
    {
      const filter: DeviceFilter = { location: exportLocation };
      const query = { location: exportLocation, page: 1, limit: 50 } as DeviceFilterQuery;
      let apiRows = 0;
      const api = async () => {
        const res = await client.request('GET', exportPath, { keepBody: false });
        if (res.status !== 200) throw new Error(`GET ${exportPath} answered ${res.status}`);
        apiRows = res.newlines - 1;
        return { ms: res.ms, total: apiRows, items: apiRows };
      };
      const raw = async () => {
        const t = process.hrtime.bigint();
        let n = 0;
        for await (const _row of repo.streamExport(filter, sort)) n++;
        return { ms: ms(t), total: n, items: n };
      };
      const rawCsv = async () => {
        const t = process.hrtime.bigint();
        let lines = 0;
        for await (const chunk of csv.export(query)) for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
        return { ms: ms(t), total: lines - 1, items: lines - 1 };
      };
      shim.captured = [];
      const r0 = await raw();
      const sql = shim.captured.slice(0, 5);
      shim.captured = null;
      const a0 = await api();
      if (a0.total !== r0.total) throw new Error(`export: the API sent ${a0.total} rows, the SQL loaded ${r0.total}`);
      log(`  e) export location=${exportLocation}: ${r0.total} rows, ${exportIterations} iterations (+1 warm-up)...`);
      const { apiMs, rawMs } = await interleave(api, raw, 1, exportIterations);
      const csvMs: number[] = [];
      await rawCsv(); // warm-up
      for (let i = 0; i < exportIterations; i++) csvMs.push((await rawCsv()).ms);
      const A = summarize(apiMs);
      const R = summarize(rawMs);
      const C = summarize(csvMs);
      const rows = r0.total;
      const rps = { api: Math.round(rows / (A.p50 / 1000)), raw: Math.round(rows / (R.p50 / 1000)), rawWithCsv: Math.round(rows / (C.p50 / 1000)) };
      const rel = Math.max(2 * R.p95, R.p95 + 10);
      const pass = rps.api >= EXPORT_GOAL_ROWS_PER_S && A.p95 <= rel;
      const goal = `>= ${EXPORT_GOAL_ROWS_PER_S} rows/s (api ${rps.api.toLocaleString('en-US')}/s at p50) and p95 <= ${fmtMs(rel)} ms`;
      const rssPeakMb = rss.windowPeakMb();
      const explain = await explainAll(pool, sql.slice(0, 1));
      const statements = await timeStatements(pool, sql);
      results.push({
        key: 'e', label: `e) CSV export, ${rows} rows`, request: `GET ${exportPath}`, total: rows, api: A, raw: R, rawWithCsv: C, goal, pass, rowsPerSecond: rps, sql, statements, explain, rssPeakMb,
      });
      log(`  ${`e) CSV export, ${rows} rows`.padEnd(44)} api p50 ${fmtMs(A.p50)} p95 ${fmtMs(A.p95)} ms (${rps.api} rows/s) | raw p50 ${fmtMs(R.p50)} p95 ${fmtMs(R.p95)} ms | raw+CSV p50 ${fmtMs(C.p50)} ms  ${pass ? 'pass' : 'FAIL'}`);
    }
  } catch (err) {
    failed = err as Error;
  } finally {
    rss.stop();
    client.close();
    await server.stop();
    if (failed) process.stderr.write(`server log tail:\n${server.tail(20)}\n`);
    server.cleanup();
    await pool.end();
    await deleteKeysWithPrefix(redisUrl, queuePrefix).catch((e) => log(`could not delete Redis keys ${queuePrefix}*: ${e.message}`));
  }
  if (failed) throw failed;

  // ---- 4. report
  const loadAfter = os.loadavg();
  const peakMb = rss.peakKb / 1024;
  const rssPass = peakMb <= RSS_GOAL_MB;
  const rowsOut = results.map((r) => [r.label, `${fmtMs(r.api.p50)} ms`, `${fmtMs(r.api.p95)} ms`, `${fmtMs(r.raw.p50)} ms`, `${fmtMs(r.raw.p95)} ms`, r.goal, r.pass ? 'pass' : 'FAIL']);
  rowsOut.push(['peak server RSS', '', '', '', '', `<= ${RSS_GOAL_MB} MB (peak ${peakMb.toFixed(0)} MB, ${rss.samples} samples)`, rssPass ? 'pass' : 'FAIL']);
  log('');
  log(table(['query', 'api p50', 'api p95', 'raw p50', 'raw p95', 'goal', 'pass/fail'], rowsOut));
  log('where the raw time goes (each statement alone, p50 of 10 sequential runs):');
  for (const r of results) {
    log(`  ${r.label}  [server RSS peak ${r.rssPeakMb.toFixed(0)} MB]`);
    for (const st of r.statements) log(`    ${fmtMs(st.p50).padStart(6)} ms  ${String(st.rows).padStart(5)} rows  ${st.sql.slice(0, 110)}`);
  }
  log('');
  const e = results.find((r) => r.key === 'e');
  if (e?.rawWithCsv) log(`export without HTTP incl. CSV formatting (DevicesCsvService.export): p50 ${fmtMs(e.rawWithCsv.p50)} ms, ${e.rowsPerSecond!.rawWithCsv!.toLocaleString('en-US')} rows/s`);

  const date = new Date().toISOString().slice(0, 10);
  const out = {
    bench: 'devices-list',
    date: new Date().toISOString(),
    command,
    machine: { loadAverage1m: { before: round1(loadBefore), after: round1(loadAfter[0]) }, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, db: ver.version, innodbBufferPoolMb: Number(ver.bufferPool) / 2 ** 20 },
    params: { ...params, database, iterations, warmup, exportIterations, serverNodeArgs: nodeArgs },
    seeding: { reused: !seededNow, seconds: Math.round(seedInfo.seconds), seededAt: seedInfo.seededAt, counts: seedInfo.counts, tables: seedInfo.tables },
    chosen: { q: searchName, tag, exportLocation },
    server: { idleRssMb: Math.round(idleRssMb), peakRssMb: Math.round(peakMb), rssSamples: rss.samples, goalMb: RSS_GOAL_MB, pass: rssPass },
    results: results.map((r) => ({
      ...r,
      api: roundSummary(r.api), raw: roundSummary(r.raw), rawWithCsv: r.rawWithCsv ? roundSummary(r.rawWithCsv) : undefined, rssPeakMb: Math.round(r.rssPeakMb),
      sql: r.sql.map((s) => ({ sql: s.sql.replace(/\s+/g, ' '), params: s.params.map((p) => (Array.isArray(p) ? `[${p.length} ids]` : p)) })),
    })),
    pass: results.every((r) => r.pass) && rssPass,
  };
  const dir = path.resolve(REPO_ROOT, flags.str('results-dir'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `devices-list-${date}.json`);
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  log(`results: ${path.relative(process.cwd(), file) || file}`);
  log(`reproduce: ${command}   (drop --reuse to reseed from scratch)`);
  return out.pass ? 0 : 1;
}

function roundSummary(s: Summary) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round1(v)]));
}

/** Warm-up, then alternating api/raw calls (the order flips each iteration). */
async function interleave(
  api: () => Promise<{ ms: number }>, raw: () => Promise<{ ms: number }>, warmup: number, iterations: number,
): Promise<{ apiMs: number[]; rawMs: number[] }> {
  for (let i = 0; i < warmup; i++) (await api(), await raw());
  const apiMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) (apiMs.push((await api()).ms), rawMs.push((await raw()).ms));
    else (rawMs.push((await raw()).ms), apiMs.push((await api()).ms));
  }
  return { apiMs, rawMs };
}

async function explainAll(pool: Pool, queries: Array<{ sql: string; params: unknown[] }>): Promise<CaseResult['explain']> {
  const out: CaseResult['explain'] = [];
  for (const q of queries.filter((q) => /^\s*SELECT/i.test(q.sql))) {
    const [plan] = await pool.query<RowDataPacket[]>(`EXPLAIN ${q.sql}`, q.params);
    out.push({ sql: q.sql.replace(/\s+/g, ' '), plan: plan.map((r) => ({ ...r })) });
  }
  return out;
}

/** Each distinct statement alone, sequentially (10 runs after 1 warm-up): the parts of the raw time. */
async function timeStatements(pool: Pool, queries: Array<{ sql: string; params: unknown[] }>): Promise<CaseResult['statements']> {
  const seen = new Set<string>();
  const out: CaseResult['statements'] = [];
  for (const q of queries) {
    const key = q.sql.replace(/\s+/g, ' ');
    const shape = key.replace(/IN \(\?\)/g, 'IN (ids)');
    if (seen.has(shape)) continue;
    seen.add(shape);
    let rows = 0;
    await pool.query(q.sql, q.params);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = process.hrtime.bigint();
      const [r] = await pool.query<RowDataPacket[]>(q.sql, q.params);
      times.push(ms(t));
      rows = r.length;
    }
    out.push({ sql: key.replace(/IN \(\?\)/, `IN (${Array.isArray(q.params[q.params.length - 1]) ? (q.params[q.params.length - 1] as unknown[]).length : '?'} ids)`), p50: round1(summarize(times).p50), rows });
  }
  return out;
}

/** A title installed on about 5% of devices whose name matches no other title (so q finds just it). */
export async function pickSearchTitle(q1: <T>(sql: string, p?: unknown[]) => Promise<T[]>, devices: number): Promise<string> {
  const target = devices * 0.05;
  const [{ n: titles }] = await q1<{ n: number }>('SELECT COUNT(*) AS n FROM software');
  let best: { name: string; diff: number } | null = null;
  for (let id = 60; id <= Math.min(Number(titles), 3000); id += 20) {
    const [row] = await q1<{ name: string; normalized: string; installs: number }>(
      `SELECT s.name, s.normalized_name AS normalized, (SELECT COUNT(*) FROM installed_software i WHERE i.software_id = s.id) AS installs FROM software s WHERE s.id = ?`, [id]);
    if (!row || !/^[a-z0-9][a-z0-9 .+-]{3,}$/i.test(row.name)) continue;
    const diff = Math.abs(Number(row.installs) - target);
    if (best && diff >= best.diff) continue;
    const [{ n }] = await q1<{ n: number }>(`SELECT COUNT(*) AS n FROM software WHERE normalized_name LIKE ?`, [`%${row.normalized}%`]);
    if (Number(n) === 1) best = { name: row.name, diff };
  }
  if (!best) throw new Error('no software title fits the search query; pass --q');
  return best.name;
}

