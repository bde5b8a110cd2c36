// /api/health: public, 200 while MySQL and Redis answer, 503 naming what is down.
import { ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { TEST_DATABASE_SERVER } from './support/env';
import { freePort } from './support/net';
import { startRedis, stopRedis } from './support/redis';
import { ADMIN_PASSWORD, createTestApp, TestApp } from './support/app';

describe('health with MySQL and Redis up', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 200 without a token and reports both up', async () => {
    const res = await t.http.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details.database.status).toBe('up');
    expect(res.body.details.redis.status).toBe('up');
    expect(typeof res.body.details.database.latencyMs).toBe('number');
  });
});

describe('health when the database refuses Teknisi', () => {
  // a login of its own, whose password an admin then changes: the driver's error names the user
  const user = `tk_health_${crypto.randomBytes(3).toString('hex')}`;
  const dbName = `teknisi_test_health_${crypto.randomBytes(3).toString('hex')}`;
  let t: TestApp | undefined;
  const root = () => createConnection({ uri: TEST_DATABASE_SERVER });
  beforeAll(async () => {
    const c = await root();
    await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'first-Password-1'`);
    await c.query(`GRANT ALL ON \`${dbName}\`.* TO '${user}'@'%'`);
    await c.end();
    const u = new URL(TEST_DATABASE_SERVER);
    t = await createTestApp({ env: { DATABASE_URL: `mysql://${user}:first-Password-1@${u.host}/${dbName}` } });
  });
  afterAll(async () => {
    await t?.close();
    const c = await root();
    await c.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await c.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await c.end();
  });

  it("answers 503 saying the database is down, without the driver's words (this route is public)", async () => {
    expect((await t!.http.get('/api/health')).status).toBe(200);
    const c = await root();
    await c.query(`ALTER USER '${user}'@'%' IDENTIFIED BY 'second-Password-2'`);
    const [conns] = await c.query<Array<{ id: number } & import('mysql2').RowDataPacket>>('SELECT id FROM information_schema.processlist WHERE user = ?', [user]);
    for (const { id } of conns) await c.query(`KILL ${Number(id)}`);
    await c.end();

    let down = await t!.http.get('/api/health');
    for (let i = 0; i < 20 && down.status === 200; i++) down = await t!.http.get('/api/health');
    expect(down.status).toBe(503);
    expect(down.body.message).toMatch(/database/i);
    expect(down.body.details.database.status).toBe('down');
    expect(JSON.stringify(down.body)).not.toMatch(new RegExp(`Access denied|${user}|ECONN`, 'i'));
    // the admin finds why in the log
    expect(t!.logs.join('')).toMatch(/health check failed[\s\S]*Access denied|Access denied[\s\S]*health check failed/);
  });
});

describe('health when Redis goes away', () => {
  let t: TestApp | undefined;
  let redis: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    // let the app's connections find Redis again so that it closes promptly
    if (redis && redis.exitCode !== null) redis = await startRedis(port).catch(() => undefined);
    await t?.close();
    if (redis) await stopRedis(port, redis);
  });

  it('answers 503 saying redis is down and the database is up, then recovers', async () => {
    const before = await t!.http.get('/api/health');
    expect(before.status).toBe(200);

    await stopRedis(port, redis!);

    const down = await t!.http.get('/api/health');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(down.body.message).toMatch(/redis/i);
    expect(down.body.message).not.toMatch(/database/i);
    expect(down.body.details.redis.status).toBe('down');
    expect(down.body.details.database.status).toBe('up');
    // a public route: where Redis lives is not for anyone to read
    expect(JSON.stringify(down.body)).not.toContain(String(port));
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);

    // logging in still works: rate limiting falls back to memory instead of locking everyone out
    const login = await t!.http.post('/api/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);

    redis = await startRedis(port);
    let healthy = 0;
    for (let i = 0; i < 60 && healthy !== 200; i++) {
      healthy = (await t!.http.get('/api/health')).status;
      if (healthy !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(healthy).toBe(200);
  });
});

describe('shutting down while Redis is away', () => {
  it('still stops promptly and releases the database, with the queue workers running', async () => {
    const port = await freePort();
    const redis = await startRedis(port);
    const t = await createTestApp({ consume: true, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
    try {
      await stopRedis(port, redis);
      expect((await t.http.get('/api/health')).status).toBe(503);
    } finally {
      const started = Date.now();
      await t.close();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(t.db.isInitialized).toBe(false);
      await stopRedis(port, redis);
    }
  });
});
