// jobs/: the worker side. A run has `concurrency` lanes; a lane is a queue job that claims the
// run's due targets one after another under a lease in MySQL (renewed while it works), with the
// device's own lease so one job at a time touches a machine, whichever worker runs it. Targets
// outside their maintenance window, on a busy device or backing off after a transient failure
// go back to waiting with a time and a reason. Every worker reconciles on a timer: expired
// leases back to queued, lanes re-enqueued for due targets no queue holds (Redis flushed or
// restarted), deadlines applied, due schedules fired. At-least-once, made safe by each kind's
// precheck.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { gzipSync } from 'node:zlib';
import { claimOwners, workerId } from '../common/worker-id';
import { isDatabaseOutage } from '../database/driver-errors';
import { APP_CONFIG, AppConfig } from '../config/env';
import { QueueWorkerService } from '../queue/queue-worker.service';
import type { TaskOutcome } from './drivers/types';
import { Job, JobRun } from './job.entity';
import { JobKindRegistry, KindContext, TargetDevice } from './job-kinds';
import { fitLog } from './job-log';
import { JobsClock } from './jobs.clock';
import { JobsRepository, TargetRow } from './jobs.repository';
import { JobsService } from './jobs.service';
import { WindowsService } from './windows/windows.service';
import { nextAllowed, Window } from './windows/window-time';

/** a lane waits in place for a target due this soon; later ones are the reconciler's to wake */
const LANE_WAIT_MAX_MS = 30_000;
const CANCEL_CHECK_MS = 1_000;
const BUSY_DEVICE_RETRY_MS = 2_000;
/** claims of one target (worker crashes included) before it is given up */
const MAX_CLAIMS = 20;

