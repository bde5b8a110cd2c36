// jobs/: creating, reading, cancelling, pausing and resuming jobs (API side), and starting a
// run: its targets are resolved when it starts and stored with it, rows first and queue jobs
// second — if Redis refuses the lane jobs, every worker's reconciler enqueues them later.
import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Observable } from 'rxjs';
import { checkTimezone, nextFiring } from '../common/cron';
import { Page } from '../common/pagination';
import { badRequest, FieldError } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CredentialsService } from '../credentials/credentials.service';
import { JobName } from '../queue/queue.constants';
import { QueueService } from '../queue/queue.service';
import { JobsClock } from './jobs.clock';
import { CancelQuery, CreateJobDto, FILTER_FIELDS, UpdateJobDto, JobDetailView, JobListQuery, JobView, RunDetailView, RunView, TargetCounts, TargetPage, TargetsQuery, TargetView } from './job.dto';
import { Job, JobRun, JobTargetSelector, TargetStatus } from './job.entity';
import { JobKindRegistry } from './job-kinds';
import { JobsRepository, TargetRow } from './jobs.repository';

/** Most devices one run may target. */
export const MAX_RUN_TARGETS = 100_000;
const DETAIL_TARGETS = 1000;
/** how long Run now waits for the job's lock (another click, a firing) before answering 409 */
const RUN_NOW_WAIT_SECONDS = 10;
/** fields an edit may leave out but not clear */
const NOT_NULL = ['kind', 'params', 'target', 'windowIds', 'concurrency', 'retries', 'retryDelaySec'] as const;

export function laneJobId(runId: number, lane: number): string {
  return `jobrun-${runId}-lane-${lane}`;
}

function toCounts(c: Partial<Record<TargetStatus, number>>): TargetCounts {
  return {
    queued: c.queued ?? 0, waitingForWindow: c['waiting-for-window'] ?? 0, running: c.running ?? 0, succeeded: c.succeeded ?? 0,
    skipped: c.skipped ?? 0, failed: c.failed ?? 0, cancelled: c.cancelled ?? 0, missed: c.missed ?? 0,
  };
}

const toTargetView = (t: TargetRow): TargetView => ({
  deviceId: t.deviceId, hostname: t.hostname, status: t.status, reason: t.reason, exitCode: t.exitCode, attempts: t.attempts,
  nextAttemptAt: t.nextAttemptAt, startedAt: t.startedAt, finishedAt: t.finishedAt, mergedInto: t.mergedInto ?? null,
});

/** A run still under way: its targets may yet start (a paused one's when resumed). */
const underWay = (run: Pick<JobRun, 'status'> | null): run is Pick<JobRun, 'status'> & { status: 'running' | 'paused' } => run?.status === 'running' || run?.status === 'paused';

/** A job's status as the API shows it, from its own state and its latest run's. */
export function jobStatus(job: Pick<Job, 'state' | 'nextRunAt'>, run: Pick<JobRun, 'status'> | null): JobView['status'] {
  if (underWay(run)) return run.status;
  if (job.state === 'cancelled') return 'cancelled';
  if (job.nextRunAt) return 'scheduled';
  return run ? (run.status === 'cancelled' ? 'cancelled' : 'completed') : 'scheduled';
}

@Injectable()
export class JobsService {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly repo: JobsRepository,
    private readonly kinds: JobKindRegistry,
    private readonly credentials: CredentialsService,
    private readonly queues: QueueService,
    private readonly clock: JobsClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Deletes job output older than TEKNISI_JOB_OUTPUT_RETENTION_DAYS (hourly): runs, statuses and audit stay. */
  async pruneOutput(): Promise<{ runs: number; logs: number }> {
    const total = await this.repo.pruneLogs(this.outputCutoff());
    if (total.runs) this.logger.log({ ...total, retentionDays: this.config.jobOutputRetentionDays }, 'old job output deleted');
    return total;
  }

  private outputCutoff(): Date {
    return new Date(this.clock.now().getTime() - this.config.jobOutputRetentionDays * 86_400_000);
  }

