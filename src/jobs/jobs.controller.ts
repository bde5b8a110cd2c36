// jobs/: HTTP for jobs, their runs, per-target output and progress. Everyone reads;
// technicians create, run now, cancel, pause and resume (each audited).
import { Body, Controller, Get, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { AuthUser, MinRole } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { CancelQuery, CreateJobDto, JobCreated, JobDetailView, JobListQuery, JobPage, JobView, RunDetailView, RunNowDto, RunPage, TargetPage, TargetsQuery, UpdateJobDto } from './job.dto';
import { JobsService } from './jobs.service';

/** A log is plain text (device output), never JSON: say so, so the client reads it as text. */
const LOG_RESPONSE = {
  description: 'plain text; headers x-target-status (the target\'s status) and x-log-truncated (true when capped)',
  content: { 'text/plain': { schema: { type: 'string' } } },
};

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @MinRole('technician')
  @Audit('job.create', 'job')
  @ApiCreatedResponse({ type: JobCreated, description: 'created; a job without a schedule starts its run at once' })
  async create(@Body() dto: CreateJobDto, @CurrentUser() me: AuthUser, @Req() req: AuditableRequest): Promise<JobCreated> {
    // the audit entry's params as a job's view shows them: a push's secrets masked
    if (dto.params && typeof dto.kind === 'string') req.auditSummary = { ...dto, params: await this.jobs.shownParams(dto.kind, dto.params) };
    return this.jobs.create(dto, me.username);
  }

  @Get()
  @MinRole('viewer')
  @ApiOkResponse({ type: JobPage })
  list(@Query() q: JobListQuery): Promise<JobPage> {
    return this.jobs.list(q);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOkResponse({ type: JobDetailView })
  get(@IdParam('id') id: number): Promise<JobDetailView> {
    return this.jobs.get(id);
  }

  @Get(':id/runs')
  @MinRole('viewer')
  @ApiOkResponse({ type: RunPage })
  runs(@IdParam('id') id: number, @Query() q: PageQuery): Promise<RunPage> {
    return this.jobs.runs(id, q.page, q.limit);
  }

  @Get(':id/runs/:runId')
  @MinRole('viewer')
  @ApiOkResponse({ type: RunDetailView })
  run(@IdParam('id') id: number, @IdParam('runId') runId: number): Promise<RunDetailView> {
    return this.jobs.run(id, runId);
  }

  @Get(':id/runs/:runId/targets')
  @MinRole('viewer')
  @ApiOkResponse({ type: TargetPage })
  targets(@IdParam('id') id: number, @IdParam('runId') runId: number, @Query() q: TargetsQuery): Promise<TargetPage> {
    return this.jobs.targets(id, runId, q);
  }

  @Get(':id/targets/:deviceId/log')
  @MinRole('viewer')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "a target's output in the job's latest run: commands run and their stdout/stderr (capped at 1 MiB)" })
  @ApiOkResponse(LOG_RESPONSE)
  async latestLog(@IdParam('id') id: number, @IdParam('deviceId') deviceId: number, @Res() res: Response): Promise<void> {
    sendLog(res, await this.jobs.log(id, null, deviceId));
  }

  @Get(':id/runs/:runId/targets/:deviceId/log')
  @MinRole('viewer')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "a target's output in one run" })
  @ApiOkResponse(LOG_RESPONSE)
  async log(@IdParam('id') id: number, @IdParam('runId') runId: number, @IdParam('deviceId') deviceId: number, @Res() res: Response): Promise<void> {
    sendLog(res, await this.jobs.log(id, runId, deviceId));
  }

  @Patch(':id')
  @MinRole('technician')
  @Audit('job.update', 'job')
  @ApiOperation({
    summary: 'changes a job for its next runs: any fields of POST /api/jobs (null clears name, schedule, deadline, deadlineMinutes, credentialId), each checked as POST checks it; the kind stays; without a schedule the job runs only by Run now, and an edit starts no run; 409 once the job is cancelled or while a run is under way (it reads these settings)',
  })
  @ApiOkResponse({ type: JobView })
  async update(@IdParam('id') id: number, @Body() dto: UpdateJobDto, @Req() req: AuditableRequest): Promise<JobView> {
    if (dto.params) req.auditSummary = { ...dto, params: await this.jobs.shownParams((await this.jobs.find(id)).kind, dto.params) };
    return this.jobs.update(id, dto);
  }

  @Post(':id/run')
  @MinRole('technician')
  @Audit('job.run', 'job')
  @ApiOperation({
    summary: 'a run now, outside the schedule (trigger manual), its targets resolved again — or, with only=failed, of the latest run\'s failed and missed targets (trigger retry): a one-off job\'s start time then passes unfired, a recurring job\'s schedule goes on; 409 while the last run is running or paused, when the job is cancelled, or when there is nothing to retry',
  })
  @ApiCreatedResponse({ type: JobCreated })
  runNow(@IdParam('id') id: number, @Body() dto: RunNowDto, @CurrentUser() me: AuthUser): Promise<JobCreated> {
    return this.jobs.runNow(id, me.username, dto.only);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('job.cancel', 'job')
  @ApiOkResponse({ type: JobView, description: 'no further runs; queued targets cancelled; running ones finish (package managers) or are stopped (commands; all with force=true). force=true on a job cancelled already stops the targets its cancel let finish (409 when none is running)' })
  cancel(@IdParam('id') id: number, @Query() q: CancelQuery): Promise<JobView> {
    return this.jobs.cancel(id, q);
  }

  @Post(':id/runs/:runId/cancel')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('job.run.cancel', 'job')
  @ApiOkResponse({ type: JobView, description: 'this run only: its queued targets cancelled, running ones finish (or are stopped, as for the job); the job and its schedule go on. force=true on a run cancelled already stops the targets its cancel let finish (409 when none is running)' })
  cancelRun(@IdParam('id') id: number, @IdParam('runId') runId: number, @Query() q: CancelQuery): Promise<JobView> {
    return this.jobs.cancelRun(id, runId, q);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('job.pause', 'job')
  @ApiOkResponse({ type: JobView, description: 'no new target starts; running ones finish' })
  pause(@IdParam('id') id: number): Promise<JobView> {
    return this.jobs.pause(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('job.resume', 'job')
  @ApiOkResponse({ type: JobView })
  resume(@IdParam('id') id: number): Promise<JobView> {
    return this.jobs.resume(id);
  }

  @Get(':id/events')
  @MinRole('viewer')
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: 'progress as server-sent events: `progress` (the job as GET shows it, without targets) on each change, then `done`' })
  @ApiOkResponse({ description: 'an event stream; 404 before it starts when the job does not exist' })
  async events(@IdParam('id') id: number, @Res() res: Response): Promise<void> {
    await this.jobs.get(id); // a missing job is a plain 404, before any stream header is sent
    // a client that left meanwhile has had its 'close' already: a stream started for it would
    // poll until the job ends, which for a recurring one is never
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const sub = this.jobs.events(id).subscribe({
      next: (e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`),
      error: (err: Error) => res.end(`event: error\ndata: ${JSON.stringify({ message: err.message })}\n\n`),
      complete: () => res.end(),
    });
    res.on('close', () => sub.unsubscribe());
  }
}

/** Output is device text: served as plain text, never as HTML, so a hostile machine cannot script the UI. */
function sendLog(res: Response, l: { text: Buffer; target: { status: string }; truncated: boolean }): void {
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-target-status', l.target.status);
  if (l.truncated) res.setHeader('x-log-truncated', 'true');
  res.status(200).send(l.text);
}

