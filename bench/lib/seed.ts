// bench/: fills a bench database with the synthetic inventory of devices-data.ts through
// LOAD DATA LOCAL INFILE, streaming generated TSV straight into the connection (no temp
// files). installed_software is loaded without its secondary indexes and foreign keys,
// which are read from the catalogue first and put back exactly as the migrations made them.
import { Connection, createConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, runMigrations } from '../../src/database/data-source';
import { buildCatalogue, Catalogue, deviceSpec, DeviceSpec, installsOf, softwareCount, softwareScale } from './devices-data';

/** Bump when the generated data changes, so that --reuse reseeds. */
export const GENERATOR_VERSION = 1;
const MARKER_ACTION = 'bench.seed';

export interface SeedParams {
  devices: number;
  perDevice: number;
  titles: number;
  seed: number;
}

export interface SeedCounts {
  devices: number;
  software: number;
  installed_software: number;
  device_addresses: number;
  device_tags: number;
  device_sources: number;
}

export interface SeedInfo {
  generator: number;
  params: SeedParams;
  counts: SeedCounts;
  seconds: number;
  tables: Record<string, { rows: number; seconds: number }>;
  seededAt: string;
}

export function benchDatabaseGuard(name: string): void {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name) || !/bench/i.test(name)) {
    throw new Error(`--database must be a name containing "bench" (it is dropped and recreated when seeding); got "${name}"`);
  }
}

const dt = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
const cell = (v: string | number | null | undefined) => (v === null || v === undefined ? '\\N' : String(v));
const line = (values: Array<string | number | null | undefined>) => values.map(cell).join('\t') + '\n';

/** The counts a complete seeding with these parameters produces (without generating the rows). */
export function expectedCounts(p: SeedParams, cat = buildCatalogue(p.seed, p.titles)): SeedCounts {
  const scale = softwareScale(p.seed, p.devices, p.perDevice);
  const c: SeedCounts = { devices: p.devices, software: cat.name.length, installed_software: 0, device_addresses: 0, device_tags: 0, device_sources: 0 };
  for (let id = 1; id <= p.devices; id++) {
    const d = deviceSpec(p.seed, id);
    c.installed_software += softwareCount(p.seed, d, scale, cat);
    c.device_addresses += d.addresses.length;
    c.device_tags += d.tags.length;
    c.device_sources += d.sources.length;
  }
  return c;
}

class Progress {
  private done = 0;
  private readonly start = Date.now();
  private last = Date.now();
  private lastDone = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly label: string, private readonly total: number, private readonly log: (s: string) => void) {
    this.timer = setInterval(() => this.print(false), 3000);
  }

  add(n: number): void {
    this.done += n;
  }

  private print(final: boolean): void {
    const now = Date.now();
    const overall = this.done / Math.max(0.001, (now - this.start) / 1000);
    const recent = (this.done - this.lastDone) / Math.max(0.001, (now - this.last) / 1000);
    this.last = now;
    this.lastDone = this.done;
    const pct = this.total ? ` (${((100 * this.done) / this.total).toFixed(1)}%)` : '';
    const eta = !final && overall > 0 && this.total > this.done ? `, eta ${Math.round((this.total - this.done) / overall)} s` : '';
    this.log(
      `  ${this.label.padEnd(20)} ${this.done.toLocaleString('en-US').padStart(11)} / ${this.total.toLocaleString('en-US')} rows${pct}  ` +
        `${Math.round(final ? overall : recent).toLocaleString('en-US')} rows/s${final ? ` in ${((now - this.start) / 1000).toFixed(1)} s` : eta}`,
    );
  }

  finish(): number {
    clearInterval(this.timer);
    this.print(true);
    return (Date.now() - this.start) / 1000;
  }
}