  async create(dto: CreateJobDto, createdBy: string | null): Promise<{ id: number; runId: number | null }> {
    const now = this.clock.now();
    const { settings, windowIds } = await this.checked(dto, now);
    const job: Omit<Job, 'id'> = { ...settings, state: 'active', createdBy, createdAt: now, updatedAt: now };
    const id = await this.repo.insertJob(job, windowIds);
    const runId = job.nextRunAt || job.cron ? null : await this.startRun({ ...job, id }, now, 'now', createdBy);
    this.logger.log({ jobId: id, kind: dto.kind, runId, nextRunAt: job.nextRunAt, createdBy }, 'job created');
    return { id, runId };
  }

  /**
   * Changes a job for its next runs: the fields of POST /api/jobs that the body names (null
   * clears name, schedule, deadline, deadlineMinutes and credentialId), each checked as POST
   * checks it; the kind stays. Without a schedule the job then runs only when asked (Run now):
   * an edit starts no run. 409 once the job is cancelled, and while a run is under way, which
   * reads the job's params, windows, retries and credential as its targets start; the check and
   * the change hold the job's lock, as Run now and the firings do, so a firing of the old
   * schedule that was due meanwhile finds the new one (an edit that leaves the schedule alone
   * leaves its next firing alone too).
   */
  async update(id: number, dto: UpdateJobDto): Promise<JobView> {
    const done = await this.repo.underRunLock(id, RUN_NOW_WAIT_SECONDS, async () => {
      const job = await this.find(id);
      if (job.state === 'cancelled') throw new ConflictException(`Job ${id} is cancelled: it cannot be changed (create a new job)`);
      if (dto.kind !== undefined && dto.kind !== job.kind) {
        throw badRequest([{ field: 'kind', messages: [`a job's kind cannot change (job ${id} is ${job.kind}): create a new job for ${String(dto.kind).slice(0, 64)}`] }]);
      }
      const given = (k: keyof UpdateJobDto) => dto[k] !== undefined;
      const unclearable = NOT_NULL.filter((k) => dto[k] === null);
      if (unclearable.length) throw badRequest(unclearable.map((k) => ({ field: k, messages: [`${k} cannot be null`] })));
      const last = await this.repo.latestRun(id);
      if (underWay(last)) {
        throw new ConflictException(`Job ${id} is under way (run ${last.id}, ${last.status}), and its run reads these settings: wait for it to end, or cancel that run`);
      }
      // the job as a body, the given fields over it
      const current: CreateJobDto = {
        name: job.name ?? undefined, kind: job.kind, params: job.params, target: job.target as CreateJobDto['target'],
        schedule: job.cron ? { cron: job.cron, timezone: job.timezone } : job.runAt && job.nextRunAt ? { runAt: job.runAt, timezone: job.timezone } : undefined,
        windowIds: await this.repo.windowIdsOf(id), concurrency: job.concurrency, deadline: job.deadline ?? undefined, deadlineMinutes: job.deadlineMinutes ?? undefined,
        retries: job.retries, retryDelaySec: job.retryDelaySec, credentialId: job.credentialId ?? undefined,
      };
      const merged = { ...current } as Record<string, unknown>;
      for (const [k, v] of Object.entries(dto)) if (v !== undefined) merged[k] = v === null ? undefined : v;
      // a schedule is changed field by field, as the job is: {cron} alone keeps the job's time
      // zone (it fell back to UTC, and a Berlin 02:00 job fired at 03:00 or 04:00 Berlin time)
      if (dto.schedule && current.schedule) {
        const given = Object.fromEntries(Object.entries(dto.schedule).filter(([, v]) => v !== undefined));
        const when = 'cron' in given || 'runAt' in given ? {} : { cron: current.schedule.cron, runAt: current.schedule.runAt };
        merged.schedule = { timezone: current.schedule.timezone, ...when, ...given };
      }
      // the params as the API showed them (secrets masked) sent back unchanged, by an edit of
      // another field: the stored ones stay, never "<masked>" in their place
      if (dto.params !== undefined && JSON.stringify(dto.params) === JSON.stringify(await this.shownParams(job.kind, job.params))) merged.params = job.params;
      const now = this.clock.now();
      // what the body leaves alone was checked when it was set: a device merged away since, or a
      // deadline that has passed, is no reason to refuse a new cron expression
      const { settings, windowIds } = await this.checked(merged as unknown as CreateJobDto, now, given);
      // the same schedule sent back (the UI sends it with every edit, a rename too) keeps the next
      // firing: computed again from now, it dropped a firing that was due while no worker ran
      const asked = merged.schedule as CreateJobDto['schedule'] | undefined;
      const sameSchedule = asked !== undefined && (asked.cron ?? null) === job.cron && (asked.timezone ?? 'UTC') === job.timezone
        && (asked.runAt?.getTime() ?? null) === (job.runAt?.getTime() ?? null) && (job.cron !== null || job.nextRunAt !== null);
      if (!given('schedule') || sameSchedule) Object.assign(settings, { runAt: job.runAt, cron: job.cron, timezone: job.timezone, nextRunAt: job.nextRunAt });
      await this.repo.updateJob(id, { ...settings, updatedAt: now }, windowIds);
      this.logger.log({ jobId: id, changed: Object.keys(dto).filter((k) => given(k as keyof UpdateJobDto)), nextRunAt: settings.nextRunAt }, 'job changed');
      return this.find(id);
    });
    if (!done.got) throw new ConflictException(`Job ${id} is being started by someone else: try again in a moment`);
    return this.view(done.value);
  }

