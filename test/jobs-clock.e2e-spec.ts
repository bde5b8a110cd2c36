// Jobs run on the database's clock, not the worker's: leases one worker takes are judged by
// another, and worker machines' clocks drift apart. Two workers here are two JobsClocks over
// one real MariaDB, each with a local clock set minutes off (as a machine without NTP is).
import { JobsClock } from '../src/jobs/jobs.clock';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { makeDevice } from './support/factories';
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

const MINUTE = 60_000;
/** a worker whose machine's clock is `offMs` off the true time */
async function worker(offMs: number): Promise<JobsClock> {
  const clock = new JobsClock(repo, () => Date.now() + offMs);
  await clock.sync();
  return clock;
}

it("two workers whose machines' clocks are six minutes apart read the same time, the database's", async () => {
  const slow = await worker(-3 * MINUTE);
  const fast = await worker(3 * MINUTE);
  const db = (await repo.databaseNow()).getTime();
  expect(Math.abs(slow.now().getTime() - fast.now().getTime())).toBeLessThan(1_000);
  expect(Math.abs(fast.now().getTime() - db)).toBeLessThan(1_000);
});

it("a worker whose clock runs ahead does not take a device another worker holds", async () => {
  const deviceId = await makeDevice(t.db, { hostname: 'clock-lease-1' });
  const slow = await worker(-3 * MINUTE);
  const fast = await worker(3 * MINUTE);
  // the slow worker takes the device for a minute, by its clock
  const held = await repo.acquireDevice(deviceId, 'worker-slow', 1, new Date(slow.now().getTime() + MINUTE), slow.now());
  expect(held).toEqual({ ok: true });
  // six minutes ahead by its own machine's clock, the fast one would find that lease long expired
  const taken = await repo.acquireDevice(deviceId, 'worker-fast', 2, new Date(fast.now().getTime() + MINUTE), fast.now());
  expect(taken).toEqual({ ok: false, runId: 1 });
  const [row] = await t.db.query('SELECT owner FROM device_leases WHERE device_id = ?', [deviceId]);
  expect(row.owner).toBe('worker-slow');
});

it('a test moving the clock still moves it from the database time', async () => {
  const clock = await worker(10 * MINUTE);
  clock.set(new Date('2030-01-06T01:00:00Z'));
  expect(Math.abs(clock.now().getTime() - Date.parse('2030-01-06T01:00:00Z'))).toBeLessThan(1_000);
  await clock.sync();
  expect(Math.abs(clock.now().getTime() - Date.parse('2030-01-06T01:00:00Z'))).toBeLessThan(2_000);
  clock.reset();
  expect(Math.abs(clock.now().getTime() - (await repo.databaseNow()).getTime())).toBeLessThan(1_000);
});

it("reads when a run's next target is due as a DATETIME, not as text a worker would read in its own time zone", async () => {
  const deviceId = await makeDevice(t.db, { hostname: 'clock-due-1' });
  const created = await t.http.post('/api/jobs').set(bearer(t.adminToken)).send({ kind: 'noop', target: { deviceIds: [deviceId] } }).expect(201);
  await t.db.query('UPDATE job_run_targets SET next_attempt_at = ? WHERE run_id = ?', [new Date('2030-06-01T12:00:00Z'), created.body.runId]);
  // what the database hands back: a string ('2030-06-01 12:00:00.000') was read by new Date() in
  // the worker's zone, 10:00Z in Berlin, where a lane then polled MySQL every 100 ms for two hours
  // (jest keeps its own process.env, so the zone itself cannot be changed here)
  const rows: unknown[] = [];
  const query = t.db.query.bind(t.db);
  const spy = jest.spyOn(t.db, 'query').mockImplementation(async (...args: Parameters<typeof t.db.query>) => {
    const out = await query(...args);
    rows.push(out);
    return out;
  });
  try {
    expect((await repo.nextDue(Number(created.body.runId)))?.toISOString()).toBe('2030-06-01T12:00:00.000Z');
  } finally {
    spy.mockRestore();
  }
  expect(rows).toEqual([[{ at: new Date('2030-06-01T12:00:00Z') }]]);
});
