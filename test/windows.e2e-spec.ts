// Maintenance windows end to end: CRUD over /api/windows, a 400 naming every bad field, who may
// write, the audit trail, a window still used by a job (409), and what the job runner asks:
// the window groups of many devices at once, from one query.
import { WindowsService } from '../src/jobs/windows/windows.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

let t: TestApp;
let tech: string;
let viewer: string;

const admin = () => bearer(t.adminToken);
const nights = { name: 'Lab nights', timezone: 'Europe/Berlin', ranges: [{ days: ['sat', 'sun'], start: '22:00', end: '04:00' }], tags: ['lab'] };

async function create(body: object): Promise<number> {
  const res = await t.http.post('/api/windows').set(admin()).send(body);
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Audit rows are written after the response: wait for them. */
async function auditRows(action: string, want: number): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 50; i++) {
    const res = await t.http.get(`/api/audit?action=${action}`).set(admin());
    if (res.body.items.length >= want) return res.body.items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`fewer than ${want} audit rows for ${action}`);
}

beforeAll(async () => {
  t = await createTestApp();
  tech = await t.tokenFor('technician');
  viewer = await t.tokenFor('viewer');
});

afterAll(async () => {
  await t?.close();
});

describe('CRUD', () => {
  let id: number;

  it('creates a window and answers with it, open or not and when it opens next', async () => {
    const res = await t.http.post('/api/windows').set(admin()).send(nights);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Lab nights', timezone: 'Europe/Berlin', ranges: nights.ranges, tags: ['lab'], enabled: true });
    expect(typeof res.body.openNow).toBe('boolean');
    expect(new Date(res.body.nextOpening).getTime()).toBeGreaterThanOrEqual(Date.now() - 60_000);
    id = res.body.id;
    expect(Number.isInteger(id)).toBe(true);
  });

  it('reads it back, alone and in a page', async () => {
    const one = await t.http.get(`/api/windows/${id}`).set(bearer(viewer));
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, name: 'Lab nights', tags: ['lab'] });
    await create({ name: 'All week', timezone: 'UTC', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }] });
    const page = await t.http.get('/api/windows?limit=1&sort=-name').set(bearer(viewer));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ total: 2, page: 1, limit: 1 });
    expect(page.body.items.map((w: { name: string }) => w.name)).toEqual(['Lab nights']);
    const allWeek = await t.http.get('/api/windows?q=week').set(bearer(viewer));
    expect(allWeek.body.items).toHaveLength(1);
    expect(allWeek.body.items[0]).toMatchObject({ name: 'All week', openNow: true, tags: [] });
    const byTag = await t.http.get('/api/windows?tag=lab').set(bearer(viewer));
    expect(byTag.body.items.map((w: { id: number }) => w.id)).toEqual([id]);
  });

  it('changes fields and replaces the tags', async () => {
    const res = await t.http.patch(`/api/windows/${id}`).set(admin()).send({ tags: ['lab', 'servers', 'LAB'], ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Lab nights', timezone: 'Europe/Berlin', tags: ['lab', 'servers'], ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] });
    const off = await t.http.patch(`/api/windows/${id}`).set(admin()).send({ enabled: false, name: 'Lab nights (off)' });
    expect(off.body).toMatchObject({ enabled: false, name: 'Lab nights (off)', tags: ['lab', 'servers'] });
    expect(new Date(off.body.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(off.body.createdAt).getTime());
  });

  it('refuses a second window of the same name (409 naming the field)', async () => {
    const res = await t.http.post('/api/windows').set(admin()).send({ ...nights, name: 'All week' });
    expect(res.status).toBe(409);
    expect(res.body.details).toEqual([{ field: 'name', messages: ['already exists'] }]);
    const renamed = await t.http.patch(`/api/windows/${id}`).set(admin()).send({ name: 'All week' });
    expect(renamed.status).toBe(409);
  });

  it('deletes, then the window is gone', async () => {
    expect((await t.http.delete(`/api/windows/${id}`).set(admin())).status).toBe(204);
    expect((await t.http.get(`/api/windows/${id}`).set(admin())).status).toBe(404);
    expect((await t.http.delete(`/api/windows/${id}`).set(admin())).status).toBe(404);
    expect((await t.http.patch(`/api/windows/${id}`).set(admin()).send({ enabled: true })).status).toBe(404);
    const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM maintenance_window_tags WHERE window_id = ?', [id]);
    expect(Number(n)).toBe(0);
  });

  it('answers 409 while a job still uses the window', async () => {
    const used = await create({ ...nights, name: 'Used by a job' });
    // stands in for the jobs module's job_windows and its ON DELETE RESTRICT foreign key
    await t.db.query('CREATE TABLE spec_job_windows (job_id int unsigned NOT NULL, window_id int unsigned NOT NULL, FOREIGN KEY (window_id) REFERENCES maintenance_windows (id) ON DELETE RESTRICT) ENGINE=InnoDB');
    await t.db.query('INSERT INTO spec_job_windows VALUES (1, ?)', [used]);
    const res = await t.http.delete(`/api/windows/${used}`).set(admin());
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/used by job\(s\)/);
    expect((await t.http.get(`/api/windows/${used}`).set(admin())).status).toBe(200);
    await t.db.query('DROP TABLE spec_job_windows');
    expect((await t.http.delete(`/api/windows/${used}`).set(admin())).status).toBe(204);
  });
});

