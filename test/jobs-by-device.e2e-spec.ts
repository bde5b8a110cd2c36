// GET /api/jobs?deviceId=N against the real MariaDB: the jobs whose runs targeted a device
// (what a device's page lists as "jobs that touched it"), by the run-targets table, with the
// other list filters and pages; a bad deviceId is a 400 naming it.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';

describe('jobs that touched a device (GET /api/jobs?deviceId=)', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  const ids: Record<string, number> = {};
  const jobs: Record<string, number> = {};

  const listed = async (query: string) => {
    const res = await t.http.get(`/api/jobs?${query}`).set(viewer);
    expect(res.status).toBe(200);
    return { ids: (res.body.items as Array<{ id: number }>).map((j) => j.id), total: res.body.total as number };
  };

  beforeAll(async () => {
    t = await createTestApp();
    viewer = bearer(await t.tokenFor('viewer'));
    ids.a = await makeDevice(t.db, { hostname: 'touch-a', tags: ['lab'] });
    ids.b = await makeDevice(t.db, { hostname: 'touch-b', tags: ['lab'] });
    ids.c = await makeDevice(t.db, { hostname: 'touch-c' });
    jobs.both = await postJob(t, { name: 'both by id', kind: 'noop', target: { deviceIds: [ids.a, ids.b] } });
    jobs.onlyB = await postJob(t, { name: 'only b', kind: 'noop', target: { deviceIds: [ids.b] } });
    jobs.byTag = await postJob(t, { name: 'lab by tag', kind: 'noop', target: { tags: ['lab'] } });
    // scheduled and not fired yet: no run has targeted anything
    jobs.later = await postJob(t, { name: 'later', kind: 'noop', target: { deviceIds: [ids.a] }, schedule: { runAt: new Date(Date.now() + 86_400_000).toISOString() } });
  });

  afterAll(() => t?.close());

  it("lists the jobs whose runs targeted the device, newest first, however the device was picked", async () => {
    expect(await listed(`deviceId=${ids.a}`)).toEqual({ ids: [jobs.byTag, jobs.both], total: 2 });
    expect(await listed(`deviceId=${ids.b}`)).toEqual({ ids: [jobs.byTag, jobs.onlyB, jobs.both], total: 3 });
    expect(await listed(`deviceId=${ids.c}`)).toEqual({ ids: [], total: 0 });
    expect(await listed('deviceId=99999999')).toEqual({ ids: [], total: 0 });
  });

  it('counts a job once however many of its runs targeted the device', async () => {
    const [run] = await t.db.query('SELECT MAX(id) AS id FROM job_runs WHERE job_id = ?', [jobs.onlyB]);
    await t.db.query(`UPDATE job_runs SET status = 'completed' WHERE id = ?`, [run.id]);
    await t.db.query(
      `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at) VALUES (?, 'running', NOW(3), 'manual', 1, 1, NOW(3))`, [jobs.onlyB]);
    await t.db.query(`INSERT INTO job_run_targets (run_id, device_id, status, attempts) SELECT MAX(id), ?, 'queued', 0 FROM job_runs WHERE job_id = ?`, [ids.b, jobs.onlyB]);
    expect(await listed(`deviceId=${ids.b}`)).toEqual({ ids: [jobs.byTag, jobs.onlyB, jobs.both], total: 3 });
  });

  it('combines with the other list filters and pages', async () => {
    expect(await listed(`deviceId=${ids.b}&q=only`)).toEqual({ ids: [jobs.onlyB], total: 1 });
    expect(await listed(`deviceId=${ids.b}&limit=1&page=2`)).toEqual({ ids: [jobs.onlyB], total: 3 });
  });

  it.each(['abc', '0', '-1', '1.5', '4294967296'])('answers 400 naming deviceId for deviceId=%s', async (value) => {
    const res = await t.http.get(`/api/jobs?deviceId=${value}`).set(viewer);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('deviceId');
  });
});
