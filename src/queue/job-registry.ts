// queue/: the one place that maps a job name to its handler. Feature modules register
// their handlers; the worker refuses to start when a job name has none.
import { Injectable } from '@nestjs/common';
import { JobName, JobPayloads } from './queue.constants';

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], jobId: string) => Promise<unknown>;

@Injectable()
export class JobRegistry {
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();

  register<N extends JobName>(name: N, handler: JobHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`Job ${name} has two handlers`);
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  get(name: string): JobHandler<JobName> | undefined {
    return this.handlers.get(name as JobName);
  }

  missing(): JobName[] {
    return Object.values(JobName).filter((n) => !this.handlers.has(n));
  }
}