  /**
   * A job body checked field by field (400 naming each bad one) and turned into the job's
   * settings: its params as its kind has them, its target, schedule and next firing, windows.
   * `check`, for an edit: the fields the body gives, which alone are checked (the others are
   * the job's own), and a start time already past is then a mistake, where a new job would
   * start at once.
   */
  private async checked(dto: CreateJobDto, now: Date, check?: (field: keyof CreateJobDto) => boolean): Promise<{ settings: Omit<Job, 'id' | 'state' | 'createdBy' | 'createdAt' | 'updatedAt'>; windowIds: number[] }> {
    const details: FieldError[] = [];
    const checks = (field: keyof CreateJobDto) => !check || check(field);
    const kind = this.kinds.get(dto.kind);
    let params: Record<string, unknown> = dto.params ?? {};
    if (!kind) details.push({ field: 'kind', messages: [`unknown kind "${String(dto.kind).slice(0, 64)}"; one of ${this.kinds.names().join(', ')}`] });
    else if (checks('params')) {
      const v = kind.validate(dto.params ?? {});
      params = v.params;
      for (const p of v.problems) details.push({ field: p.field ? `params.${p.field}` : 'params', messages: [p.message] });
    }
    const target: JobTargetSelector = {};
    if (dto.target.deviceIds?.length) target.deviceIds = [...new Set(dto.target.deviceIds)];
    if (dto.target.tags?.length) target.tags = [...new Set(dto.target.tags)];
    if (dto.target.filter) {
      const f = dto.target.filter as unknown as Record<string, unknown>;
      target.filter = Object.fromEntries(FILTER_FIELDS.filter((k) => f[k] !== undefined).map((k) => [k, f[k] instanceof Date ? (f[k] as Date).toISOString() : String(f[k])]));
    }
    if (!target.deviceIds && !target.tags && !target.filter) details.push({ field: 'target', messages: ['target must name deviceIds, tags or a filter'] });
    if (target.deviceIds && checks('target')) {
      const known = await this.repo.existingDeviceIds(target.deviceIds);
      const missing = dto.target.deviceIds!.map((id, i) => [id, i] as const).filter(([id]) => !known.has(id)).slice(0, 20);
      for (const [id, i] of missing) details.push({ field: `target.deviceIds.${i}`, messages: [`device ${id} does not exist`] });
    }
    const windowIds = [...new Set(dto.windowIds ?? [])];
    if (windowIds.length && checks('windowIds')) {
      const known = await this.repo.existingWindowIds(windowIds);
      for (const [i, id] of (dto.windowIds ?? []).entries()) if (!known.has(id)) details.push({ field: `windowIds.${i}`, messages: [`maintenance window ${id} does not exist`] });
    }
    if (dto.credentialId !== undefined && checks('credentialId')) {
      const cred = await this.credentials.find(dto.credentialId);
      if (!cred) details.push({ field: 'credentialId', messages: [`credential ${dto.credentialId} does not exist`] });
      else if (cred.kind !== 'ssh') details.push({ field: 'credentialId', messages: [`credential ${dto.credentialId} is ${cred.kind}, not ssh`] });
    }
    const s = dto.schedule ?? {};
    const timezone = s.timezone ?? 'UTC';
    let nextRunAt: Date | null = null;
    if (s.runAt && s.cron) details.push({ field: 'schedule', messages: ['schedule takes runAt or cron, not both'] });
    try {
      if (s.timezone !== undefined) checkTimezone(timezone, 'schedule.timezone');
      if (s.cron) nextRunAt = nextFiring(s.cron, timezone, now, { cron: 'schedule.cron', timezone: 'schedule.timezone' });
    } catch (err) {
      const body = (err as BadRequestException).getResponse?.() as { details?: FieldError[] } | undefined;
      if (!body?.details) throw err;
      details.push(...body.details);
    }
    if (s.runAt && s.runAt.getTime() > now.getTime()) nextRunAt = s.runAt;
    else if (s.runAt && check?.('schedule')) details.push({ field: 'schedule.runAt', messages: ['schedule.runAt must be in the future (Run now starts a run at once)'] });
    if (dto.deadline && checks('deadline') && dto.deadline.getTime() <= now.getTime()) details.push({ field: 'deadline', messages: ['deadline must be in the future'] });
    else if (dto.deadline && s.cron && nextRunAt && nextRunAt.getTime() >= dto.deadline.getTime() && (checks('deadline') || checks('schedule'))) {
      details.push({ field: 'deadline', messages: [`deadline comes before the schedule's first firing (${nextRunAt.toISOString()}): no run would start (deadlineMinutes limits each run instead)`] });
    }
    if (details.length) throw badRequest(details);

    const settings = {
      name: dto.name?.trim() ?? null, kind: dto.kind, params, target, runAt: s.runAt ?? null, cron: s.cron ?? null, timezone,
      nextRunAt, concurrency: dto.concurrency ?? 10, deadline: dto.deadline ?? null, deadlineMinutes: dto.deadlineMinutes ?? null,
      retries: dto.retries ?? 3, retryDelaySec: dto.retryDelaySec ?? 30, credentialId: dto.credentialId ?? null,
    };
    return { settings, windowIds };
  }