export function retryDelayMs(job: Pick<Job, 'retryDelaySec'>, attempt: number): number {
  return Math.min(job.retryDelaySec * 1000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

@Injectable()
export class JobRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobRunner');
  readonly owner = workerId();
  private timer?: NodeJS.Timeout;
  private reconciling = false;
  /** each claim's lease owner, `<worker>#<n>` */
  private readonly nextClaim = claimOwners(this.owner);
  private stopping = false;
  /** one cancel check per run and process, shared by the targets of that run running here */
  private readonly runWatches = new Map<number, { listeners: Set<(run: JobRun) => void>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly repo: JobsRepository,
    private readonly jobs: JobsService,
    private readonly kinds: JobKindRegistry,
    private readonly windows: WindowsService,
    private readonly clock: JobsClock,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Only processes that consume the queues reconcile (the API role never runs job work). */
  onApplicationBootstrap(): void {
    try {
      this.moduleRef.get(QueueWorkerService, { strict: false });
    } catch {
      return;
    }
    const tick = () => {
      void this.reconcile().catch((err: Error) => this.logger.warn({ err: err.message }, 'job reconcile failed; next tick retries'));
    };
    tick();
    this.timer = setInterval(tick, this.config.jobReconcileMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopping = true;
    clearInterval(this.timer);
    for (const w of this.runWatches.values()) clearInterval(w.timer);
  }

  private leaseUntil(): Date {
    return new Date(this.clock.now().getTime() + this.config.jobLeaseMs);
  }

  /** One lane of a run: claims due targets until none is left for now. */
  async runLane(runId: number, lane: number): Promise<{ ran: number } | { skipped: string }> {
    let ran = 0;
    let job: Job | null = null;
    for (;;) {
      if (this.stopping) return { ran };
      const run = await this.repo.findRun(runId);
      if (!run) return { skipped: 'run deleted' };
      if (run.status !== 'running') return ran ? { ran } : { skipped: `run ${run.status}` };
      job ??= await this.repo.findJob(run.jobId);
      if (!job) return { skipped: 'job deleted' };
      const now = this.clock.now();
      if (run.deadlineAt && now > run.deadlineAt) {
        await this.repo.applyDeadline(runId, now);
        await this.repo.completeIfDone(runId, now);
        return { ran };
      }
      const claim = this.nextClaim();
      const leaseUntil = this.leaseUntil();
      const target = await this.repo.claimTarget(runId, lane, claim, leaseUntil, now);
      if (target === 'lane-busy') return { skipped: 'lane held by another worker' };
      if (!target) {
        const due = await this.repo.nextDue(runId);
        if (!due) {
          await this.repo.completeIfDone(runId, this.clock.now());
          return { ran };
        }
        const wait = due.getTime() - this.clock.now().getTime();
        if (wait > LANE_WAIT_MAX_MS) return { ran };
        await sleep(Math.min(Math.max(wait, 100), CANCEL_CHECK_MS * 5));
        continue;
      }
      await this.runTarget(run, job, target, claim, leaseUntil);
      ran++;
    }
  }

  /** `claim`: the target's lease owner (and its device lease's), held until `claimedUntil` unless renewed. */
  private async runTarget(run: JobRun, job: Job, claimed: TargetRow, claim: string, claimedUntil: Date): Promise<void> {
    // the target as this worker holds it: under its survivor's id once a merged device is followed
    let t = claimed;
    const at = () => this.clock.now();
    const finish = (status: TaskOutcome['status'] | 'cancelled', reason: string | null, exitCode: number | null = null) =>
      this.repo.finishTarget(run.id, t.deviceId, claim, { status, reason, exitCode, at: at() });
    const kind = this.kinds.get(job.kind);
    if (!kind) return void (await finish('failed', `this worker does not know the job kind "${job.kind}" (a module that registers it is missing)`));
    let device = await this.repo.device(t.deviceId);
    let mergedFrom: number | null = null;
    if (!device) {
      const found = await this.followMerge(run, t, claim);
      if (!found) return;
      (device = found), (mergedFrom = t.deviceId), (t = { ...t, deviceId: found.id });
    }
    if (t.attempts > MAX_CLAIMS) return void (await finish('failed', `given up after ${t.attempts - 1} attempts (workers stopped while running it)`));

    // maintenance windows: the job's (any of them) and each tag's (any of that tag's)
    const constraints = (await this.windows.constraintsForDevices([device.id], await this.repo.windowIdsOf(job.id))).get(device.id) ?? [];
    if (constraints.length) {
      const now = at();
      const open = nextAllowed(constraints, now);
      if (!open) return void (await finish('failed', `no maintenance window of this target opens within 8 weeks (${describe(constraints)})`));
      if (open.getTime() > now.getTime()) {
        await this.repo.deferTarget(run.id, t.deviceId, claim, {
          status: 'waiting-for-window', nextAttemptAt: open, at: now, undoAttempt: true,
          reason: `outside its maintenance window (${describe(constraints)}); waits for the next opening at ${open.toISOString()}`,
        });
        return;
      }
    }

    // the device lease's owner is the claim's: two lanes in one process (of two runs, or one
    // claim that outlived its lease and the next) must not share it
    const lease = await this.repo.acquireDevice(device.id, claim, run.id, this.leaseUntil(), at());
    if (!lease.ok) {
      await this.repo.deferTarget(run.id, t.deviceId, claim, {
        status: 'queued', nextAttemptAt: new Date(at().getTime() + BUSY_DEVICE_RETRY_MS), at: at(), undoAttempt: true,
        reason: `waiting: ${lease.runId === run.id ? 'this run' : `job run ${lease.runId}`} is working on this device`,
      });
      return;
    }

    // a cancel or a pause that came after the claim: nothing has started on the machine yet (a
    // package task, which a cancel lets finish once started, would otherwise run in full)
    const status = await this.repo.runStatus(run.id);
    if (status !== 'running') {
      await this.repo.releaseDevice(device.id, claim);
      if (status === 'paused') {
        await this.repo.deferTarget(run.id, t.deviceId, claim, { status: 'queued', nextAttemptAt: at(), at: at(), undoAttempt: true, reason: 'waiting: the run was paused as this target was about to start' });
      } else if (status === 'cancelled') {
        await finish('cancelled', 'cancelled before it started');
        await this.repo.completeIfDone(run.id, at());
      }
      return;
    }
    await this.repo.markStarted(run.id, t.deviceId, claim, at());
    const abort = new AbortController();
    let stop: 'lost' | 'cancelled' | null = null;
    const lose = (why: string) => {
      if (stop === 'lost') return;
      stop = 'lost';
      abort.abort(new Error(why));
    };
    // Renewed while the target runs and until its outcome is written. A worker that cannot renew
    // (MySQL unreachable) stops before its lease ends, when another worker may claim the target;
    // so does one whose device lease went to someone else.
    const renewEveryMs = Math.max(500, Math.floor(this.config.jobLeaseMs / 4));
    let heldUntil = claimedUntil;
    const renew = setInterval(() => {
      const until = this.leaseUntil();
      const lapsing = () => {
        if (this.clock.now().getTime() >= heldUntil.getTime() - renewEveryMs) lose(`lease not renewed in time (the database did not answer); another worker may take the target over`);
      };
      void Promise.all([this.repo.renewTarget(run.id, t.deviceId, claim, until), this.repo.renewDevice(device.id, claim, until)]).then(([mine, device]) => {
        if (!mine) lose('lease lost (another worker took the target over)');
        else if (!device) lose("the device's lease was lost (another job may be working on the machine)");
        else heldUntil = until;
      }, lapsing);
    }, renewEveryMs);
    const unwatch = this.watchRun(run.id, (r) => {
      if (stop) return;
      if (r.status === 'cancelled' && (kind.stopOnCancel || r.stopRunning)) (stop = 'cancelled'), abort.abort(new Error('cancelled'));
    });

    try {
      let outcome: TaskOutcome;
      const started = Date.now();
      try {
        const ctx: KindContext = {
          runId: run.id, runTrigger: run.trigger, device, params: job.params, signal: abort.signal, credentialId: job.credentialId,
          packageTools: () => this.repo.packageTools(device.id),
          // a stop (cancel, lost lease) ends the connecting, or closes the session, which kills what runs in it
          open: async () => {
            const session = await this.kinds.hostOpener()(device, job.credentialId, abort.signal);
            if (abort.signal.aborted) void session.close().catch(() => undefined);
            else abort.signal.addEventListener('abort', () => void session.close().catch(() => undefined), { once: true });
            return session;
          },
        };
        outcome = await kind.run(ctx);
      } catch (err) {
        outcome = { status: 'failed', transient: isTransientError(err), reason: oneLine((err as Error).message ?? String(err)), exitCode: null, log: '' };
      } finally {
        unwatch();
      }
      // What the target did is written through a database outage, for as long as the lease holds:
      // an outcome lost here would have the target run again, a finished install a second time.
      const write = <T>(what: string, fn: () => Promise<T>) => this.persist(what, fn, () => stop !== 'lost', { runId: run.id, deviceId: device.id });
      if (stop === 'lost') {
        this.logger.warn({ runId: run.id, deviceId: device.id, why: (abort.signal.reason as Error).message }, 'target stopped: its lease was lost; its result is dropped');
        return;
      }
      const merged = mergedFrom === null ? '' : `# device ${mergedFrom} was merged into device ${device.id}: this attempt ran on it\n`;
      const log = header(job, device, t, started, this.owner) + merged + outcome.log;
      const fitted = fitLog(log);
      const gz = gzipSync(fitted.text);
      if (!(await write('log', () => this.repo.saveLog(run.id, device.id, gz, fitted.bytes, fitted.truncated, at())))) return;
      const exitCode = outcome.status === 'skipped' ? null : outcome.exitCode;
      const settle = (status: TaskOutcome['status'] | 'cancelled', reason: string) => write('outcome', () => finish(status, reason, exitCode));
      if (stop === 'cancelled') await settle('cancelled', `stopped by cancel after ${Math.round((Date.now() - started) / 1000)} s`);
      else if (outcome.status === 'failed' && outcome.transient && t.attempts <= job.retries) {
        const next = new Date(at().getTime() + retryDelayMs(job, t.attempts));
        await write('retry', () => this.repo.deferTarget(run.id, device.id, claim, {
          status: 'queued', nextAttemptAt: next, at: at(), exitCode,
          reason: `attempt ${t.attempts} of ${job.retries + 1} failed: ${outcome.reason}; retrying at ${next.toISOString()}`,
        }));
      } else {
        const tries = outcome.status === 'failed' && outcome.transient && t.attempts > 1 ? ` (after ${t.attempts} attempts)` : '';
        await settle(outcome.status, `${outcome.reason}${tries}`);
      }
    } finally {
      clearInterval(renew);
      await this.repo.releaseDevice(device.id, claim).catch(() => undefined);
    }
    await this.repo.completeIfDone(run.id, at());
  }

  /**
   * A target whose device no longer exists. A device merged into another (device_merges) lives
   * on as that one: a target that was running during the merge kept the merged id for its worker
   * to finish, and when it comes back to the queue instead (a retry, a closed window, a dead
   * worker's lease), it moves to the survivor and runs there. When the run targets the survivor
   * as well, that target is the machine's and this one is settled naming it, so the machine is
   * not run twice. Null when the target was settled here (or is no longer this worker's).
   */
  private async followMerge(run: JobRun, t: TargetRow, claim: string): Promise<TargetDevice | null> {
    const finish = (status: 'failed' | 'skipped', reason: string) =>
      this.repo.finishTarget(run.id, t.deviceId, claim, { status, reason, exitCode: null, at: this.clock.now() });
    const survivorId = await this.repo.survivorOf(t.deviceId);
    const survivor = survivorId === null ? null : await this.repo.device(survivorId);
    if (!survivor) {
      await finish('failed', survivorId === null ? 'the device was deleted' : `the device was merged into device ${survivorId}, which no longer exists`);
      return null;
    }
    const named = `device ${t.deviceId} was merged into device ${survivor.id}${survivor.hostname ? ` (${survivor.hostname})` : ''}`;
    const moved = await this.repo.moveTargetToSurvivor(run.id, t.deviceId, survivor.id, claim);
    if (moved === 'taken') await finish('skipped', `${named}, which this run targets as well: that target is this machine's`);
    if (moved !== 'moved') return null;
    this.logger.log({ runId: run.id, deviceId: t.deviceId, survivorId: survivor.id }, 'target of a merged device moved to its survivor');
    return survivor;
  }

  /**
   * Calls `listener` with the run as MySQL has it, every CANCEL_CHECK_MS, until the returned
   * function is called. The targets of one run running in this process share one query.
   */
  private watchRun(runId: number, listener: (run: JobRun) => void): () => void {
    let w = this.runWatches.get(runId);
    if (!w) {
      const listeners = new Set<(run: JobRun) => void>();
      const timer = setInterval(() => {
        void this.repo.findRun(runId).then((r) => {
          if (r) for (const l of listeners) l(r);
        }, () => undefined);
      }, CANCEL_CHECK_MS);
      w = { listeners, timer };
      this.runWatches.set(runId, w);
    }
    const watch = w;
    watch.listeners.add(listener);
    return () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size === 0) {
        clearInterval(watch.timer);
        if (this.runWatches.get(runId) === watch) this.runWatches.delete(runId);
      }
    };
  }

  /**
   * Calls `fn` until it succeeds, every 0.25 s to 5 s, while `held()` (the target's lease is
   * this worker's); false when the lease went first. Errors other than the database's pass.
   */
  private async persist<T>(what: string, fn: () => Promise<T>, held: () => boolean, where: { runId: number; deviceId: number }): Promise<boolean> {
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await fn();
        return true;
      } catch (err) {
        if (!isDatabaseOutage(err) || !held()) throw err;
        this.logger.warn({ ...where, err: (err as Error).message }, `the target's ${what} could not be written; trying again while its lease holds`);
      }
      await sleep(wait);
      if (!held()) {
        this.logger.warn(where, `the target's ${what} was not written before its lease was lost; another worker will run it again`);
        return false;
      }
    }
  }

  /** Idempotent; every worker runs it on its timer. */
  async reconcile(): Promise<{ released: number; lanes: number; deadlines: number; completed: number; fired: number }> {
    if (this.reconciling) return { released: 0, lanes: 0, deadlines: 0, completed: 0, fired: 0 };
    this.reconciling = true;
    try {
      const now = this.clock.now();
      const freed = await this.repo.releaseExpired(now);
      const released = freed.length;
      const byRun = new Map<number, number[]>();
      for (const f of freed) byRun.set(f.runId, [...(byRun.get(f.runId) ?? []), f.lane]);
      for (const [runId, lanes] of byRun) await this.jobs.enqueueLanes(runId, lanes, true);
      let deadlines = 0;
      for (const id of await this.repo.runsPastDeadline(now)) deadlines += await this.repo.applyDeadline(id, now);
      const fired = await this.jobs.fireDue();
      let lanes = 0;
      for (const r of await this.repo.runsWithDueTargets(this.clock.now())) {
        const n = Math.min(r.concurrency, r.due);
        await this.jobs.enqueueLanes(r.runId, n);
        lanes += n;
      }
      let completed = 0;
      for (const id of await this.repo.finishedOpenRuns()) if (await this.repo.completeIfDone(id, this.clock.now())) completed++;
      if (released || deadlines || completed || fired) this.logger.log({ released, deadlines, completed, fired }, 'job runs reconciled');
      return { released, lanes, deadlines, completed, fired };
    } finally {
      this.reconciling = false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 1000);
}

/** Errors thrown (rather than returned) by a kind: connection trouble may pass, the rest will not. */
function isTransientError(err: unknown): boolean {
  const reason = (err as { reason?: string }).reason;
  if (reason) return reason === 'timeout' || reason === 'refused' || reason === 'protocol';
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out/i.test(String((err as Error).message));
}

function describe(constraints: Window[][]): string {
  const name = (w: Window) => (w as Window & { name?: string }).name ?? 'window';
  return constraints.map((g) => g.map((w) => `"${name(w)}" ${w.timezone}`).join(' or ')).join('; and ').slice(0, 400);
}

function header(job: Job, device: TargetDevice, t: TargetRow, startedMs: number, worker: string): string {
  return `# job ${job.id} (${job.kind}) on ${device.hostname ?? `device ${device.id}`} (${device.primaryIp ?? 'no address'}), attempt ${t.attempts}, started ${new Date(startedMs).toISOString()} by worker ${worker}\n`;
}
