// Text limits counted as MariaDB counts them, against the real database (strict mode): "❤️" is
// two characters to a VARCHAR (U+2764 and the variation selector U+FE0F) but one to
// class-validator's MaxLength, so 128 of them in a VARCHAR(255) passed validation and the
// database refused them with "Data too long", a 500 (and a CSV row it "could not store", again
// and again). Each is now a 400 naming the field, and the longest value that fits is stored.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

const hearts = (n: number) => '❤️'.repeat(n);

describe('text limits counted as the database counts them', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let tech: Record<string, string>;
  let deviceId: number;

  beforeAll(async () => {
    t = await createTestApp();
    admin = bearer(t.adminToken);
    tech = bearer(await t.tokenFor('technician'));
    deviceId = await makeDevice(t.db, { hostname: 'limits-ws' });
  });

  afterAll(() => t?.close());

  const fields = (res: { body: { details?: Array<{ field: string }> } }) => res.body.details?.map((d) => d.field);

  it('a device location of 128 "❤️" (256 characters) is a 400 naming location; 127 are stored', async () => {
    const long = await t.http.patch(`/api/devices/${deviceId}`).set(tech).send({ location: hearts(128) });
    expect([long.status, long.body.details]).toEqual([400, [{ field: 'location', messages: ['location must be at most 255 characters'] }]]);
    const fits = await t.http.patch(`/api/devices/${deviceId}`).set(tech).send({ location: hearts(127) });
    expect([fits.status, fits.body.location]).toEqual([200, hearts(127)]);
  });

  it('a new device\'s hostname, model and interface name alike', async () => {
    const res = await t.http.post('/api/devices').set(tech).send({ hostname: hearts(128), model: hearts(128), addresses: [{ ip: '192.0.2.10', interfaceName: hearts(128) }] });
    expect([res.status, fields(res)?.sort()]).toEqual([400, ['addresses.0.interfaceName', 'hostname', 'model']]);
  });

  it('notes: 10,000 characters at most, which a TEXT column keeps at 4 bytes each; variation selectors count', async () => {
    // 10,000 to MaxLength, 20,000 to the database: 70,000 bytes, over TEXT's 65,535
    const res = await t.http.patch(`/api/devices/${deviceId}`).set(tech).send({ notes: '😀\uFE0F'.repeat(10_000) });
    expect([res.status, res.body.details]).toEqual([400, [{ field: 'notes', messages: ['notes must be at most 10000 characters'] }]]);
    const widest = '😀'.repeat(10_000); // 4 bytes each
    const fits = await t.http.patch(`/api/devices/${deviceId}`).set(tech).send({ notes: widest });
    expect([fits.status, fits.body.notes === widest]).toEqual([200, true]);
  });

  it('a CSV row with such a location fails naming location (not "could not store this row"); the other rows land', async () => {
    const csv = ['hostname,location', `hearts-a,${hearts(128)}`, `hearts-b,${hearts(127)}`].join('\n');
    const res = await t.http.post('/api/devices/import').set(tech).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, failed: 1 });
    expect(res.body.rows[0]).toEqual({ line: 2, status: 'failed', errors: [{ field: 'location', messages: ['location must be at most 255 characters'] }] });
    expect(res.body.rows[1]).toMatchObject({ line: 3, status: 'created' });
  });

  it('a saved filter name of 51 "❤️" is a 400 naming name; 50 are saved', async () => {
    const long = await t.http.post('/api/saved-filters').set(tech).send({ name: hearts(51), page: 'devices', query: 'tag=lab' });
    expect([long.status, fields(long)]).toEqual([400, ['name']]);
    const fits = await t.http.post('/api/saved-filters').set(tech).send({ name: hearts(50), page: 'devices', query: 'tag=lab' });
    expect([fits.status, fits.body.name]).toEqual([201, hearts(50)]);
    const query = await t.http.patch(`/api/saved-filters/${fits.body.id}`).set(tech).send({ query: `location=${hearts(996)}` });
    expect([query.status, fields(query)]).toEqual([400, ['query']]);
  });

  it('a credential name and username, and a job name, alike', async () => {
    const cred = await t.http.post('/api/credentials').set(admin).send({ name: hearts(65), kind: 'ssh', username: hearts(128), password: 'a-password' });
    expect([cred.status, fields(cred)?.sort()]).toEqual([400, ['name', 'username']]);
    const credFits = await t.http.post('/api/credentials').set(admin).send({ name: hearts(64), kind: 'ssh', username: hearts(127), password: 'a-password' });
    expect([credFits.status, credFits.body.name]).toEqual([201, hearts(64)]);

    const job = await t.http.post('/api/jobs').set(admin).send({ name: hearts(65), kind: 'noop', target: { tags: ['limits'] } });
    expect([job.status, job.body.details]).toEqual([400, [{ field: 'name', messages: ['name must be at most 128 characters'] }]]);
    const jobFits = await t.http.post('/api/jobs').set(admin).send({ name: hearts(64), kind: 'noop', target: { tags: ['limits'] } });
    expect(jobFits.status).toBe(201);
    expect((await t.http.get(`/api/jobs/${jobFits.body.id}`).set(admin)).body.name).toBe(hearts(64));
  });
});
