// Requests an API fuzz run found answered with a 500 — validation let them through and the
// database refused them — where the module's own spec needs the device lab: configuration
// backup schedules and baselines, and a scan's result page. Each is a 400 naming the field
// now, or is kept whole where the value is legitimate.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

let t: TestApp;
let admin: Record<string, string>;
let device: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = bearer(t.adminToken);
  device = await makeDevice(t.db, { hostname: 'limits-1', platform: 'linux' });
});

afterAll(() => t?.close());

const fields = (res: { body: { details?: Array<{ field: string }> } }) => (res.body.details ?? []).map((d) => d.field);

describe('POST /api/configs/schedules', () => {
  it.each([65_536, 2 ** 31, 1e21])('refuses concurrency %d (more than a job takes) with 400 naming it', async (concurrency) => {
    const res = await t.http.post('/api/configs/schedules').set(admin).send({ deviceIds: [device], concurrency });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['concurrency']);
  });

  // the schedule is a job: its targets get the checks POST /api/jobs gives a job's target
  it.each([
    ['a tag with characters a tag cannot have', { tags: ['; rm -rf /'] }, 'tags'],
    ['a tag of 65 characters', { tags: ['t'.repeat(65)] }, 'tags'],
    ['51 tags (a job takes 50)', { tags: Array.from({ length: 51 }, (_, i) => `tag${i}`) }, 'tags'],
    ['a device id past INT UNSIGNED', { deviceIds: [4_294_967_296] }, 'deviceIds'],
    ['a device id that is not an integer', { deviceIds: [1.5] }, 'deviceIds'],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const res = await t.http.post('/api/configs/schedules').set(admin).send(body);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual([field]);
  });

  it('takes 10,001 device ids, as a job does (it used to stop at 10,000)', async () => {
    const res = await t.http.post('/api/configs/schedules').set(admin).send({ deviceIds: Array.from({ length: 10_001 }, () => device) });
    expect([res.status, res.body.details]).toEqual([201, undefined]);
    const job = (await t.http.get(`/api/jobs/${res.body.id}`).set(admin)).body;
    expect(job.target).toEqual({ deviceIds: [device] });
  });

  it('keeps a schedule of 16 files with 4,096-character paths whole', async () => {
    const files = Array.from({ length: 16 }, (_, i) => `/${String(i).padEnd(4_095, 'f')}`);
    const res = await t.http.post('/api/configs/schedules').set(admin).send({ deviceIds: [device], files, concurrency: 1000 });
    expect([res.status, res.body.details]).toEqual([201, undefined]);
    const job = (await t.http.get(`/api/jobs/${res.body.id}`).set(admin)).body;
    expect(job).toMatchObject({ kind: 'config.backup', concurrency: 1000, params: { files } });
  });
});

describe('POST /api/configs/baselines', () => {
  it('keeps 100 ignore patterns of 500 euro signs (150 KB) whole', async () => {
    const ignore = Array.from({ length: 100 }, (_, i) => `^${i}${'€'.repeat(500 - 1 - String(i).length)}`);
    const res = await t.http.post('/api/configs/baselines').set(admin).send({ tag: 'limits', template: 'hostname {{hostname}}\n', ignore });
    expect([res.status, res.body.details]).toEqual([201, undefined]);
    const listed: Array<{ id: number; ignore: string[] }> = (await t.http.get('/api/configs/baselines').set(admin)).body;
    expect(listed.find((b) => b.id === res.body.id)?.ignore).toEqual(ignore);
  });
});

describe('GET /api/discovery/scans/:id', () => {
  it('refuses a result offset past any scan with 400 naming it (1e21 was an SQL syntax error)', async () => {
    const cred = await t.http.post('/api/credentials').set(admin).send({ name: 'limits', kind: 'snmp-v2c', community: 'limits-community' });
    // queued only: this app runs no worker, so nothing is contacted
    const scan = await t.http.post('/api/discovery/scans').set(admin).send({ targets: ['127.0.0.1'], credentialIds: [cred.body.id] });
    expect(scan.status).toBe(202);
    const res = await t.http.get(`/api/discovery/scans/${scan.body.id}?resultsOffset=1e21`).set(admin);
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['resultsOffset']);
    const ok = await t.http.get(`/api/discovery/scans/${scan.body.id}?resultsOffset=16777216`).set(admin);
    expect([ok.status, ok.body.results]).toEqual([200, []]);
  });
});