describe('validation: a 400 naming each bad field', () => {
  const cases: Array<[string, object, string, RegExp]> = [
    ['unknown time zone', { ...nights, timezone: 'Mars/Olympus' }, 'timezone', /IANA time zone/],
    ['an offset is not a zone', { ...nights, timezone: '+05:30' }, 'timezone', /IANA time zone/],
    ['25:00', { ...nights, ranges: [{ days: ['mon'], start: '25:00', end: '26:00' }] }, 'ranges.0.start', /start must be HH:MM/],
    ['end 24:01', { ...nights, ranges: [{ days: ['mon'], start: '22:00', end: '24:01' }] }, 'ranges.0.end', /end must be HH:MM/],
    ['start 24:00', { ...nights, ranges: [{ days: ['mon'], start: '24:00', end: '01:00' }] }, 'ranges.0.start', /start must be HH:MM/],
    ['H:MM', { ...nights, ranges: [{ days: ['mon'], start: '9:00', end: '17:00' }] }, 'ranges.0.start', /HH:MM/],
    ['empty ranges', { ...nights, ranges: [] }, 'ranges', /at least one range/],
    ['no ranges', { name: 'x', timezone: 'UTC' }, 'ranges', /ranges/],
    ['unknown day', { ...nights, ranges: [{ days: ['mon', 'funday'], start: '01:00', end: '02:00' }] }, 'ranges.0.days', /one of mon, tue/],
    ['no days', { ...nights, ranges: [{ days: [], start: '01:00', end: '02:00' }] }, 'ranges.0.days', /days/],
    ['a repeated day', { ...nights, ranges: [{ days: ['mon', 'mon'], start: '01:00', end: '02:00' }] }, 'ranges.0.days', /repeat/],
    ['second range bad', { ...nights, ranges: [{ days: ['mon'], start: '01:00', end: '02:00' }, { days: ['tue'], start: '01:00', end: 'noon' }] }, 'ranges.1.end', /HH:MM/],
    ['extra field', { ...nights, colour: 'red' }, 'colour', /should not exist/],
    ['extra field in a range', { ...nights, ranges: [{ days: ['mon'], start: '01:00', end: '02:00', every: 2 }] }, 'ranges.0.every', /should not exist/],
    ['empty name', { ...nights, name: '   ' }, 'name', /name/],
    ['long name', { ...nights, name: 'x'.repeat(129) }, 'name', /128/],
    ['two-line name', { ...nights, name: 'a\nb' }, 'name', /one line/],
    ['bad tag', { ...nights, tags: ['ok', '-bad'] }, 'tags', /each tag/],
    ['51 ranges', { ...nights, ranges: Array.from({ length: 51 }, () => ({ days: ['mon'], start: '01:00', end: '02:00' })) }, 'ranges', /50/],
    ['enabled not boolean', { ...nights, enabled: 'yes' }, 'enabled', /boolean/],
  ];

  it.each(cases)('%s', async (_what, body, field, message) => {
    const res = await t.http.post('/api/windows').set(admin()).send(body);
    expect(res.status).toBe(400);
    const detail = res.body.details.find((d: { field: string }) => d.field === field);
    expect(detail).toBeDefined();
    expect(detail.messages.join(' ')).toMatch(message);
  });

  it('PATCH checks the same way', async () => {
    const id = await create({ ...nights, name: 'Patch target' });
    const res = await t.http.patch(`/api/windows/${id}`).set(admin()).send({ timezone: 'Nowhere/City', ranges: [{ days: ['xyz'], start: '00:00', end: '25:00' }] });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['ranges.0.days', 'ranges.0.end', 'timezone']);
    expect((await t.http.patch(`/api/windows/${id}`).set(admin()).send({ ranges: [] })).status).toBe(400);
    expect((await t.http.get('/api/windows?sort=colour').set(admin())).status).toBe(400);
    expect((await t.http.get('/api/windows/abc').set(admin())).status).toBe(400);
  });
});

