// queue/: the consumers. Present only when TEKNISI_ROLE is worker or all; the API never consumes.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/env';
import { bullConnection } from '../common/redis.module';
import { JobRegistry } from './job-registry';
import { FINISHED_JOBS_KEPT, JOB_QUEUE, QueueName, RECURRING } from './queue.constants';
import { QueueService } from './queue.service';

@Injectable()
export class QueueWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  /** How often each worker checks that its recurring schedules are still in Redis; specs shorten it. */
  static scheduleCheckMs = 60_000;

  private readonly logger = new Logger('QueueWorker');
  private readonly workers: Worker[] = [];
  private scheduleTimer?: NodeJS.Timeout;
  private scheduleCheck?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly queues: QueueService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const missing = this.registry.missing();
    if (missing.length) throw new Error(`No handler registered for job(s): ${missing.join(', ')}`);
    for (const name of Object.values(QueueName)) {
      const worker = new Worker(
        name,
        async (job) => {
          const handler = this.registry.get(job.name);
          if (!handler) throw new Error(`No handler for job ${job.name}`);
          this.logger.debug({ jobId: job.id, job: job.name }, 'job started');
          return handler(job.data, String(job.id));
        },
        {
          connection: bullConnection(this.config.redisUrl, true), prefix: this.config.queuePrefix, autorun: true,
          // a job lane holds one target (one SSH session) at a time: this is the worker's global cap
          concurrency: name === QueueName.Jobs ? this.config.jobMaxParallel : 4,
          // a lane's work is guarded by its target's lease in MySQL; a stalled lane job (its worker
          // died) may run again any number of times, finding its lane held or its targets done
          ...(name === QueueName.Jobs ? { maxStalledCount: 1000 } : {}),
        },
      );
      worker.on('failed', (job, err) => this.logger.warn({ jobId: job?.id, job: job?.name, err: err.message }, 'job failed'));
      worker.on('error', (err) => this.logger.warn({ err: err.message }, 'worker connection error'));
      this.workers.push(worker);
    }
    // unconditionally at start, so that a changed interval or template reaches Redis on deploy
    for (const r of RECURRING) await this.upsertSchedule(r);
    // the schedules live only in Redis, which may come back empty while the workers reconnect and
    // carry on; only this check (or a restart) would put them back
    this.scheduleTimer = setInterval(() => this.checkSchedules(), QueueWorkerService.scheduleCheckMs);
    this.scheduleTimer.unref();
    this.logger.log(`consuming ${Object.values(QueueName).join(', ')} with prefix ${this.config.queuePrefix}`);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.scheduleTimer);
    await this.scheduleCheck;
    // A graceful close waits for running jobs and then sends QUIT, which sits in the offline queue
    // forever while Redis is down: shutdown hung. Without Redis no job can finish anyway, so force.
    await Promise.all(this.workers.map(async (w) => w.close((await redisStatus(w)) !== 'ready')));
  }

  private checkSchedules(): void {
    // while Redis is down a check fails fast; one still waiting must not be joined by another
    if (this.scheduleCheck) return;
    this.scheduleCheck = this.restoreStoppedSchedules()
      // QueueService already warns (once a minute) that Redis is unavailable
      .catch((err: Error) => this.logger.debug({ err: err.message }, 'could not check the recurring schedules'))
      .finally(() => (this.scheduleCheck = undefined));
  }

  /** Reads only, unless a schedule stopped: re-upserting every one each minute would re-queue its pending job each time. */
  private async restoreStoppedSchedules(): Promise<void> {
    for (const r of RECURRING) {
      const why = await whyStopped(this.queues.queue(JOB_QUEUE[r.name]), r.id);
      if (!why) continue;
      // upserting is idempotent, so several workers finding the same loss at once do no harm
      await this.upsertSchedule(r);
      this.logger.warn({ scheduler: r.id, job: r.name, why }, 'recurring schedule was lost from Redis; re-created');
    }
  }

  private upsertSchedule(r: (typeof RECURRING)[number]): Promise<unknown> {
    // without a retention its finished jobs would stay in Redis for ever, some 7,000 a day
    return this.queues.queue(JOB_QUEUE[r.name]).upsertJobScheduler(r.id, { every: r.everyMs }, { name: r.name, data: {}, opts: FINISHED_JOBS_KEPT });
  }
}

/**
 * Why a schedule will never fire again, or undefined while it will. A schedule's pending job is
 * `repeat:<id>:<next>`, made when the previous one starts; gone, or already finished, it means
 * the schedule stopped (BullMQ only logs when making it fails, e.g. Redis blinking just then).
 */
async function whyStopped(queue: Queue, id: string): Promise<string | undefined> {
  const scheduler = await queue.getJobScheduler(id);
  if (!scheduler) return 'missing';
  if (scheduler.next == null) return 'no next run';
  const state = await queue.getJobState(`repeat:${id}:${scheduler.next}`);
  if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return undefined;
  // the pending job may have started (making the next) and finished between the two reads
  const again = await queue.getJobScheduler(id);
  return again?.next === scheduler.next ? `next run ${state}` : undefined;
}

async function redisStatus(w: Worker): Promise<string | undefined> {
  try {
    return (await w.getBackend().client).status;
  } catch {
    return undefined;
  }
}
