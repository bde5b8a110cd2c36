// audit/: every write and every login attempt leaves a row that admins can filter, and no row
// ever holds a password or a token.
import { ModulesContainer } from '@nestjs/core';
import { AUDIT_META } from '../src/audit/audit.interceptor';
import { ADMIN_PASSWORD, bearer, createTestApp, TestApp } from './support/app';

interface AuditItem {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  summary: string | null;
  ip: string | null;
  requestId: string | null;
  statusCode: number;
}

const USER_PASSWORD = 'auditee-secret-password-1';
const NEW_PASSWORD = 'auditee-secret-password-2';
const WRONG_PASSWORD = 'wrong-secret-password-9';

let t: TestApp;
let adminId: number;
let userId: number;
let apiToken: string;
let apiTokenId: number;
let sessionToken: string;

async function audit(query = ''): Promise<{ items: AuditItem[]; total: number; page: number; limit: number }> {
  const res = await t.http.get(`/api/audit${query}`).set(bearer(t.adminToken));
  expect(res.status).toBe(200);
  return res.body;
}

beforeAll(async () => {
  t = await createTestApp({ env: { TEKNISI_LOGIN_LIMIT_PER_USER: '5' } });
  adminId = (await t.http.get('/api/auth/me').set(bearer(t.adminToken))).body.id;

  const created = await t.http.post('/api/users').set(bearer(t.adminToken)).set('X-Request-Id', 'audit-create-1')
    .send({ username: 'auditee', password: USER_PASSWORD, role: 'technician' });
  expect(created.status).toBe(201);
  userId = created.body.id;

  expect((await t.http.post('/api/auth/login').send({ username: 'auditee', password: WRONG_PASSWORD })).status).toBe(401);
  const login = await t.http.post('/api/auth/login').send({ username: 'auditee', password: USER_PASSWORD });
  expect(login.status).toBe(200);
  sessionToken = login.body.accessToken;

  const token = await t.http.post('/api/tokens').set(bearer(sessionToken)).send({ name: 'audit script' });
  expect(token.status).toBe(201);
  apiToken = token.body.token;
  apiTokenId = token.body.id;

  await t.http.patch(`/api/users/${userId}`).set(bearer(t.adminToken)).send({ password: NEW_PASSWORD }).expect(200);
});
afterAll(async () => {
  await t?.close();
});

it('records the creation of a user: who, what, which object, the outcome', async () => {
  const { items } = await audit('?action=user.create');
  expect(items).toHaveLength(1);
  const [row] = items;
  expect(row).toMatchObject({
    userId: adminId, username: 'admin', action: 'user.create', objectType: 'user', objectId: String(userId),
    statusCode: 201, requestId: 'audit-create-1',
  });
  expect(row.ip).toMatch(/127\.0\.0\.1/);
  expect(Date.now() - new Date(row.at).getTime()).toBeLessThan(60_000);
  const summary = JSON.parse(row.summary!);
  expect(summary).toMatchObject({ username: 'auditee', role: 'technician', password: '[redacted]' });
});

it('records the creation of an API token by its owner, without the token', async () => {
  const { items } = await audit('?objectType=token');
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ action: 'token.create', userId, username: 'auditee', objectId: String(apiTokenId), statusCode: 201 });
  expect(JSON.parse(items[0].summary!)).toEqual({ name: 'audit script' });
});

it('records successful and failed logins, filterable by action and user name', async () => {
  const { items, total } = await audit('?action=auth.login&username=auditee');
  expect(total).toBe(2);
  expect(items.map((i) => i.statusCode)).toEqual([200, 401]); // newest first
  expect(items[0]).toMatchObject({ userId, username: 'auditee', action: 'auth.login', objectType: 'user' });
  // the failed attempt names the user name tried, but no user
  expect(items[1]).toMatchObject({ userId: null, username: 'auditee' });
  for (const i of items) expect(JSON.parse(i.summary!)).toEqual({ username: 'auditee', password: '[redacted]' });
});

it('records a login for a user name that does not exist', async () => {
  await t.http.post('/api/auth/login').send({ username: 'mallory', password: WRONG_PASSWORD }).expect(401);
  const { items } = await audit('?username=mallory');
  expect(items).toHaveLength(1);
  expect(items[0]).toMatchObject({ action: 'auth.login', statusCode: 401, userId: null });
});

it('records logins refused by the rate limit: the first refusal of the limit, not every one after it', async () => {
  for (let i = 0; i < 5; i++) await t.http.post('/api/auth/login').send({ username: 'brute', password: WRONG_PASSWORD }).expect(401);
  // before, a row for each refusal: one client added millions a day
  for (let i = 0; i < 4; i++) await t.http.post('/api/auth/login').send({ username: 'brute', password: WRONG_PASSWORD }).expect(429);
  const { items } = await audit('?username=brute&action=auth.login');
  expect(items.map((i) => i.statusCode)).toEqual([429, 401, 401, 401, 401, 401]);
  expect(JSON.stringify(items)).not.toContain(WRONG_PASSWORD);
});

