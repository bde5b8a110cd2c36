// database/: the database's clock, the one every process and worker shares (theirs may drift).
import { DataSource, EntityManager } from 'typeorm';

/** The database's time (UTC, milliseconds), on `q`'s connection: a transaction's manager, or the pool. */
export async function databaseNow(q: DataSource | EntityManager): Promise<Date> {
  const [row] = await q.query('SELECT UTC_TIMESTAMP(3) AS now');
  return row.now instanceof Date ? row.now : new Date(`${row.now}Z`);
}
