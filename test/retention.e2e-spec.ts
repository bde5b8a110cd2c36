// Retention: the hourly maintenance jobs delete finished scans older than
// TEKNISI_SCAN_RETENTION_DAYS (with their per-address results; each saved range keeps its latest
// scan) and job output older than TEKNISI_JOB_OUTPUT_RETENTION_DAYS (runs, statuses and audit
// stay, and the output's place says why it is gone). Run through the job registry, as the
// worker runs them.
import { gzipSync } from 'node:zlib';
import { JobRegistry } from '../src/queue/job-registry';
import { JobName, RECURRING } from '../src/queue/queue.constants';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

const DAY = 86_400_000;

describe('retention of scans and job output', () => {
  let t: TestApp;
  const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
  const run = async (name: JobName.PruneScans | JobName.PruneJobOutput) => t.app.get(JobRegistry).get(name)!({} as never, 'test');

  beforeAll(async () => {
    t = await createTestApp({ env: { TEKNISI_SCAN_RETENTION_DAYS: '30', TEKNISI_JOB_OUTPUT_RETENTION_DAYS: '7' } });
  });
  afterAll(() => t?.close());

  it('both run hourly', () => {
    expect(RECURRING.filter((r) => [JobName.PruneScans, JobName.PruneJobOutput].includes(r.name)).map((r) => r.everyMs)).toEqual([3_600_000, 3_600_000]);
  });

  it('deletes scans finished before the retention period with all their results, and keeps the rest', async () => {
    const scan = async (status: string, finishedDaysAgo: number | null, results: number) => {
      const at = daysAgo(finishedDaysAgo ?? 0);
      const res = await t.db.query(
        `INSERT INTO scans (status, targets, credential_ids, options, total, done, found, created_by, created_at, started_at, finished_at)
         VALUES (?, '["2001:db8::/112"]', '[]', '{}', ?, ?, 0, 'admin', ?, ?, ?)`,
        [status, results, results, at, at, finishedDaysAgo === null ? null : at],
      );
      const id = Number(res.insertId);
      for (let i = 0; i < results; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, results - i) }, (_, k) => [id, `2001:db8::${(i + k).toString(16)}`, 'no-response', 'no answer', at]);
        await t.db.query(`INSERT INTO scan_results (scan_id, address, status, reason, at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, rows.flat());
      }
      await t.db.query("INSERT INTO scan_chunks (scan_id, chunk_no, first_index, size, status) VALUES (?, 0, 0, 256, 'done')", [id]);
      return id;
    };
    const old = await scan('completed', 45, 12_000); // more than one batch of results
    const oldCancelled = await scan('cancelled', 31, 3);
    const recent = await scan('completed', 20, 5);
    const running = await scan('running', null, 4); // started long ago, still running: never deleted
    await t.db.query('UPDATE scans SET created_at = ?, started_at = ? WHERE id = ?', [daysAgo(60), daysAgo(60), running]);
    const savedRangeLatest = await scan('completed', 90, 2);
    await t.db.query(
      `INSERT INTO scan_schedules (name, targets, credential_ids, options, cron, timezone, enabled, last_scan_id, created_at, updated_at)
       VALUES ('weekly office', '["192.0.2.0/24"]', '[]', '{}', '0 3 * * 1', 'UTC', 0, ?, NOW(3), NOW(3))`,
      [savedRangeLatest],
    );

    expect(await run(JobName.PruneScans)).toEqual({ scans: 2, results: 12_003 });

    const left = (await t.db.query('SELECT id FROM scans ORDER BY id')).map((r: { id: number }) => Number(r.id));
    expect(left).toEqual([recent, running, savedRangeLatest]);
    const orphans = await t.db.query('SELECT COUNT(*) AS n FROM scan_results WHERE scan_id IN (?, ?)', [old, oldCancelled]);
    expect(Number(orphans[0].n)).toBe(0);
    expect(Number((await t.db.query('SELECT COUNT(*) AS n FROM scan_chunks WHERE scan_id IN (?, ?)', [old, oldCancelled]))[0].n)).toBe(0);
    expect(Number((await t.db.query('SELECT COUNT(*) AS n FROM scan_results WHERE scan_id = ?', [recent]))[0].n)).toBe(5);
    await t.http.get(`/api/discovery/scans/${old}`).set(bearer(t.adminToken)).expect(404);
    expect(t.logs.join('')).toContain('old scans deleted');

    expect(await run(JobName.PruneScans)).toEqual({ scans: 0, results: 0 });
  });

  it('deletes job output older than its retention period, keeps the run and says where the output went', async () => {
    const device = await makeDevice(t.db, { hostname: 'retention-pc' });
    const job = Number((await t.db.query(
      `INSERT INTO jobs (name, kind, params, target, state, created_by, created_at, updated_at)
       VALUES ('old command', 'command', '{"command":"uptime"}', ?, 'active', 'admin', ?, ?)`,
      [JSON.stringify({ deviceIds: [device] }), daysAgo(10), daysAgo(10)],
    )).insertId);
    const runAt = async (finishedDaysAgo: number) => {
      const at = daysAgo(finishedDaysAgo);
      const id = Number((await t.db.query(
        "INSERT INTO job_runs (job_id, status, fired_at, `trigger`, concurrency, total, started_at, finished_at) VALUES (?, 'completed', ?, 'manual', 1, 1, ?, ?)",
        [job, at, at, at],
      )).insertId);
      await t.db.query("INSERT INTO job_run_targets (run_id, device_id, hostname, status, exit_code, attempts, finished_at) VALUES (?, ?, 'retention-pc', 'succeeded', 0, 1, ?)", [id, device, at]);
      const text = `$ uptime\n up ${finishedDaysAgo} days\n`;
      await t.db.query('INSERT INTO job_target_logs (run_id, device_id, log, bytes, truncated, at) VALUES (?, ?, ?, ?, 0, ?)', [id, device, gzipSync(text), text.length, at]);
      return id;
    };
    const oldRun = await runAt(9);
    const newRun = await runAt(2);
    const log = async (runId: number) => (await t.http.get(`/api/jobs/${job}/runs/${runId}/targets/${device}/log`).set(bearer(t.adminToken)).expect(200)).text;
    expect(await log(oldRun)).toBe('$ uptime\n up 9 days\n');

    expect(await run(JobName.PruneJobOutput)).toEqual({ runs: 1, logs: 1 });

    expect(await log(oldRun)).toBe('(output deleted: job output is kept 7 days, TEKNISI_JOB_OUTPUT_RETENTION_DAYS)\n');
    expect(await log(newRun)).toBe('$ uptime\n up 2 days\n');
    const target = (await t.http.get(`/api/jobs/${job}/runs/${oldRun}/targets`).set(bearer(t.adminToken)).expect(200)).body;
    expect(target.items).toEqual([expect.objectContaining({ deviceId: device, status: 'succeeded', exitCode: 0 })]);
    expect(await run(JobName.PruneJobOutput)).toEqual({ runs: 0, logs: 0 });
  });
});