  /**
   * One run of a job, answering the firing at `firedAt`: targets resolved now (by the job's
   * selector, or a retry's devices) and stored with the run, then one queue job per lane (the
   * run's concurrency). Null when the firing already has its run.
   */
  async startRun(job: Job, firedAt: Date, trigger: JobRun['trigger'], createdBy: string | null, selector: JobTargetSelector = job.target): Promise<number | null> {
    const now = this.clock.now();
    const targets = await this.repo.resolveTargets(selector, MAX_RUN_TARGETS);
    const deadlines = [job.deadline, job.deadlineMinutes ? new Date(now.getTime() + job.deadlineMinutes * 60_000) : null].filter((d): d is Date => !!d);
    const deadlineAt = deadlines.length ? new Date(Math.min(...deadlines.map((d) => d.getTime()))) : null;
    const runId = await this.repo.insertRun(
      { jobId: job.id, status: 'running', firedAt, trigger, concurrency: job.concurrency, deadlineAt, stopRunning: false, createdBy, startedAt: now },
      targets,
    );
    if (runId === null) return null;
    await this.enqueueLanes(runId, Math.min(job.concurrency, targets.length));
    this.logger.log({ jobId: job.id, runId, targets: targets.length, trigger }, 'job run started');
    return runId;
  }