/** Streams batches of TSV text into LOAD DATA LOCAL INFILE. */
async function loadData(conn: Connection, table: string, columns: string[], batches: Iterator<{ text: string; rows: number }>, progress: Progress): Promise<number> {
  const stream = new Readable({
    highWaterMark: 1 << 20,
    read() {
      const n = batches.next();
      if (n.done) this.push(null);
      else {
        progress.add(n.value.rows);
        this.push(Buffer.from(n.value.text, 'utf8'));
      }
    },
  });
  const sql =
    `LOAD DATA LOCAL INFILE 'bench-${table}.tsv' INTO TABLE \`${table}\` CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.map((c) => `\`${c}\``).join(', ')})`;
  const [res] = await conn.query<ResultSetHeader>({ sql, infileStreamFactory: () => stream });
  if (res.warningStatus) {
    const [w] = await conn.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 5');
    throw new Error(`LOAD DATA into ${table} gave ${res.warningStatus} warning(s): ${JSON.stringify(w)}`);
  }
  return res.affectedRows;
}

/** Batches of ~256 KB of TSV over device ids [from, to]. */
function* deviceBatches(from: number, to: number, seed: number, rowsOf: (d: DeviceSpec) => string[]): Generator<{ text: string; rows: number }> {
  let parts: string[] = [];
  let size = 0;
  for (let id = from; id <= to; id++) {
    for (const l of rowsOf(deviceSpec(seed, id))) {
      parts.push(l);
      size += l.length;
    }
    if (size > 256 * 1024) {
      yield { text: parts.join(''), rows: parts.length };
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield { text: parts.join(''), rows: parts.length };
}

interface SavedKeys {
  table: string;
  indexes: Array<{ name: string; unique: boolean; columns: string[] }>;
  foreignKeys: Array<{ name: string; columns: string[]; refTable: string; refColumns: string[]; onDelete: string; onUpdate: string }>;
}

/** Drops a table's foreign keys and secondary indexes, remembering them. */
async function dropSecondaryKeys(conn: Connection, db: string, table: string): Promise<SavedKeys> {
  const [idx] = await conn.query<RowDataPacket[]>(
    `SELECT INDEX_NAME AS name, NON_UNIQUE AS nonUnique, COLUMN_NAME AS col, SUB_PART AS sub FROM information_schema.STATISTICS
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [db, table],
  );
  const indexes = new Map<string, SavedKeys['indexes'][number]>();
  for (const r of idx) {
    if (r.sub !== null) throw new Error(`${table}.${r.name} has a prefix index part; extend dropSecondaryKeys`);
    const e = indexes.get(r.name) ?? { name: r.name as string, unique: Number(r.nonUnique) === 0, columns: [] as string[] };
    e.columns.push(r.col);
    indexes.set(r.name, e);
  }
  const [fks] = await conn.query<RowDataPacket[]>(
    `SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_NAME AS refTable, k.REFERENCED_COLUMN_NAME AS refCol,
            r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate
     FROM information_schema.KEY_COLUMN_USAGE k
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME
     WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
    [db, table],
  );
  const foreignKeys = new Map<string, SavedKeys['foreignKeys'][number]>();
  for (const r of fks) {
    const e = foreignKeys.get(r.name) ?? { name: r.name as string, columns: [] as string[], refTable: r.refTable as string, refColumns: [] as string[], onDelete: r.onDelete as string, onUpdate: r.onUpdate as string };
    e.columns.push(r.col);
    e.refColumns.push(r.refCol);
    foreignKeys.set(r.name, e);
  }
  const saved: SavedKeys = { table, indexes: [...indexes.values()], foreignKeys: [...foreignKeys.values()] };
  if (saved.foreignKeys.length) await conn.query(`ALTER TABLE \`${table}\` ${saved.foreignKeys.map((f) => `DROP FOREIGN KEY \`${f.name}\``).join(', ')}`);
  if (saved.indexes.length) await conn.query(`ALTER TABLE \`${table}\` ${saved.indexes.map((i) => `DROP INDEX \`${i.name}\``).join(', ')}`);
  return saved;
}

async function restoreSecondaryKeys(conn: Connection, s: SavedKeys): Promise<void> {
  const q = (cols: string[]) => cols.map((c) => `\`${c}\``).join(', ');
  if (s.indexes.length) {
    await conn.query(`ALTER TABLE \`${s.table}\` ${s.indexes.map((i) => `ADD ${i.unique ? 'UNIQUE ' : ''}INDEX \`${i.name}\` (${q(i.columns)})`).join(', ')}, ALGORITHM=INPLACE, LOCK=NONE`);
  }
  if (s.foreignKeys.length) {
    // with foreign_key_checks=0 the constraints are added in place, without re-checking 15 M rows
    await conn.query(
      `ALTER TABLE \`${s.table}\` ${s.foreignKeys
        .map((f) => `ADD CONSTRAINT \`${f.name}\` FOREIGN KEY (${q(f.columns)}) REFERENCES \`${f.refTable}\`(${q(f.refColumns)}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`)
        .join(', ')}, ALGORITHM=INPLACE`,
    );
  }
}

function connect(serverUrl: string, database?: string): Promise<Connection> {
  return createConnection({ uri: `${serverUrl}/${database ?? ''}`, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: false, charset: 'utf8mb4_unicode_ci' });
}

/** The marker of a complete seeding, if the database holds one matching these parameters and counts. */
export async function reusableSeed(serverUrl: string, database: string, p: SeedParams, log: (s: string) => void): Promise<SeedInfo | null> {
  const admin = await connect(serverUrl);
  try {
    const [dbs] = await admin.query<RowDataPacket[]>('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [database]);
    if (!dbs.length) return (log(`reuse: database ${database} does not exist`), null);
  } finally {
    await admin.end();
  }
  const conn = await connect(serverUrl, database);
  try {
    const [marks] = await conn.query<RowDataPacket[]>(`SELECT summary FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1`, [MARKER_ACTION]).catch(() => [[]] as unknown as [RowDataPacket[]]);
    if (!marks.length) return (log('reuse: no complete seeding recorded in the database'), null);
    const info = JSON.parse(marks[0].summary) as SeedInfo;
    if (info.generator !== GENERATOR_VERSION || JSON.stringify(info.params) !== JSON.stringify(p)) {
      return (log(`reuse: the database was seeded with ${JSON.stringify({ generator: info.generator, ...info.params })}, not ${JSON.stringify({ generator: GENERATOR_VERSION, ...p })}`), null);
    }
    const expected = expectedCounts(p);
    const actual: Record<string, number> = {};
    for (const t of ['devices', 'software', 'device_addresses', 'device_tags', 'device_sources'] as const) {
      const [[r]] = await conn.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${t}\``);
      actual[t] = Number(r.n);
    }
    // ids are loaded in order, so the highest id and the count agree for a complete load
    const [[ins]] = await conn.query<RowDataPacket[]>('SELECT COALESCE(MAX(id), 0) AS n FROM installed_software');
    actual.installed_software = Number(ins.n);
    const [[keys]] = await conn.query<RowDataPacket[]>(
      `SELECT COUNT(DISTINCT INDEX_NAME) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'installed_software'`, [database]);
    const wrong = Object.entries(expected).filter(([t, n]) => actual[t] !== n);
    if (wrong.length) return (log(`reuse: counts differ: ${wrong.map(([t, n]) => `${t} ${actual[t]} (expected ${n})`).join(', ')}`), null);
    if (Number(keys.n) < 3) return (log('reuse: installed_software lacks its secondary indexes (interrupted seeding?)'), null);
    return info;
  } finally {
    await conn.end();
  }
}

