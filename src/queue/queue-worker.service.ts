// queue/: the consumers. Present only when TEKNISI_ROLE is worker or all; the API never consumes.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/env';
import { bullConnection } from '../common/redis.module';
import { JobRegistry } from './job-registry';
import { QueueName, RECURRING, JOB_QUEUE } from './queue.constants';
import { QueueService } from './queue.service';

@Injectable()
export class QueueWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QueueWorker');
  private readonly workers: Worker[] = [];

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
    for (const r of RECURRING) {
      await this.queues.queue(JOB_QUEUE[r.name]).upsertJobScheduler(r.id, { every: r.everyMs }, { name: r.name, data: {} });
    }
    this.logger.log(`consuming ${Object.values(QueueName).join(', ')} with prefix ${this.config.queuePrefix}`);
  }

  async onApplicationShutdown(): Promise<void> {
    // A graceful close waits for running jobs and then sends QUIT, which sits in the offline queue
    // forever while Redis is down: shutdown hung. Without Redis no job can finish anyway, so force.
    await Promise.all(this.workers.map(async (w) => w.close((await redisStatus(w)) !== 'ready')));
  }
}

async function redisStatus(w: Worker): Promise<string | undefined> {
  try {
    return (await w.getBackend().client).status;
  } catch {
    return undefined;
  }
}
