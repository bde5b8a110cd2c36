// A worker that loses the database for a while (a failover, a restart, a network cut) while a
// target runs: it stops the target before its lease ends, when another claim may start it
// again, so one machine never runs it twice at once, even in the same process; and a target
// that finished while the database was away has its outcome written when it comes back, not
// run a second time. The database's failures are simulated on the repository the runner uses
// (a real MariaDB cannot be cut off from one process of this spec); everything else is real.
// And a cancel that lands between a target's claim and its start: the target does not start.
import { JobKind, JobKindRegistry } from '../src/jobs/job-kinds';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { makeDevice } from './support/factories';
import { bearer, createTestApp, TestApp } from './support/app';
import { until } from './support/until';

jest.setTimeout(120_000);

let t: TestApp;
let admin: { Authorization: string };
let repo: JobsRepository;
let noop: JobKind;
/** the noop kind's runs: how many at once at most, and in all */
const runs = { now: 0, most: 0, calls: 0 };

const connectionLost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
const job = async (id: number) => (await t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
const finished = (id: number) => until(`job ${id} to finish`, async () => {
  const j = await job(id);
  return j.status === 'completed' && j.counts.running === 0 && j;
}, 60_000, 100);

beforeAll(async () => {
  t = await createTestApp({ consume: true, env: { TEKNISI_JOB_LEASE_MS: '3000', TEKNISI_JOB_RECONCILE_MS: '300' } });
  admin = bearer(t.adminToken);
  repo = t.app.get(JobsRepository);
  noop = t.app.get(JobKindRegistry).get('noop')!;
  const run = noop.run.bind(noop);
  jest.spyOn(noop, 'run').mockImplementation(async (ctx) => {
    runs.calls++;
    runs.most = Math.max(runs.most, ++runs.now);
    try {
      return await run(ctx);
    } finally {
      runs.now--;
    }
  });
});

afterAll(async () => {
  jest.restoreAllMocks();
  await t?.close();
});

beforeEach(() => Object.assign(runs, { now: 0, most: 0, calls: 0 }));

it('stops a target whose lease it cannot renew before another claim starts it again: never twice at once', async () => {
  const deviceId = await makeDevice(t.db, { hostname: 'outage-renew' });
  const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 8000 }, target: { deviceIds: [deviceId] }, retries: 0 }).expect(201);
  await until('the target to run', async () => runs.now === 1, 30_000, 50);
  // the database stops answering this worker's renewals for longer than the lease (3 s)
  const renew = jest.spyOn(repo, 'renewTarget').mockRejectedValue(connectionLost());
  await new Promise((r) => setTimeout(r, 5_000));
  renew.mockRestore();
  const j = await finished(created.body.id);
  // before: the lease expired under a target still running, the same process claimed it again
  // (its lease owner was the process), and both ran the task on the machine at once
  expect(runs.most).toBe(1);
  expect(runs.calls).toBe(2);
  expect(j.targets[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
});

it("writes a finished target's outcome when the database comes back, and does not run it again", async () => {
  const deviceId = await makeDevice(t.db, { hostname: 'outage-write' });
  // the first write after the task (its log) meets a dropped connection
  const save = jest.spyOn(repo, 'saveLog').mockRejectedValueOnce(connectionLost());
  const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 100 }, target: { deviceIds: [deviceId] }, retries: 0 }).expect(201);
  const j = await finished(created.body.id);
  save.mockRestore();
  // before: the write's error ended the lane, the target sat "running" until its lease expired,
  // and it was queued again and ran a second time ("its worker stopped")
  expect(runs.calls).toBe(1);
  expect(j.targets[0]).toMatchObject({ status: 'succeeded', attempts: 1, reason: 'waited 100 ms' });
  const log = await t.http.get(`/api/jobs/${created.body.id}/targets/${deviceId}/log`).set(admin).expect(200);
  expect(log.text).toMatch(/^# job \d+ \(noop\) on outage-write .*attempt 1,/);
});

/**
 * A job of one noop target on a new device, run now, whose run gets `action` (cancel, pause) just
 * as the worker, holding the target's claim, takes the device's lease: before anything started.
 */
async function actedOnAtStart(hostname: string, action: 'cancel' | 'pause'): Promise<number> {
  const deviceId = await makeDevice(t.db, { hostname });
  const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 100 }, target: { deviceIds: [deviceId] }, schedule: { runAt: '2099-01-01T00:00:00Z' } }).expect(201);
  const jobId: number = created.body.id;
  const acquire = repo.acquireDevice.bind(repo);
  jest.spyOn(repo, 'acquireDevice').mockImplementationOnce(async (...args) => {
    await t.http.post(`/api/jobs/${jobId}/${action}`).set(admin).expect(200);
    return acquire(...args);
  });
  await t.http.post(`/api/jobs/${jobId}/run`).set(admin).send({}).expect(201);
  return jobId;
}

it('does not start a target whose run was cancelled after the target was claimed', async () => {
  const jobId = await actedOnAtStart('cancel-at-start', 'cancel');
  const j = await until(`job ${jobId} to end`, async () => {
    const v = await job(jobId);
    return v.status === 'cancelled' && v.counts.running === 0 && v;
  }, 60_000, 100);
  // before: it ran in full ("waited 100 ms") in a cancelled run
  expect(runs.calls).toBe(0);
  expect(j.targets[0]).toMatchObject({ status: 'cancelled', reason: 'cancelled before it started' });
});

it('puts back a target whose run was paused after the target was claimed, and runs it on resume', async () => {
  const jobId = await actedOnAtStart('pause-at-start', 'pause');
  await until('the target to go back to the queue', async () => {
    const v = await job(jobId);
    return v.status === 'paused' && v.targets[0].status === 'queued' && v;
  }, 30_000, 100);
  // before: it started in a paused run
  expect(runs.calls).toBe(0);
  await t.http.post(`/api/jobs/${jobId}/resume`).set(admin).expect(200);
  const j = await finished(jobId);
  expect(runs.calls).toBe(1);
  expect(j.targets[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
});