/** Drops and recreates the database, migrates it, then loads everything. */
export async function seed(serverUrl: string, database: string, p: SeedParams, log: (s: string) => void): Promise<SeedInfo> {
  benchDatabaseGuard(database);
  const t0 = Date.now();
  const url = `${serverUrl}/${database}`;
  const admin = await connect(serverUrl);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.end();
  const flavor = await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  await runMigrations(ds, (m) => log(`  ${m}`));
  await ds.destroy();

  log(`generating: ${p.devices} devices, ${p.titles} titles, ~${p.perDevice} installs per device (seed ${p.seed})`);
  const cat: Catalogue = buildCatalogue(p.seed, p.titles);
  const counts = expectedCounts(p, cat);
  const scale = softwareScale(p.seed, p.devices, p.perDevice);
  const conn = await connect(serverUrl, database);
  const tables: SeedInfo['tables'] = {};
  try {
    await conn.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const created = '2025-01-01 00:00:00.000';

    const run = async (table: string, total: number, columns: string[], batches: () => Iterator<{ text: string; rows: number }>) => {
      const pr = new Progress(table, total, log);
      const rows = await loadData(conn, table, columns, batches(), pr);
      tables[table] = { rows, seconds: pr.finish() };
      if (rows !== total) throw new Error(`${table}: loaded ${rows} rows, expected ${total}`);
    };

    await run('software', counts.software, ['id', 'name', 'normalized_name', 'publisher', 'created_at'], function* () {
      let parts: string[] = [];
      for (let i = 0; i < cat.name.length; i++) {
        parts.push(line([i + 1, cat.name[i], cat.name[i].toLowerCase(), cat.publisher[i], created]));
        if (parts.length === 5000) (yield { text: parts.join(''), rows: parts.length }), (parts = []);
      }
      if (parts.length) yield { text: parts.join(''), rows: parts.length };
    });

    await run('devices', counts.devices,
      ['id', 'hostname', 'fqdn', 'type', 'platform', 'vendor', 'model', 'serial', 'os_family', 'os_name', 'os_version', 'status', 'location',
        'assigned_to', 'notes', 'primary_ip', 'first_seen', 'last_seen', 'retired_at', 'created_at', 'updated_at'],
      () => deviceBatches(1, p.devices, p.seed, (d) => [line([
        d.id, d.hostname, d.fqdn, d.type, d.platform, d.vendor, d.model, d.serial, d.osFamily, d.osName, d.osVersion, d.status, d.location,
        d.assignedTo, d.notes, d.primaryIp, dt(d.firstSeen), dt(d.lastSeen), d.retiredAt === null ? null : dt(d.retiredAt), dt(d.firstSeen), dt(d.lastSeen),
      ])]));

    let addressId = 0;
    await run('device_addresses', counts.device_addresses, ['id', 'device_id', 'ip', 'mac', 'interface_name'],
      () => deviceBatches(1, p.devices, p.seed, (d) => d.addresses.map((a) => line([++addressId, d.id, a.ip, a.mac, a.interfaceName]))));
    await run('device_tags', counts.device_tags, ['device_id', 'tag'],
      () => deviceBatches(1, p.devices, p.seed, (d) => d.tags.map((t) => line([d.id, t]))));
    await run('device_sources', counts.device_sources, ['device_id', 'kind', 'first_seen', 'last_seen'],
      () => deviceBatches(1, p.devices, p.seed, (d) => d.sources.map((s) => line([d.id, s.kind, dt(s.firstSeen), dt(s.lastSeen)]))));

    // installed_software: bare table (primary key only), loaded in primary-key order in
    // statements of ~1 M rows, then the secondary indexes are built by sorting
    let t = Date.now();
    const saved = await dropSecondaryKeys(conn, database, 'installed_software');
    log(`  installed_software: dropped ${saved.indexes.map((i) => i.name).join(', ')} and ${saved.foreignKeys.map((f) => f.name).join(', ')} for the load`);
    const stamp = new Int32Array(cat.name.length);
    let installId = 0;
    const pr = new Progress('installed_software', counts.installed_software, log);
    const perStatement = Math.max(1, Math.round(1_000_000 / Math.max(1, p.perDevice)));
    let loaded = 0;
    for (let from = 1; from <= p.devices; from += perStatement) {
      loaded += await loadData(conn, 'installed_software', ['id', 'device_id', 'software_id', 'version', 'architecture', 'install_date', 'source', 'first_seen'],
        deviceBatches(from, Math.min(p.devices, from + perStatement - 1), p.seed, (d) =>
          installsOf(p.seed, d, softwareCount(p.seed, d, scale, cat), cat, stamp).map((s) =>
            line([++installId, d.id, s.softwareId, s.version, s.architecture, s.installDate, s.source, dt(s.firstSeen)]))),
        pr);
    }
    const loadSeconds = pr.finish();
    if (loaded !== counts.installed_software) throw new Error(`installed_software: loaded ${loaded} rows, expected ${counts.installed_software}`);
    t = Date.now();
    log(`  installed_software: rebuilding ${saved.indexes.length} index(es) and ${saved.foreignKeys.length} foreign key(s)...`);
    await restoreSecondaryKeys(conn, saved);
    const indexSeconds = (Date.now() - t) / 1000;
    log(`  installed_software: indexes and foreign keys back in ${indexSeconds.toFixed(1)} s`);
    tables.installed_software = { rows: loaded, seconds: loadSeconds + indexSeconds };
    tables['installed_software (index rebuild)'] = { rows: 0, seconds: indexSeconds };

    t = Date.now();
    await conn.query('ANALYZE TABLE devices, device_tags, device_addresses, device_sources, software, installed_software');
    log(`  analyzed tables in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const info: SeedInfo = { generator: GENERATOR_VERSION, params: p, counts, seconds: (Date.now() - t0) / 1000, tables, seededAt: new Date().toISOString() };
    await conn.query(
      `INSERT INTO audit_log (at, user_id, username, action, object_type, object_id, summary, ip, request_id, status_code) VALUES (?, NULL, 'bench', ?, 'bench', ?, ?, NULL, NULL, 200)`,
      [new Date(), MARKER_ACTION, database, JSON.stringify(info)],
    );
    return info;
  } finally {
    await conn.end();
  }
}
