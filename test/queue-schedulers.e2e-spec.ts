// Recurring maintenance outlives Redis: a worker puts back a schedule that Redis lost (emptied,
// or removed on the queue dashboard), and finished recurring jobs do not pile up in Redis.
import IORedis from 'ioredis';
import { redisOptions } from '../src/common/redis.module';
import { FINISHED_JOBS_KEPT, QueueName, RECURRING } from '../src/queue/queue.constants';
import { QueueService } from '../src/queue/queue.service';
import { QueueWorkerService } from '../src/queue/queue-worker.service';
import { createTestApp, deleteRedisKeys, TestApp } from './support/app';

let worker: TestApp;
let redis: IORedis;
const checkMs = QueueWorkerService.scheduleCheckMs;

beforeAll(async () => {
  // a minute in production; the specs should not wait that long for a lost schedule to return
  QueueWorkerService.scheduleCheckMs = 300;
  worker = await createTestApp({ consume: true });
  // commands fail rather than queue while it connects (redisOptions): connect before the first
  redis = new IORedis({ ...redisOptions(worker.config.redisUrl), lazyConnect: true });
  await redis.connect();
});
afterAll(async () => {
  QueueWorkerService.scheduleCheckMs = checkMs;
  redis?.disconnect();
  await worker?.close();
});

const maintenance = () => worker.app.get(QueueService).queue(QueueName.Maintenance);
const scheduled = async () => (await maintenance().getJobSchedulers()).map((s) => s.key).sort();
const allIds = RECURRING.map((r) => r.id).sort();

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await probe();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
    v = await probe();
  }
  return v;
}

it('a schedule removed from the dashboard comes back, with one warning', async () => {
  await until('schedules at start', scheduled, (ids) => ids.length === allIds.length);
  const before = worker.logs.length;
  expect(await maintenance().removeJobScheduler('reconcile-scans')).toBe(true);
  expect(await scheduled()).not.toContain('reconcile-scans');
  await until('schedules after removal', scheduled, (ids) => ids.includes('reconcile-scans'));
  // the next check finds it in place and says nothing more
  await new Promise((r) => setTimeout(r, 1000));
  const warned = worker.logs.slice(before).filter((l) => l.includes('re-created'));
  expect(warned).toHaveLength(1);
  expect(warned[0]).toContain('reconcile-scans');
});

it('after Redis lost every key, every schedule returns and its job runs again', async () => {
  await deleteRedisKeys(worker.config.queuePrefix);
  expect(await scheduled()).toEqual([]);
  expect(await until('schedules after the flush', scheduled, (ids) => ids.length === allIds.length)).toEqual(allIds);
  // a re-created schedule runs at once: the scans reconciler works again without a restart
  await until('a reconcile run after the flush', () => redis.zrange(maintenance().keys.completed, 0, -1), (ids) => ids.some((id) => id.startsWith('repeat:reconcile-scans:')));
});

it('a schedule whose pending job was lost gets a new one', async () => {
  const q = maintenance();
  const { next } = (await q.getJobScheduler('prune-scans'))!;
  const pending = `repeat:prune-scans:${next}`;
  expect(await q.getJobState(pending)).toBe('delayed');
  // what is left when a job ends and BullMQ could not make the next: the schedule, no pending job
  await redis.multi().del(`${q.keys['']}${pending}`).zrem(q.keys.delayed, pending).exec();
  expect(await q.getJobState(pending)).toBe('unknown');
  const back = await until('the pending prune-scans job', async () => {
    const s = await q.getJobScheduler('prune-scans');
    return s?.next ? q.getJobState(`repeat:prune-scans:${s.next}`) : 'none';
  }, (state) => state === 'delayed' || state === 'waiting' || state === 'active' || state === 'completed');
  expect(back).not.toBe('unknown');
  expect(worker.logs.some((l) => l.includes('prune-scans') && l.includes('next run unknown'))).toBe(true);
});

it('a recurring job keeps the finished set of its queue bounded', async () => {
  const template = (await maintenance().getJobScheduler('fire-scan-schedules'))?.template?.opts;
  expect(template).toMatchObject(FINISHED_JOBS_KEPT);
  // as if the queue had run for days: more finished entries than it may keep
  const completed = maintenance().keys.completed;
  const old = Array.from({ length: 1500 }, (_, i) => [i + 1, `long-gone-${i}`]).flat();
  await redis.zadd(completed, ...old);
  const filled = Date.now();
  // fire-scan-schedules runs every 20 s; its next completion trims the set
  await until('a recurring job finished after the fill', () => redis.zrevrange(completed, 0, 0, 'WITHSCORES'), ([id, at]) => id?.startsWith('repeat:') && Number(at) >= filled, 45_000);
  expect(await redis.zcard(completed)).toBeLessThanOrEqual(FINISHED_JOBS_KEPT.removeOnComplete);
}, 60_000);
