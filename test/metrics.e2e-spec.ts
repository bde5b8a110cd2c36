// /metrics: Prometheus text for an admin or the scraper's TEKNISI_METRICS_TOKEN, nobody else.
import { bearer, createTestApp, TestApp } from './support/app';

const METRICS_TOKEN = 'scraper-token-0123456789abcdef';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { TEKNISI_METRICS_TOKEN: METRICS_TOKEN } });
});
afterAll(async () => {
  await t?.close();
});

it('refuses a request without a token with 401', async () => {
  const res = await t.http.get('/metrics');
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  expect(res.text).not.toContain('teknisi_http_request_duration_seconds');
});

it('refuses an unknown token with 401', async () => {
  const res = await t.http.get('/metrics').set(bearer('not-a-real-token'));
  expect(res.status).toBe(401);
  const wrongScraper = await t.http.get('/metrics').set(bearer(METRICS_TOKEN.replace(/.$/, 'X')));
  expect(wrongScraper.status).toBe(401);
  // as many characters as the scraper's token, more bytes: compared without a 500
  const wide = await t.http.get('/metrics').set(bearer('é'.repeat(METRICS_TOKEN.length)));
  expect(wide.status).toBe(401);
});

it('refuses a viewer and a technician with 403', async () => {
  for (const role of ['viewer', 'technician'] as const) {
    const res = await t.http.get('/metrics').set(bearer(await t.tokenFor(role)));
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/admin/);
  }
});

it('serves an admin the request-duration histogram, labelled by route pattern', async () => {
  await t.http.get('/api/users/12345').set(bearer(t.adminToken)).expect(404);
  const res = await t.http.get('/metrics').set(bearer(t.adminToken));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain('# TYPE teknisi_http_request_duration_seconds histogram');
  expect(res.text).toMatch(/teknisi_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/login",status="200"\} \d+/);
  // the route pattern, never the raw path with its id
  expect(res.text).toContain('route="/api/users/:id",status="404"');
  expect(res.text).not.toContain('/api/users/12345');
  expect(res.text).toContain('teknisi_queue_jobs');
});

it('serves the scraper token without any user', async () => {
  const res = await t.http.get('/metrics').set(bearer(METRICS_TOKEN));
  expect(res.status).toBe(200);
  expect(res.text).toContain('teknisi_http_request_duration_seconds_bucket');
  expect(res.text).toContain('teknisi_process_cpu_seconds_total');
});

it('serves an admin personal API token', async () => {
  const created = await t.http.post('/api/tokens').set(bearer(t.adminToken)).send({ name: 'prometheus' });
  expect(created.status).toBe(201);
  const res = await t.http.get('/metrics').set(bearer(created.body.token));
  expect(res.status).toBe(200);
  expect(res.text).toContain('teknisi_http_request_duration_seconds');
});

it('counts the scans and job targets not finished from MySQL, where every process (a worker without HTTP too) leaves them', async () => {
  const admin = bearer(t.adminToken);
  const read = async () => (await t.http.get('/metrics').set(bearer(METRICS_TOKEN)).expect(200)).text;
  const before = await read();
  const value = (text: string, metric: string, status: string) => Number(new RegExp(`^${metric}\\{status="${status}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  // before: teknisi_scans_total and teknisi_job_targets_total, declared and never counted
  expect(before).not.toMatch(/teknisi_scans_total|teknisi_job_targets_total/);
  // no worker consumes here: a posted scan stays queued, a posted job's target too
  const cred = (await t.http.post('/api/credentials').set(admin).send({ name: 'metrics v2c', kind: 'snmp-v2c', community: 'metrics' }).expect(201)).body.id;
  await t.http.post('/api/discovery/scans').set(admin).send({ targets: ['127.0.0.1'], credentialIds: [cred] }).expect(202);
  const [{ id: deviceId }] = await t.db.query("INSERT INTO devices (hostname, type, platform, status, first_seen, last_seen, created_at, updated_at) VALUES ('metrics-1', 'other', 'other', 'active', NOW(3), NOW(3), NOW(3), NOW(3)) RETURNING id");
  await t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [Number(deviceId)] } }).expect(201);
  const after = await read();
  expect(value(after, 'teknisi_scans', 'queued')).toBe(value(before, 'teknisi_scans', 'queued') + 1);
  expect(value(after, 'teknisi_job_targets', 'queued')).toBe(value(before, 'teknisi_job_targets', 'queued') + 1);
  expect(value(after, 'teknisi_job_targets', 'running')).toBe(0);
});
