// database/: deleting many rows in short statements, so that none holds its locks for long.
import { DataSource } from 'typeorm';

/**
 * Runs a `DELETE … LIMIT ?` (`n` is given as its last parameter) until it deletes fewer than
 * `n` rows, and returns how many it deleted in all.
 */
export async function deleteInBatches(ds: DataSource, sql: string, params: unknown[], n: number): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await ds.query(sql, [...params, n]);
    const deleted = Number((res as { affectedRows?: number }).affectedRows ?? 0);
    total += deleted;
    if (deleted < n) return total;
  }
}
