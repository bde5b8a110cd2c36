// Jobs (issue 4), the machinery without a device: validation and injection, roles and audit,
// runs across devices with the `noop` kind (concurrency, per-device lock, cancel, pause and
// resume, log), schedules, maintenance windows and deadlines on an injected clock.
import { DataSource } from 'typeorm';
import { JobsClock } from '../src/jobs/jobs.clock';
import { JobRunner } from '../src/jobs/job-runner.service';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { JobsService } from '../src/jobs/jobs.service';
import { makeDevice } from './support/factories';
import { bearer, createTestApp, TestApp } from './support/app';

jest.setTimeout(120_000);

let t: TestApp;
let admin: { Authorization: string };
let clock: JobsClock;

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function job(id: number) {
  const res = await t.http.get(`/api/jobs/${id}`).set(admin);
  expect(res.status).toBe(200);
  return res.body;
}

const finished = (id: number, ms?: number) => until(`job ${id} to finish`, async () => {
  const j = await job(id);
  return ['completed', 'cancelled'].includes(j.status) && j.counts.running === 0 && j;
}, ms);

async function targetRows(db: DataSource, runId: number): Promise<Array<{ deviceId: number; status: string; startedAt: Date; finishedAt: Date; reason: string }>> {
  return db.query('SELECT device_id AS deviceId, status, started_at AS startedAt, finished_at AS finishedAt, reason FROM job_run_targets WHERE run_id = ? ORDER BY device_id', [runId]);
}

