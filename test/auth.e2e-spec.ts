// auth/: login, sessions and the cookie, personal API tokens, roles, user management,
// the login rate limit, the shape of validation errors, cookie writes from other pages, and
// progress streams outliving their credentials.
import * as http from 'node:http';
import { OPEN_RESPONSE_REAUTH } from '../src/auth/auth.guard';
import { AuthService } from '../src/auth/auth.service';
import { UsersRepository } from '../src/auth/users.repository';
import { ADMIN_PASSWORD, bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';
import { Tabs, tabsOn } from './support/tabs';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

let seq = 0;
const uniqueName = (base: string) => `u-${base}${++seq}`;

/** Creates a user through the API and logs it in. */
async function makeUser(role: 'viewer' | 'technician' | 'admin', name = uniqueName(role)) {
  const password = `${name}-long-password`;
  const created = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: name, password, role });
  expect(created.status).toBe(201);
  const login = await t.http.post('/api/auth/login').send({ username: name, password });
  expect(login.status).toBe(200);
  return { id: created.body.id as number, username: name, password, token: login.body.accessToken as string };
}

const me = (token: string) => t.http.get('/api/auth/me').set(bearer(token));

describe('authentication', () => {
  it('answers 401 with the error shape when no token is sent', async () => {
    const res = await t.http.get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Log in first/) });
  });

  it.each([
    ['garbage', 'Bearer not-a-token'],
    ['a JWT signed by someone else', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjEsInNpZCI6ImFhYWEifQ.5mhBHqs5_DTLdINd9p5m7ZJ6XD0Xc55kIaCRY5r6HRA'],
    ['an unknown API token', 'Bearer tkn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed header', 'Token abc'],
  ])('answers 401 for %s', async (_what, header) => {
    const res = await t.http.get('/api/auth/me').set('Authorization', header);
    expect(res.status).toBe(401);
  });

  it('knows who the admin is', async () => {
    const res = await me(t.adminToken);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'admin', role: 'admin', disabled: false });
    expect(res.body.passwordHash).toBeUndefined();
  });

  it('refuses a wrong password with the same message as an unknown user', async () => {
    const wrong = await t.http.post('/api/auth/login').send({ username: 'admin', password: 'not-the-password' });
    const unknown = await t.http.post('/api/auth/login').send({ username: 'nobody-here', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe('Wrong user name or password');
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('sets an HttpOnly SameSite=Strict session cookie that alone authenticates', async () => {
    const login = await t.http.post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(new Date(login.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const session = cookies.find((c) => c.startsWith('teknisi_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Strict/i);
    expect(session).toMatch(/;\s*Path=\//i);
    const value = session!.split(';')[0];
    expect(value).toBe(`teknisi_session=${login.body.accessToken}`);

    const viaCookie = await t.http.get('/api/auth/me').set('Cookie', value);
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.username).toBe('admin');
    expect(viaCookie.body.lastLoginAt).not.toBeNull();
  });

  it('ends the session on logout: the token and the cookie stop working', async () => {
    const login = await t.http.post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = login.body.accessToken as string;
    expect((await me(token)).status).toBe(200);
    const out = await t.http.post('/api/auth/logout').set(bearer(token));
    expect(out.status).toBe(204);
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).find((c) => c.startsWith('teknisi_session='));
    expect(cleared).toMatch(/teknisi_session=;/);
    expect((await me(token)).status).toBe(401);
    expect((await t.http.get('/api/auth/me').set('Cookie', `teknisi_session=${token}`)).status).toBe(401);
    // other sessions of the same user live on
    expect((await me(t.adminToken)).status).toBe(200);
  });

  it('refuses an expired session', async () => {
    const u = await makeUser('viewer');
    expect((await me(u.token)).status).toBe(200);
    await t.db.query('UPDATE sessions SET expires_at = ? WHERE user_id = ?', [new Date(Date.now() - 1000), u.id]);
    expect((await me(u.token)).status).toBe(401);
  });
});

describe('personal API tokens', () => {
  it('shows a created token once, lists it without the secret, and it works as a bearer token', async () => {
    const u = await makeUser('technician');
    const created = await t.http.post('/api/tokens').set(bearer(u.token)).send({ name: 'nightly export' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'nightly export', expiresAt: null, lastUsedAt: null });
    const token = created.body.token as string;
    expect(token).toMatch(/^tkn_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(created.body.prefix)).toBe(true);

    const list = await t.http.get('/api/tokens').set(bearer(u.token));
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ id: created.body.id, name: 'nightly export', prefix: created.body.prefix });
    expect(list.body.items[0].token).toBeUndefined();
    expect(list.text).not.toContain(token);

    const res = await me(token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: u.username, role: 'technician' });
    const used = await t.http.get('/api/tokens').set(bearer(u.token));
    expect(used.body.items[0].lastUsedAt).not.toBeNull();
  });

  it('stops working once revoked', async () => {
    const created = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'to revoke' });
    const token = created.body.token as string;
    expect((await me(token)).status).toBe(200);
    const del = await t.http.delete(`/api/tokens/${created.body.id}`).set(bearer(t.adminToken));
    expect(del.status).toBe(204);
    expect((await me(token)).status).toBe(401);
    const list = await t.http.get('/api/tokens').set(bearer(t.adminToken));
    expect(list.body.items.map((i: { id: number }) => i.id)).not.toContain(created.body.id);
    expect((await t.http.delete(`/api/tokens/${created.body.id}`).set(bearer(t.adminToken))).status).toBe(404);
  });

  it("lets an admin list and revoke a user's tokens, which a password reset leaves working", async () => {
    // a user signed in without the login endpoint (its rate limit is this file's to spend elsewhere)
    const name = uniqueName('compromised');
    const id = (await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: name, password: `${name}-long-password`, role: 'technician' }).expect(201)).body.id as number;
    const session = (await t.app.get(AuthService).login(name, `${name}-long-password`, '127.0.0.1')).accessToken;
    const created = (await t.http.post('/api/tokens').set(bearer(session)).send({ name: 'made by an intruder' }).expect(201)).body;
    // the admin resets the password: sessions end, the token does not
    await t.http.patch(`/api/users/${id}`).set(bearer(t.adminToken)).send({ password: 'a-brand-new-password' }).expect(200);
    expect((await me(session)).status).toBe(401);
    expect((await me(created.token)).status).toBe(200);
    // before: an admin could neither see nor revoke it, short of deleting the user
    const listed = await t.http.get(`/api/users/${id}/tokens`).set(bearer(t.adminToken)).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: created.id, name: 'made by an intruder', prefix: created.prefix }] });
    expect(listed.text).not.toContain(created.token);
    expect((await t.http.get(`/api/users/${id}/tokens`).set(bearer(created.token))).status).toBe(403);
    await t.http.delete(`/api/users/${id}/tokens/${created.id}`).set(bearer(t.adminToken)).expect(204);
    expect((await me(created.token)).status).toBe(401);
    expect((await t.http.delete(`/api/users/${id}/tokens/${created.id}`).set(bearer(t.adminToken))).status).toBe(404);
    expect((await t.http.get('/api/users/987654/tokens').set(bearer(t.adminToken))).status).toBe(404);
    const audit = await t.http.get('/api/audit?action=token.revoke').set(bearer(t.adminToken));
    expect(audit.body.items.map((a: { objectId: string }) => String(a.objectId))).toContain(String(created.id));
  });

  it("cannot revoke another user's token (404) and leaves it working", async () => {
    const owner = await makeUser('viewer');
    const other = await makeUser('admin');
    const created = await t.http.post('/api/tokens').set(bearer(owner.token)).send({ name: 'mine' });
    const res = await t.http.delete(`/api/tokens/${created.body.id}`).set(bearer(other.token));
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`Token ${created.body.id} does not exist`);
    expect((await me(created.body.token)).status).toBe(200);
    // nor does it appear in someone else's list
    const list = await t.http.get('/api/tokens').set(bearer(other.token));
    expect(list.body.items).toEqual([]);
  });

  it('refuses an expiry in the past with 400 naming expiresAt, and honours a future one', async () => {
    const past = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'old', expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.details).toEqual([{ field: 'expiresAt', messages: [expect.stringMatching(/future/)] }]);
    const notDate = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'bad', expiresAt: 'next tuesday' });
    expect(notDate.status).toBe(400);
    expect(notDate.body.details.map((d: { field: string }) => d.field)).toEqual(['expiresAt']);

    const soon = new Date(Date.now() + 3600_000).toISOString();
    const ok = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'soon', expiresAt: soon });
    expect(ok.status).toBe(201);
    expect(ok.body.expiresAt).toBe(soon);
    expect((await me(ok.body.token)).status).toBe(200);
    // once the expiry passes, the token stops working
    await t.db.query('UPDATE api_tokens SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000), ok.body.id]);
    expect((await me(ok.body.token)).status).toBe(401);
  });

  it('refuses an expiry past year 9999 and a blank name with 400 naming the field', async () => {
    const far = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'far', expiresAt: '+010000-01-01T00:00:00Z' });
    expect(far.status).toBe(400);
    expect(far.body.details).toEqual([{ field: 'expiresAt', messages: ['expiresAt must be a date between 1970-01-01 and 9999-12-31'] }]);
    const blank = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
  });

  it('counts a name\'s characters as the database does: 65 "❤️" (130 characters) are a 400 naming name, not a 500', async () => {
    // class-validator's MaxLength does not count the variation selector U+FE0F after each heart
    const long = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: '❤️'.repeat(65) });
    expect([long.status, long.body.details]).toEqual([400, [{ field: 'name', messages: ['name must be at most 128 characters'] }]]);
    const fits = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: '❤️'.repeat(64) });
    expect([fits.status, fits.body.name]).toEqual([201, '❤️'.repeat(64)]);
  });

  it("stops working when its owner is deleted", async () => {
    const u = await makeUser('viewer');
    const created = await t.http.post('/api/tokens').set(bearer(u.token)).send({ name: 'orphan' });
    expect((await me(created.body.token)).status).toBe(200);
    expect((await t.http.delete(`/api/users/${u.id}`).set(bearer(t.adminToken))).status).toBe(204);
    expect((await me(created.body.token)).status).toBe(401);
    expect((await me(u.token)).status).toBe(401);
  });
});

