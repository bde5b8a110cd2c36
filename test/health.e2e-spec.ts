// /api/health: public, 200 while MySQL and Redis answer, 503 naming what is down.
import { ChildProcess } from 'node:child_process';
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
