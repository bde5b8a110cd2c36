// A cancel that lets a running target finish (force=false, and package tasks always: dpkg is not
// stopped half-way) must not leave that target queued for a retry that never comes: a run that
// is cancelled is looked at by nobody again. And the package-manager tools a device's inventory
// names, by which a software task picks its manager. No worker consumes here; the worker's steps
// are the repository's, taken by hand.
import { JobsRepository } from '../src/jobs/jobs.repository';
import { installSoftware, makeDevice } from './support/factories';
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;
let repo: JobsRepository;

beforeAll(async () => {
  t = await createTestApp();
  repo = t.app.get(JobsRepository);
});

afterAll(async () => {
  await t?.close();
});

it('cancels a target whose run was cancelled while it ran, where a transient failure would have queued it again', async () => {
  const admin = bearer(t.adminToken);
  const deviceId = await makeDevice(t.db, { hostname: 'cancel-defer-1' });
  const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [deviceId] }, retries: 3 }).expect(201);
  const runId = Number(created.body.runId);
  // a worker claims the target and starts on it
  const now = new Date();
  const claimed = await repo.claimTarget(runId, 0, 'worker-a', new Date(now.getTime() + 60_000), now);
  expect(claimed).toMatchObject({ deviceId, status: 'running' });
  // a technician cancels the run; the running target is left to its worker
  await t.http.post(`/api/jobs/${created.body.id}/cancel`).set(admin).expect(200);
  // the task then fails transiently (the dpkg lock was held): the worker defers it for a retry
  expect(await repo.deferTarget(runId, deviceId, 'worker-a', {
    status: 'queued', reason: 'attempt 1 of 4 failed: dpkg lock held; retrying at 2030-01-01T00:00:00.000Z', nextAttemptAt: new Date(now.getTime() + 30_000), at: now, exitCode: 100,
  })).toBe(true);
  const [row] = await t.db.query('SELECT status, reason, next_attempt_at AS nextAttemptAt, finished_at AS finishedAt FROM job_run_targets WHERE run_id = ? AND device_id = ?', [runId, deviceId]);
  // before: queued, "retrying at …", in a cancelled run, for ever
  expect(row).toMatchObject({ status: 'cancelled', nextAttemptAt: null, reason: 'cancelled before its next attempt; attempt 1 of 4 failed: dpkg lock held; retrying at 2030-01-01T00:00:00.000Z' });
  expect(row.finishedAt).toBeInstanceOf(Date);
  const job = (await t.http.get(`/api/jobs/${created.body.id}`).set(admin).expect(200)).body;
  expect(job.counts).toMatchObject({ cancelled: 1, queued: 0 });
});

it('stops, with force, the running targets that a plain cancel let finish; 409 once none is running', async () => {
  const admin = bearer(t.adminToken);
  const stopFlag = async (runId: number) => Number((await t.db.query('SELECT stop_running AS s FROM job_runs WHERE id = ?', [runId]))[0].s);
  const [d1, d2] = [await makeDevice(t.db, { hostname: 'force-late-1' }), await makeDevice(t.db, { hostname: 'force-late-2' })];
  for (const [deviceId, via] of [[d1, 'job'], [d2, 'run']] as const) {
    const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [deviceId] } }).expect(201);
    const [id, runId] = [created.body.id, Number(created.body.runId)];
    const now = new Date();
    expect(await repo.claimTarget(runId, 0, `worker-${via}`, new Date(now.getTime() + 60_000), now)).toMatchObject({ status: 'running' });
    // a plain cancel: the running target (apt-get, say) is let finish
    const plain = via === 'job' ? `/api/jobs/${id}/cancel` : `/api/jobs/${id}/runs/${runId}/cancel`;
    await t.http.post(plain).set(admin).expect(200);
    expect(await stopFlag(runId)).toBe(0);
    // the technician then asks to stop it after all: before, 409 "already cancelled"
    const forced = await t.http.post(plain).query({ force: 'true' }).set(admin);
    expect([forced.status, forced.body.counts?.running]).toEqual([200, 1]);
    // what the target's worker watches for (job-runner: a cancelled run with stopRunning)
    expect(await stopFlag(runId)).toBe(1);
    await repo.finishTarget(runId, deviceId, `worker-${via}`, { status: 'cancelled', reason: 'stopped by cancel after 1 s', exitCode: null, at: new Date() });
    const again = await t.http.post(plain).query({ force: 'true' }).set(admin);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(via === 'job' ? /already cancelled, and none of its targets is running/ : /nothing to cancel or stop/);
  }
});

it('queues a deferred target again in a run that goes on', async () => {
  const admin = bearer(t.adminToken);
  const deviceId = await makeDevice(t.db, { hostname: 'cancel-defer-2' });
  const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [deviceId] }, retries: 3 }).expect(201);
  const runId = Number(created.body.runId);
  const now = new Date();
  await repo.claimTarget(runId, 0, 'worker-b', new Date(now.getTime() + 60_000), now);
  await repo.deferTarget(runId, deviceId, 'worker-b', { status: 'queued', reason: 'attempt 1 of 4 failed: dpkg lock held', nextAttemptAt: new Date(now.getTime() + 30_000), at: now });
  const [row] = await t.db.query('SELECT status, finished_at AS finishedAt FROM job_run_targets WHERE run_id = ? AND device_id = ?', [runId, deviceId]);
  expect(row).toEqual({ status: 'queued', finishedAt: null });
});

it("lists the package-manager tools a device's inventory names, and nothing else of its software", async () => {
  const deviceId = await makeDevice(t.db, { hostname: 'tools-1', platform: 'windows' });
  for (const [name, version] of [['Chocolatey', '2.2.2'], ['Git', '2.43.0'], ['App Installer', '1.21.3482.0'], ['7-Zip 23.01 (x64)', '23.01']]) await installSoftware(t.db, deviceId, name, version);
  const other = await makeDevice(t.db, { hostname: 'tools-2', platform: 'linux' });
  await installSoftware(t.db, other, 'dnf', '4.14.0');
  expect((await repo.packageTools(deviceId)).map((r) => r.name).sort()).toEqual(['App Installer', 'Chocolatey']);
  expect(await repo.packageTools(other)).toEqual([{ name: 'dnf' }]);
});