describe('roles', () => {
  it('lets a viewer read but not manage users', async () => {
    const viewer = await t.tokenFor('viewer');
    expect((await me(viewer)).body.role).toBe('viewer');
    const create = await t.http.post('/api/users').set(bearer(viewer)).send({ username: uniqueName('x'), password: 'long-enough-password', role: 'admin' });
    expect(create.status).toBe(403);
    expect(create.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'This needs the admin role; you are viewer' });
    expect((await t.http.get('/api/users').set(bearer(viewer))).status).toBe(403);
  });

  it("lets a viewer create its own API token, which carries the viewer's role", async () => {
    const viewer = await t.tokenFor('viewer');
    const created = await t.http.post('/api/tokens').set(bearer(viewer)).send({ name: 'my script' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await me(token)).body.role).toBe('viewer');
    expect((await t.http.post('/api/users').set(bearer(token)).send({ username: uniqueName('y'), password: 'long-enough-password', role: 'viewer' })).status).toBe(403);
    expect((await t.http.get('/api/audit').set(bearer(token))).status).toBe(403);
    expect((await t.http.get('/api/tokens').set(bearer(token))).status).toBe(200);
  });

  it('refuses a technician users and the audit log', async () => {
    const tech = await t.tokenFor('technician');
    expect((await t.http.get('/api/users').set(bearer(tech))).status).toBe(403);
    expect((await t.http.post('/api/users').set(bearer(tech)).send({ username: uniqueName('z'), password: 'long-enough-password', role: 'viewer' })).status).toBe(403);
    const audit = await t.http.get('/api/audit').set(bearer(tech));
    expect(audit.status).toBe(403);
    expect(audit.body.message).toBe('This needs the admin role; you are technician');
  });
});

