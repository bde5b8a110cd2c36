// jobs/: a job is a definition (kind, parameters, target selector, schedule); a run is one
// execution of it; a run target is one device in one run. Run targets carry their own lease
// (worker, lease-until) and a lane while running, so any number of workers share a run, the
// run's concurrency holds across them, and a dead worker's targets come back.
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { IdColumn, LongJsonColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { MaintenanceWindow } from './windows/maintenance-window.entity';

export const JOB_STATES = ['active', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const RUN_STATUSES = ['running', 'paused', 'completed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_TRIGGERS = ['now', 'schedule', 'manual', 'retry'] as const;

export const TARGET_STATUSES = ['queued', 'waiting-for-window', 'running', 'succeeded', 'skipped', 'failed', 'cancelled', 'missed'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];
export const FINAL_TARGET_STATUSES: TargetStatus[] = ['succeeded', 'skipped', 'failed', 'cancelled', 'missed'];

/** Who picks the machines: explicit ids, tags (any of), and/or a saved inventory filter; resolved when a run starts. */
export interface JobTargetSelector {
  deviceIds?: number[];
  tags?: string[];
  filter?: Record<string, string>;
}

@Entity('jobs')
export class Job {
  @IdColumn() id: number;
  @TextColumn(128) name: string | null;
  @Column({ type: 'varchar', length: 64 }) kind: string;
  /** the kind's parameters as validated (never a secret: credentials are referenced by id); a 64 KiB script fits */
  @LongJsonColumn() params: Record<string, unknown>;
  /** up to 100,000 device ids */
  @LongJsonColumn() target: JobTargetSelector;
  @Column({ type: 'varchar', length: 16, default: 'active' }) state: JobState;
  /** a one-off job's start; null with cron (or for "now") */
  @TimeColumn({ nullable: true }) runAt: Date | null;
  @TextColumn(128) cron: string | null;
  @Column({ type: 'varchar', length: 64, default: 'UTC' }) timezone: string;
  /** the next firing still to claim; null when nothing more is scheduled */
  @Index() @TimeColumn({ nullable: true }) nextRunAt: Date | null;
  @Column({ type: 'smallint', unsigned: true, default: 10 }) concurrency: number;
  /** an absolute deadline for every run of the job */
  @TimeColumn({ nullable: true }) deadline: Date | null;
  /** a deadline relative to each run's start (what a cron job needs) */
  @Column({ type: 'int', unsigned: true, nullable: true }) deadlineMinutes: number | null;
  /** retries of a transient failure per target, and the first delay (doubled each time) */
  @Column({ type: 'tinyint', unsigned: true, default: 3 }) retries: number;
  @Column({ type: 'int', unsigned: true, default: 30 }) retryDelaySec: number;
  /** an SSH credential to use instead of the one that last worked for each device */
  @RefColumn({ nullable: true }) credentialId: number | null;
  @TextColumn(64) createdBy: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** Maintenance windows attached to a job (the windows themselves belong to jobs/windows). */
@Entity('job_windows')
export class JobWindow {
  @PrimaryColumn({ type: 'int', unsigned: true }) jobId: number;
  @Index() @PrimaryColumn({ type: 'int', unsigned: true }) windowId: number;
  @ManyToOne(() => Job, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'job_id' }) job?: Relation<Job>;
  /** a window in use by a job cannot be deleted (the API answers 409) */
  @ManyToOne(() => MaintenanceWindow, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'window_id' }) window?: Relation<MaintenanceWindow>;
}

@Entity('job_runs')
@Index(['jobId', 'firedAt'], { unique: true })
@Index(['status', 'id'])
/** a job's latest run (the dashboard, Run now, every firing): by job, newest id first */
@Index(['jobId', 'id'])
export class JobRun {
  @IdColumn() id: number;
  @RefColumn() jobId: number;
  @Column({ type: 'varchar', length: 16 }) status: RunStatus;
  /** the scheduled instant this run answers (its start for a run started by hand); one run per firing */
  @TimeColumn() firedAt: Date;
  /** now: a one-off job's start; schedule: a firing; manual: Run now; retry: the last run's failed and missed targets again */
  @Column({ type: 'varchar', length: 16 }) trigger: (typeof RUN_TRIGGERS)[number];
  @Column({ type: 'smallint', unsigned: true }) concurrency: number;
  @TimeColumn({ nullable: true }) deadlineAt: Date | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) total: number;
  /** set by a forced cancel: running targets are stopped too, whatever their kind */
  @Column({ type: 'boolean', default: false }) stopRunning: boolean;
  @TextColumn(64) createdBy: string | null;
  @TimeColumn() startedAt: Date;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
  /** targets by status, stored as the run completes (its targets are all final then and stay so) */
  @Column({ type: 'simple-json', nullable: true }) counts: Partial<Record<TargetStatus, number>> | null;
  /** firings of the job's schedule that came while this run was still running or paused, and were skipped */
  @Column({ type: 'int', unsigned: true, default: 0 }) skippedFirings: number;
  @ManyToOne(() => Job, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'job_id' }) job?: Relation<Job>;
}

@Entity('job_run_targets')
@Index(['runId', 'status', 'nextAttemptAt'])
@Index(['status', 'leaseUntil'])
/** a device's page lists the jobs that touched it */
@Index(['deviceId'])
/** a lane is one of the run's `concurrency` slots; unique while running, NULL otherwise */
@Index(['runId', 'lane'], { unique: true })
export class JobRunTarget {
  @PrimaryColumn({ type: 'int', unsigned: true }) runId: number;
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  /** the device's name when the run started, shown even if the device is deleted later */
  @TextColumn(255) hostname: string | null;
  @Column({ type: 'varchar', length: 20 }) status: TargetStatus;
  @TextColumn(1024) reason: string | null;
  @Column({ type: 'int', nullable: true }) exitCode: number | null;
  @Column({ type: 'smallint', unsigned: true, default: 0 }) attempts: number;
  /** not before this instant (a retry's backoff, the next window opening, a busy device) */
  @TimeColumn({ nullable: true }) nextAttemptAt: Date | null;
  @Column({ type: 'smallint', unsigned: true, nullable: true }) lane: number | null;
  @TextColumn(64) leaseOwner: string | null;
  @TimeColumn({ nullable: true }) leaseUntil: Date | null;
  @TimeColumn({ nullable: true }) startedAt: Date | null;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
  @ManyToOne(() => JobRun, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: Relation<JobRun>;
}

/** A target's output: commands and their stdout/stderr, capped, gzip-compressed. */
@Entity('job_target_logs')
export class JobTargetLog {
  @PrimaryColumn({ type: 'int', unsigned: true }) runId: number;
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @Column({ type: 'mediumblob' }) log: Buffer;
  /** uncompressed size */
  @Column({ type: 'int', unsigned: true }) bytes: number;
  @Column({ type: 'boolean', default: false }) truncated: boolean;
  @TimeColumn() at: Date;
  @ManyToOne(() => JobRun, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: Relation<JobRun>;
}

/** One job at a time per device, across workers: a lease like a target's, held while a target runs. */
@Entity('device_leases')
export class DeviceLease {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @Column({ type: 'varchar', length: 64 }) owner: string;
  @RefColumn() runId: number;
  @TimeColumn() leaseUntil: Date;
}
