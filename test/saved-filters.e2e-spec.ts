// Saved filters against the real MariaDB: every role owns its own, shared ones are listed for
// everyone, someone else's private filter is a 404 and someone else's shared one a 403 to
// change (admins may change any), names are unique per owner and page, bad bodies are 400s.
import { bearer, createTestApp, TestApp } from './support/app';

describe('saved filters (/api/saved-filters)', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    alice = bearer(await t.tokenFor('viewer', 'alice'));
    bob = bearer(await t.tokenFor('technician', 'bob'));
  });

  afterAll(() => t?.close());

  const create = async (who: Record<string, string>, body: object) => {
    const res = await t.http.post('/api/saved-filters').set(who).send(body);
    expect(res.status).toBe(201);
    return res.body as { id: number; name: string; shared: boolean; owner: string; mine: boolean; query: string };
  };
  const names = async (who: Record<string, string>, query = '') => {
    const res = await t.http.get(`/api/saved-filters${query}`).set(who);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ name: string }>).map((f) => f.name);
  };

  let alicePrivate: number;
  let aliceShared: number;
  let bobPrivate: number;

  it('lets a viewer save a filter and answers with it', async () => {
    const f = await create(alice, { name: '  Old Windows laptops ', page: 'devices', query: '?osFamily=windows&type=laptop&sort=-lastSeen' });
    expect(f).toMatchObject({ name: 'Old Windows laptops', page: 'devices', query: 'osFamily=windows&type=laptop&sort=-lastSeen', shared: false, owner: 'alice', mine: true });
    alicePrivate = f.id;
    aliceShared = (await create(alice, { name: 'Failed jobs', page: 'jobs', query: 'state=active', shared: true })).id;
    bobPrivate = (await create(bob, { name: 'Bob devices', page: 'devices', query: 'tag=bob' })).id;
  });

  it("lists the caller's own filters and everyone's shared ones, by name, and filters by page", async () => {
    expect(await names(alice)).toEqual(['Failed jobs', 'Old Windows laptops']);
    expect(await names(bob)).toEqual(['Bob devices', 'Failed jobs']);
    expect(await names(admin)).toEqual(['Failed jobs']);
    expect(await names(bob, '?for=devices')).toEqual(['Bob devices']);
    const page = await t.http.get('/api/saved-filters?limit=1&page=2').set(bob);
    expect(page.body).toMatchObject({ total: 2, page: 2, limit: 1, items: [{ name: 'Failed jobs', owner: 'alice', mine: false, shared: true }] });
  });

  it("hides someone else's private filter (404) and shows a shared one", async () => {
    expect((await t.http.get(`/api/saved-filters/${alicePrivate}`).set(bob)).status).toBe(404);
    expect((await t.http.patch(`/api/saved-filters/${alicePrivate}`).set(bob).send({ name: 'mine now' })).status).toBe(404);
    expect((await t.http.delete(`/api/saved-filters/${alicePrivate}`).set(bob)).status).toBe(404);
    const shared = await t.http.get(`/api/saved-filters/${aliceShared}`).set(bob);
    expect(shared.status).toBe(200);
    expect(shared.body).toMatchObject({ name: 'Failed jobs', mine: false });
  });

  it('lets only the owner change or delete a shared filter (403 for others)', async () => {
    const edit = await t.http.patch(`/api/saved-filters/${aliceShared}`).set(bob).send({ query: 'state=cancelled' });
    expect(edit.status).toBe(403);
    expect((await t.http.delete(`/api/saved-filters/${aliceShared}`).set(bob)).status).toBe(403);
    const own = await t.http.patch(`/api/saved-filters/${aliceShared}`).set(alice).send({ query: 'state=cancelled', name: 'Cancelled jobs' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ name: 'Cancelled jobs', query: 'state=cancelled', page: 'jobs', shared: true });
  });

  it('lets the owner unshare and delete; the filter leaves the others\' lists', async () => {
    await t.http.patch(`/api/saved-filters/${aliceShared}`).set(alice).send({ shared: false }).expect(200);
    expect(await names(bob)).toEqual(['Bob devices']);
    await t.http.delete(`/api/saved-filters/${aliceShared}`).set(alice).expect(204);
    expect(await names(alice)).toEqual(['Old Windows laptops']);
  });

  it("lets an admin change and delete anyone's filter, private ones too", async () => {
    const edit = await t.http.patch(`/api/saved-filters/${bobPrivate}`).set(admin).send({ shared: true });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ owner: 'bob', mine: false, shared: true });
    expect(await names(alice)).toContain('Bob devices');
    await t.http.delete(`/api/saved-filters/${alicePrivate}`).set(admin).expect(204);
    expect(await names(alice)).toEqual(['Bob devices']);
  });

  it('keeps names unique per owner and page (409), not across owners or pages', async () => {
    await create(alice, { name: 'Mine', page: 'software', query: 'q=firefox' });
    const dup = await t.http.post('/api/saved-filters').set(alice).send({ name: 'mine', page: 'software', query: 'q=chrome' });
    expect(dup.status).toBe(409);
    await create(alice, { name: 'Mine', page: 'configs', query: '' });
    await create(bob, { name: 'Mine', page: 'software', query: 'q=7-zip' });
  });

  it('audits each write', async () => {
    const res = await t.http.get('/api/audit?objectType=saved-filter').set(admin);
    expect(res.body.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['saved-filter.create', 'saved-filter.update', 'saved-filter.delete']));
  });

  it.each([
    ['no name', { page: 'devices', query: '' }, 'name'],
    ['a blank name', { name: '   ', page: 'devices', query: '' }, 'name'],
    ['an unknown page', { name: 'x', page: 'printers', query: '' }, 'page'],
    ['a query over 2000 characters', { name: 'x', page: 'devices', query: `q=${'a'.repeat(2000)}` }, 'query'],
    ['a query on two lines', { name: 'x', page: 'devices', query: 'q=a\nb' }, 'query'],
    ['shared that is not a boolean', { name: 'x', page: 'devices', query: '', shared: 'yes' }, 'shared'],
    ['an unknown field', { name: 'x', page: 'devices', query: '', userId: 1 }, 'userId'],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    const res = await t.http.post('/api/saved-filters').set(alice).send(body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('answers 400 for a bad list parameter or id', async () => {
    expect((await t.http.get('/api/saved-filters?for=printers').set(alice)).body.details[0].field).toBe('for');
    expect((await t.http.patch('/api/saved-filters/abc').set(alice).send({})).body.details[0].field).toBe('id');
  });
});