describe('user management', () => {
  it('creates a user (201, no hash in the answer) who can then log in', async () => {
    const name = uniqueName('jdoe');
    const res = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: name, password: 'a-long-password', role: 'technician', displayName: 'J. Doe' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: name, role: 'technician', displayName: 'J. Doe', disabled: false, lastLoginAt: null });
    expect(Number.isInteger(res.body.id)).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
    const login = await t.http.post('/api/auth/login').send({ username: name, password: 'a-long-password' });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('technician');
    const got = await t.http.get(`/api/users/${res.body.id}`).set(bearer(t.adminToken));
    expect(got.body.lastLoginAt).not.toBeNull();
  });

  it('refuses a taken user name with 409', async () => {
    const name = uniqueName('dup');
    await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: name, password: 'a-long-password', role: 'viewer' }).expect(201);
    const again = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: name, password: 'another-password', role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ statusCode: 409, error: 'Conflict', message: `User name "${name}" is taken` });
  });

  it.each([
    [{ password: 'short', role: 'viewer' }, 'password', /password must be longer than or equal to 12 characters/],
    [{ password: 'a-long-password', role: 'root' }, 'role', /role must be one of/],
    [{ password: 'a-long-password', role: 'viewer', username: 'bad name!' }, 'username', /username may hold letters/],
    [{ password: 'a-long-password', role: 'viewer', isAdmin: true }, 'isAdmin', /property isAdmin should not exist/],
  ])('refuses %p with 400 naming %s', async (body, field, message) => {
    const res = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: uniqueName('v'), ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.details).toEqual([{ field, messages: [expect.stringMatching(message)] }]);
    expect(res.body.message).toContain(`${field}:`);
  });

  it('refuses a display name longer than the database keeps, counted as it counts (128 "❤️" are 256 characters), with a 400 naming it', async () => {
    const displayName = '❤️'.repeat(128);
    const created = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: uniqueName('heart'), password: 'a-long-password', role: 'viewer', displayName });
    expect([created.status, created.body.details]).toEqual([400, [{ field: 'displayName', messages: ['displayName must be at most 255 characters'] }]]);
    const u = await makeUser('viewer');
    const patched = await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ displayName });
    expect([patched.status, patched.body.details?.[0]?.field]).toEqual([400, 'displayName']);
    const fits = await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ displayName: '❤️'.repeat(127) });
    expect([fits.status, fits.body.displayName]).toEqual([200, '❤️'.repeat(127)]);
  });

  it('lists several problems at once', async () => {
    const res = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: '', password: 1 });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['password', 'role', 'username']);
  });

  it('changes a role, which ends the old sessions; the new login carries the new role', async () => {
    const u = await makeUser('viewer');
    const patched = await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ role: 'technician' });
    expect(patched.status).toBe(200);
    expect(patched.body.role).toBe('technician');
    expect((await me(u.token)).status).toBe(401);
    const login = await t.http.post('/api/auth/login').send({ username: u.username, password: u.password });
    expect((await me(login.body.accessToken)).body.role).toBe('technician');
  });

  it('changes a password: the old one stops working', async () => {
    const u = await makeUser('viewer');
    await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ password: 'brand-new-password' }).expect(200);
    expect((await t.http.post('/api/auth/login').send({ username: u.username, password: u.password })).status).toBe(401);
    expect((await t.http.post('/api/auth/login').send({ username: u.username, password: 'brand-new-password' })).status).toBe(200);
  });

  it('disabling a user ends their session and tokens and refuses their login', async () => {
    const u = await makeUser('technician');
    const tok = await t.http.post('/api/tokens').set(bearer(u.token)).send({ name: 'cli' });
    const patched = await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ disabled: true });
    expect(patched.status).toBe(200);
    expect(patched.body.disabled).toBe(true);
    expect((await me(u.token)).status).toBe(401);
    expect((await me(tok.body.token)).status).toBe(401);
    const login = await t.http.post('/api/auth/login').send({ username: u.username, password: u.password });
    expect(login.status).toBe(401);
    expect(login.body.message).toBe('Wrong user name or password');
    // enabling again restores the token and allows logging in
    await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send({ disabled: false }).expect(200);
    expect((await me(tok.body.token)).status).toBe(200);
    expect((await t.http.post('/api/auth/login').send({ username: u.username, password: u.password })).status).toBe(200);
  });

  it.each([
    ['disabled', { disabled: true }],
    ['given a new password', { password: 'another-new-password' }],
  ])('a login whose password check overlaps the user being %s gets no session', async (_, change) => {
    const u = await makeUser('technician');
    const repo = t.app.get(UsersRepository);
    const read = repo.findByUsername.bind(repo);
    const spy = jest.spyOn(repo, 'findByUsername').mockImplementationOnce(async (name) => {
      const found = await read(name); // the login has read the user…
      await t.http.patch(`/api/users/${u.id}`).set(bearer(t.adminToken)).send(change).expect(200); // …when an admin changes them
      return found;
    });
    try {
      const login = await t.http.post('/api/auth/login').send({ username: u.username, password: u.password });
      expect(login.status).toBe(401);
      expect(login.body.message).toBe('Wrong user name or password');
    } finally {
      spy.mockRestore();
    }
    const [{ n }] = (await t.db.query('SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?', [u.id])) as Array<{ n: number | string }>;
    expect(Number(n)).toBe(0); // nothing left to come back if the user is enabled again
  });

  it('never loses the last admin: demoting, disabling or deleting it is a 400', async () => {
    const list = await t.http.get('/api/users?limit=500').set(bearer(t.adminToken));
    const admins = list.body.items.filter((u: { role: string; disabled: boolean }) => u.role === 'admin' && !u.disabled);
    // leave only the built-in admin
    for (const a of admins) if (a.username !== 'admin') await t.http.delete(`/api/users/${a.id}`).set(bearer(t.adminToken)).expect(204);
    const adminId = (await me(t.adminToken)).body.id as number;

    const demote = await t.http.patch(`/api/users/${adminId}`).set(bearer(t.adminToken)).send({ role: 'viewer' });
    expect(demote.status).toBe(400);
    expect(demote.body.message).toBe('You cannot demote or disable yourself as the last admin');
    const disable = await t.http.patch(`/api/users/${adminId}`).set(bearer(t.adminToken)).send({ disabled: true });
    expect(disable.status).toBe(400);
    const del = await t.http.delete(`/api/users/${adminId}`).set(bearer(t.adminToken));
    expect(del.status).toBe(400);
    expect(del.body.message).toBe('Teknisi needs at least one active admin');
    expect((await me(t.adminToken)).body.role).toBe('admin');

    // with a second admin, either may be demoted
    const second = await makeUser('admin');
    const demoted = await t.http.patch(`/api/users/${second.id}`).set(bearer(t.adminToken)).send({ role: 'technician' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('technician');
  });

  it('deletes a user with 204; then it is gone (404)', async () => {
    const u = await makeUser('viewer');
    const del = await t.http.delete(`/api/users/${u.id}`).set(bearer(t.adminToken));
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const got = await t.http.get(`/api/users/${u.id}`).set(bearer(t.adminToken));
    expect(got.status).toBe(404);
    expect(got.body).toEqual({ statusCode: 404, error: 'Not Found', message: `User ${u.id} does not exist` });
    expect((await t.http.delete(`/api/users/${u.id}`).set(bearer(t.adminToken))).status).toBe(404);
  });

  it('pages the user list', async () => {
    const page = await t.http.get('/api/users?page=1&limit=2').set(bearer(t.adminToken));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 1, limit: 2 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    const page2 = await t.http.get('/api/users?page=2&limit=2').set(bearer(t.adminToken));
    expect(page2.body.items[0].username > page.body.items[1].username).toBe(true);
  });
});

