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

/**
 * The database out of reach for now, not refusing the statement: no connection (refused, reset,
 * timed out, lost mid-query), the server shutting down or full of connections, a failover's
 * read-only moment, or a lock waited out. Worth trying again later; a refusal of the statement
 * itself (a bad value, a missing table) is not.
 */
export function isDatabaseOutage(err: unknown): boolean {
  const code = driverCode(err);
  if (code === undefined) return /Connection lost|connect ETIMEDOUT|Pool is closed/i.test(String((err as Error | undefined)?.message));
  return isDeadlock(err) || OUTAGE_CODES.has(code);
}

const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED', 'ER_OPTION_PREVENTS_STATEMENT', 'ER_TOO_MANY_USER_CONNECTIONS', 'ER_LOCK_WAIT_TIMEOUT',
]);
