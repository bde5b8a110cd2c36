// A job run target that was running when its device was merged into another keeps the merged
// (deleted) device's id, so that its worker can finish. When it is put back in the queue
// instead (its worker died and its lease ran out, a retry, a closed window), the next claim
// follows device_merges to the survivor: the retry reaches the machine under the survivor's id,
// or, when the run targets the survivor too, the target is settled naming it. Against the real
// MariaDB and Redis, with this process consuming the queues.
import { JobRunner } from '../src/jobs/job-runner.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';
import { until } from './support/until';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('a target requeued after its device was merged', () => {
  let t: TestApp;
  let tech: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: '4000' } });
    tech = bearer(await t.tokenFor('technician'));
  });
  afterAll(() => t?.close());

  const merge = async (id: number, otherId: number) => expect((await t.http.post(`/api/devices/${id}/merge`).set(tech).send({ otherId })).status).toBe(200);
  const rows = async (runId: number): Promise<Json[]> =>
    (await t.db.query('SELECT device_id AS deviceId, status, reason, attempts FROM job_run_targets WHERE run_id = ? ORDER BY device_id', [runId]))
      .map((r: Json) => ({ ...r, deviceId: Number(r.deviceId), attempts: Number(r.attempts) }));
  const finished = (jobId: number) => until(`job ${jobId} to finish`, async () => {
    const j = (await t.http.get(`/api/jobs/${jobId}`).set(tech).expect(200)).body;
    return j.status === 'completed' && j;
  }, 30_000, 100);

  /**
   * A noop job whose run has these targets, as the database holds them while a worker runs
   * them: 'running' ones are held by a worker that is gone (its lease still good for an hour).
   */
  async function runOf(targets: Array<{ deviceId: number; hostname: string; status: 'running' | 'succeeded' }>): Promise<{ jobId: number; runId: number }> {
    return t.db.transaction(async (m) => {
      const { insertId: jobId } = await m.query(
        `INSERT INTO jobs (kind, params, target, state, timezone, concurrency, retries, retry_delay_sec, created_at, updated_at)
         VALUES ('noop', '{"sleepMs":0}', ?, 'active', 'UTC', 10, 3, 30, NOW(3), NOW(3))`, [JSON.stringify({ deviceIds: targets.map((x) => x.deviceId) })]);
      const { insertId: runId } = await m.query(
        `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at) VALUES (?, 'running', NOW(3), 'now', 10, ?, NOW(3))`, [jobId, targets.length]);
      let lane = 0;
      for (const x of targets) {
        if (x.status === 'running') {
          await m.query(
            `INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, lane, lease_owner, lease_until, started_at)
             VALUES (?, ?, ?, 'running', 1, ?, 'dead-worker:1:abc', NOW(3) + INTERVAL 1 HOUR, NOW(3))`, [runId, x.deviceId, x.hostname, lane++]);
        } else {
          await m.query(`INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, finished_at) VALUES (?, ?, ?, 'succeeded', 1, NOW(3))`, [runId, x.deviceId, x.hostname]);
        }
      }
      return { jobId: Number(jobId), runId: Number(runId) };
    });
  }

  /** The dead worker's lease runs out: the reconciler puts its target back in the queue. */
  const expireLeases = async (runId: number) => {
    await t.db.query(`UPDATE job_run_targets SET lease_until = NOW(3) - INTERVAL 1 MINUTE WHERE run_id = ? AND status = 'running'`, [runId]);
    await t.app.get(JobRunner).reconcile();
  };

  it('runs the retry on the survivor, under its id, with the attempts so far and the output there', async () => {
    const keep = await makeDevice(t.db, { hostname: 'requeue-keep' });
    const gone = await makeDevice(t.db, { hostname: 'requeue-gone' });
    const { jobId, runId } = await runOf([{ deviceId: gone, hostname: 'requeue-gone', status: 'running' }]);
    await merge(keep, gone);
    expect(await rows(runId)).toEqual([expect.objectContaining({ deviceId: gone, status: 'running' })]);

    await expireLeases(runId);
    const j = await finished(jobId);
    expect(j.counts).toMatchObject({ succeeded: 1, failed: 0 });
    expect(await rows(runId)).toEqual([{ deviceId: keep, status: 'succeeded', reason: 'nothing to do', attempts: 2 }]);
    // its output is the survivor's, and names where the attempt ran and why
    const log = await t.http.get(`/api/jobs/${jobId}/targets/${keep}/log`).set(tech);
    expect(log.status).toBe(200);
    expect(log.text).toContain('on requeue-keep');
    expect(log.text).toContain(`device ${gone} was merged into device ${keep}`);
    // and the survivor's Jobs tab lists the job
    expect((await t.http.get(`/api/jobs?deviceId=${keep}`).set(tech)).body.items.map((x: Json) => x.id)).toContain(jobId);
  });

  it('follows a chain of merges to the device that exists now', async () => {
    const first = await makeDevice(t.db, { hostname: 'chain-first' });
    const middle = await makeDevice(t.db, { hostname: 'chain-middle' });
    const last = await makeDevice(t.db, { hostname: 'chain-last' });
    const { jobId, runId } = await runOf([{ deviceId: first, hostname: 'chain-first', status: 'running' }]);
    await merge(middle, first);
    await merge(last, middle);
    await expireLeases(runId);
    await finished(jobId);
    expect(await rows(runId)).toEqual([expect.objectContaining({ deviceId: last, status: 'succeeded' })]);
  });

  it('settles the merged target, naming the survivor, when the run targets the survivor too: the machine is not run twice', async () => {
    const keep = await makeDevice(t.db, { hostname: 'both-keep' });
    const gone = await makeDevice(t.db, { hostname: 'both-gone' });
    const { jobId, runId } = await runOf([
      { deviceId: keep, hostname: 'both-keep', status: 'succeeded' },
      { deviceId: gone, hostname: 'both-gone', status: 'running' },
    ]);
    await merge(keep, gone);
    await expireLeases(runId);
    const j = await finished(jobId);
    expect(j.counts).toMatchObject({ succeeded: 1, skipped: 1, failed: 0 });
    expect(await rows(runId)).toEqual([
      { deviceId: keep, status: 'succeeded', reason: null, attempts: 1 },
      {
        deviceId: gone, status: 'skipped', attempts: 2,
        reason: `device ${gone} was merged into device ${keep} (both-keep), which this run targets as well: that target is this machine's`,
      },
    ]);
  });
});
