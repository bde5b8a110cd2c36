// Claiming a job target locks that target only: every lane of every worker claims, renews and
// finishes targets of the same run at once, and a claim that locked the whole run (an UPDATE
// … ORDER BY … LIMIT 1 locks each row it looks at: 98,000 in a large run) made them all wait
// in one line, and lock waits time out.
import { JobsRepository } from '../src/jobs/jobs.repository';
import { makeDevice } from './support/factories';
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;
let repo: JobsRepository;

beforeAll(async () => {
  t = await createTestApp(); // no queue consumers: only this spec claims
  repo = t.app.get(JobsRepository);
});

afterAll(async () => {
  await t?.close();
});

it("claims a run's next target while another transaction holds a different target of the run", async () => {
  const devices = [await makeDevice(t.db, { hostname: 'claim-1' }), await makeDevice(t.db, { hostname: 'claim-2' }), await makeDevice(t.db, { hostname: 'claim-3' })];
  const created = await t.http.post('/api/jobs').set(bearer(t.adminToken)).send({ kind: 'noop', target: { deviceIds: devices } }).expect(201);
  const runId = created.body.runId as number;
  const other = t.db.createQueryRunner();
  await other.connect();
  try {
    // as a lane renewing or finishing its own target does, inside its transaction
    await other.startTransaction();
    await other.query('SELECT device_id FROM job_run_targets WHERE run_id = ? AND device_id = ? FOR UPDATE', [runId, devices[2]]);
    const now = await repo.databaseNow();
    const claim = repo.claimTarget(runId, 0, 'worker-a', new Date(now.getTime() + 60_000), now);
    const verdict = await Promise.race([claim, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 5_000))]);
    // before: 'waiting', until the other transaction ended (or the lock wait timed out)
    expect(verdict).toMatchObject({ deviceId: devices[0], status: 'running', attempts: 1 });
    await other.commitTransaction();
    await claim;
  } finally {
    if (other.isTransactionActive) await other.rollbackTransaction();
    await other.release();
  }
  // the next lane takes the next one; a held lane is said to be busy
  const now = await repo.databaseNow();
  expect(await repo.claimTarget(runId, 1, 'worker-b', new Date(now.getTime() + 60_000), now)).toMatchObject({ deviceId: devices[1] });
  expect(await repo.claimTarget(runId, 0, 'worker-c', new Date(now.getTime() + 60_000), now)).toBe('lane-busy');
});
