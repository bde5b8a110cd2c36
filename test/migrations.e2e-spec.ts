// Migrations: apply from empty, idempotent, safe when processes start together, in step
// with the entities, and reversible.
import * as crypto from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, runMigrations } from '../src/database/data-source';
import { ENTITIES } from '../src/database/entities';
import { scanRangeKey } from '../src/discovery/scan.entity';
import { pendingSchemaChanges } from '../src/database/schema-drift';
import { MIGRATIONS } from '../migrations';
import { dropDatabase } from './support/app';
import { TEST_DATABASE_SERVER } from './support/env';

const opened: DataSource[] = [];
const databases: string[] = [];

async function freshDataSource(name?: string): Promise<DataSource> {
  const db = name ?? `teknisi_test_mig_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (!databases.includes(db)) databases.push(db);
  const url = `${TEST_DATABASE_SERVER}/${db}`;
  const flavor = await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  opened.push(ds);
  return ds;
}

async function tables(ds: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = await ds.query(
    'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name',
  );
  return rows.map((r) => r.name);
}

const migrationName = (m: Function): string => new (m as new () => { name: string })().name;

afterAll(async () => {
  for (const ds of opened) if (ds.isInitialized) await ds.destroy();
  for (const db of databases) await dropDatabase(db);
});

describe('from an empty database', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await freshDataSource();
  });

  it('applies every migration and creates every entity table', async () => {
    expect(await tables(ds)).toEqual([]);
    const logged: string[] = [];
    const applied = await runMigrations(ds, (m) => logged.push(m));
    expect(applied).toEqual(MIGRATIONS.map(migrationName));
    expect(logged).toEqual(applied.map((n) => `applied migration ${n}`));
    const present = await tables(ds);
    const entityTables = ENTITIES.map((e) => ds.getMetadata(e).tableName);
    expect(entityTables.length).toBeGreaterThan(5);
    for (const table of entityTables) expect(present).toContain(table);
    expect(present).toContain('migrations');
  });

  it('does nothing the second time', async () => {
    const before = await ds.query('SELECT COUNT(*) AS n FROM migrations');
    expect(await runMigrations(ds)).toEqual([]);
    const after = await ds.query('SELECT COUNT(*) AS n FROM migrations');
    expect(Number(after[0].n)).toBe(Number(before[0].n));
    expect(Number(after[0].n)).toBe(MIGRATIONS.length);
  });

  it('leaves nothing for migration:generate to find (entities and migrations agree)', async () => {
    const pending = await pendingSchemaChanges(ds);
    expect(pending.up).toEqual([]);
    expect(pending.down).toEqual([]);
  });

  it('keeps the entities usable: a user row round-trips with its times in UTC', async () => {
    const at = new Date('2030-01-02T03:04:05.678Z');
    await ds.query(
      'INSERT INTO users (username, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)',
      ['roundtrip', 'viewer', 'x', at, at],
    );
    const [row] = await ds.query('SELECT created_at FROM users WHERE username = ?', ['roundtrip']);
    expect(new Date(row.created_at).toISOString()).toBe(at.toISOString());
    await ds.query('DELETE FROM users');
  });

  it('gives scans stored before AddScanRangeKey their range key, so that their rescans compare with them', async () => {
    // it and the migrations after it, undone here
    const undone = MIGRATIONS.slice(MIGRATIONS.findIndex((m) => /^AddScanRangeKey/.test(migrationName(m)))).map(migrationName);
    expect(undone[0]).toMatch(/^AddScanRangeKey/);
    for (let i = 0; i < undone.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    const at = new Date();
    const scans = [
      { targets: ['192.0.2.0/24', 'printer.example'], exclude: null, credentialIds: [3, 1], options: { snmpPort: 161, sshPort: 22, timeoutMs: 1500, retries: 1, concurrency: 256 } },
      { targets: ['PRINTER.example', '192.0.2.0/24'], exclude: [], credentialIds: [1, 3], options: { snmpPort: 161, sshPort: 22, timeoutMs: 3000, retries: 0, concurrency: 16 } },
      { targets: ['192.0.2.0/24'], exclude: ['192.0.2.1'], credentialIds: [1], options: { snmpPort: 1161, sshPort: 22, timeoutMs: 1500, retries: 1, concurrency: 256 } },
    ];
    for (const s of scans) {
      await ds.query(
        `INSERT INTO scans (status, targets, exclude, credential_ids, options, total, done, found, created_at) VALUES ('completed', ?, ?, ?, ?, 0, 0, 0, ?)`,
        [JSON.stringify(s.targets), s.exclude?.length ? JSON.stringify(s.exclude) : null, JSON.stringify(s.credentialIds), JSON.stringify(s.options), at],
      );
    }
    expect(await runMigrations(ds)).toEqual(undone);
    const keys = (await ds.query('SELECT range_key AS k FROM scans ORDER BY id')).map((r: { k: string }) => r.k);
    expect(keys).toEqual(scans.map((s) => scanRangeKey(s)));
    // the first two are one range (order, case, timeouts aside); the third another
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    await ds.query('DELETE FROM scans');
  });

  it('reverts cleanly, down to nothing but the migrations table', async () => {
    let undone = 0;
    for (;;) {
      const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM migrations');
      if (Number(n) === 0) break;
      await ds.undoLastMigration({ transaction: 'each' });
      undone++;
      expect(undone).toBeLessThanOrEqual(MIGRATIONS.length);
    }
    expect(undone).toBe(MIGRATIONS.length);
    expect(await tables(ds)).toEqual(['migrations']);
    // and forward again
    expect(await runMigrations(ds)).toHaveLength(MIGRATIONS.length);
    expect((await pendingSchemaChanges(ds)).up).toEqual([]);
  });
});

describe('two processes starting together', () => {
  it('both succeed and the migrations are applied exactly once', async () => {
    const a = await freshDataSource();
    const b = await freshDataSource(a.driver.database!);
    const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
    expect([...ra, ...rb].sort()).toEqual(MIGRATIONS.map(migrationName).sort());
    expect(Math.min(ra.length, rb.length)).toBe(0);
    const rows: Array<{ name: string }> = await a.query('SELECT name FROM migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect((await pendingSchemaChanges(b)).up).toEqual([]);
  });
});
