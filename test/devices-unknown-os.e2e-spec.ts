// osFamily=unknown on the device filters: the devices whose OS family nobody could tell (NULL or
// empty), what the dashboard's "Unknown" OS bar opens; the same in the CSV export, the bulk tag
// filter and beside other filters, and in step with GET /api/stats.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

describe('devices whose OS family is not known (osFamily=unknown)', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  const ids: Record<string, number> = {};

  const names = async (query: string) => {
    const res = await t.http.get(`/api/devices?${query}`).set(viewer);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ hostname: string }>).map((d) => d.hostname);
  };

  beforeAll(async () => {
    t = await createTestApp();
    viewer = bearer(await t.tokenFor('viewer'));
    ids.nothing = await makeDevice(t.db, { hostname: 'mystery-1', type: 'other', platform: 'other' });
    ids.printer = await makeDevice(t.db, { hostname: 'mystery-2', type: 'printer', platform: 'printer', tags: ['floor-3'] });
    ids.empty = await makeDevice(t.db, { hostname: 'mystery-3', osFamily: '' });
    ids.linux = await makeDevice(t.db, { hostname: 'known-linux', osFamily: 'linux' });
    ids.retired = await makeDevice(t.db, { hostname: 'mystery-old', status: 'retired' });
  });

  afterAll(() => t?.close());

  it('lists the devices with no OS family, retired ones only when asked', async () => {
    expect(await names('osFamily=unknown&sort=hostname')).toEqual(['mystery-1', 'mystery-2', 'mystery-3']);
    expect(await names('osFamily=unknown&status=all&sort=hostname')).toEqual(['mystery-1', 'mystery-2', 'mystery-3', 'mystery-old']);
    expect(await names('osFamily=linux')).toEqual(['known-linux']);
  });

  it('combines with the other filters and the search', async () => {
    expect(await names('osFamily=unknown&type=printer')).toEqual(['mystery-2']);
    expect(await names('osFamily=unknown&tag=floor-3')).toEqual(['mystery-2']);
    expect(await names('osFamily=unknown&q=mystery-3')).toEqual(['mystery-3']);
    expect(await names('osFamily=unknown&q=known')).toEqual([]);
  });

  it('counts as many devices as the dashboard shows under Unknown', async () => {
    const stats = (await t.http.get('/api/stats').set(viewer).expect(200)).body;
    const unknown = (stats.devices.byOsFamily as Array<{ key: string | null; count: number }>).filter((r) => r.key === null || r.key === '');
    const total = (await t.http.get('/api/devices?osFamily=unknown').set(viewer)).body.total;
    expect(total).toBe(3);
    expect(unknown.reduce((a, r) => a + r.count, 0)).toBe(total);
  });

  it('exports the same rows as CSV', async () => {
    const res = await t.http.get('/api/devices.csv?osFamily=unknown&sort=hostname').set(viewer);
    expect(res.status).toBe(200);
    const lines = res.text.trim().split(/\r?\n/).slice(1);
    expect(lines.map((l) => l.split(',')[1])).toEqual(['mystery-1', 'mystery-2', 'mystery-3']);
  });

  it('tags exactly those devices through a filter', async () => {
    const res = await t.http.patch('/api/devices').set(bearer(t.adminToken)).send({ filter: { osFamily: 'unknown' }, addTags: ['to-identify'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ matched: 3 });
    expect(await names('tag=to-identify&status=all&sort=hostname')).toEqual(['mystery-1', 'mystery-2', 'mystery-3']);
  });
});
