// GET /api/tags: the tags in use and how many devices carry each, most used first, by prefix,
// for the UI's tag inputs (bulk tags, the grid's filter) to suggest what the team already uses.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

describe('tags in use (GET /api/tags)', () => {
  let t: TestApp;
  let viewer: Record<string, string>;

  const tags = async (query = '') => {
    const res = await t.http.get(`/api/tags${query}`).set(viewer);
    expect(res.status).toBe(200);
    return res.body.items as Array<{ tag: string; devices: number }>;
  };

  beforeAll(async () => {
    t = await createTestApp();
    viewer = bearer(await t.tokenFor('viewer'));
    await makeDevice(t.db, { hostname: 'a', tags: ['floor-2', 'finance', 'lab'] });
    await makeDevice(t.db, { hostname: 'b', tags: ['floor-2', 'finance'] });
    await makeDevice(t.db, { hostname: 'c', tags: ['floor-2', 'Floor_3'] });
    await makeDevice(t.db, { hostname: 'd', tags: ['100%_done'], status: 'retired' });
  });

  afterAll(() => t?.close());

  it('lists every tag with its device count, the most used first, then by name', async () => {
    expect(await tags()).toEqual([
      { tag: 'floor-2', devices: 3 }, { tag: 'finance', devices: 2 }, { tag: '100%_done', devices: 1 }, { tag: 'Floor_3', devices: 1 }, { tag: 'lab', devices: 1 },
    ]);
  });

  it('narrows to the tags beginning with q, in any case, wildcards taken literally', async () => {
    expect((await tags('?q=fl')).map((r) => r.tag)).toEqual(['floor-2', 'Floor_3']);
    expect((await tags('?q=FLOOR_')).map((r) => r.tag)).toEqual(['Floor_3']);
    expect((await tags('?q=100%25')).map((r) => r.tag)).toEqual(['100%_done']);
    expect((await tags('?q=_')).map((r) => r.tag)).toEqual([]);
    expect(await tags('?q=zzz')).toEqual([]);
  });

  it('follows a bulk tag change', async () => {
    const res = await t.http.patch('/api/devices').set(bearer(t.adminToken)).send({ filter: { tag: 'finance' }, addTags: ['audited'], removeTags: ['finance'] });
    expect(res.status).toBe(200);
    expect((await tags('?q=a')).concat(await tags('?q=f'))).toEqual([{ tag: 'audited', devices: 2 }, { tag: 'floor-2', devices: 3 }, { tag: 'Floor_3', devices: 1 }]);
  });

  it('stops at limit', async () => {
    expect(await tags('?limit=1')).toEqual([{ tag: 'floor-2', devices: 3 }]);
  });

  it.each([['limit=0', 'limit'], ['limit=500', 'limit'], ['limit=x', 'limit'], [`q=${'x'.repeat(65)}`, 'q']])('answers 400 naming the field for %s', async (query, field) => {
    const res = await t.http.get(`/api/tags?${query}`).set(viewer);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('needs a sign-in', async () => {
    expect((await t.http.get('/api/tags')).status).toBe(401);
  });
});
