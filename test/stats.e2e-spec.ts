// GET /api/stats against the real MariaDB: the dashboard's figures for a known set of devices,
// jobs (made through the API; no worker consumes them, so a started run stays running), scans
// and configuration states, for any role.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';

describe('dashboard figures (GET /api/stats)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  const ids: Record<string, number> = {};
  const jobs: Record<string, number> = {};


  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    viewer = bearer(await t.tokenFor('viewer'));
    ids.ws1 = await makeDevice(t.db, { hostname: 'ws-1', type: 'workstation', platform: 'windows', osFamily: 'windows', primaryIp: '192.0.2.1' });
    ids.ws2 = await makeDevice(t.db, { hostname: 'ws-2', type: 'workstation', platform: 'windows', osFamily: 'windows' });
    ids.ws3 = await makeDevice(t.db, { hostname: 'ws-3', type: 'workstation', platform: 'windows', osFamily: 'windows', status: 'stale' });
    ids.srv = await makeDevice(t.db, { hostname: 'srv-1', type: 'server', platform: 'linux', osFamily: 'linux' });
    ids.sw = await makeDevice(t.db, { hostname: 'sw-1', type: 'switch', platform: 'cisco-ios', osFamily: 'network-os', primaryIp: '192.0.2.254' });
    ids.prn = await makeDevice(t.db, { hostname: 'prn-1', type: 'printer', platform: 'printer', osFamily: null });
    ids.old = await makeDevice(t.db, { hostname: 'old-1', type: 'workstation', platform: 'windows', osFamily: 'windows', status: 'retired' });
    // first seen one day apart, the retired one most recently (it must not be listed)
    const order = [ids.ws1, ids.ws2, ids.ws3, ids.srv, ids.sw, ids.prn, ids.old];
    for (const [i, id] of order.entries()) await t.db.query('UPDATE devices SET first_seen = ? WHERE id = ?', [new Date(Date.UTC(2026, 0, 1 + i)), id]);

    // jobs, oldest first: one completed, one running, two waiting for a start, one cancelled, one paused
    jobs.completed = await postJob(t, { name: 'done', kind: 'noop', target: { deviceIds: [ids.srv] } });
    await t.db.query(`UPDATE job_run_targets SET status = 'succeeded' WHERE run_id IN (SELECT id FROM job_runs WHERE job_id = ?)`, [jobs.completed]);
    await t.db.query(`UPDATE job_runs SET status = 'completed', finished_at = NOW(3) WHERE job_id = ?`, [jobs.completed]);
    jobs.running = await postJob(t, { name: 'now', kind: 'noop', target: { deviceIds: [ids.ws1, ids.ws2] } });
    jobs.later = await postJob(t, { name: 'later', kind: 'noop', target: { tags: ['x'] }, schedule: { runAt: new Date(Date.now() + 86_400_000).toISOString() } });
    jobs.weekly = await postJob(t, { name: 'weekly', kind: 'noop', target: { tags: ['x'] }, schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' } });
    jobs.cancelled = await postJob(t, { name: 'cancelled', kind: 'noop', target: { deviceIds: [ids.sw] } });
    await t.http.post(`/api/jobs/${jobs.cancelled}/cancel`).set(admin).expect(200);
    jobs.paused = await postJob(t, { name: 'paused', kind: 'noop', target: { deviceIds: [ids.prn] } });
    await t.http.post(`/api/jobs/${jobs.paused}/pause`).set(admin).expect(200);

    const scan = (status: string) => t.db.query(
      `INSERT INTO scans (status, targets, credential_ids, options, created_at) VALUES (?, '["192.0.2.0/24"]', '[]', '{}', NOW(3))`, [status]);
    for (const s of ['queued', 'running', 'completed', 'failed', 'cancelled']) await scan(s);

    // configurations: the switch drifts and fails a rule; the server fails it too; the
    // workstation has only a failed attempt and fails only a disabled rule
    const config = (deviceId: number, versionId: number | null, drift: boolean) => t.db.query(
      'INSERT INTO device_configs (device_id, version_id, versions, drift_since) VALUES (?, ?, ?, ?)', [deviceId, versionId, versionId ? 1 : 0, drift ? new Date() : null]);
    await config(ids.sw, 1, true);
    await config(ids.srv, 2, false);
    await config(ids.ws1, null, false);
    const rule = async (name: string, enabled: boolean) => Number((await t.db.query(
      `INSERT INTO config_rules (name, kind, pattern, severity, enabled, created_at, updated_at) VALUES (?, 'must-contain', '^x', 'high', ?, NOW(3), NOW(3))`, [name, enabled])).insertId);
    const r1 = await rule('ssh v2', true);
    const r2 = await rule('ntp', true);
    const r3 = await rule('old rule', false);
    const result = (deviceId: number, ruleId: number, passed: boolean) => t.db.query(
      `INSERT INTO config_rule_results (device_id, rule_id, passed, detail, \`lines\`, since, evaluated_at) VALUES (?, ?, ?, '', '[]', NOW(3), NOW(3))`, [deviceId, ruleId, passed]);
    await result(ids.sw, r1, false);
    await result(ids.srv, r1, false);
    await result(ids.srv, r2, true);
    await result(ids.sw, r2, true);
    await result(ids.ws1, r3, false);
  });

  afterAll(() => t?.close());

  let body: Record<string, any>;
  it('answers any role', async () => {
    const res = await t.http.get('/api/stats').set(viewer);
    expect(res.status).toBe(200);
    body = res.body;
    expect((await t.http.get('/api/stats')).status).toBe(401);
  });

  it('counts non-retired devices by type, platform and OS family, most first, and every device by status', () => {
    expect(body.devices).toEqual({
      total: 6,
      byType: [{ key: 'workstation', count: 3 }, { key: 'printer', count: 1 }, { key: 'server', count: 1 }, { key: 'switch', count: 1 }],
      byPlatform: [{ key: 'windows', count: 3 }, { key: 'cisco-ios', count: 1 }, { key: 'linux', count: 1 }, { key: 'printer', count: 1 }],
      byOsFamily: [{ key: 'windows', count: 3 }, { key: 'linux', count: 1 }, { key: 'network-os', count: 1 }, { key: null, count: 1 }],
      byStatus: [{ key: 'active', count: 5 }, { key: 'retired', count: 1 }, { key: 'stale', count: 1 }],
    });
  });

  it('lists the devices first seen most recently, newest first, without retired ones', () => {
    expect(body.recentlyDiscovered.map((d: { hostname: string }) => d.hostname)).toEqual(['prn-1', 'sw-1', 'srv-1', 'ws-3', 'ws-2', 'ws-1']);
    expect(body.recentlyDiscovered[1]).toEqual({
      id: ids.sw, hostname: 'sw-1', primaryIp: '192.0.2.254', type: 'switch', platform: 'cisco-ios', firstSeen: '2026-01-05T00:00:00.000Z',
    });
  });

  it('counts running and waiting jobs and lists the latest five with their status', async () => {
    expect(body.jobs.running).toBe(1);
    expect(body.jobs.queued).toBe(2);
    expect(body.jobs.recent.map(({ id, name, state }: { id: number; name: string; state: string }) => ({ id, name, state }))).toEqual([
      { id: jobs.paused, name: 'paused', state: 'paused' },
      { id: jobs.cancelled, name: 'cancelled', state: 'cancelled' },
      { id: jobs.weekly, name: 'weekly', state: 'scheduled' },
      { id: jobs.later, name: 'later', state: 'scheduled' },
      { id: jobs.running, name: 'now', state: 'running' },
    ]);
    expect(body.jobs.recent[0]).toMatchObject({ kind: 'noop', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // the same status the job list shows
    const list = await t.http.get('/api/jobs?limit=5').set(viewer);
    expect(list.body.items.map((j: { status: string }) => j.status)).toEqual(body.jobs.recent.map((j: { state: string }) => j.state));
  });

  it('counts scans in progress', () => {
    expect(body.scans).toEqual({ running: 2 });
  });

  it('counts configurations, drift and failing enabled rules as the drift report does', () => {
    expect(body.configs).toEqual({ devicesWithConfig: 2, drifted: 1, rulesFailing: 1, devicesFailingRules: 2 });
  });
});
