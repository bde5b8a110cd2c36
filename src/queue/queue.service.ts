// queue/: typed enqueueing, queue depths for /metrics, and worker presence for the API role.
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import { JOB_QUEUE, JobName, JobPayloads, QueueName } from './queue.constants';

@Injectable()
export class QueueService {
  private readonly queues: Record<QueueName, Queue>;

  constructor(@InjectQueue(QueueName.Maintenance) maintenance: Queue) {
    this.queues = { [QueueName.Maintenance]: maintenance };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], opts?: JobsOptions): Promise<string | undefined> {
    const job = await this.queues[JOB_QUEUE[name]].add(name, payload, { removeOnComplete: 1000, removeOnFail: 5000, ...opts });
    return job.id;
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
