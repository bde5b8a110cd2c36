// Editing a saved range keeps its next firing unless the schedule itself changes: a rename or a
// new target made while a firing is due must not skip that firing (the scheduler ticks every 20 s,
// and not at all while no worker runs, so "due" can last hours).
import { ScanSchedulesService } from '../src/discovery/scan-schedules.service';
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;
let tech: Record<string, string>;
let cred = 0;

beforeAll(async () => {
  t = await createTestApp(); // no queue consumers: only the spec fires ranges
  tech = bearer(await t.tokenFor('technician'));
  cred = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'edits ssh', kind: 'ssh', username: 'helpdesk', password: 'edits-secret-pw' }).expect(201)).body.id;
});

afterAll(() => t?.close());

const range = async (name: string) =>
  (await t.http.post('/api/discovery/schedules').set(tech).send({ name, targets: ['127.0.0.1'], credentialIds: [cred], cron: '0 3 * * *', timezone: 'Europe/Berlin' }).expect(201)).body as { id: number; nextRunAt: string };
const overdue = async (id: number, at: Date) => t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [at, id]);
const scansOf = async (id: number) => (await t.db.query('SELECT fired_at AS firedAt FROM scans WHERE schedule_id = ?', [id])) as Array<{ firedAt: Date }>;

it('a range renamed or retargeted while a firing is due still fires that firing, once', async () => {
  const r = await range('due edits');
  const due = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  await overdue(r.id, due);
  const renamed = await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ name: 'due edits, renamed', targets: ['127.0.0.1', '127.0.0.2'] }).expect(200);
  expect(renamed.body.nextRunAt).toBe(due.toISOString());
  expect(await t.app.get(ScanSchedulesService).fireDue()).toHaveLength(1);
  expect((await scansOf(r.id)).map((s) => s.firedAt.toISOString())).toEqual([due.toISOString()]);
  // and it moved on to its next 03:00 in Berlin
  const after = (await t.http.get(`/api/discovery/schedules/${r.id}`).set(tech).expect(200)).body;
  expect(Date.parse(after.nextRunAt)).toBeGreaterThan(Date.now());
  expect(await t.app.get(ScanSchedulesService).fireDue()).toEqual([]);
});

it('a new cron, time zone or re-enabling moves the next firing from now', async () => {
  const r = await range('moved edits');
  const due = new Date(Date.now() - 60_000);
  await overdue(r.id, due);
  const cron = (await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ cron: '30 4 * * *' }).expect(200)).body;
  expect(Date.parse(cron.nextRunAt)).toBeGreaterThan(Date.now());
  expect(new Date(cron.nextRunAt).getUTCMinutes()).toBe(30);
  await overdue(r.id, due);
  const zone = (await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ timezone: 'UTC' }).expect(200)).body;
  expect(new Date(zone.nextRunAt).getUTCHours()).toBe(4);
  expect(Date.parse(zone.nextRunAt)).toBeGreaterThan(Date.now());
  const off = (await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ enabled: false }).expect(200)).body;
  expect(off.nextRunAt).toBeNull();
  const on = (await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ enabled: true }).expect(200)).body;
  expect(Date.parse(on.nextRunAt)).toBeGreaterThan(Date.now());
  expect(await t.app.get(ScanSchedulesService).fireDue()).toEqual([]);
  expect(await scansOf(r.id)).toEqual([]);
});

it("fires on the database's clock: a worker whose machine runs minutes fast does not fire a range early", async () => {
  const r = await range('clock skew');
  const [{ now }] = await t.db.query('SELECT UTC_TIMESTAMP(3) AS now');
  const dbNow = now instanceof Date ? now : new Date(`${now}Z`);
  await overdue(r.id, new Date(dbNow.getTime() + 2 * 60_000)); // due in two minutes
  // this machine's clock five minutes fast (Date only: timers run as they do)
  jest.useFakeTimers({ now: Date.now() + 5 * 60_000, doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance'] });
  try {
    expect(await t.app.get(ScanSchedulesService).fireDue()).toEqual([]);
  } finally {
    jest.useRealTimers();
  }
  expect(await scansOf(r.id)).toEqual([]);
});

it('a range whose exclusions are dropped (exclude: null) is checked as a new one would be: too many addresses left is a 400', async () => {
  // a /15 is 131,072 addresses; leaving out one /16 brings it to 65,534, under TEKNISI_MAX_SCAN_ADDRESSES
  const r = (await t.http.post('/api/discovery/schedules').set(tech).send({
    name: 'exclude dropped', targets: ['127.90.0.0/15'], exclude: ['127.91.0.0/16'], credentialIds: [cred], cron: '0 3 * * *',
  }).expect(201)).body as { id: number };
  // before: null skipped the check, the range was saved, and every firing of it failed
  const res = await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ exclude: null }).expect(400);
  expect(res.body.details).toEqual([{ field: 'targets', messages: [expect.stringMatching(/131,07\d addresses/)] }]);
  const kept = (await t.http.get(`/api/discovery/schedules/${r.id}`).set(tech).expect(200)).body;
  expect(kept.exclude).toEqual(['127.91.0.0/16']);
  // [] is checked the same way, and dropping exclusions that leave a scannable range is fine
  await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ exclude: [] }).expect(400);
  await t.http.patch(`/api/discovery/schedules/${r.id}`).set(tech).send({ targets: ['127.90.0.0/24'], exclude: null }).expect(200);
});

it('a name longer than its column as MySQL counts it is a 400 naming it, on create and on edit, not a 500', async () => {
  const body = { targets: ['127.0.0.1'], credentialIds: [cred], cron: '0 3 * * *' };
  // 64 "❤️" are 128 characters to MySQL (the heart and a variation selector each), 65 are 130
  const fits = await t.http.post('/api/discovery/schedules').set(tech).send({ ...body, name: '❤️'.repeat(64) });
  expect(fits.status).toBe(201);
  for (const res of [
    await t.http.post('/api/discovery/schedules').set(tech).send({ ...body, name: '❤️'.repeat(65) }),
    await t.http.patch(`/api/discovery/schedules/${fits.body.id}`).set(tech).send({ name: '❤️'.repeat(65) }),
  ]) {
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
  }
});
