// database/: a MariaDB named lock (GET_LOCK) held while a function runs, so that a check and
// the write it allows happen in one process at a time across every server and worker on the
// database. Names are per database, so that Teknisi databases sharing one server never wait
// for each other.
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/** `hexChars` hex of the database's name: what sets its lock names apart from another database's on the server. */
export function databaseTag(ds: DataSource, hexChars: number): string {
  const db = String((ds.options as { database?: string }).database ?? ds.driver.database ?? '');
  return createHash('sha256').update(db).digest('hex').slice(0, hexChars);
}

/** The lock's name: `teknisi_<purpose>_<24 hex of the database name>` (MariaDB allows 64 characters). */
export function namedLock(ds: DataSource, purpose: string): string {
  if (!/^[a-z0-9_]{1,31}$/.test(purpose)) throw new Error(`lock purpose "${purpose}" must be 1-31 of a-z, 0-9 and _`);
  return `teknisi_${purpose}_${databaseTag(ds, 24)}`;
}

/**
 * Runs fn while this database's lock for purpose is held, on a connection of its own that is
 * released afterwards (also when fn throws); waits up to waitSeconds for another holder, and
 * then returns { got: false } without running fn.
 */
export async function withNamedLock<T>(ds: DataSource, purpose: string, waitSeconds: number, fn: () => Promise<T>): Promise<{ got: true; value: T } | { got: false }> {
  const name = namedLock(ds, purpose);
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [{ got }] = await runner.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds]);
    if (Number(got) !== 1) return { got: false };
    try {
      return { got: true, value: await fn() };
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } finally {
    await runner.release();
  }
}
