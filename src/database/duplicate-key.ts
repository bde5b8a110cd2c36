// database/: a write MariaDB refused because a unique key already holds its value.

/** ER_DUP_ENTRY, whether mysql2's error came bare or wrapped in TypeORM's QueryFailedError. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e?.code ?? e?.driverError?.code) === 'ER_DUP_ENTRY';
}