describe('request validation and errors', () => {
  it.each([
    ['page=0', 'page'],
    ['page=abc', 'page'],
    ['limit=501', 'limit'],
    ['limit=0', 'limit'],
    ['limit=1.5', 'limit'],
    ['bogus=1', 'bogus'],
  ])('refuses ?%s with 400 naming %s', async (query, field) => {
    const res = await t.http.get(`/api/users?${query}`).set(bearer(t.adminToken));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([field]);
  });

  it('refuses a non-numeric id with a 400 naming the parameter, as every list and object route does', async () => {
    for (const path of ['/api/users/abc', '/api/credentials/abc', '/api/devices/abc', '/api/software/abc', '/api/jobs/abc']) {
      const res = await t.http.get(path).set(bearer(t.adminToken));
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'id: must be an integer id', details: [{ field: 'id', messages: ['must be an integer id'] }] } });
    }
  });

  it('answers a malformed JSON body with a 400 JSON error', async () => {
    const res = await t.http.post('/api/users').set(bearer(t.adminToken)).set('Content-Type', 'application/json').send('{"username": "x",');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(typeof res.body.message).toBe('string');
  });

  it('answers a body nested deeper than any request with a 400, to anyone, and stays up', async () => {
    // 30,000 levels in 180 kB: the validation pipe and then the audit write overflowed the stack,
    // and the second overflow, outside any handler, killed the process
    const deep = `{"username":"x","password":"y","a":${'{"a":'.repeat(30_000)}1${'}'.repeat(30_000)}}`;
    for (const [path, auth] of [['/api/auth/login', {}], ['/api/devices', bearer(t.adminToken)]] as const) {
      const res = await t.http.post(path).set(auth).set('Content-Type', 'application/json').send(deep);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'The JSON body nests objects or arrays more than 64 levels deep' } });
    }
    expect((await t.http.get('/api/auth/me').set(bearer(t.adminToken))).status).toBe(200);
  });

  it('answers a body over the limit with a 413 JSON error', async () => {
    const res = await t.http.post('/api/users').set(bearer(t.adminToken)).send({ username: 'big', password: 'x'.repeat(3 * 1024 * 1024), role: 'viewer' });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Request body is too large' });
  });

  it('answers an unknown route with a 404 JSON error', async () => {
    for (const req of [t.http.get('/api/no-such-thing'), t.http.get('/api/no-such-thing').set(bearer(t.adminToken)), t.http.post('/api/users/1/nope')]) {
      const res = await req;
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });

  it('echoes a request id for support', async () => {
    const res = await t.http.get('/api/auth/me').set(bearer(t.adminToken)).set('X-Request-Id', 'ticket-4711');
    expect(res.headers['x-request-id']).toBe('ticket-4711');
    const generated = await t.http.get('/api/auth/me').set(bearer(t.adminToken)).set('X-Request-Id', 'bad id with spaces');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('two admins acting on each other at the same moment', () => {
  let r: TestApp;
  beforeAll(async () => {
    r = await createTestApp();
  });
  afterAll(async () => {
    await r?.close();
  });

  it.each([
    ['demote', { role: 'viewer' }],
    ['disable', { disabled: true }],
    ['delete', null],
  ] as const)('leaves one admin when they %s each other', async (_, change) => {
    // exactly two active admins: the built-in one (signed in afresh: a round may have ended its sessions) and another
    const login = async (username: string, password: string) => (await r.http.post('/api/auth/login').send({ username, password }).expect(200)).body.accessToken as string;
    await r.db.query("UPDATE users SET role = 'viewer' WHERE role = 'admin' AND username <> 'admin'");
    await r.db.query("UPDATE users SET role = 'admin', disabled = 0 WHERE username = 'admin'");
    const builtIn = await login('admin', ADMIN_PASSWORD);
    const adminId = (await r.http.get('/api/auth/me').set(bearer(builtIn))).body.id as number;
    const name = uniqueName('admin');
    const other = (await r.http.post('/api/users').set(bearer(builtIn)).send({ username: name, password: `${name}-long-password`, role: 'admin' }).expect(201)).body.id as number;
    const otherToken = await login(name, `${name}-long-password`);
    const act = (token: string, id: number) => (change ? r.http.patch(`/api/users/${id}`).set(bearer(token)).send(change) : r.http.delete(`/api/users/${id}`).set(bearer(token)));
    const [a, b] = await Promise.all([act(builtIn, other), act(otherToken, adminId)]);
    // before: both saw two admins and both went through, leaving none. Now one goes through and
    // the other is refused: 400 (the last admin), or 401/403 when the first change had already
    // demoted or signed out the one who sent it
    const [ok, refused] = [a.status, b.status].sort();
    expect(ok).toBe(change ? 200 : 204);
    expect([400, 401, 403]).toContain(refused);
    const [{ n }] = await r.db.query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0");
    expect(Number(n)).toBe(1);
  });
});

describe('login rate limit', () => {
  let r: TestApp;
  beforeAll(async () => {
    // the harness's own admin login is the first attempt from this address and for "admin"
    r = await createTestApp({ env: { TEKNISI_LOGIN_LIMIT_PER_USER: '3', TEKNISI_LOGIN_LIMIT_PER_ADDRESS: '7' } });
  });
  afterAll(async () => {
    await r?.close();
  });

  const attempt = (username: string, password = 'wrong-password') => r.http.post('/api/auth/login').send({ username, password });

  it('locks one user name after the limit, even for the right password, but not other names until the address limit', async () => {
    // the harness's admin login succeeded, which forgot admin's earlier attempts (address 1)
    expect((await attempt('admin')).status).toBe(401); // admin 1, address 2
    expect((await attempt('ADMIN')).status).toBe(401); // names count case-insensitively: admin 2, address 3
    expect((await attempt('admin')).status).toBe(401); // admin 3, address 4
    const locked = await attempt('admin', ADMIN_PASSWORD); // admin 4, address 5
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^Too many login attempts for this user name: try again in 1[45] minutes$/) });
    expect(locked.body.accessToken).toBeUndefined();

    // another name from the same address is still judged on its password
    expect((await attempt('bob')).status).toBe(401); // address 6
    expect((await attempt('bob')).status).toBe(401); // address 7: at, not over, its limit
    // the address is now over its limit: a fresh name is refused too, and told why
    const carol = await attempt('carol');
    expect(carol.status).toBe(429);
    expect(carol.body.message).toMatch(/^Too many login attempts from this address: try again in \d+ seconds?$|^Too many login attempts from this address: try again in 1 minute$/);

    // an existing session is unaffected
    expect((await r.http.get('/api/auth/me').set(bearer(r.adminToken))).status).toBe(200);
  });
});

