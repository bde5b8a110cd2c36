// One job at a time per machine across a merge. A target that was running when its device was
// merged into another keeps the merged id, and so does the device lease its worker holds, which
// that worker renews and releases as before; until it is released, no other job's target starts
// on the survivor (or on whatever the survivor is merged into later). Against the real MariaDB
// and Redis, with this process consuming the queues.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';
import { until } from './support/until';

jest.setTimeout(120_000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** long enough that a lease released at once and one left to run out are told apart */
const LEASE_MS = 8000;

describe('the device lease across a merge', () => {
  let t: TestApp;
  let tech: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: String(LEASE_MS) } });
    tech = bearer(await t.tokenFor('technician'));
  });
  afterAll(() => t?.close());

  const job = async (id: number): Promise<Json> => (await t.http.get(`/api/jobs/${id}`).set(tech).expect(200)).body;
  const merge = async (id: number, otherId: number) => expect((await t.http.post(`/api/devices/${id}/merge`).set(tech).send({ otherId })).status).toBe(200);
  /** Its one target has begun its work, so it holds its device's lease. */
  const started = (id: number) => until(`job ${id}'s target to start`, async () => {
    const j = await job(id);
    return j.targets[0]?.status === 'running' && j.targets[0].startedAt && j;
  }, 30_000, 100);
  const finished = (id: number) => until(`job ${id} to finish`, async () => {
    const j = await job(id);
    return j.status === 'completed' && j;
  }, 60_000, 100);
  /** What the job's one target first did: waited (with its reason) or began its work (claimed is not yet begun). */
  const firstMove = (id: number) => until(`job ${id}'s target to wait or start`, async () => {
    const x = (await job(id)).targets[0];
    return (x.reason || x.startedAt) && x;
  }, 30_000, 100);
  const startOf = (j: Json) => Date.parse(j.targets[0].startedAt);
  const endOf = (j: Json) => Date.parse(j.targets[0].finishedAt);
  const noop = (deviceId: number, sleepMs = 0) => postJob(t, { kind: 'noop', params: { sleepMs }, target: { deviceIds: [deviceId] } });

  it('a target on the survivor waits while one still runs under the merged id, then runs as soon as that one is done', async () => {
    const keep = await makeDevice(t.db, { hostname: 'lease-keep' });
    const gone = await makeDevice(t.db, { hostname: 'lease-gone' });
    // longer than a lease lasts unrenewed: A's worker must renew it under the merged id
    const a = await noop(gone, LEASE_MS + 4000);
    const runA = (await started(a)).runId;
    await merge(keep, gone);

    const b = await noop(keep);
    expect(await firstMove(b)).toMatchObject({ status: 'queued', startedAt: null, reason: `waiting: job run ${runA} is working on this device` });

    const doneA = await finished(a);
    const doneB = await finished(b);
    expect(doneA.targets).toEqual([expect.objectContaining({ deviceId: gone, mergedInto: keep, status: 'succeeded' })]);
    expect(doneB.targets).toEqual([expect.objectContaining({ deviceId: keep, status: 'succeeded', attempts: 1 })]);
    expect(startOf(doneB)).toBeGreaterThanOrEqual(endOf(doneA));
    // A's worker released the lease it held under the merged id: B did not wait for it to run out
    expect(startOf(doneB) - endOf(doneA)).toBeLessThan(LEASE_MS / 2);
  });

  it('when each record had a job running at the merge, both finish, and a new target on the survivor waits for both', async () => {
    const keep = await makeDevice(t.db, { hostname: 'both-live-keep' });
    const gone = await makeDevice(t.db, { hostname: 'both-live-gone' });
    const a = await noop(gone, LEASE_MS + 4000);
    const c = await noop(keep, 5000);
    await started(a);
    await started(c);
    await merge(keep, gone);

    const b = await noop(keep);
    expect(await firstMove(b)).toMatchObject({ status: 'queued', reason: expect.stringMatching(/^waiting: job run \d+ is working on this device$/) });

    const [doneA, doneC, doneB] = [await finished(a), await finished(c), await finished(b)];
    expect(doneA.targets).toEqual([expect.objectContaining({ deviceId: gone, mergedInto: keep, status: 'succeeded' })]);
    expect(doneC.targets).toEqual([expect.objectContaining({ deviceId: keep, status: 'succeeded' })]);
    expect(doneB.targets).toEqual([expect.objectContaining({ deviceId: keep, status: 'succeeded' })]);
    expect(startOf(doneB)).toBeGreaterThanOrEqual(Math.max(endOf(doneA), endOf(doneC)));
  });

  it('follows a chain of merges: a target on the device that exists now waits for one running under the first id', async () => {
    const first = await makeDevice(t.db, { hostname: 'lease-chain-first' });
    const middle = await makeDevice(t.db, { hostname: 'lease-chain-middle' });
    const last = await makeDevice(t.db, { hostname: 'lease-chain-last' });
    const a = await noop(first, 4000);
    const runA = (await started(a)).runId;
    await merge(middle, first);
    await merge(last, middle);

    const b = await noop(last);
    expect(await firstMove(b)).toMatchObject({ status: 'queued', reason: `waiting: job run ${runA} is working on this device` });
    const [doneA, doneB] = [await finished(a), await finished(b)];
    expect(doneA.targets).toEqual([expect.objectContaining({ deviceId: first, mergedInto: last, status: 'succeeded' })]);
    expect(startOf(doneB)).toBeGreaterThanOrEqual(endOf(doneA));
  });
});
