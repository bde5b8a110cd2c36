// The queue dashboard at /admin/queues: admins only (bearer token or the session cookie a browser
// holds), its page and every script and stylesheet it loads served, every queue listed, and its
// actions audited.
import { QueueName } from '../src/queue/queue.constants';
import { SPA_CSP } from '../src/web/spa';
import { bearer, createTestApp, TestApp } from './support/app';

let t: TestApp;
let tech: string;
let viewer: string;
let adminCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  tech = await t.tokenFor('technician');
  viewer = await t.tokenFor('viewer');
  const login = await t.http.post('/api/auth/login').send({ username: 'admin', password: 'admin-password-for-tests' });
  const setCookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
  adminCookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('teknisi_session='))!;
  expect(adminCookie).toBeDefined();
});

afterAll(async () => {
  await t?.close();
});

describe('who may open it', () => {
  const paths = ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues', '/admin/queues/queue/discovery'];

  it.each(paths)('%s: 401 without credentials or with a bad token', async (path) => {
    const none = await t.http.get(path);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await t.http.get(path).set(bearer('not-a-token'))).status).toBe(401);
    expect((await t.http.get(path).set('Cookie', 'teknisi_session=forged')).status).toBe(401);
  });

  it.each(paths)('%s: 403 for viewers and technicians', async (path) => {
    for (const token of [viewer, tech]) {
      const res = await t.http.get(path).set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/admin role/);
    }
  });

  it.each(paths)('%s: 200 for an admin, by token or by the session cookie', async (path) => {
    expect((await t.http.get(path).set(bearer(t.adminToken))).status).toBe(200);
    expect((await t.http.get(path).set('Cookie', `theme=dark; ${adminCookie}`)).status).toBe(200);
  });

  it('the scripts are behind the same check', async () => {
    const page = await t.http.get('/admin/queues').set('Cookie', adminCookie);
    const script = /<script[^>]+src="([^"]+)"/.exec(page.text)![1];
    expect((await t.http.get(`/admin/queues/${script}`)).status).toBe(401);
    expect((await t.http.get(`/admin/queues/${script}`).set(bearer(viewer))).status).toBe(403);
  });
});

describe('the board', () => {
  it('serves a page whose every script and stylesheet loads, with nothing in the way', async () => {
    const page = await t.http.get('/admin/queues').set('Cookie', adminCookie);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBeUndefined();
    expect(page.text).toContain('<base href="/admin/queues/"');
    expect(page.text).toContain('<title>Teknisi queues</title>');
    const scripts = [...page.text.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
    const styles = [...page.text.matchAll(/<link href="(static\/[^"]+\.css)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThanOrEqual(1);
    expect(styles.length).toBeGreaterThanOrEqual(1);
    for (const asset of [...scripts, ...styles]) {
      expect(asset).toMatch(/^static\//); // relative to the base href: /admin/queues/static/…
      const res = await t.http.get(`/admin/queues/${asset}`).set('Cookie', adminCookie);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(asset.endsWith('.css') ? /text\/css/ : /javascript/);
      expect(Number(res.headers['content-length'] ?? res.text?.length ?? 0)).toBeGreaterThan(100);
    }
  });

  it('lists every queue of QueueName through its API', async () => {
    const res = await t.http.get('/admin/queues/api/queues').set('Cookie', adminCookie);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/json/);
    const names = (res.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QueueName).sort());
  });

  it('its actions work for admins, refuse others, and are audited', async () => {
    expect((await t.http.put('/admin/queues/api/queues/maintenance/pause').set(bearer(tech))).status).toBe(403);
    const pause = await t.http.put('/admin/queues/api/queues/maintenance/pause').set(bearer(t.adminToken));
    expect(pause.status).toBeLessThan(300);
    const listed = await t.http.get('/admin/queues/api/queues').set(bearer(t.adminToken));
    expect(listed.body.queues.find((q: { name: string }) => q.name === 'maintenance').isPaused).toBe(true);
    await t.http.put('/admin/queues/api/queues/maintenance/resume').set(bearer(t.adminToken)).expect((r) => expect(r.status).toBeLessThan(300));
    let items: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && items.length < 2; i++) {
      items = (await t.http.get('/api/audit?action=queues.put').set(bearer(t.adminToken))).body.items;
      if (items.length < 2) await new Promise((r) => setTimeout(r, 50));
    }
    expect(items).toHaveLength(2);
    expect(items.map((i) => JSON.parse(i.summary as string).path).sort()).toEqual([
      '/admin/queues/api/queues/maintenance/pause', '/admin/queues/api/queues/maintenance/resume',
    ]);
    for (const i of items) expect(i).toMatchObject({ username: 'admin', objectType: 'queue', objectId: 'maintenance' });
    expect(items.every((i) => (i.statusCode as number) < 300)).toBe(true);
  });

  it('leaves the API and the web UI as they were', async () => {
    expect((await t.http.get('/api/health')).status).toBe(200);
    expect((await t.http.get('/api/admin/other')).status).toBe(404);
    // /admin/other is none of the board's: no sign-in asked for it, the web UI's page (or its
    // 503 saying the UI is not built) answers instead
    const other = await t.http.get('/admin/other');
    if (other.status === 503) expect(other.text).toContain('The web UI is not built');
    else {
      expect(other.status).toBe(200);
      expect(other.headers['content-security-policy']).toBe(SPA_CSP);
    }
  });
});
