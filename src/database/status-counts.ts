// database/: a row's children counted by status, as JSON, for storing beside the row when its
// children stop changing (an ended scan's results, a completed run's targets).
/**
 * SQL for `{"status": n, …}` over the rows of `table` whose `column` is the statement's one
 * parameter here (`{}` when there are none); `field` counts another column instead, its NULLs
 * left out.
 */
export function statusCountsJson(table: string, column: string, field = 'status'): string {
  return `COALESCE((SELECT JSON_OBJECTAGG(x.k, x.n) FROM (SELECT ${field} AS k, COUNT(*) AS n FROM ${table} WHERE ${column} = ? AND ${field} IS NOT NULL GROUP BY ${field}) x), '{}')`;
}
