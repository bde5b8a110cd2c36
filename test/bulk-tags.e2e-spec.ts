// PATCH /api/devices against the real MariaDB: tags added and removed on the listed devices or
// on everything a filter matches, a history row per change as a single edit writes, the audit
// line, roles, and a 400 naming the field for each kind of bad body.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

describe('bulk tagging (PATCH /api/devices)', () => {
  let t: TestApp;
  let tech: Record<string, string>;
  let viewer: Record<string, string>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp();
    tech = bearer(await t.tokenFor('technician', 'tess'));
    viewer = bearer(await t.tokenFor('viewer'));
    ids.ws1 = await makeDevice(t.db, { hostname: 'bulk-ws-1', type: 'workstation', osFamily: 'windows', tags: ['finance'] });
    ids.ws2 = await makeDevice(t.db, { hostname: 'bulk-ws-2', type: 'workstation', osFamily: 'windows', tags: [] });
    ids.srv = await makeDevice(t.db, { hostname: 'bulk-srv-1', type: 'server', osFamily: 'linux', tags: ['dc-1'] });
    ids.lap = await makeDevice(t.db, { hostname: 'bulk-lap-1', type: 'laptop', osFamily: 'windows', tags: ['finance', 'lab'] });
    ids.retired = await makeDevice(t.db, { hostname: 'bulk-old', type: 'workstation', osFamily: 'windows', status: 'retired' });
  });

  afterAll(() => t?.close());

  const patch = (body: object, headers = tech) => t.http.patch('/api/devices').set(headers).send(body);
  const tagsOf = async (id: number): Promise<string[]> => {
    const res = await t.http.get(`/api/devices/${id}`).set(viewer);
    expect(res.status).toBe(200);
    return res.body.tags;
  };
  const tagHistory = async (id: number) => {
    const res = await t.http.get(`/api/devices/${id}/history?kind=field&q=tag`).set(viewer);
    return (res.body.items as Array<{ action: string; subject: string; actor: string; before?: string; after?: string }>)
      .map(({ action, subject, actor, before, after }) => ({ action, subject, actor, before, after }));
  };

  it('adds and removes tags on the listed devices, writing history and touching only those that change', async () => {
    const res = await patch({ ids: [ids.ws1, ids.ws2, ids.lap], addTags: ['floor-2', 'finance'], removeTags: ['lab'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ matched: 3, updated: 3 });
    expect(await tagsOf(ids.ws1)).toEqual(['finance', 'floor-2']);
    expect(await tagsOf(ids.ws2)).toEqual(['finance', 'floor-2']);
    expect(await tagsOf(ids.lap)).toEqual(['finance', 'floor-2']);
    expect(await tagsOf(ids.srv)).toEqual(['dc-1']);
    expect(await tagHistory(ids.lap)).toEqual(expect.arrayContaining([
      { action: 'added', subject: 'tag floor-2', actor: 'tess', after: 'floor-2' },
      { action: 'removed', subject: 'tag lab', actor: 'tess', before: 'lab' },
    ]));
    // finance was already on ws1: no row for it
    expect((await tagHistory(ids.ws1)).map((h) => h.subject)).toEqual(['tag floor-2']);

    const again = await patch({ ids: [ids.ws1, ids.ws2, ids.lap], addTags: ['floor-2'] });
    expect(again.body).toEqual({ matched: 3, updated: 0 });
    expect((await tagHistory(ids.ws1)).map((h) => h.subject)).toEqual(['tag floor-2']);
  });

  it('counts only devices that exist, tags retired ones named by id, and compares tags as the database does (case)', async () => {
    const res = await patch({ ids: [ids.retired, 99_999_999], addTags: ['archive', 'FINANCE'] });
    expect(res.body).toEqual({ matched: 1, updated: 1 });
    expect(await tagsOf(ids.retired)).toEqual(['archive', 'FINANCE']);
    const removed = await patch({ ids: [ids.retired], removeTags: ['finance'] });
    expect(removed.body).toEqual({ matched: 1, updated: 1 });
    expect(await tagsOf(ids.retired)).toEqual(['archive']);
  });

  it('tags every device a filter matches (the device list\'s query fields; retired ones left out as the list does)', async () => {
    const res = await patch({ filter: { osFamily: 'windows', type: 'workstation' }, addTags: ['win-ws'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ matched: 2, updated: 2 });
    const list = await t.http.get('/api/devices?tag=win-ws&status=all').set(viewer);
    expect(list.body.items.map((d: { hostname: string }) => d.hostname).sort()).toEqual(['bulk-ws-1', 'bulk-ws-2']);

    const byTag = await patch({ filter: { tag: 'finance' }, removeTags: ['finance'], addTags: ['was-finance'] });
    expect(byTag.body).toEqual({ matched: 3, updated: 3 });
    for (const id of [ids.ws1, ids.ws2, ids.lap]) expect(await tagsOf(id)).toContain('was-finance');
    expect((await t.http.get('/api/devices?tag=finance').set(viewer)).body.total).toBe(0);

    const search = await patch({ filter: { q: 'bulk-srv', lastSeenAfter: new Date(Date.now() - 3_600_000).toISOString() }, addTags: ['found'] });
    expect(search.body).toEqual({ matched: 1, updated: 1 });
    expect(await tagsOf(ids.srv)).toEqual(['dc-1', 'found']);
  });

  it('works through more devices than one batch holds', async () => {
    const values = Array.from({ length: 2500 }, (_, i) => `('many-${i}', 'printer', 'other', 'active', NOW(3), NOW(3), NOW(3), NOW(3))`).join(', ');
    await t.db.query(`INSERT INTO devices (hostname, type, platform, status, first_seen, last_seen, created_at, updated_at) VALUES ${values}`);
    const res = await patch({ filter: { type: 'printer' }, addTags: ['printers'] });
    expect(res.body).toEqual({ matched: 2500, updated: 2500 });
    const [{ tags }] = await t.db.query(`SELECT COUNT(*) AS tags FROM device_tags WHERE tag = 'printers'`);
    const [{ history }] = await t.db.query(`SELECT COUNT(*) AS history FROM inventory_history WHERE subject = 'tag printers' AND actor = 'tess'`);
    expect([Number(tags), Number(history)]).toEqual([2500, 2500]);
  });

  it('is audited like other device edits', async () => {
    await patch({ ids: [ids.srv], addTags: ['audited'] });
    const res = await t.http.get('/api/audit?action=device.bulk-tag').set(bearer(t.adminToken));
    const entry = res.body.items[0];
    expect(entry).toMatchObject({ username: 'tess', objectType: 'device', statusCode: 200 });
    expect(JSON.parse(entry.summary)).toEqual({ ids: 1, addTags: ['audited'], matched: 1, updated: 1 });
  });

  it('refuses viewers', async () => {
    const res = await patch({ ids: [ids.srv], addTags: ['nope'] }, viewer);
    expect(res.status).toBe(403);
    expect(await tagsOf(ids.srv)).not.toContain('nope');
  });

  it.each([
    ['neither ids nor filter', { addTags: ['x'] }, 'ids'],
    ['both ids and filter', { ids: [1], filter: {}, addTags: ['x'] }, 'filter'],
    ['no tag to add or remove', { ids: [1] }, 'addTags'],
    ['empty tag lists', { ids: [1], addTags: [], removeTags: [] }, 'addTags'],
    ['the same tag added and removed', { ids: [1], addTags: ['a'], removeTags: ['A'] }, 'removeTags'],
    ['an invalid tag', { ids: [1], addTags: ['-starts-with-dash'] }, 'addTags'],
    ['a tag that is not a string', { ids: [1], removeTags: [42] }, 'removeTags'],
    ['an empty id list', { ids: [], addTags: ['x'] }, 'ids'],
    ['an id that is not an integer', { ids: ['7'], addTags: ['x'] }, 'ids'],
    ['a filter field of the wrong kind', { filter: { type: 'toaster' }, addTags: ['x'] }, 'filter.type'],
    ['a filter date that is not one', { filter: { lastSeenBefore: 'yesterday' }, addTags: ['x'] }, 'filter.lastSeenBefore'],
    ['a filter date past year 9999', { filter: { lastSeenAfter: '+010000-01-01T00:00:00Z' }, addTags: ['x'] }, 'filter.lastSeenAfter'],
    ['a list field in the filter', { filter: { sort: 'hostname' }, addTags: ['x'] }, 'filter.sort'],
    ['an unknown field', { ids: [1], addTags: ['x'], retag: true }, 'retag'],
  ])('answers 400 naming the field for %s', async (_what, body, field) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});