it('filters by object type and user id and pages the results', async () => {
  const users = await audit('?objectType=user');
  expect(users.items.length).toBeGreaterThanOrEqual(4);
  expect(users.items.every((i) => i.objectType === 'user')).toBe(true);
  const byUser = await audit(`?userId=${userId}`);
  expect(byUser.items.length).toBeGreaterThan(0);
  expect(byUser.items.every((i) => i.userId === userId)).toBe(true);

  const all = await audit();
  const first = await audit('?limit=2&page=1');
  const second = await audit('?limit=2&page=2');
  expect(first).toMatchObject({ total: all.total, page: 1, limit: 2 });
  expect(first.items.map((i) => i.id)).toEqual(all.items.slice(0, 2).map((i) => i.id));
  expect(second.items.map((i) => i.id)).toEqual(all.items.slice(2, 4).map((i) => i.id));
  expect((await audit('?action=no.such.action')).items).toEqual([]);
});

it('filters by time', async () => {
  const future = new Date(Date.now() + 3600_000).toISOString();
  expect((await audit(`?since=${encodeURIComponent(future)}`)).total).toBe(0);
  expect((await audit(`?until=${encodeURIComponent(future)}`)).total).toBe((await audit()).total);
  const bad = await t.http.get('/api/audit?since=yesterday').set(bearer(t.adminToken));
  expect(bad.status).toBe(400);
  expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['since']);
});

it.each([
  ['since', '+010000-01-01T00:00:00Z'],
  ['until', '+275760-09-13T00:00:00Z'],
  ['until', '1900-01-01T00:00:00Z'],
])('refuses %s=%s, outside the dates the log keeps, with a 400 naming it', async (field, date) => {
  const res = await t.http.get(`/api/audit?${field}=${encodeURIComponent(date)}`).set(bearer(t.adminToken));
  expect([res.status, res.body.details]).toEqual([400, [{ field, messages: [`${field} must be a date between 1970-01-01 and 9999-12-31`] }]]);
});

it('never stores a password or a token', async () => {
  const { items, total } = await audit('?limit=500');
  expect(items.length).toBe(total);
  const text = JSON.stringify(items);
  for (const secret of [USER_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, ADMIN_PASSWORD, apiToken, sessionToken, t.adminToken]) {
    expect(text).not.toContain(secret);
  }
  const change = items.find((i) => i.action === 'user.update');
  expect(change).toBeDefined();
  expect(JSON.parse(change!.summary!)).toEqual({ password: '[redacted]' });
});

it('never logs a password or a token either', async () => {
  const text = t.logs.join('');
  expect(text.length).toBeGreaterThan(0);
  for (const secret of [USER_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, ADMIN_PASSWORD, apiToken, sessionToken, t.adminToken]) {
    expect(text).not.toContain(secret);
  }
});

it('is for admins only', async () => {
  const viewer = await t.tokenFor('viewer');
  for (const path of ['/api/audit', '/api/audit/actions']) {
    expect((await t.http.get(path)).status).toBe(401);
    expect((await t.http.get(path).set(bearer(apiToken))).status).toBe(403);
    expect((await t.http.get(path).set(bearer(viewer))).status).toBe(403);
  }
});

it('names, for the audit page suggestions, every action and object type a route of the running server records', async () => {
  // what the application's controllers are decorated with, read from Nest as the interceptor reads it
  const recorded: Array<{ action: string; objectType?: string }> = [];
  const controllers = [...t.app.get(ModulesContainer).values()].flatMap((m) => [...m.controllers.values()]);
  for (const c of controllers) {
    const proto = (c.metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
    if (!proto) continue;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const meta = name === 'constructor' ? undefined : Reflect.getMetadata(AUDIT_META, proto[name] as object);
      if (meta?.action) recorded.push(meta);
    }
  }
  expect(recorded.length).toBeGreaterThan(40);
  const { body } = await t.http.get('/api/audit/actions').set(bearer(t.adminToken)).expect(200);
  expect(body.actions).toEqual(expect.arrayContaining([...new Set(recorded.map((r) => r.action))]));
  expect(body.objectTypes).toEqual(expect.arrayContaining([...new Set(recorded.map((r) => r.objectType).filter(Boolean))]));
  // the merge dialog's, the bulk tags', saved filters', saved ranges' and host keys' writes among them
  expect(body.actions).toEqual(expect.arrayContaining(['device.distinct', 'device.distinct.remove', 'device.bulk-tag', 'saved-filter.update', 'scan-schedule.run', 'ssh-host-key.forget', 'queues.put']));
});

it("records a write refused for the user's role (403), with who tried and what, and nothing of the body", async () => {
  const viewer = await t.tokenFor('viewer', 'curious-viewer');
  const res = await t.http.post('/api/credentials').set(bearer(viewer)).send({ kind: 'snmp-v2c', name: 'mine', community: 'refused-community-secret' });
  expect(res.status).toBe(403);
  const tech = await t.tokenFor('technician', 'eager-tech');
  expect((await t.http.delete(`/api/users/${adminId}`).set(bearer(tech))).status).toBe(403);
  const { items } = await audit('?limit=200');
  const mine = items.filter((i) => i.statusCode === 403 && ['curious-viewer', 'eager-tech'].includes(i.username ?? ''));
  expect(mine).toEqual(expect.arrayContaining([
    expect.objectContaining({ username: 'curious-viewer', action: 'credential.create', objectType: 'credential', summary: null }),
    expect.objectContaining({ username: 'eager-tech', action: 'user.delete', objectType: 'user', objectId: String(adminId) }),
  ]));
  expect(JSON.stringify(items)).not.toContain('refused-community-secret');
  // reads refused for a role are not writes: nothing recorded
  expect((await t.http.get('/api/audit').set(bearer(viewer))).status).toBe(403);
  expect((await audit()).items.filter((i) => i.username === 'curious-viewer' && i.action !== 'auth.login')).toHaveLength(1);
});
