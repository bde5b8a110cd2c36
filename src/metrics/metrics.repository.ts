// metrics/: the counts the metrics read from MySQL, where scans and job targets live whichever
// process (an API, a worker without HTTP) works on them. Open work only: by the (status, …)
// indexes, a few rows each, cheap at every scrape.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class MetricsRepository {
  constructor(private readonly ds: DataSource) {}

  async openScans(): Promise<Array<{ status: string; n: number }>> {
    const rows: Array<{ status: string; n: string }> = await this.ds.query(`SELECT status, COUNT(*) AS n FROM scans WHERE status IN ('queued', 'running') GROUP BY status`);
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }

  async openJobTargets(): Promise<Array<{ status: string; n: number }>> {
    const rows: Array<{ status: string; n: string }> = await this.ds.query(
      `SELECT status, COUNT(*) AS n FROM job_run_targets WHERE status IN ('queued', 'running', 'waiting-for-window') GROUP BY status`,
    );
    return rows.map((r) => ({ status: r.status, n: Number(r.n) }));
  }
}