describe('roles and audit', () => {
  it('viewers and technicians read but do not write; without a token nothing', async () => {
    expect((await t.http.get('/api/windows')).status).toBe(401);
    const id = await create({ ...nights, name: 'Roles' });
    for (const token of [viewer, tech]) {
      expect((await t.http.get('/api/windows').set(bearer(token))).status).toBe(200);
      expect((await t.http.post('/api/windows').set(bearer(token)).send({ ...nights, name: 'Nope' })).status).toBe(403);
      expect((await t.http.patch(`/api/windows/${id}`).set(bearer(token)).send({ enabled: false })).status).toBe(403);
      expect((await t.http.delete(`/api/windows/${id}`).set(bearer(token))).status).toBe(403);
    }
    expect((await t.http.get(`/api/windows/${id}`).set(admin())).body.enabled).toBe(true);
  });

  it('audits creates, updates and deletes with who, what and the change', async () => {
    const id = await create({ ...nights, name: 'Audited' });
    await t.http.patch(`/api/windows/${id}`).set(admin()).send({ enabled: false }).expect(200);
    await t.http.delete(`/api/windows/${id}`).set(admin()).expect(204);
    const [created] = (await auditRows('window.create', 1)).filter((r) => r.objectId === String(id));
    expect(created).toMatchObject({ username: 'admin', objectType: 'window', statusCode: 201 });
    expect(JSON.parse(created.summary as string)).toMatchObject({ name: 'Audited', timezone: 'Europe/Berlin' });
    const [updated] = (await auditRows('window.update', 1)).filter((r) => r.objectId === String(id));
    expect(updated).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(updated.summary as string)).toEqual({ enabled: false });
    const [deleted] = (await auditRows('window.delete', 1)).filter((r) => r.objectId === String(id));
    expect(deleted).toMatchObject({ statusCode: 204, objectType: 'window' });
  });
});

