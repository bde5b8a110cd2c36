// GET /api/jobs?status=running|paused against the real MariaDB: the jobs with a run in progress
// in that status, the list the dashboard's "Running jobs" card opens; scheduled, finished and
// cancelled jobs are not in it, and a bad status is a 400 naming the field.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';

describe('jobs by run status (GET /api/jobs?status=)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  const jobs: Record<string, number> = {};

  const listed = async (query: string) => {
    const res = await t.http.get(`/api/jobs?${query}`).set(viewer);
    expect(res.status).toBe(200);
    return {
      ids: (res.body.items as Array<{ id: number }>).map((j) => j.id),
      statuses: (res.body.items as Array<{ status: string }>).map((j) => j.status),
      total: res.body.total as number,
    };
  };
  const setLatestRun = (jobId: number, status: string) =>
    t.db.query('UPDATE job_runs SET status = ? WHERE id = (SELECT id FROM (SELECT MAX(id) AS id FROM job_runs WHERE job_id = ?) x)', [status, jobId]);

  beforeAll(async () => {
    // no worker consumes here: a job posted without a schedule keeps its run 'running'
    t = await createTestApp();
    admin = bearer(t.adminToken);
    viewer = bearer(await t.tokenFor('viewer'));
    const dev = await makeDevice(t.db, { hostname: 'status-a' });
    jobs.runningA = await postJob(t, { name: 'running a', kind: 'noop', target: { deviceIds: [dev] } });
    jobs.paused = await postJob(t, { name: 'paused one', kind: 'noop', target: { deviceIds: [dev] } });
    jobs.done = await postJob(t, { name: 'done', kind: 'noop', target: { deviceIds: [dev] } });
    jobs.runningB = await postJob(t, { name: 'running b', kind: 'noop', target: { deviceIds: [dev] } });
    jobs.later = await postJob(t, { name: 'later', kind: 'noop', target: { deviceIds: [dev] }, schedule: { runAt: new Date(Date.now() + 86_400_000).toISOString() } });
    expect((await t.http.post(`/api/jobs/${jobs.paused}/pause`).set(admin)).body.status).toBe('paused');
    await setLatestRun(jobs.done, 'completed');
  });

  afterAll(() => t?.close());

  it('lists only the jobs whose run is running, newest first, each shown as running', async () => {
    expect(await listed('status=running')).toEqual({ ids: [jobs.runningB, jobs.runningA], statuses: ['running', 'running'], total: 2 });
  });

  it('lists the paused ones apart', async () => {
    expect(await listed('status=paused')).toEqual({ ids: [jobs.paused], statuses: ['paused'], total: 1 });
  });

  it('agrees with the dashboard count, and follows a job that finishes', async () => {
    const stats = (await t.http.get('/api/stats').set(viewer).expect(200)).body;
    expect(stats.jobs.running).toBe((await listed('status=running')).total);
    await setLatestRun(jobs.runningA, 'completed');
    expect(await listed('status=running')).toEqual({ ids: [jobs.runningB], statuses: ['running'], total: 1 });
  });

  it('combines with the name search and pages', async () => {
    expect((await listed('status=running&q=b')).ids).toEqual([jobs.runningB]);
    expect((await listed('status=running&q=a')).ids).toEqual([]);
    await setLatestRun(jobs.runningA, 'running');
    expect(await listed('status=running&limit=1&page=2')).toEqual({ ids: [jobs.runningA], statuses: ['running'], total: 2 });
  });

  it('splits recurring jobs from one-off ones (scheduled=true|false)', async () => {
    const nightly = await postJob(t, { name: 'nightly', kind: 'noop', target: { tags: ['nobody'] }, schedule: { cron: '0 2 * * *' } });
    expect((await listed('scheduled=true')).ids).toEqual([nightly]);
    // before: "One-off" in the UI (scheduled=false) listed every job, the nightly one too
    const oneOff = await listed('scheduled=false');
    expect(oneOff.ids).not.toContain(nightly);
    expect(oneOff.ids).toEqual(expect.arrayContaining([jobs.runningA, jobs.runningB, jobs.paused, jobs.done, jobs.later]));
  });

  it.each(['completed', 'RUNNING', 'x'])('answers 400 naming status for status=%s', async (value) => {
    const res = await t.http.get(`/api/jobs?status=${value}`).set(viewer);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('status');
  });
});