  /** Lane jobs have fixed ids, so enqueueing a lane that is already queued or running adds nothing. */
  async enqueueLanes(runId: number, lanes: number | number[], fresh = false): Promise<void> {
    const list = Array.isArray(lanes) ? lanes : Array.from({ length: Math.max(0, lanes) }, (_, i) => i);
    if (!list.length) return;
    // a dead worker's lane job stays "active" in Redis until BullMQ finds it stalled (half a
    // minute or more): lanes freed from a dead worker get a new id so they start now
    const suffix = fresh ? `-r${Date.now()}` : '';
    try {
      await this.queues.addBulk(list.map((lane) => ({
        name: JobName.JobLane, payload: { runId, lane }, opts: { jobId: `${laneJobId(runId, lane)}${suffix}`, removeOnComplete: true, removeOnFail: true },
      })));
    } catch (err) {
      this.logger.warn({ runId, err: (err as Error).message }, 'could not enqueue the run now; the reconciler will');
    }
  }

  async list(q: JobListQuery): Promise<Page<JobView>> {
    const [rows, total] = await this.repo.listJobs(q, (q.page - 1) * q.limit, q.limit);
    const items = await Promise.all(rows.map((j) => this.view(j)));
    return { items, total, page: q.page, limit: q.limit };
  }

  async get(id: number): Promise<JobDetailView> {
    const job = await this.find(id);
    const view = await this.view(job);
    return { ...view, targets: view.runId ? (await this.repo.targets(view.runId, undefined, 0, DETAIL_TARGETS)).map(toTargetView) : [] };
  }

  /** The params as the API shows them: a kind whose params carry secrets (config.push) masks them. */
  async shownParams(kind: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const k = this.kinds.get(kind);
    return k?.shownParams ? k.shownParams(params) : params;
  }

  async view(job: Job): Promise<JobView> {
    const run = await this.repo.latestRun(job.id);
    const counts = toCounts(run ? await this.countsOf(run) : {});
    const status = jobStatus(job, run);
    return {
      id: job.id, name: job.name, kind: job.kind, status, params: await this.shownParams(job.kind, job.params), target: job.target as Record<string, unknown>,
      schedule: { runAt: job.runAt, cron: job.cron, timezone: job.timezone }, nextRunAt: job.nextRunAt, windowIds: await this.repo.windowIdsOf(job.id),
      concurrency: job.concurrency, deadline: job.deadline, deadlineMinutes: job.deadlineMinutes, retries: job.retries, retryDelaySec: job.retryDelaySec,
      credentialId: job.credentialId, runId: run?.id ?? null, counts, skippedFirings: run?.skippedFirings ?? 0, createdBy: job.createdBy, createdAt: job.createdAt,
    };
  }

  async runs(jobId: number, page: number, limit: number): Promise<Page<RunView>> {
    await this.find(jobId);
    const [rows, total] = await this.repo.listRuns(jobId, (page - 1) * limit, limit);
    return { items: await Promise.all(rows.map((r) => this.runView(r))), total, page, limit };
  }

  async run(jobId: number, runId: number): Promise<RunDetailView> {
    const run = await this.findRun(jobId, runId);
    return { ...(await this.runView(run)), targets: (await this.repo.targets(run.id, undefined, 0, DETAIL_TARGETS)).map(toTargetView) };
  }

  async targets(jobId: number, runId: number, q: TargetsQuery): Promise<TargetPage> {
    const run = await this.findRun(jobId, runId);
    const counts = await this.countsOf(run);
    const total = q.status ? counts[q.status] ?? 0 : Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    return { items: (await this.repo.targets(run.id, q.status, (q.page - 1) * q.limit, q.limit)).map(toTargetView), total, page: q.page, limit: q.limit };
  }