/** The most intervals that overlap at any instant. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]] as Array<[number, number]>).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (cur += d));
  return max;
}

beforeAll(async () => {
  t = await createTestApp({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: '4000' } });
  admin = bearer(t.adminToken);
  clock = t.app.get(JobsClock);
});

afterAll(async () => {
  clock?.reset();
  await t?.close();
});

afterEach(() => clock?.reset());

describe('POST /api/jobs validation', () => {
  let device: number;
  beforeAll(async () => {
    device = await makeDevice(t.db, { hostname: 'val-1' });
  });

  const post = (body: unknown) => t.http.post('/api/jobs').set(admin).send(body as object);
  const fields = (res: { body: { details?: Array<{ field: string }> } }) => (res.body.details ?? []).map((d) => d.field);

  it.each([
    ['an unknown kind', { kind: 'software.frobnicate', target: { deviceIds: [1] } }, 'kind'],
    ['no target', { kind: 'noop', target: {} }, 'target'],
    ['an unknown device', { kind: 'noop', target: { deviceIds: [987654] } }, 'target.deviceIds.0'],
    ['a bad tag', { kind: 'noop', target: { tags: ['; rm -rf /'] } }, 'target.tags'],
    ['a bad cron', { kind: 'noop', target: { tags: ['x'] }, schedule: { cron: 'every tuesday' } }, 'schedule.cron'],
    ['a bad time zone', { kind: 'noop', target: { tags: ['x'] }, schedule: { cron: '0 2 * * 0', timezone: 'Mars/Olympus' } }, 'schedule.timezone'],
    ['runAt and cron', { kind: 'noop', target: { tags: ['x'] }, schedule: { cron: '0 2 * * 0', runAt: '2030-01-01T00:00:00Z' } }, 'schedule'],
    ['an unknown window', { kind: 'noop', target: { tags: ['x'] }, windowIds: [4242] }, 'windowIds.0'],
    ['concurrency 0', { kind: 'noop', target: { tags: ['x'] }, concurrency: 0 }, 'concurrency'],
    ['a past deadline', { kind: 'noop', target: { tags: ['x'] }, deadline: '2001-01-01T00:00:00Z' }, 'deadline'],
    ['an unknown field', { kind: 'noop', target: { tags: ['x'] }, priority: 'high' }, 'priority'],
    ['an unknown parameter', { kind: 'noop', target: { tags: ['x'] }, params: { sleepMs: 1, evil: true } }, 'params.evil'],
    ['install without packages', { kind: 'software.install', target: { tags: ['x'] }, params: { packages: [] } }, 'params.packages'],
    ['an unknown manager', { kind: 'software.install', target: { tags: ['x'] }, params: { packages: ['htop'], manager: 'emerge' } }, 'params.manager'],
    ['a bad reboot policy', { kind: 'software.upgrade', target: { tags: ['x'] }, params: { reboot: 'sometimes' } }, 'params.reboot'],
    ['an unknown shell', { kind: 'command', target: { tags: ['x'] }, params: { script: 'true', shell: 'zsh' } }, 'params.shell'],
    ['a runAt past year 9999', { kind: 'noop', target: { tags: ['x'] }, schedule: { runAt: '+010000-01-01T00:00:00Z' } }, 'schedule.runAt'],
    ['a deadline past year 9999', { kind: 'noop', target: { tags: ['x'] }, deadline: '+010000-01-01T00:00:00Z' }, 'deadline'],
    ['a name of spaces only', { name: '   ', kind: 'noop', target: { tags: ['x'] } }, 'name'],
    ['a target filter date past year 9999', { kind: 'noop', target: { filter: { lastSeenBefore: '+010000-01-01T00:00:00Z' } } }, 'target.filter.lastSeenBefore'],
  ])('%s is a 400 naming the field', async (_, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it.each(['vim; rm -rf /', '$(id)', '`id`', 'vim\nrm -rf /', '-o APT::Get::Assume-Yes=true', '--reinstall', 'vim rm', "vim'", 'vim&&id', 'vim|id', 'vim>x', 'ｖｉｍ'])(
    'package name %j is refused for every manager (400 naming params.packages.0), and nothing is stored',
    async (name) => {
      for (const manager of [undefined, 'apt', 'dnf', 'yum', 'zypper', 'apk', 'pacman', 'brew', 'winget', 'choco']) {
        const res = await post({ kind: 'software.install', target: { deviceIds: [device] }, params: { packages: [name], ...(manager ? { manager } : {}) } });
        expect(res.status).toBe(400);
        expect(fields(res)).toContain('params.packages.0');
      }
      const [{ n }] = await t.db.query('SELECT COUNT(*) AS n FROM jobs');
      expect(Number(n)).toBe(0);
    },
  );

  it('command parameters with a bad name are refused; values are free text', async () => {
    const bad = await post({ kind: 'command', target: { deviceIds: [device] }, params: { script: 'echo "$X"', parameters: { 'X; id': 'v' } } });
    expect(bad.status).toBe(400);
    expect(fields(bad).some((f) => f.startsWith('params.parameters'))).toBe(true);
  });
});

describe('what a job keeps: parameters and targets as large as validation allows', () => {
  let device: number;
  beforeAll(async () => {
    device = await makeDevice(t.db, { hostname: 'big-params' });
  });
  const later = { runAt: '2099-01-01T00:00:00Z' };

  it.each<[string, string, Record<string, unknown>]>([
    ['a 64 KiB script', 'command', { script: 'a'.repeat(65_536) }],
    ['a script of 21,845 euro signs (64 KiB less a byte)', 'command', { script: '€'.repeat(21_845) }],
    ['a script of 40,000 double quotes (twice that as JSON)', 'command', { script: '"'.repeat(40_000) }],
    ['20 parameters of 4 KiB', 'command', { script: 'env', parameters: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`P${i}`, 'v'.repeat(4_096)])) }],
    ['a backup of 16 files with 4,096-character paths', 'config.backup', { files: Array.from({ length: 16 }, (_, i) => `/${String(i).padEnd(4_095, 'f')}`) }],
    ['a push of 70 lines of 1,000 characters', 'config.push', { lines: Array.from({ length: 70 }, (_, i) => `description ${i} ${'x'.repeat(1_000)}`.slice(0, 1_000)) }],
  ])('a job with %s is created and shows its parameters whole', async (_what, kind, params) => {
    const res = await t.http.post('/api/jobs').set(admin).send({ kind, params, target: { deviceIds: [device] }, schedule: later });
    expect([res.status, res.body.details]).toEqual([201, undefined]);
    expect((await job(res.body.id)).params).toMatchObject(params);
  });

  it('a job of 100,000 devices (the most a target names) is created and its run targets every one of them', async () => {
    // 100,000 devices in one statement (MariaDB's sequence engine); removed again at the end,
    // as every other spec here picks devices by id or tag
    await t.db.query(
      `INSERT INTO devices (hostname, type, platform, status, first_seen, last_seen, created_at, updated_at)
       SELECT CONCAT('many-', seq), 'other', 'other', 'active', NOW(3), NOW(3), NOW(3), NOW(3) FROM seq_1_to_100000`,
    );
    try {
      const ids = (await t.db.query(`SELECT id FROM devices WHERE hostname LIKE 'many-%' ORDER BY id`)).map((r: { id: number }) => Number(r.id));
      expect(ids).toHaveLength(100_000);
      const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 1000 }, target: { deviceIds: ids }, concurrency: 1 });
      expect([res.status, res.body.details]).toEqual([201, undefined]);
      const j = await job(res.body.id);
      expect(j.target.deviceIds).toHaveLength(100_000);
      const run = await t.http.get(`/api/jobs/${j.id}/runs/${res.body.runId}`).set(admin);
      expect(run.body.total).toBe(100_000);
      expect((await t.http.post(`/api/jobs/${j.id}/cancel`).set(admin).query({ force: 'true' })).status).toBe(200);
      const over = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [...ids, ids[0]] } });
      expect(over.status).toBe(400);
      expect(over.body.details.map((d: { field: string }) => d.field)).toEqual(['target.deviceIds']);
    } finally {
      await t.db.query(`DELETE FROM devices WHERE hostname LIKE 'many-%'`);
    }
  });
});

describe('roles and audit', () => {
  it('a viewer reads but cannot create or cancel; create and cancel are audited', async () => {
    const d = await makeDevice(t.db, { hostname: 'roles-1' });
    const viewer = bearer(await t.tokenFor('viewer'));
    expect((await t.http.post('/api/jobs').set(viewer).send({ kind: 'noop', target: { deviceIds: [d] } })).status).toBe(403);
    const created = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, schedule: { runAt: '2099-01-01T00:00:00Z' } });
    expect(created.status).toBe(201);
    expect((await t.http.get(`/api/jobs/${created.body.id}`).set(viewer)).status).toBe(200);
    expect((await t.http.post(`/api/jobs/${created.body.id}/cancel`).set(viewer)).status).toBe(403);
    const cancelled = await t.http.post(`/api/jobs/${created.body.id}/cancel`).set(admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await t.http.post(`/api/jobs/${created.body.id}/cancel`).set(admin)).status).toBe(409);
    const audit = await t.db.query(`SELECT action, status_code AS statusCode FROM audit_log WHERE object_type = 'job' AND object_id = ? ORDER BY id`, [String(created.body.id)]);
    // the viewer's cancel, refused for its role, is there too
    expect(audit.map((a: { action: string; statusCode: number }) => [a.action, a.statusCode])).toEqual([['job.create', 201], ['job.cancel', 403], ['job.cancel', 200]]);
  });
});

describe('runs', () => {
  it('runs every target within the run concurrency, and shows counts, targets and a log per machine', async () => {
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await makeDevice(t.db, { hostname: `conc-${i}` }));
    const res = await t.http.post('/api/jobs').set(admin).send({ name: 'noop six', kind: 'noop', params: { sleepMs: 400 }, target: { deviceIds: ids }, concurrency: 2 });
    expect(res.status).toBe(201);
    expect(res.body.runId).toEqual(expect.any(Number));
    const j = await finished(res.body.id);
    expect(j.status).toBe('completed');
    expect(j.counts).toMatchObject({ succeeded: 6, queued: 0, running: 0, failed: 0 });
    expect(j.targets.map((x: { hostname: string }) => x.hostname).sort()).toEqual(ids.map((_, i) => `conc-${i}`));
    const rows = await targetRows(t.db, j.runId);
    expect(maxOverlap(rows.map((r) => [new Date(r.startedAt).getTime(), new Date(r.finishedAt).getTime()]))).toBeLessThanOrEqual(2);
    // two at a time, 400 ms each: at least three rounds
    const span = Math.max(...rows.map((r) => new Date(r.finishedAt).getTime())) - Math.min(...rows.map((r) => new Date(r.startedAt).getTime()));
    expect(span).toBeGreaterThanOrEqual(1150);

    const runs = await t.http.get(`/api/jobs/${j.id}/runs`).set(admin);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({ id: j.runId, status: 'completed', total: 6, trigger: 'now' });
    const page = await t.http.get(`/api/jobs/${j.id}/runs/${j.runId}/targets?limit=4&page=2`).set(admin);
    expect(page.body).toMatchObject({ total: 6, page: 2, limit: 4 });
    expect(page.body.items).toHaveLength(2);
    const log = await t.http.get(`/api/jobs/${j.id}/targets/${ids[0]}/log`).set(admin);
    expect(log.status).toBe(200);
    expect(log.headers['content-type']).toMatch(/^text\/plain/);
    expect(log.text).toContain('on conc-0');
    expect((await t.http.get(`/api/jobs/${j.id}/runs/${j.runId}/targets/999999/log`).set(admin)).status).toBe(404);

    // a completed run keeps its counts: the job, its runs and its targets' pages read them
    // without counting its targets again (a run of 100k targets: ~14 ms a count)
    const [stored] = await t.db.query('SELECT counts FROM job_runs WHERE id = ?', [j.runId]);
    expect(JSON.parse(stored.counts)).toEqual({ succeeded: 6 });
    const count = jest.spyOn(t.app.get(JobsRepository), 'counts');
    try {
      const listed = (await t.http.get('/api/jobs?limit=100').set(admin)).body.items.find((x: { id: number }) => x.id === j.id);
      expect(listed.counts).toEqual(j.counts);
      expect((await job(j.id)).counts).toEqual(j.counts);
      expect((await t.http.get(`/api/jobs/${j.id}/runs`).set(admin)).body.items[0].counts).toEqual(j.counts);
      expect((await t.http.get(`/api/jobs/${j.id}/runs/${j.runId}/targets?status=succeeded`).set(admin)).body.total).toBe(6);
      expect(count.mock.calls.filter(([runId]) => runId === j.runId)).toEqual([]);
    } finally {
      count.mockRestore();
    }
  });

  it('one job at a time per device: two jobs on the same machines never overlap on one of them', async () => {
    const ids = [await makeDevice(t.db, { hostname: 'lock-1' }), await makeDevice(t.db, { hostname: 'lock-2' })];
    const a = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 700 }, target: { deviceIds: ids }, concurrency: 2 });
    const b = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 700 }, target: { deviceIds: ids }, concurrency: 2 });
    const [ja, jb] = [await finished(a.body.id), await finished(b.body.id)];
    expect(ja.counts.succeeded).toBe(2);
    expect(jb.counts.succeeded).toBe(2);
    const rows = [...(await targetRows(t.db, ja.runId)), ...(await targetRows(t.db, jb.runId))];
    for (const id of ids) {
      const mine = rows.filter((r) => r.deviceId === id).map((r) => [new Date(r.startedAt).getTime(), new Date(r.finishedAt).getTime()] as [number, number]);
      expect(maxOverlap(mine)).toBe(1);
    }
  });

  it('cancel stops a running target of a stoppable kind and cancels the queued ones', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await makeDevice(t.db, { hostname: `cancel-${i}` }));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 60_000 }, target: { deviceIds: ids }, concurrency: 1 });
    // started, not only claimed: a target cancelled between the two never starts
    await until('a target to run', async () => (await job(res.body.id)).targets.some((x: { status: string; startedAt: string | null }) => x.status === 'running' && x.startedAt));
    const c = await t.http.post(`/api/jobs/${res.body.id}/cancel`).set(admin);
    expect(c.status).toBe(200);
    const j = await finished(res.body.id, 10_000);
    expect(j.status).toBe('cancelled');
    expect(j.counts).toMatchObject({ cancelled: 4, succeeded: 0, running: 0 });
    const reasons = j.targets.map((x: { reason: string }) => x.reason);
    expect(reasons.filter((r: string) => /stopped by cancel/.test(r))).toHaveLength(1);
    expect(reasons.filter((r: string) => /cancelled before it started/.test(r))).toHaveLength(3);
  });

  it('pause lets the running target finish and starts no other; resume goes on', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await makeDevice(t.db, { hostname: `pause-${i}` }));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 800 }, target: { deviceIds: ids }, concurrency: 1 });
    // started, not only claimed: a target paused between the two goes back to the queue
    await until('a target to run', async () => (await job(res.body.id)).targets.some((x: { status: string; startedAt: string | null }) => x.status === 'running' && x.startedAt));
    expect((await t.http.post(`/api/jobs/${res.body.id}/pause`).set(admin)).body.status).toBe('paused');
    expect((await t.http.post(`/api/jobs/${res.body.id}/pause`).set(admin)).status).toBe(409);
    await until('the running one to finish', async () => (await job(res.body.id)).counts.succeeded === 1);
    await new Promise((r) => setTimeout(r, 1500));
    let j = await job(res.body.id);
    expect(j).toMatchObject({ status: 'paused', counts: { succeeded: 1, queued: 2, running: 0 } });
    expect((await t.http.post(`/api/jobs/${res.body.id}/resume`).set(admin)).status).toBe(200);
    j = await finished(res.body.id);
    expect(j).toMatchObject({ status: 'completed', counts: { succeeded: 3 } });
  });

  it('Run now starts a run outside the schedule, its targets resolved again; one at a time, never for a cancelled job; audited', async () => {
    const first = await makeDevice(t.db, { hostname: 'runnow-1', tags: ['runnow-lab'] });
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 700 }, target: { tags: ['runnow-lab'] }, schedule: { cron: '0 3 1 1 *' } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    const scheduled = await job(id);
    expect(scheduled).toMatchObject({ status: 'scheduled', runId: null });
    const viewer = bearer(await t.tokenFor('viewer'));
    expect((await t.http.post(`/api/jobs/${id}/run`).set(viewer)).status).toBe(403);
    expect((await t.http.post('/api/jobs/999999/run').set(admin)).status).toBe(404);
    const second = await makeDevice(t.db, { hostname: 'runnow-2', tags: ['runnow-lab'] });
    // three clicks at once: one run, the others told why
    const clicks = await Promise.all([0, 1, 2].map(() => t.http.post(`/api/jobs/${id}/run`).set(admin)));
    expect(clicks.map((c) => c.status).sort()).toEqual([201, 409, 409]);
    const started = clicks.find((c) => c.status === 201)!.body;
    expect(started).toEqual({ id, runId: expect.any(Number) });
    for (const c of clicks.filter((c) => c.status === 409)) expect(c.body.message).toMatch(/under way \(run \d+, running\)|being started by someone else/);
    let j = await job(id);
    expect(j).toMatchObject({ status: 'running', runId: started.runId, nextRunAt: scheduled.nextRunAt });
    expect(j.targets.map((x: { deviceId: number }) => x.deviceId).sort((a: number, b: number) => a - b)).toEqual([first, second]);
    // a job with a schedule is 'scheduled' again once its run ends
    const ended = (runId: number) => until(`run ${runId} to end`, async () => {
      const v = await job(id);
      return v.runId === runId && v.status === 'scheduled' && v;
    });
    j = await ended(started.runId);
    expect(j).toMatchObject({ counts: { succeeded: 2 }, nextRunAt: scheduled.nextRunAt });
    const run = (await t.http.get(`/api/jobs/${id}/runs/${started.runId}`).set(admin)).body;
    expect(run).toMatchObject({ trigger: 'manual', total: 2, createdBy: 'admin', status: 'completed' });
    // and again, once that run has ended
    const again = await t.http.post(`/api/jobs/${id}/run`).set(admin);
    expect(again.status).toBe(201);
    expect(again.body.runId).toBeGreaterThan(started.runId);
    await ended(again.body.runId);
    expect((await t.http.post(`/api/jobs/${id}/cancel`).set(admin)).status).toBe(200);
    const refused = await t.http.post(`/api/jobs/${id}/run`).set(admin);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/is cancelled/);
    expect((await t.http.get(`/api/jobs/${id}/runs`).set(admin)).body.total).toBe(2);
    const audit = await t.db.query(`SELECT action, status_code AS statusCode FROM audit_log WHERE object_type = 'job' AND object_id = ? AND action = 'job.run' AND status_code = 201`, [String(id)]);
    expect(audit).toHaveLength(2);
    // a one-off job run now: that was its run, and its start time passes unfired
    const once = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [first] }, schedule: { runAt: '2099-01-01T00:00:00Z' } });
    expect((await job(once.body.id)).nextRunAt).toBe('2099-01-01T00:00:00.000Z');
    expect((await t.http.post(`/api/jobs/${once.body.id}/run`).set(admin)).status).toBe(201);
    expect(await finished(once.body.id)).toMatchObject({ status: 'completed', nextRunAt: null, counts: { succeeded: 1 } });
  });

  it('streams progress as server-sent events until done', async () => {
    const d = await makeDevice(t.db, { hostname: 'sse-1' });
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', params: { sleepMs: 1500 }, target: { deviceIds: [d] } });
    const sse = await t.http.get(`/api/jobs/${res.body.id}/events`).set(admin).buffer(true).parse((r, cb) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c));
      r.on('end', () => cb(null, text));
    });
    expect(sse.headers['content-type']).toMatch(/text\/event-stream/);
    const body = sse.body as string;
    expect(body).toMatch(/event: progress\ndata: .*"status":"running"/);
    expect(body).toMatch(/event: done\ndata: .*"status":"completed"/);
    expect((await t.http.get('/api/jobs/999999/events').set(admin)).status).toBe(404);
  });
});

describe('schedules, windows and deadlines on an injected clock', () => {
  it('a cron job fires in its time zone and resolves a tag when each run starts (machines added later are included)', async () => {
    await makeDevice(t.db, { hostname: 'cron-1', tags: ['cron-lab'] });
    // Friday 2030-01-04 12:00 UTC; the job fires on Sundays at 02:00 in Berlin = Saturday 01:00 UTC
    clock.set(new Date('2030-01-04T12:00:00Z'));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { tags: ['cron-lab'] }, schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' } });
    expect(res.status).toBe(201);
    expect(res.body.runId).toBeNull();
    let j = await job(res.body.id);
    expect(j).toMatchObject({ status: 'scheduled', nextRunAt: '2030-01-06T01:00:00.000Z', runId: null });
    await makeDevice(t.db, { hostname: 'cron-2', tags: ['cron-lab'] });
    clock.set(new Date('2030-01-06T01:00:05Z'));
    // the run ends (the job scheduled again) a moment after its last target succeeds
    j = await until('the firing', async () => {
      const v = await job(res.body.id);
      return v.runId && v.counts.succeeded === 2 && v.status === 'scheduled' && v;
    }).catch((err) => {
      console.log(t.logs.filter((l) => /warn|error|Job/i.test(l)).slice(-20).join(''));
      throw err;
    });
    expect(j.status).toBe('scheduled');
    expect(j.nextRunAt).toBe('2030-01-13T01:00:00.000Z');
    const runs = (await t.http.get(`/api/jobs/${res.body.id}/runs`).set(admin)).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', firedAt: '2030-01-06T01:00:00.000Z', total: 2 });
    // later ticks do not fire the same firing again
    await new Promise((r) => setTimeout(r, 1200));
    expect((await t.http.get(`/api/jobs/${res.body.id}/runs`).set(admin)).body.items).toHaveLength(1);
    await t.http.post(`/api/jobs/${res.body.id}/cancel`).set(admin);
  });

  it('a firing while the last run is still under way is skipped and counted on that run; the next firing after it ends runs', async () => {
    // a daily job whose machine may only be touched on Sunday night: Friday's run waits for
    // the window through Saturday's firing, which must not start a second run over the same machine
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'Sunday night only', timezone: 'UTC', ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] });
    expect(w.status).toBe(201);
    const d = await makeDevice(t.db, { hostname: 'overlap-1' });
    clock.set(new Date('2030-01-04T12:00:00Z')); // a Friday
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, windowIds: [w.body.id], schedule: { cron: '0 18 * * *' } });
    expect(res.status).toBe(201);
    const id = res.body.id;
    const runsOf = async () => (await t.http.get(`/api/jobs/${id}/runs`).set(admin)).body.items;
    clock.set(new Date('2030-01-04T18:00:05Z'));
    const first = await until('the first run to wait for the window', async () => {
      const v = await job(id);
      return v.runId && v.counts.waitingForWindow === 1 && v;
    });
    expect(first).toMatchObject({ status: 'running', skippedFirings: 0, nextRunAt: '2030-01-05T18:00:00.000Z' });
    clock.set(new Date('2030-01-05T18:00:05Z')); // Saturday's firing, the first run still waiting
    const skipped = await until('Saturday\'s firing to be skipped', async () => {
      const v = await job(id);
      return v.nextRunAt === '2030-01-06T18:00:00.000Z' && v;
    });
    expect(skipped).toMatchObject({ status: 'running', runId: first.runId, skippedFirings: 1, counts: { waitingForWindow: 1 } });
    let runs = await runsOf();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: first.runId, status: 'running', skippedFirings: 1 });
    // Sunday night: the window opens and the first run ends
    clock.set(new Date('2030-01-06T01:30:00Z'));
    const ended = await until('the first run to end', async () => {
      const v = await job(id);
      return v.counts.succeeded === 1 && v.status === 'scheduled' && v;
    });
    expect(ended).toMatchObject({ runId: first.runId, skippedFirings: 1 });
    // Sunday's firing finds no run under way: a second run starts
    clock.set(new Date('2030-01-06T18:00:05Z'));
    const second = await until('Sunday\'s run', async () => {
      const v = await job(id);
      return v.runId !== first.runId && v.runId && v;
    });
    expect(second).toMatchObject({ skippedFirings: 0, nextRunAt: '2030-01-07T18:00:00.000Z' });
    runs = await runsOf();
    expect(runs.map((r: { firedAt: string; skippedFirings: number; trigger: string }) => [r.firedAt, r.skippedFirings, r.trigger])).toEqual([
      ['2030-01-06T18:00:00.000Z', 0, 'schedule'],
      ['2030-01-04T18:00:00.000Z', 1, 'schedule'],
    ]);
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin);
  });

  it('a firing that finds its last run ended after all, and then cannot start its run, stays due and runs on a later tick', async () => {
    const d = await makeDevice(t.db, { hostname: 'unlucky-1' });
    clock.set(new Date('2030-01-04T12:00:00Z'));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, schedule: { cron: '0 18 * * *' } });
    const id = res.body.id;
    clock.set(new Date('2030-01-04T18:00:05Z'));
    const first = await until('Friday\'s run to end', async () => {
      const v = await job(id);
      return v.counts.succeeded === 1 && v.status === 'scheduled' && v;
    });
    // Saturday's firing reads Friday's run as it was a moment before it ended, and the database
    // then refuses its new run once: the firing must not be lost with it
    const repo = t.app.get(JobsRepository);
    const latestRun = repo.latestRun.bind(repo);
    const stale = jest.spyOn(repo, 'latestRun').mockImplementation(async (jobId: number) => {
      const run = await latestRun(jobId);
      return jobId === id && run ? Object.assign(run, { status: 'running' as const }) : run;
    });
    const service = t.app.get(JobsService) as unknown as { startRun: (...args: unknown[]) => Promise<number | null> };
    const refused = jest.spyOn(service, 'startRun').mockRejectedValueOnce(new Error('Connection lost: The server closed the connection.'));
    try {
      clock.set(new Date('2030-01-05T18:00:05Z'));
      await until('the refused start', async () => refused.mock.calls.length > 0, 10_000);
    } finally {
      stale.mockRestore();
      refused.mockRestore();
    }
    const saturday = await until('Saturday\'s run', async () => {
      const runs = (await t.http.get(`/api/jobs/${id}/runs`).set(admin)).body.items;
      return runs.length === 2 && runs[0].status === 'completed' && runs;
    });
    expect(saturday.map((r: { firedAt: string; skippedFirings: number }) => [r.firedAt, r.skippedFirings])).toEqual([
      ['2030-01-05T18:00:00.000Z', 0],
      ['2030-01-04T18:00:00.000Z', 0],
    ]);
    expect(saturday[1].id).toBe(first.runId);
    expect((await job(id)).nextRunAt).toBe('2030-01-06T18:00:00.000Z');
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin);
  });

  it('a technician changes a recurring job for its next runs (schedule, targets, windows, params), the fields given checked as a new job\'s are; not by a viewer, not while a run is under way, not its kind, not once cancelled', async () => {
    const tech = bearer(await t.tokenFor('technician'));
    const viewer = bearer(await t.tokenFor('viewer'));
    const [a, b] = [await makeDevice(t.db, { hostname: 'edit-a' }), await makeDevice(t.db, { hostname: 'edit-b' })];
    const w = (await t.http.post('/api/windows').set(admin).send({ name: 'Sunday nights, for an edited job', timezone: 'UTC', ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] }).expect(201)).body.id;
    clock.set(new Date('2030-01-04T12:00:00Z')); // a Friday
    const body = { name: 'nightly noop', kind: 'noop', params: { sleepMs: 0 }, target: { deviceIds: [a] }, schedule: { cron: '0 18 * * *' } };
    const id = (await t.http.post('/api/jobs').set(tech).send(body).expect(201)).body.id;
    expect(await job(id)).toMatchObject({ nextRunAt: '2030-01-04T18:00:00.000Z', windowIds: [] });

    const edited = { ...body, name: 'weekly noop', params: { sleepMs: 10 }, target: { deviceIds: [a, b] }, schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' }, windowIds: [w], retries: 1 };
    expect((await t.http.patch(`/api/jobs/${id}`).set(viewer).send(edited)).status).toBe(403);
    // checked as POST checks: each bad field named, nothing changed
    const bad = await t.http.patch(`/api/jobs/${id}`).set(tech).send({ ...edited, target: { deviceIds: [a, 999999] }, schedule: { cron: '0 25 * * *' }, windowIds: [999999] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['schedule.cron', 'target.deviceIds.1', 'windowIds.0']);
    expect((await t.http.patch(`/api/jobs/${id}`).set(tech).send({ ...edited, kind: 'command' })).body).toMatchObject({ statusCode: 400, details: [{ field: 'kind', messages: [`a job's kind cannot change (job ${id} is noop): create a new job for command`] }] });
    expect((await t.http.patch(`/api/jobs/${id}`).set(tech).send({ schedule: { runAt: '2030-01-01T00:00:00Z' } })).body.details).toEqual([{ field: 'schedule.runAt', messages: ['schedule.runAt must be in the future (Run now starts a run at once)'] }]);
    expect((await t.http.patch(`/api/jobs/${id}`).set(tech).send({ target: null, retries: null })).body.details).toEqual([
      { field: 'target', messages: ['target cannot be null'] }, { field: 'retries', messages: ['retries cannot be null'] },
    ]);
    // the fields given change, the others stay
    const renamed = await t.http.patch(`/api/jobs/${id}`).set(tech).send({ name: 'nightly noop, renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'nightly noop, renamed', schedule: { cron: '0 18 * * *' }, nextRunAt: '2030-01-04T18:00:00.000Z', target: { deviceIds: [a] }, params: { sleepMs: 0 } });
    expect(await job(id)).toMatchObject({ name: 'nightly noop, renamed', schedule: { cron: '0 18 * * *' }, nextRunAt: '2030-01-04T18:00:00.000Z', windowIds: [] });

    const changed = await t.http.patch(`/api/jobs/${id}`).set(tech).send(edited);
    expect(changed.status).toBe(200);
    // Sundays at 02:00 in Berlin: Saturday 01:00 UTC
    expect(changed.body).toMatchObject({ id, name: 'weekly noop', schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' }, nextRunAt: '2030-01-06T01:00:00.000Z', params: { sleepMs: 10 }, target: { deviceIds: [a, b] }, windowIds: [w], retries: 1, runId: null });
    const audit = (await t.http.get(`/api/audit?action=job.update&objectType=job&objectId=${id}`).set(admin).expect(200)).body.items;
    // each change, with what it changed (newest first)
    expect(audit.filter((e: { statusCode: number }) => e.statusCode === 200).map((e: { statusCode: number; summary: string }) => [e.statusCode, JSON.parse(e.summary).name])).toEqual([[200, 'weekly noop'], [200, 'nightly noop, renamed']]);
    // and the viewer's attempt, refused, without its body
    expect(audit.filter((e: { statusCode: number }) => e.statusCode === 403)).toEqual([expect.objectContaining({ summary: null })]);
    // Friday's old firing passes unfired; the new one runs both machines, in the window
    clock.set(new Date('2030-01-04T18:00:05Z'));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await job(id)).runId).toBeNull();
    clock.set(new Date('2030-01-06T01:00:05Z'));
    const ran = await until('the edited job\'s run', async () => {
      const v = await job(id);
      return v.counts.succeeded === 2 && v.status === 'scheduled' && v;
    });
    expect(ran.nextRunAt).toBe('2030-01-13T01:00:00.000Z');

    // while a run is under way it reads these settings: no change then
    clock.set(new Date('2030-01-06T12:00:00Z')); // outside the window: Run now's targets wait for it
    const run = (await t.http.post(`/api/jobs/${id}/run`).set(tech).send({}).expect(201)).body.runId;
    await until('the run to wait for its window', async () => (await job(id)).counts.waitingForWindow === 2);
    const busy = await t.http.patch(`/api/jobs/${id}`).set(tech).send({ ...edited, windowIds: [] });
    expect([busy.status, busy.body.message]).toEqual([409, `Job ${id} is under way (run ${run}, running), and its run reads these settings: wait for it to end, or cancel that run`]);
    expect((await job(id)).windowIds).toEqual([w]);
    await t.http.post(`/api/jobs/${id}/runs/${run}/cancel`).set(tech).expect(200);
    // without a schedule it runs only when asked: the edit itself starts nothing
    const manual = await t.http.patch(`/api/jobs/${id}`).set(tech).send({ schedule: null, windowIds: [], name: null });
    expect(manual.body).toMatchObject({ name: null, schedule: { cron: null, runAt: null }, nextRunAt: null, windowIds: [], runId: run, target: { deviceIds: [a, b] } });
    // a device merged away since the job named it does not stop a change that leaves the targets alone
    await t.db.query('DELETE FROM devices WHERE id = ?', [b]);
    expect((await t.http.patch(`/api/jobs/${id}`).set(tech).send({ schedule: { cron: '0 4 * * *' } }).expect(200)).body.nextRunAt).toBe('2030-01-07T04:00:00.000Z');
    expect((await t.http.patch(`/api/jobs/${id}`).set(tech).send({ target: { deviceIds: [a, b] } })).body.details).toEqual([{ field: 'target.deviceIds.1', messages: [`device ${b} does not exist`] }]);
    await t.http.post(`/api/jobs/${id}/cancel`).set(tech).expect(200);
    const cancelled = await t.http.patch(`/api/jobs/${id}`).set(tech).send(edited);
    expect([cancelled.status, cancelled.body.message]).toEqual([409, `Job ${id} is cancelled: it cannot be changed (create a new job)`]);
  });

  it("a recurring job's deadline ends its schedule: its last firing before the deadline runs, none after", async () => {
    const device = await makeDevice(t.db, { hostname: 'deadline-ends' });
    clock.set(new Date('2030-03-01T12:00:00Z'));
    const body = { name: 'daily until the 2nd, noon', kind: 'noop', params: {}, target: { deviceIds: [device] }, schedule: { cron: '0 18 * * *' } };
    // a deadline before the first firing starts nothing: refused, naming it
    const early = await t.http.post('/api/jobs').set(admin).send({ ...body, deadline: '2030-03-01T17:00:00Z' });
    expect(early.status).toBe(400);
    expect(early.body.details).toEqual([{ field: 'deadline', messages: [expect.stringContaining("deadline comes before the schedule's first firing (2030-03-01T18:00:00.000Z)")] }]);
    const id = (await t.http.post('/api/jobs').set(admin).send({ ...body, deadline: '2030-03-02T12:00:00Z' }).expect(201)).body.id;
    clock.set(new Date('2030-03-01T18:00:05Z'));
    const ran = await until('the firing before the deadline', async () => {
      const v = await job(id);
      return v.counts.succeeded === 1 && v.nextRunAt !== '2030-03-01T18:00:00.000Z' && v;
    });
    // before: the next day's firing, every one after it a run whose targets were all missed
    expect(ran.nextRunAt).toBeNull();
  });

  it('an edit of a schedule changes only what it gives: {cron} keeps the time zone, the same schedule sent back keeps the next firing', async () => {
    const device = await makeDevice(t.db, { hostname: 'edit-zone' });
    clock.set(new Date('2030-02-01T12:00:00Z'));
    const body = { name: 'Berlin nights', kind: 'noop', params: {}, target: { deviceIds: [device] }, schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' } };
    const id = (await t.http.post('/api/jobs').set(admin).send(body).expect(201)).body.id;
    // 03:00 in Berlin (02:00 UTC in winter), not 03:00 UTC
    const moved = (await t.http.patch(`/api/jobs/${id}`).set(admin).send({ schedule: { cron: '0 3 * * 0' } }).expect(200)).body;
    expect(moved).toMatchObject({ schedule: { cron: '0 3 * * 0', timezone: 'Europe/Berlin' }, nextRunAt: '2030-02-03T02:00:00.000Z' });
    // a firing that was due while no worker ran (as the UI sends it: the whole job, renamed)
    await t.db.query('UPDATE jobs SET next_run_at = ? WHERE id = ?', [new Date('2030-02-02T23:30:00Z'), id]);
    const renamed = (await t.http.patch(`/api/jobs/${id}`).set(admin).send({ ...body, name: 'Berlin nights, renamed', schedule: { cron: '0 3 * * 0', timezone: 'Europe/Berlin' } }).expect(200)).body;
    expect(renamed).toMatchObject({ name: 'Berlin nights, renamed', nextRunAt: '2030-02-02T23:30:00.000Z' });
    // from a cron to a start time: the other goes
    const once = (await t.http.patch(`/api/jobs/${id}`).set(admin).send({ schedule: { runAt: '2030-02-05T08:00:00Z' } }).expect(200)).body;
    expect(once).toMatchObject({ schedule: { cron: null, timezone: 'Europe/Berlin' }, nextRunAt: '2030-02-05T08:00:00.000Z' });
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin).expect(200);
  });

  it('cancelling one run of a recurring job lets that run go and keeps the schedule: the next firing runs', async () => {
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'Sundays, for one run', timezone: 'UTC', ranges: [{ days: ['sun'], start: '01:00', end: '03:00' }] });
    const d = await makeDevice(t.db, { hostname: 'runcancel-1' });
    clock.set(new Date('2030-01-04T12:00:00Z')); // a Friday
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, windowIds: [w.body.id], schedule: { cron: '0 18 * * *' } });
    const id = res.body.id;
    clock.set(new Date('2030-01-04T18:00:05Z'));
    const first = await until('the run to wait for its window', async () => {
      const v = await job(id);
      return v.runId && v.counts.waitingForWindow === 1 && v;
    });
    const viewer = bearer(await t.tokenFor('viewer'));
    expect((await t.http.post(`/api/jobs/${id}/runs/${first.runId}/cancel`).set(viewer)).status).toBe(403);
    expect((await t.http.post(`/api/jobs/${id}/runs/999999/cancel`).set(admin)).status).toBe(404);
    const cancelled = await t.http.post(`/api/jobs/${id}/runs/${first.runId}/cancel`).set(admin);
    expect(cancelled.status).toBe(200);
    // the job goes on: scheduled, its next firing unchanged
    expect(cancelled.body).toMatchObject({ status: 'scheduled', runId: first.runId, nextRunAt: '2030-01-05T18:00:00.000Z', counts: { cancelled: 1, waitingForWindow: 0 } });
    expect((await t.http.get(`/api/jobs/${id}/runs/${first.runId}`).set(admin)).body).toMatchObject({ status: 'cancelled', targets: [{ deviceId: d, status: 'cancelled' }] });
    const again = await t.http.post(`/api/jobs/${id}/runs/${first.runId}/cancel`).set(admin);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/has ended \(cancelled\)/);
    // Saturday's firing finds no run under way and starts one (not skipped)
    clock.set(new Date('2030-01-05T18:00:05Z'));
    const second = await until('Saturday\'s run', async () => {
      const v = await job(id);
      return v.runId !== first.runId && v.runId && v;
    });
    expect(second).toMatchObject({ status: 'running', skippedFirings: 0 });
    const audit = await t.db.query(`SELECT status_code AS statusCode FROM audit_log WHERE object_type = 'job' AND object_id = ? AND action = 'job.run.cancel' ORDER BY id`, [String(id)]);
    expect(audit.map((a: { statusCode: number }) => a.statusCode)).toContain(200);
    await t.http.post(`/api/jobs/${id}/cancel`).set(admin);
  });

  it('a target outside its window waits and says until when, then runs when the window opens', async () => {
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'Sunday night', timezone: 'Europe/Berlin', ranges: [{ days: ['sun'], start: '02:00', end: '04:00' }] });
    expect(w.status).toBe(201);
    const d = await makeDevice(t.db, { hostname: 'window-1' });
    clock.set(new Date('2030-01-04T12:00:00Z')); // a Friday
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, windowIds: [w.body.id] });
    let j = await until('the target to wait', async () => {
      const v = await job(res.body.id);
      return v.counts.waitingForWindow === 1 && v;
    });
    expect(j.status).toBe('running');
    expect(j.targets[0].reason).toMatch(/outside its maintenance window \("Sunday night" Europe\/Berlin\); waits for the next opening at 2030-01-06T01:00:00.000Z/);
    expect(j.targets[0].nextAttemptAt).toBe('2030-01-06T01:00:00.000Z');
    expect(j.targets[0].attempts).toBe(0);
    clock.set(new Date('2030-01-06T01:30:00Z')); // Sunday 02:30 in Berlin
    j = await finished(res.body.id);
    expect(j.counts.succeeded).toBe(1);
    // a window in use cannot be deleted
    expect((await t.http.delete(`/api/windows/${w.body.id}`).set(admin)).status).toBe(409);
  });

  it('a window attached to a tag holds that tag\'s machines; others run at once', async () => {
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'servers at night', timezone: 'UTC', ranges: [{ days: ['sat'], start: '22:00', end: '06:00' }], tags: ['night-only'] });
    expect(w.status).toBe(201);
    const held = await makeDevice(t.db, { hostname: 'tagwin-1', tags: ['night-only'] });
    const free = await makeDevice(t.db, { hostname: 'tagwin-2' });
    clock.set(new Date('2030-01-04T12:00:00Z'));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [held, free] } });
    const j = await until('one to run and one to wait', async () => {
      const v = await job(res.body.id);
      return v.counts.succeeded === 1 && v.counts.waitingForWindow === 1 && v;
    });
    expect(j.targets.find((x: { deviceId: number }) => x.deviceId === held).nextAttemptAt).toBe('2030-01-05T22:00:00.000Z');
    await t.http.post(`/api/jobs/${res.body.id}/cancel`).set(admin);
  });

  it('past the deadline, targets that never started are missed', async () => {
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'far away', timezone: 'UTC', ranges: [{ days: ['mon'], start: '03:00', end: '04:00' }] });
    const d = await makeDevice(t.db, { hostname: 'deadline-1' });
    clock.set(new Date('2030-01-04T12:00:00Z'));
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [d] }, windowIds: [w.body.id], deadline: '2030-01-05T00:00:00Z' });
    await until('the target to wait', async () => (await job(res.body.id)).counts.waitingForWindow === 1);
    clock.set(new Date('2030-01-05T00:00:01Z'));
    const j = await finished(res.body.id);
    expect(j).toMatchObject({ status: 'completed', counts: { missed: 1 } });
    expect(j.targets[0].reason).toMatch(/deadline passed before it could start/);
  });

  it('a retry runs the last run\'s failed and missed targets again, and only those (a merged one as its survivor)', async () => {
    // one machine may only be touched on Monday nights (its tag's window); the run's deadline
    // passes before then, so it is missed while the other succeeds
    const w = await t.http.post('/api/windows').set(admin).send({ name: 'monday nights', timezone: 'UTC', ranges: [{ days: ['mon'], start: '03:00', end: '04:00' }], tags: ['retry-night'] });
    expect(w.status).toBe(201);
    const held = await makeDevice(t.db, { hostname: 'retry-held', tags: ['retry-lab', 'retry-night'] });
    const free = await makeDevice(t.db, { hostname: 'retry-free', tags: ['retry-lab'] });
    clock.set(new Date('2030-01-04T12:00:00Z')); // a Friday
    const res = await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { tags: ['retry-lab'] }, deadlineMinutes: 60 });
    const id = res.body.id;
    // nothing failed yet: nothing to retry
    await until('one to run and one to wait', async () => {
      const v = await job(id);
      return v.counts.succeeded === 1 && v.counts.waitingForWindow === 1;
    });
    expect((await t.http.post(`/api/jobs/${id}/run`).set(admin).send({ only: 'failed' })).status).toBe(409); // under way
    clock.set(new Date('2030-01-04T13:00:01Z'));
    let j = await finished(id);
    expect(j).toMatchObject({ status: 'completed', counts: { succeeded: 1, missed: 1 } });
    expect(j.targets.map((x: { deviceId: number; status: string }) => [x.deviceId, x.status])).toEqual([[held, 'missed'], [free, 'succeeded']]);
    const bad = await t.http.post(`/api/jobs/${id}/run`).set(admin).send({ only: 'everything' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['only']);
    // meanwhile the held machine turned out to be a second record of another: merged into it,
    // the retry goes to that record (which takes its tags, and so its window)
    const twin = await makeDevice(t.db, { hostname: 'retry-held-twin' });
    expect((await t.http.post(`/api/devices/${twin}/merge`).set(admin).send({ otherId: held })).status).toBeLessThan(300);
    // Monday, half an hour before the window: the retry's own deadline (an hour) reaches into it
    clock.set(new Date('2030-01-07T02:30:00Z'));
    const retry = await t.http.post(`/api/jobs/${id}/run`).set(admin).send({ only: 'failed' });
    expect(retry.status).toBe(201);
    j = await until('the retry to wait for the window', async () => {
      const v = await job(id);
      return v.runId === retry.body.runId && v.counts.waitingForWindow === 1 && v;
    });
    expect(j.targets.map((x: { deviceId: number }) => x.deviceId)).toEqual([twin]);
    const run = (await t.http.get(`/api/jobs/${id}/runs/${retry.body.runId}`).set(admin)).body;
    expect(run).toMatchObject({ trigger: 'retry', total: 1, createdBy: 'admin' });
    // the window opens: the held machine's turn
    clock.set(new Date('2030-01-07T03:10:00Z'));
    j = await finished(id);
    expect(j).toMatchObject({ runId: retry.body.runId, counts: { succeeded: 1, missed: 0 } });
    // everything done: nothing more to retry
    const none = await t.http.post(`/api/jobs/${id}/run`).set(admin).send({ only: 'failed' });
    expect(none.status).toBe(409);
    expect(none.body.message).toMatch(/has no failed or missed targets/);
  });

  it('the reconciler re-enqueues targets whose queue jobs are gone and frees targets of a dead worker', async () => {
    const d = await makeDevice(t.db, { hostname: 'reconcile-1' });
    const d2 = await makeDevice(t.db, { hostname: 'reconcile-2' });
    // a run as a crashed API would leave it: rows, but no lane in Redis. One transaction, as
    // insertRun writes it: the app's own reconciler (every 300 ms here) once completed the run
    // between its insert and its targets', and the targets then never ran
    const { jobId, run } = await t.db.transaction(async (m) => {
      const { insertId: jobId } = await m.query(
        `INSERT INTO jobs (kind, params, target, state, timezone, concurrency, retries, retry_delay_sec, created_at, updated_at)
         VALUES ('noop', '{"sleepMs":0}', ?, 'active', 'UTC', 10, 3, 30, NOW(3), NOW(3))`, [JSON.stringify({ deviceIds: [d] })]);
      const run = await m.query(
        `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at) VALUES (?, 'running', NOW(3), 'now', 10, 2, NOW(3))`, [jobId]);
      await m.query(`INSERT INTO job_run_targets (run_id, device_id, hostname, status) VALUES (?, ?, 'reconcile-1', 'queued')`, [run.insertId, d]);
      // and a target held by a worker that died (its lease long gone)
      await m.query(
        `INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, lane, lease_owner, lease_until, started_at)
         VALUES (?, ?, 'reconcile-2', 'running', 1, 7, 'dead-worker:1:abc', NOW(3) - INTERVAL 1 MINUTE, NOW(3) - INTERVAL 2 MINUTE)`, [run.insertId, d2]);
      return { jobId, run };
    });
    await t.app.get(JobRunner).reconcile();
    const j = await finished(Number(jobId));
    expect(j.counts).toMatchObject({ succeeded: 2 });
    const rows = await targetRows(t.db, run.insertId);
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });
});
