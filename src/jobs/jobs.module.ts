// jobs/: job definitions, runs and run targets; the registry other modules add kinds to; the
// lanes that run targets on the worker. Imports no module that owns a kind: discovery/ (and
// later configs/) import this one and register theirs.
import { Module, OnModuleInit } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { JobKindRegistry } from './job-kinds';
import { JobRunner } from './job-runner.service';
import { JobsClock } from './jobs.clock';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { SchedulePreviewController } from './schedule-preview.controller';
import { JOBS_OWN_KINDS } from './kinds';
import { WindowsModule } from './windows/windows.module';

@Module({
  imports: [CredentialsModule, WindowsModule],
  controllers: [JobsController, SchedulePreviewController],
  providers: [JobKindRegistry, JobsClock, JobsRepository, JobsService, JobRunner],
  exports: [JobKindRegistry, JobsClock, JobsService],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly queueJobs: JobRegistry,
    private readonly kinds: JobKindRegistry,
    private readonly runner: JobRunner,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    for (const k of JOBS_OWN_KINDS) this.kinds.register(k);
    this.queueJobs.register(JobName.JobLane, ({ runId, lane }) => this.runner.runLane(runId, lane));
    this.queueJobs.register(JobName.PruneJobOutput, () => this.jobs.pruneOutput());
  }
}