  /** A target's output as text: the latest run's when runId is absent. */
  async log(jobId: number, runId: number | null, deviceId: number): Promise<{ text: Buffer; target: TargetRow; truncated: boolean }> {
    const run = runId === null ? await this.repo.latestRun(jobId) : await this.findRun(jobId, runId);
    if (!run || run.jobId !== jobId) throw new NotFoundException(`Job ${jobId} has not run yet`);
    const target = await this.repo.target(run.id, deviceId);
    if (!target) throw new NotFoundException(`Device ${deviceId} is not a target of run ${run.id}`);
    const log = await this.repo.log(run.id, deviceId);
    if (!log) {
      const pruned = run.finishedAt && run.finishedAt < this.outputCutoff();
      const text = target.status === 'running' ? '(running: the output is stored when this target finishes)\n'
        : pruned ? `(output deleted: job output is kept ${this.config.jobOutputRetentionDays} days, TEKNISI_JOB_OUTPUT_RETENTION_DAYS)\n`
        : '(no output)\n';
      return { text: Buffer.from(text), target, truncated: false };
    }
    const { gunzipSync } = await import('node:zlib');
    return { text: gunzipSync(log.log), target, truncated: log.truncated };
  }

  /**
   * Cancels the job: no further firings; the latest run's unstarted targets are cancelled. With
   * force, a job (or run) cancelled already has the targets it let finish stopped after all: a
   * technician who sees apt-get still running after a plain cancel may stop it.
   */
  async cancel(id: number, q: CancelQuery): Promise<JobView> {
    const job = await this.find(id);
    const run = await this.repo.latestRun(id);
    const open = underWay(run);
    const stopped = !open && run !== null && q.force === 'true' && (await this.repo.stopLeftRunning(run.id));
    if (job.state === 'cancelled' && !open && !stopped) throw new ConflictException(`Job ${id} is already cancelled${run && q.force === 'true' ? ', and none of its targets is running' : ''}`);
    await this.repo.setJobState(id, 'cancelled', this.clock.now());
    if (open) await this.stopRun(run.id, q);
    this.logger.log({ jobId: id, runId: run?.id, force: q.force === 'true' }, stopped ? "job's running targets stopped" : 'job cancelled');
    return this.view(await this.find(id));
  }

  /**
   * Cancels one run and leaves the job as it is: a recurring job's next firing starts a run as
   * usual (a run stuck waiting for a window is let go without ending the schedule). Unstarted
   * targets are cancelled; running ones finish, or are stopped with force.
   */
  async cancelRun(jobId: number, runId: number, q: CancelQuery): Promise<JobView> {
    const run = await this.findRun(jobId, runId);
    if (!underWay(run)) {
      if (q.force === 'true' && (await this.repo.stopLeftRunning(run.id))) {
        this.logger.log({ jobId, runId }, "cancelled run's running targets stopped");
        return this.view(await this.find(jobId));
      }
      throw new ConflictException(`Run ${runId} of job ${jobId} has ended (${run.status}): there is nothing to cancel${run.status === 'cancelled' && q.force === 'true' ? ' or stop' : ''}`);
    }
    await this.stopRun(run.id, q);
    this.logger.log({ jobId, runId, force: q.force === 'true' }, 'job run cancelled; the job goes on');
    return this.view(await this.find(jobId));
  }

  /** A run under way cancelled: unstarted targets at once; running ones finish, or are stopped with force. */
  private async stopRun(runId: number, q: CancelQuery): Promise<void> {
    if (q.force === 'true') await this.repo.setStopRunning(runId);
    await this.repo.cancelRun(runId, this.clock.now());
    await this.repo.completeIfDone(runId, this.clock.now());
  }

  async pause(id: number): Promise<JobView> {
    const run = await this.openRun(id, 'running', 'pause');
    await this.repo.setRunStatus(run.id, 'running', 'paused');
    this.logger.log({ jobId: id, runId: run.id }, 'job run paused');
    return this.view(await this.find(id));
  }

  async resume(id: number): Promise<JobView> {
    const run = await this.openRun(id, 'paused', 'resume');
    await this.repo.setRunStatus(run.id, 'paused', 'running');
    await this.enqueueLanes(run.id, run.concurrency);
    this.logger.log({ jobId: id, runId: run.id }, 'job run resumed');
    return this.view(await this.find(id));
  }

