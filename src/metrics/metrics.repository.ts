// metrics/: the counts the metrics read from MySQL, where scans and job targets live whichever
// process (an API, a worker without HTTP) works on them. Open work only: by the (status, …)
// indexes, a few rows each, cheap at every scrape.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class MetricsRepository {
  constructor(private readonly ds: DataSource) {}

  /** How many rows of `table` are in each of `states` (0 for a state none is in). */
  async countByStatus(table: 'scans' | 'job_run_targets', states: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ status: string; n: string }> = await this.ds.query(`SELECT status, COUNT(*) AS n FROM ${table} WHERE status IN (?) GROUP BY status`, [states]);
    const found = new Map(rows.map((r) => [r.status, Number(r.n)]));
    return new Map(states.map((s) => [s, found.get(s) ?? 0]));
  }
}
