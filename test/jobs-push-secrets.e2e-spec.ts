// A config.push job's lines may set secrets (an SNMP community, an enable secret). Its runs use
// them as given; the API shows them masked, in the job's view and in its audit entry, as the
// push's log already did; and "<masked>" is never taken back as a line to push.
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

afterAll(async () => {
  await t?.close();
});

it('shows a push job\'s secrets masked to everyone, keeps them for its runs, and never takes "<masked>" back as a line', async () => {
  const admin = bearer(t.adminToken);
  const viewer = bearer(await t.tokenFor('viewer'));
  const rtr = await makeDevice(t.db, { hostname: 'push-secret-rtr', platform: 'cisco-ios' });
  const lines = ['snmp-server community S3cretComm RO', 'enable secret 0 TopSecret1', 'interface Loopback9', ' description NOC'];
  const runAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const id = (await t.http.post('/api/jobs').set(admin).send({ kind: 'config.push', params: { lines }, target: { deviceIds: [rtr] }, schedule: { runAt } }).expect(201)).body.id;

  // before: every viewer read the community and the enable secret in the job's params
  const shown = (await t.http.get(`/api/jobs/${id}`).set(viewer).expect(200)).body.params.lines;
  expect(shown).toEqual(['snmp-server community <masked> RO', 'enable secret 0 <masked>', 'interface Loopback9', ' description NOC']);
  const listed = (await t.http.get('/api/jobs?kind=config.push').set(viewer).expect(200)).body.items[0].params.lines;
  expect(listed).toEqual(shown);
  const audit = await t.http.get('/api/audit?action=job.create').set(admin).expect(200);
  expect(audit.text).not.toMatch(/S3cretComm|TopSecret1/);
  // the runs use what was given
  const [{ params }] = await t.db.query('SELECT params FROM jobs WHERE id = ?', [id]);
  expect((typeof params === 'string' ? JSON.parse(params) : params).lines).toEqual(lines);

  // an edit that sends the params back as shown keeps the stored ones
  await t.http.patch(`/api/jobs/${id}`).set(admin).send({ name: 'renamed push', params: { lines: shown } }).expect(200);
  const [{ params: after }] = await t.db.query('SELECT params FROM jobs WHERE id = ?', [id]);
  expect((typeof after === 'string' ? JSON.parse(after) : after).lines).toEqual(lines);
  // "<masked>" in lines of one's own is a 400 naming the line
  const bad = await t.http.patch(`/api/jobs/${id}`).set(admin).send({ params: { lines: ['snmp-server community <masked> RW'] } }).expect(400);
  expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['params.lines.0']);
});