  /** Progress as server-sent events: `progress` on each change (the job as GET shows it, without targets), then `done`. */
  events(id: number, everyMs = 1000): Observable<{ type: string; data: JobView }> {
    return new Observable((sub) => {
      let timer: NodeJS.Timeout | undefined;
      let last = '';
      let closed = false;
      const tick = async () => {
        try {
          const view = await this.view(await this.find(id));
          const terminal = view.status === 'completed' || view.status === 'cancelled';
          const key = JSON.stringify([view.status, view.runId, view.counts]);
          if (key !== last || terminal) sub.next({ type: terminal ? 'done' : 'progress', data: view });
          last = key;
          if (terminal) return sub.complete();
          if (!closed) timer = setTimeout(tick, everyMs);
        } catch (err) {
          sub.error(err);
        }
      };
      void tick();
      return () => {
        closed = true;
        clearTimeout(timer);
      };
    });
  }

  /**
   * Starts a run of the job now, outside its schedule (trigger `manual`; `retry` with only
   * 'failed': the latest run's failed and missed devices, or the records they were merged into; a one-off job's start
   * time then passes unfired, a recurring job's schedule goes on); 409 while its last run
   * is running or paused, or once the job is cancelled. The check and the start hold the job's
   * lock, as its firings do, so that clicks at once (or a click as the job fires) start one run.
   */
  async runNow(id: number, actor: string | null, only?: 'failed'): Promise<{ id: number; runId: number }> {
    const done = await this.repo.underRunLock(id, RUN_NOW_WAIT_SECONDS, async () => {
      const job = await this.find(id);
      if (job.state === 'cancelled') throw new ConflictException(`Job ${id} is cancelled: it starts no more runs (create a new job to run it again)`);
      const last = await this.repo.latestRun(id);
      if (underWay(last)) {
        throw new ConflictException(`Job ${id} is under way (run ${last.id}, ${last.status}): wait for that run to end`);
      }
      let retry: JobTargetSelector | undefined;
      if (only === 'failed') {
        if (!last) throw new ConflictException(`Job ${id} has not run yet: there is nothing to retry`);
        // a machine merged into another record since is retried as that record
        const deviceIds = await this.repo.targetDevicesWithStatus(last.id, ['failed', 'missed']);
        if (!deviceIds.length) throw new ConflictException(`Run ${last.id} of job ${id} has no failed or missed targets to retry`);
        retry = { deviceIds };
      }
      const runId = await this.startRun(job, this.clock.now(), retry ? 'retry' : 'manual', actor, retry);
      // a one-off job's run is this one: its start time no longer fires (a recurring job's
      // schedule goes on)
      if (runId !== null && !job.cron && job.nextRunAt) await this.repo.claimFiring(id, job.nextRunAt, null);
      return runId;
    });
    if (!done.got) throw new ConflictException(`Job ${id} is being started by someone else: try again in a moment`);
    // null: a firing of the same instant has its run already
    if (done.value === null) throw new ConflictException(`Job ${id} has just started a run: see its runs`);
    return { id, runId: done.value };
  }

  /** Starts a run for every job whose firing is due; any number of processes may call it. */
  async fireDue(): Promise<number> {
    const now = this.clock.now();
    let started = 0;
    for (const due of await this.repo.dueJobs(now)) {
      // under the job's lock, as Run now: a firing that meets a Run now starting its run leaves
      // the job due, and the next tick finds that run under way. The job is read again under
      // the lock, for a Run now that ended (or another process's firing) after the list was read
      const fired = await this.repo.underRunLock(due.id, 0, async () => {
        const job = await this.repo.findJob(due.id);
        return job?.state === 'active' && job.nextRunAt?.getTime() === due.nextRunAt?.getTime() ? this.fire(job, now) : false;
      });
      if (fired.got && fired.value) started++;
    }
    return started;
  }

