// Background work through the real Redis: the worker role consumes, upserts its recurring
// maintenance schedules, and a queued job changes what the API shows.
import { QueueEvents } from 'bullmq';
import { bullConnection } from '../src/common/redis.module';
import { JobName, QueueName } from '../src/queue/queue.constants';
import { QueueService } from '../src/queue/queue.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice } from './support/factories';

describe('queues and the worker role', () => {
  let worker: TestApp;
  let events: QueueEvents;

  beforeAll(async () => {
    worker = await createTestApp({ consume: true, env: { TEKNISI_STALE_DAYS: '7' } });
    events = new QueueEvents(QueueName.Maintenance, { connection: bullConnection(worker.config.redisUrl, true), prefix: worker.config.queuePrefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await worker?.close();
  });

  it('registers the recurring maintenance schedules in Redis', async () => {
    const q = worker.app.get(QueueService).queue(QueueName.Maintenance);
    const schedulers = await q.getJobSchedulers();
    expect(schedulers.map((s) => s.name).sort()).toEqual([JobName.PurgeExpiredSessions, JobName.MarkStaleDevices, JobName.RecountSoftware, JobName.ReconcileScans, JobName.FireScanSchedules, JobName.PruneScans, JobName.PruneJobOutput].sort());
    expect(await worker.app.get(QueueService).workerCount()).toBeGreaterThanOrEqual(1);
  });

  it('a queued mark-stale job turns devices unseen for TEKNISI_STALE_DAYS stale', async () => {
    const id = await makeDevice(worker.db, { hostname: 'quiet-pc', lastSeen: new Date(Date.now() - 8 * 86_400_000) });
    const fresh = await makeDevice(worker.db, { hostname: 'busy-pc' });
    const queues = worker.app.get(QueueService);
    const jobId = await queues.add(JobName.MarkStaleDevices, {});
    const job = await queues.queue(QueueName.Maintenance).getJob(jobId!);
    const result = await job!.waitUntilFinished(events, 20_000);
    expect(result).toEqual({ markedStale: 1 });
    const res = await worker.http.get(`/api/devices?status=stale`).set(bearer(worker.adminToken));
    expect(res.body.items.map((d: { id: number }) => d.id)).toEqual([id]);
    const busy = await worker.http.get(`/api/devices/${fresh}`).set(bearer(worker.adminToken));
    expect(busy.body.status).toBe('active');
  });

  it('a purge job removes expired login sessions only', async () => {
    await worker.db.query(`UPDATE sessions SET expires_at = ? WHERE id = (SELECT id FROM (SELECT id FROM sessions ORDER BY created_at LIMIT 1) s)`, [new Date(Date.now() - 1000)]);
    const before = Number((await worker.db.query('SELECT COUNT(*) AS n FROM sessions'))[0].n);
    const queues = worker.app.get(QueueService);
    const job = await queues.queue(QueueName.Maintenance).getJob((await queues.add(JobName.PurgeExpiredSessions, {}))!);
    expect(await job!.waitUntilFinished(events, 20_000)).toEqual({ purged: 1 });
    expect(Number((await worker.db.query('SELECT COUNT(*) AS n FROM sessions'))[0].n)).toBe(before - 1);
  });
});

describe('the API role', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await createTestApp({ consume: false });
  });
  afterAll(() => api?.close());

  it('produces but never consumes: no worker is attached to its queues', async () => {
    const queues = api.app.get(QueueService);
    expect(await queues.workerCount()).toBe(0);
    const jobId = await queues.add(JobName.MarkStaleDevices, {});
    await new Promise((r) => setTimeout(r, 500));
    expect(await queues.queue(QueueName.Maintenance).getJobState(jobId!)).toBe('waiting');
  });
});
