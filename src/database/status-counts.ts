// database/: a row's children counted by status, as JSON, for storing beside the row when its
// children stop changing (an ended scan's results, a completed run's targets).
/**
 * SQL for `{"status": n, …}` over the rows of `table` whose `column` is the statement's one
 * parameter here (`{}` when there are none).
 */
export function statusCountsJson(table: string, column: string): string {
  return `COALESCE((SELECT JSON_OBJECTAGG(x.status, x.n) FROM (SELECT status, COUNT(*) AS n FROM ${table} WHERE ${column} = ? GROUP BY status) x), '{}')`;
}
