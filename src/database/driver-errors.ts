// database/: what MariaDB refused, by its error code, whether mysql2's error came bare or
// wrapped in TypeORM's QueryFailedError (which carries the driver's error as driverError).

/** The server's error code (ER_DUP_ENTRY, ER_LOCK_DEADLOCK, …), or undefined for an error that is not the server's. */
export function driverCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null | undefined;
  const code = e?.code ?? e?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A write refused because a unique key already holds its value. */
export function isDuplicateKey(err: unknown): boolean {
  return driverCode(err) === 'ER_DUP_ENTRY';
}

/** A statement chosen as a deadlock's victim, or one that waited out innodb_lock_wait_timeout: worth running again. */
export function isDeadlock(err: unknown): boolean {
  const code = driverCode(err);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}

/** A delete refused because rows elsewhere still reference the row (a foreign key). */
export function isReferenced(err: unknown): boolean {
  const code = driverCode(err);
  return code === 'ER_ROW_IS_REFERENCED_2' || code === 'ER_ROW_IS_REFERENCED';
}
