// queue/: typed enqueueing, queue depths for /metrics, and worker presence for the API role.
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { FINISHED_JOBS_KEPT, JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

@Injectable()
export class QueueService {
  private readonly logger = new Logger('Queues');
  private readonly queues: Record<QueueName, Queue>;
  private lastErrorLog = 0;

  constructor(
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Discovery) discovery: Queue,
    @InjectQueue(QueueName.Jobs) jobs: Queue,
  ) {
    this.queues = { [QueueName.Maintenance]: maintenance, [QueueName.Discovery]: discovery, [QueueName.Jobs]: jobs };
    for (const q of Object.values(this.queues)) this.guard(q);
  }

  /**
   * While Redis is down BullMQ emits an error per reconnect attempt (printed raw to stderr when
   * nobody listens), and closing the queue rejects ("Stream isn't writeable"), which made Nest skip
   * the remaining shutdown hooks, the database pool's among them.
   */
  private guard(q: Queue): void {
    q.on('error', (err) => {
      if (Date.now() - this.lastErrorLog < 60_000) return;
      this.lastErrorLog = Date.now();
      this.logger.warn({ queue: q.name, err: err.message }, 'Redis unavailable for the job queues');
    });
    const hooked = q as Queue & { onApplicationShutdown?: (signal?: string) => Promise<unknown> };
    const close = hooked.onApplicationShutdown;
    if (!close) return;
    hooked.onApplicationShutdown = async (signal?: string) => {
      try {
        return await close.call(q, signal);
      } catch (err) {
        this.logger.warn({ queue: q.name, err: (err as Error).message }, 'could not close the queue cleanly; dropping its connection');
        // stops the reconnect timer; the promise may never settle when no socket is left to close
        void q.disconnect().catch(() => undefined);
      }
    };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], opts?: JobsOptions): Promise<string | undefined> {
    const job = await this.queues[JOB_QUEUE[name]].add(name, payload, { ...FINISHED_JOBS_KEPT, ...opts });
    return job.id;
  }

  /** Many jobs in one round trip; all must go to the same queue. */
  async addBulk<N extends JobName>(jobs: Array<{ name: N; payload: JobPayloads[N]; opts?: JobsOptions }>): Promise<void> {
    if (!jobs.length) return;
    const queue = JOB_QUEUE[jobs[0].name];
    if (jobs.some((j) => JOB_QUEUE[j.name] !== queue)) throw new Error('addBulk: every job must go to the same queue');
    await this.queues[queue].addBulk(jobs.map((j) => ({ name: j.name, data: j.payload, opts: { ...FINISHED_JOBS_KEPT, ...j.opts } })));
  }

  async depths(): Promise<Array<{ queue: QueueName; state: string; count: number }>> {
    const out: Array<{ queue: QueueName; state: string; count: number }> = [];
    for (const [queue, q] of Object.entries(this.queues) as Array<[QueueName, Queue]>) {
      const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
      for (const [state, count] of Object.entries(counts)) out.push({ queue, state, count });
    }
    return out;
  }

  async workerCount(): Promise<number> {
    let n = 0;
    for (const q of Object.values(this.queues)) n += await q.getWorkersCount();
    return n;
  }
}
