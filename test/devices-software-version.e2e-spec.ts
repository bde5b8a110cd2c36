// The device list narrowed to one software title at one version (a title's page, version picked,
// "Show in device list"), against the real MariaDB: the list, its CSV and a bulk edit of "all
// matching" reach the devices with that version only, and '' those with the title but no version.
import { bearer, createTestApp, TestApp } from './support/app';
import { installSoftware, makeDevice } from './support/factories';

describe('devices with a software title at a version (softwareId & softwareVersion)', () => {
  let t: TestApp;
  let viewer: Record<string, string>;
  let tech: Record<string, string>;
  let firefox: number;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = bearer(await t.tokenFor('viewer'));
    tech = bearer(await t.tokenFor('technician'));
    const old = await makeDevice(t.db, { hostname: 'ff-old' });
    const current = await makeDevice(t.db, { hostname: 'ff-current' });
    const both = await makeDevice(t.db, { hostname: 'ff-both' });
    const none = await makeDevice(t.db, { hostname: 'ff-none' });
    await makeDevice(t.db, { hostname: 'no-firefox', software: [{ name: 'Thunderbird', version: '99.0' }] });
    firefox = await installSoftware(t.db, old, 'Mozilla Firefox', '99.0', 'Mozilla');
    await installSoftware(t.db, current, 'Mozilla Firefox', '128.0', 'Mozilla');
    await installSoftware(t.db, both, 'Mozilla Firefox', '128.0', 'Mozilla');
    await installSoftware(t.db, both, 'Mozilla Firefox', '99.0', 'Mozilla');
    await installSoftware(t.db, none, 'Mozilla Firefox', '', 'Mozilla');
  });

  afterAll(() => t?.close());

  const hostnames = async (query: string) => {
    const res = await t.http.get(`/api/devices?${query}`).set(viewer);
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ hostname: string }>).map((d) => d.hostname).sort();
  };

  it('lists the devices with the title at that version only; an empty version is the title installed without one', async () => {
    expect(await hostnames(`softwareId=${firefox}`)).toEqual(['ff-both', 'ff-current', 'ff-none', 'ff-old']);
    expect(await hostnames(`softwareId=${firefox}&softwareVersion=99.0`)).toEqual(['ff-both', 'ff-old']);
    expect(await hostnames(`softwareId=${firefox}&softwareVersion=`)).toEqual(['ff-none']);
    expect(await hostnames(`softwareId=${firefox}&softwareVersion=98.0`)).toEqual([]);
    // the title's page lists the same devices for the same version
    const page = await t.http.get(`/api/software/${firefox}/devices?version=`).set(viewer);
    expect(page.body.items.map((d: { hostname: string }) => d.hostname)).toEqual(['ff-none']);
  });

  it('refuses a version without its title, naming softwareVersion (it would have matched every device)', async () => {
    const res = await t.http.get('/api/devices?softwareVersion=99.0').set(viewer);
    expect([res.status, res.body.details]).toEqual([400, [{ field: 'softwareVersion', messages: ['softwareVersion needs softwareId (the title whose version it is)'] }]]);
  });

  it('exports the same rows as CSV', async () => {
    const csv = await t.http.get(`/api/devices.csv?softwareId=${firefox}&softwareVersion=99.0&sort=hostname`).set(viewer);
    expect(csv.text.trim().split('\n').slice(1).map((line) => line.split(',')[1])).toEqual(['ff-both', 'ff-old']);
  });

  it('"all matching" tags exactly those devices, not every device with the title', async () => {
    const res = await t.http.patch('/api/devices').set(tech).send({ filter: { softwareId: firefox, softwareVersion: '99.0' }, addTags: ['needs-upgrade'] });
    expect([res.status, res.body]).toEqual([200, { matched: 2, updated: 2 }]);
    expect(await hostnames('tag=needs-upgrade')).toEqual(['ff-both', 'ff-old']);
    const none = await t.http.patch('/api/devices').set(tech).send({ filter: { softwareId: firefox, softwareVersion: '' }, addTags: ['no-version'] });
    expect([none.status, none.body]).toEqual([200, { matched: 1, updated: 1 }]);
    expect(await hostnames('tag=no-version')).toEqual(['ff-none']);
  });
});