  /** One due job's firing: whether it started a run (not when skipped, failed or another process's). */
  private async fire(job: Job, now: Date): Promise<boolean> {
    const firedAt = job.nextRunAt!;
    let next: Date | null = null;
    if (job.cron) {
      try {
        next = nextFiring(job.cron, job.timezone, now);
      } catch (err) {
        this.logger.warn({ jobId: job.id, err: (err as Error).message }, 'the job\'s schedule no longer parses; not firing it again');
      }
    }
    // a recurring job's absolute deadline ends its schedule: a run fired at or past it would have
    // every target missed at once, and one more would follow at every firing, for ever
    if (job.deadline && firedAt.getTime() >= job.deadline.getTime()) {
      await this.repo.claimFiring(job.id, firedAt, null);
      this.logger.log({ jobId: job.id, firedAt, deadline: job.deadline }, 'job fired at or past its deadline: its schedule ends');
      return false;
    }
    if (next && job.deadline && next.getTime() >= job.deadline.getTime()) next = null;
    // a run that outlasts its schedule (targets waiting for a weekly window under a daily
    // cron, a paused run) is not joined by a second over the same machines, which would
    // repeat what the first has done and escape its pause and cancel: the firing is skipped
    // and counted on the run still under way, which its views show. Counted, then the
    // schedule moves on: under the job's lock no other process fires this firing meanwhile,
    // and a crash in between counts it twice rather than losing it.
    const last = await this.repo.latestRun(job.id);
    if (underWay(last) && last.firedAt.getTime() !== firedAt.getTime() && (await this.repo.skipFiringFor(last.id))) {
      await this.repo.claimFiring(job.id, firedAt, next);
      this.logger.log({ jobId: job.id, runId: last.id, firedAt }, 'job fired while its last run is still under way; skipped');
      return false;
    }
    // (a run that ended since it was read is not skipped for: this firing runs after all)
    // the run first (one per firing, by a unique key), then the schedule moves on: a crash in
    // between fires the same firing again, which finds its run and only moves the schedule
    let runId: number | null;
    try {
      runId = await this.startRun(job, firedAt, 'schedule', job.createdBy);
    } catch (err) {
      // one job's broken firing must not hold up the others; it is tried again next tick
      this.logger.warn({ jobId: job.id, firedAt, err: (err as Error).message }, 'could not start the job\'s scheduled run');
      return false;
    }
    await this.repo.claimFiring(job.id, firedAt, next);
    return runId !== null;
  }

  private async openRun(jobId: number, status: 'running' | 'paused', verb: string): Promise<JobRun> {
    await this.find(jobId);
    const run = await this.repo.latestRun(jobId);
    if (!run || run.status !== status) throw new ConflictException(`Job ${jobId} has no ${status} run to ${verb}${run ? ` (its latest run is ${run.status})` : ''}`);
    return run;
  }

  private async runView(r: JobRun): Promise<RunView> {
    return {
      id: r.id, jobId: r.jobId, status: r.status, trigger: r.trigger, firedAt: r.firedAt, concurrency: r.concurrency, deadlineAt: r.deadlineAt,
      total: r.total, counts: toCounts(await this.countsOf(r)), createdBy: r.createdBy, startedAt: r.startedAt, finishedAt: r.finishedAt, skippedFirings: r.skippedFirings,
    };
  }

  /** A completed run's stored counts (its targets no longer change); any other run's counted now. */
  private countsOf(run: JobRun): Promise<Partial<Record<TargetStatus, number>>> {
    return run.status === 'completed' && run.counts ? Promise.resolve(run.counts) : this.repo.counts(run.id);
  }

  async find(id: number): Promise<Job> {
    const job = await this.repo.findJob(id);
    if (!job) throw new NotFoundException(`Job ${id} does not exist`);
    return job;
  }

  private async findRun(jobId: number, runId: number): Promise<JobRun> {
    await this.find(jobId);
    const run = await this.repo.findRun(runId);
    if (!run || run.jobId !== jobId) throw new NotFoundException(`Run ${runId} of job ${jobId} does not exist`);
    return run;
  }
}
