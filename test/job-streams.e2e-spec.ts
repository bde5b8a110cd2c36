// A job's progress stream holds nothing on the server once its client has gone, also when the
// client left while the server read the job before the stream began: a recurring job's stream
// never ends, and the poller started for such a client read the job every second for good.
import { JobsRepository } from '../src/jobs/jobs.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';
import { Tabs, tabsOn } from './support/tabs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let tabs: Tabs;

beforeAll(async () => {
  t = await createTestApp();
  tabs = await tabsOn(t);
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => t?.close());

it('leaves no poller reading a recurring job for clients that closed its progress stream, even while it was starting', async () => {
  const device = await makeDevice(t.db, { hostname: 'stream-01' });
  const id = await postJob(t, { name: 'nightly noop', kind: 'noop', target: { deviceIds: [device] }, schedule: { cron: '0 3 * * *', timezone: 'UTC' } });
  const repo = t.app.get(JobsRepository);
  const original = repo.findJob.bind(repo);
  const read = jest.spyOn(repo, 'findJob');
  const headers = bearer(t.adminToken);
  // the client closes the tab just while the server reads the job before it starts the stream
  for (let i = 0; i < 3; i++) await tabs.leaveWhileReading(read, original, `/api/jobs/${id}/events`, headers);
  // and one that saw the stream start before it left
  const req = tabs.open(`/api/jobs/${id}/events`, headers);
  await new Promise<void>((r) => req.on('response', (res) => res.once('data', () => r())));
  await tabs.leave(req);
  await sleep(300); // what was under way settles
  const before = read.mock.calls.length;
  await sleep(2500);
  expect(read.mock.calls.length - before).toBe(0);
});