describe('what the job runner asks', () => {
  const range = { days: ['mon'], start: '01:00', end: '02:00' };
  let ids: Record<string, number>;
  let devices: Record<string, number>;
  const service = () => t.app.get(WindowsService);

  beforeAll(async () => {
    // a clean slate: earlier tests left windows behind
    await t.db.query('DELETE FROM maintenance_windows');
    ids = {
      labA: await create({ name: 'lab A', timezone: 'UTC', ranges: [range], tags: ['lab'] }),
      labB: await create({ name: 'lab B', timezone: 'Asia/Kolkata', ranges: [range], tags: ['Lab', 'servers'] }),
      servers: await create({ name: 'servers', timezone: 'Europe/Berlin', ranges: [range], tags: ['servers'] }),
      disabled: await create({ name: 'off', timezone: 'UTC', ranges: [range], tags: ['printers', 'lab'], enabled: false }),
      job1: await create({ name: 'job 1', timezone: 'UTC', ranges: [range] }),
      job2: await create({ name: 'job 2', timezone: 'UTC', ranges: [range] }),
      jobOff: await create({ name: 'job off', timezone: 'UTC', ranges: [range], enabled: false }),
    };
    devices = {
      lab: await makeDevice(t.db, { tags: ['lab', 'office'] }),
      lab2: await makeDevice(t.db, { tags: ['lab'] }),
      both: await makeDevice(t.db, { tags: ['servers', 'lab'] }),
      printer: await makeDevice(t.db, { tags: ['printers'] }),
      bare: await makeDevice(t.db),
    };
  });

  const names = (groups: Array<Array<{ name?: string }>> | undefined) => groups?.map((g) => g.map((w) => w.name).sort());

  it('one group per tag with enabled windows, disabled ones left out; no job windows', async () => {
    const map = await service().constraintsForDevices(Object.values(devices), []);
    expect([...map.keys()].sort()).toEqual(Object.values(devices).sort());
    expect(names(map.get(devices.lab))).toEqual([['lab A', 'lab B']]);
    expect(names(map.get(devices.both))).toEqual([['lab A', 'lab B'], ['lab B', 'servers']]);
    expect(map.get(devices.printer)).toEqual([]);
    expect(map.get(devices.bare)).toEqual([]);
    // devices holding the same windows share one array: the runner may memoize on it
    expect(map.get(devices.lab)).toBe(map.get(devices.lab2));
    expect(map.get(devices.lab)![0][0]).toMatchObject({ id: ids.labA, timezone: 'UTC', ranges: [range] });
  });

  it('the job\'s enabled windows come first, as one group', async () => {
    const map = await service().constraintsForDevices([devices.both, devices.bare], [ids.job1, ids.job2, ids.jobOff, 999_999]);
    expect(names(map.get(devices.both))).toEqual([['job 1', 'job 2'], ['lab A', 'lab B'], ['lab B', 'servers']]);
    expect(names(map.get(devices.bare))).toEqual([['job 1', 'job 2']]);
    const onlyOff = await service().constraintsForDevices([devices.bare], [ids.jobOff]);
    expect(onlyOff.get(devices.bare)).toEqual([]);
  });

  it('constraintsFor takes the tags directly', async () => {
    expect(names(await service().constraintsFor(['LAB', 'nothing'], [ids.job1]))).toEqual([['job 1'], ['lab A', 'lab B']]);
    expect(await service().constraintsFor([], [])).toEqual([]);
  });

  it('5,000 devices cost one query once the windows are cached', async () => {
    await service().constraintsForDevices([devices.lab], []); // warm
    const many = [...Array.from({ length: 4995 }, (_, i) => 1_000_000 + i), ...Object.values(devices)];
    const spy = jest.spyOn(t.db, 'query');
    try {
      const map = await service().constraintsForDevices(many, [ids.job1]);
      expect(map.size).toBe(5000);
      expect(names(map.get(devices.both))).toEqual([['job 1'], ['lab A', 'lab B'], ['lab B', 'servers']]);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('a change through the API is seen at once', async () => {
    await t.http.patch(`/api/windows/${ids.labA}`).set(admin()).send({ enabled: false }).expect(200);
    await t.http.patch(`/api/windows/${ids.disabled}`).set(admin()).send({ enabled: true }).expect(200);
    const map = await service().constraintsForDevices([devices.lab, devices.printer], []);
    expect(names(map.get(devices.lab))).toEqual([['lab B', 'off']]);
    expect(names(map.get(devices.printer))).toEqual([['off']]);
  });
});