describe('login rate limit across spellings and addresses', () => {
  let r: TestApp;
  beforeAll(async () => {
    // behind a proxy on loopback: X-Forwarded-For says which address an attempt came from
    r = await createTestApp({ env: { TEKNISI_LOGIN_LIMIT_PER_USER: '3', TEKNISI_LOGIN_LIMIT_PER_ADDRESS: '1000', TEKNISI_TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await r?.close();
  });

  const attempt = (from: string, username: string, password = 'wrong-password') =>
    r.http.post('/api/auth/login').set('X-Forwarded-For', from).send({ username, password });

  it('counts every spelling the database takes for the same name in one counter', async () => {
    // each of these signs in as admin (utf8mb4_unicode_ci); before, each had a counter of its own
    expect((await attempt('192.0.2.10', 'ádmin')).status).toBe(401);
    expect((await attempt('192.0.2.10', 'ADMIN  ')).status).toBe(401);
    expect((await attempt('192.0.2.10', 'ａｄｍｉｎ')).status).toBe(401);
    const locked = await attempt('192.0.2.10', 'Admin');
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(/^Too many login attempts for this user name: /);
  });

  it('refuses the spellings the database takes for a name beyond those the counter folds, without checking the password', async () => {
    for (let k = 0; k < 3; k++) expect((await attempt('192.0.2.40', 'admin')).status).toBe(401);
    // characters the database ignores count for the name they hide; before, each spelling had a
    // counter of its own and checked admin's password: the right one signed in
    for (const spelling of ['adm\u200bin', 'admin\u0001', 'adm\0in']) {
      const res = await attempt('192.0.2.40', spelling, ADMIN_PASSWORD);
      expect([spelling, res.status, res.body.accessToken]).toEqual([spelling, 429, undefined]);
    }
    // letters it takes for others ("ß" for "ss", "œ" for "oe") make a name no user can have
    const password = 'boesse-long-password';
    expect((await r.http.post('/api/users').set(bearer(r.adminToken)).send({ username: 'boesse', password, role: 'viewer' })).status).toBe(201);
    for (const spelling of ['bœsse', 'boeße']) {
      const res = await attempt('192.0.2.41', spelling, password);
      expect([spelling, res.status, res.body.message]).toEqual([spelling, 401, 'Wrong user name or password']);
    }
    expect((await attempt('192.0.2.41', 'BOESSE', password)).status).toBe(200);
  });

  it('does not let one address lock a user out of the others', async () => {
    for (let k = 0; k < 3; k++) expect((await attempt('192.0.2.21', 'admin')).status).toBe(401);
    expect((await attempt('192.0.2.21', 'admin', ADMIN_PASSWORD)).status).toBe(429);
    // before: those three wrong passwords locked admin out everywhere, for the right password too
    const elsewhere = await attempt('192.0.2.22', 'admin', ADMIN_PASSWORD);
    expect(elsewhere.status).toBe(200);
  });

  it('refuses a name from every address once ten addresses\' worth of attempts were spent on it', async () => {
    // 3 per address, 30 in all; an IPv6 client counts as its /64
    for (let i = 1; i <= 10; i++) for (let k = 0; k < 3; k++) expect((await attempt(`198.51.100.${i}`, 'bob')).status).toBe(401);
    const refused = await attempt('198.51.100.99', 'bob');
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/^Too many login attempts for this user name: /);
    for (let k = 0; k < 3; k++) expect((await attempt(`2001:db8:7:7::${k + 1}`, 'carol')).status).toBe(401);
    expect((await attempt('2001:db8:7:7::99', 'carol')).status).toBe(429);
  });

  it('keeps the password out of the audit log when a login is refused for its rate, whatever the body', async () => {
    for (let k = 0; k < 5; k++) {
      await r.http.post('/api/auth/login').set('X-Forwarded-For', '192.0.2.30').set('Content-Type', 'text/plain')
        .send(JSON.stringify({ username: 'dave', password: 'S3cret-pass' }));
    }
    const rows: Array<{ summary: unknown }> = await r.db.query("SELECT summary FROM audit_log WHERE action = 'auth.login'");
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain('S3cret-pass');
  });
});

describe('login rate limit and successful logins', () => {
  let r: TestApp;
  beforeAll(async () => {
    r = await createTestApp({ env: { TEKNISI_LOGIN_LIMIT_PER_USER: '3', TEKNISI_LOGIN_LIMIT_PER_ADDRESS: '100' } });
  });
  afterAll(async () => {
    await r?.close();
  });

  it('does not hold a user\'s successful logins against it: signing in forgets the name\'s attempts', async () => {
    const login = (password: string) => r.http.post('/api/auth/login').send({ username: 'admin', password });
    // a technician signing in from several browsers, with the odd typo: never locked out
    for (let round = 0; round < 4; round++) {
      expect((await login('wrong-password')).status).toBe(401);
      expect((await login('wrong-password')).status).toBe(401);
      expect((await login(ADMIN_PASSWORD)).status).toBe(200);
    }
    // guessing is still stopped: the limit counts failures since the last success
    for (let i = 0; i < 3; i++) expect((await login('wrong-password')).status).toBe(401);
    expect((await login(ADMIN_PASSWORD)).status).toBe(429);
  });
});

describe('writes by the session cookie from pages that are not Teknisi\'s', () => {
  // a page on another port of this host or on a sibling subdomain is the same site: SameSite=Strict
  // let its plain HTML form post with the cookie
  let u: Awaited<ReturnType<typeof makeUser>>;
  let cookie: string;
  beforeAll(async () => {
    u = await makeUser('admin');
    cookie = `teknisi_session=${u.token}`;
  });
  const tokenNames = async () => ((await t.http.get('/api/tokens').set(bearer(u.token))).body.items as Array<{ name: string }>).map((i) => i.name);

  it('refuses one that the browser says another page sent (Sec-Fetch-Site), and records who tried what', async () => {
    const logout = await t.http.post('/api/auth/logout').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-site');
    expect([logout.status, logout.body.message]).toEqual([403, expect.stringMatching(/^Refused: a page that is not Teknisi's own sent this write with your session cookie/)]);
    expect((await me(u.token)).status).toBe(200); // still signed in
    const token = await t.http.post('/api/tokens').set('Cookie', cookie).set('Sec-Fetch-Site', 'cross-site').send({ name: 'forged' });
    expect(token.status).toBe(403);
    expect(await tokenNames()).not.toContain('forged');
    const audit = await t.http.get(`/api/audit?username=${u.username}&action=token.create`).set(bearer(t.adminToken));
    expect(audit.body.items).toEqual([expect.objectContaining({ statusCode: 403, objectType: 'token', summary: JSON.stringify({ refused: 'cross-site' }) })]);
  });

  it("takes the web UI's own writes (same-origin), one a user typed (none), and a client that names no page", async () => {
    for (const [site, name] of [['same-origin', 'from-ui'], ['none', 'typed'], [undefined, 'curl']] as const) {
      const req = t.http.post('/api/tokens').set('Cookie', cookie);
      const res = await (site ? req.set('Sec-Fetch-Site', site) : req).send({ name });
      expect([name, res.status]).toEqual([name, 201]);
    }
  });

  it('without Sec-Fetch-Site (an older browser), takes Origin: it must name the host and port the request went to', async () => {
    const send = (origin: string, name: string) => t.http.post('/api/tokens').set('Cookie', cookie).set('Host', 'teknisi.example').set('Origin', origin).send({ name });
    expect((await send('https://teknisi.example', 'same-host')).status).toBe(201);
    expect((await send('https://teknisi.example:443', 'default-port')).status).toBe(201);
    expect((await send('https://teknisi.example:8443', 'other-port')).status).toBe(403);
    expect((await send('https://wiki.teknisi.example', 'sibling')).status).toBe(403);
    expect((await send('null', 'sandboxed')).status).toBe(403);
    expect(await tokenNames()).toEqual(expect.not.arrayContaining(['other-port', 'sibling', 'sandboxed']));
  });

  it('leaves bearer tokens and reads alone', async () => {
    expect((await t.http.post('/api/tokens').set(bearer(u.token)).set('Sec-Fetch-Site', 'cross-site').send({ name: 'script' })).status).toBe(201);
    expect((await t.http.get('/api/auth/me').set('Cookie', cookie).set('Sec-Fetch-Site', 'same-site')).status).toBe(200);
  });

  it('holds for the queue dashboard too', async () => {
    const pause = '/admin/queues/api/queues/maintenance/pause';
    expect((await t.http.put(pause).set('Cookie', cookie).set('Sec-Fetch-Site', 'same-site')).status).toBe(403);
    const queues = await t.http.get('/admin/queues/api/queues').set(bearer(t.adminToken));
    expect(queues.body.queues.find((q: { name: string }) => q.name === 'maintenance').isPaused).toBe(false);
    expect((await t.http.put(pause).set('Cookie', cookie).set('Sec-Fetch-Site', 'same-origin')).status).toBeLessThan(300);
    expect((await t.http.put('/admin/queues/api/queues/maintenance/resume').set(bearer(t.adminToken))).status).toBeLessThan(300);
  });
});

describe('progress streams of users signed out since they opened them', () => {
  let r: TestApp;
  let tabs: Tabs;
  beforeAll(async () => {
    OPEN_RESPONSE_REAUTH.everyMs = 200;
    r = await createTestApp();
    tabs = await tabsOn(r);
  });
  afterAll(async () => {
    OPEN_RESPONSE_REAUTH.everyMs = 30_000;
    await r?.close();
  });

  /** Opens the stream and resolves once its first event came; `ended` resolves when the server ends or cuts it. */
  const follow = (path: string, headers: Record<string, string>) => new Promise<{ req: http.ClientRequest; ended: Promise<void> }>((resolve, reject) => {
    const req = tabs.open(path, headers);
    req.on('response', (res) => {
      if (res.statusCode !== 200) return reject(new Error(`${path}: ${res.statusCode}`));
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.on('error', () => undefined);
      res.once('data', () => resolve({ req, ended }));
    });
  });
  /** Whether `ended` settles within ms. */
  const endsWithin = (ended: Promise<void>, ms: number) => new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void ended.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });

  it('end once the session logs out, the user is disabled or deleted, or the token is revoked; the others go on', async () => {
    const device = await makeDevice(r.db, { hostname: 'stream-auth-01' });
    // a recurring job: its stream never ends by itself
    const id = await postJob(r, { name: 'nightly noop', kind: 'noop', target: { deviceIds: [device] }, schedule: { cron: '0 3 * * *', timezone: 'UTC' } });
    const path = `/api/jobs/${id}/events`;
    const users = await Promise.all(['leaver', 'disabled', 'deleted', 'revoker'].map(async (name) => {
      const token = await r.tokenFor('viewer', `stream-${name}`);
      const { id: userId } = (await r.http.get('/api/auth/me').set(bearer(token))).body;
      return { token, userId: userId as number };
    }));
    const [leaver, disabled, deleted, revoker] = users;
    const apiToken = await r.http.post('/api/tokens').set(bearer(revoker.token)).send({ name: 'stream' });
    const streams = {
      leaver: await follow(path, bearer(leaver.token)),
      disabled: await follow(path, { Cookie: `teknisi_session=${disabled.token}` }),
      deleted: await follow(path, bearer(deleted.token)),
      revoked: await follow(path, bearer(apiToken.body.token)),
      admin: await follow(path, bearer(r.adminToken)),
    };
    expect((await r.http.post('/api/auth/logout').set(bearer(leaver.token))).status).toBe(204);
    expect((await r.http.patch(`/api/users/${disabled.userId}`).set(bearer(r.adminToken)).send({ disabled: true })).status).toBe(200);
    expect((await r.http.delete(`/api/users/${deleted.userId}`).set(bearer(r.adminToken))).status).toBe(204);
    expect((await r.http.delete(`/api/tokens/${apiToken.body.id}`).set(bearer(revoker.token))).status).toBe(204);
    // before, each went on for good (a generous bound: a check every 200 ms here)
    const ended = await Promise.all([streams.leaver, streams.disabled, streams.deleted, streams.revoked].map((s) => endsWithin(s.ended, 10_000)));
    expect(ended).toEqual([true, true, true, true]);
    expect(await endsWithin(streams.admin.ended, 1000)).toBe(false); // five checks later, the admin's goes on
    await tabs.leave(streams.admin.req);
  });
});
