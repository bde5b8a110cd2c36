// database/: the TypeORM data source, creation of the database when missing, and
// migrations applied under a MySQL lock so that processes starting together don't collide.
import { createConnection } from 'mysql2/promise';
import { DataSource, DataSourceOptions } from 'typeorm';
import { redactUrl } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';
import { withNamedLock } from './named-lock';
import { SnakeNamingStrategy } from './naming.strategy';

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name)) {
    throw new Error(`DATABASE_URL must name a database of letters, digits, _ and $ (got "${name}")`);
  }
  return name;
}

export type ServerFlavor = 'mysql' | 'mariadb';

/**
 * Same MySQL driver either way; telling TypeORM which server it talks to makes it read
 * MariaDB's catalogue right (MariaDB reports nullable columns with DEFAULT 'NULL').
 */
export function dataSourceOptions(url: string, flavor: ServerFlavor, extra: Partial<DataSourceOptions> = {}): DataSourceOptions {
  return {
    type: flavor,
    url,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { connectionLimit: 20, connectTimeout: 10_000 },
    ...extra,
  } as DataSourceOptions;
}

/** CREATE DATABASE IF NOT EXISTS, connecting to the server without a default schema; returns the server flavor. */
export async function ensureDatabase(url: string): Promise<ServerFlavor> {
  const name = databaseName(url);
  const u = new URL(url);
  u.pathname = '/';
  const conn = await createConnection({ uri: u.toString(), connectTimeout: 5000 });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0].v)) ? 'mariadb' : 'mysql';
  } finally {
    await conn.end();
  }
}

export class DatabaseUnreachableError extends Error {}

/** Fails with a message that says what, where and how to fix, instead of a stack trace. */
export async function checkDatabaseReachable(url: string): Promise<ServerFlavor> {
  try {
    return await ensureDatabase(url);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const where = redactUrl(url);
    const hint =
      code === 'ER_ACCESS_DENIED_ERROR'
        ? 'the server refused the user or password in DATABASE_URL'
        : 'start MySQL or MariaDB (e.g. `docker-compose -f docker/compose.yml up -d mysql`, or `systemctl start mariadb`) or point DATABASE_URL at a running server';
    throw new DatabaseUnreachableError(`Cannot reach MySQL/MariaDB at ${where} (${code || (err as Error).message}): ${hint}.`);
  }
}

/** Applies pending migrations; a lock per database (GET_LOCK) serializes processes that start at the same time. */
export async function runMigrations(ds: DataSource, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const done = await withNamedLock(ds, 'migrations', 120, async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`applied migration ${m.name}`);
    return applied.map((m) => m.name);
  });
  if (!done.got) throw new Error('Timed out after 120 s waiting for another process to finish migrating the database');
  return done.value;
}

/** For scripts: the configured database, reachable (or a clear message why not) and connected. */
export async function openDataSource(url: string): Promise<DataSource> {
  const flavor = await checkDatabaseReachable(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  return ds;
}
