// jobs/: every query on jobs, runs, run targets, their logs and device leases. Workers claim
// targets and devices with conditional UPDATEs/INSERTs that set a lease, so any number of them
// share a run, one job at a time runs per machine (merged records of it included), and a dead
// worker's targets come back.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { deleteInBatches } from '../database/batches';
import { isDeadlock, isDuplicateKey } from '../database/driver-errors';
import { withNamedLock } from '../database/named-lock';
import { databaseNow } from '../database/now';
import { statusCountsJson } from '../database/status-counts';
import { deviceSql, DeviceFilter, survivorOf } from '../devices/devices.repository';
import { FINAL_TARGET_STATUSES, Job, JobRun, JobRunTarget, JobTargetSelector, RunStatus, TargetStatus } from './job.entity';
import type { TargetDevice } from './job-kinds';

const OPEN_TARGET = `('queued', 'waiting-for-window', 'running')`;
const UNSTARTED = `('queued', 'waiting-for-window')`;
/** candidates a lane reads before it gives up claiming for now (each one taken by another lane as it read it) */
const CLAIM_TRIES = 20;

export interface TargetRow {
  runId: number;
  deviceId: number;
  hostname: string | null;
  status: TargetStatus;
  reason: string | null;
  exitCode: number | null;
  attempts: number;
  nextAttemptAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** the device that the target's device was merged into (the target's own no longer exists), where the list joined it */
  mergedInto?: number | null;
}

export interface JobListFilter {
  kind?: string;
  state?: string;
  q?: string;
  /** 'true': jobs with a cron schedule only */
  scheduled?: string;
  /** jobs with a run that targeted this device */
  deviceId?: number;
  /** jobs with a run in this status (by the job_runs (status, id) index) */
  status?: 'running' | 'paused';
}

const TARGET_COLUMNS = `run_id AS runId, device_id AS deviceId, hostname, status, reason, exit_code AS exitCode, attempts,
  next_attempt_at AS nextAttemptAt, started_at AS startedAt, finished_at AS finishedAt`;

function toTarget(r: Record<string, unknown>): TargetRow {
  return {
    runId: Number(r.runId), deviceId: Number(r.deviceId), hostname: (r.hostname as string) ?? null, status: r.status as TargetStatus,
    reason: (r.reason as string) ?? null, exitCode: r.exitCode === null || r.exitCode === undefined ? null : Number(r.exitCode),
    attempts: Number(r.attempts), nextAttemptAt: (r.nextAttemptAt as Date) ?? null, startedAt: (r.startedAt as Date) ?? null, finishedAt: (r.finishedAt as Date) ?? null,
    ...(r.mergedInto !== undefined ? { mergedInto: r.mergedInto === null ? null : Number(r.mergedInto) } : {}),
  };
}

/** Rows an UPDATE, INSERT or DELETE changed (mysql2's result header, as TypeORM's query() returns it). */
function affected(res: unknown): number {
  return Number((res as { affectedRows?: number }).affectedRows ?? 0);
}

async function retryDeadlocks<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDeadlock(err) || i >= 5) throw err;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 50 * (i + 1)));
    }
  }
}

/** a job's maintenance windows, inside the transaction that writes the job */
async function insertWindows(m: EntityManager, jobId: number, windowIds: number[]): Promise<void> {
  if (windowIds.length) await m.query(`INSERT INTO job_windows (job_id, window_id) VALUES ${windowIds.map(() => '(?, ?)').join(', ')}`, windowIds.flatMap((w) => [jobId, w]));
}

@Injectable()
export class JobsRepository {
  constructor(private readonly ds: DataSource) {}

  /** The database's clock (UTC), which every worker's JobsClock follows. */
  async databaseNow(): Promise<Date> {
    return databaseNow(this.ds);
  }

  // jobs

  async insertJob(j: Omit<Job, 'id'>, windowIds: number[]): Promise<number> {
    return this.ds.transaction(async (m) => {
      // params is free-form JSON, which TypeORM's deep-partial type cannot follow
      const res = await m.getRepository(Job).insert(j as QueryDeepPartialEntity<Job>);
      const id = Number(res.identifiers[0].id);
      await insertWindows(m, id, windowIds);
      return id;
    });
  }

  /** A job's settings and windows replaced, in one transaction. */
  async updateJob(id: number, j: Partial<Omit<Job, 'id'>>, windowIds: number[]): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.getRepository(Job).update(id, j as QueryDeepPartialEntity<Job>);
      await m.query('DELETE FROM job_windows WHERE job_id = ?', [id]);
      await insertWindows(m, id, windowIds);
    });
  }

  findJob(id: number): Promise<Job | null> {
    return this.ds.getRepository(Job).findOneBy({ id });
  }

  async listJobs(f: JobListFilter, offset: number, limit: number): Promise<[Job[], number]> {
    const qb = this.ds.getRepository(Job).createQueryBuilder('j').orderBy('j.id', 'DESC').skip(offset).take(limit);
    if (f.kind) qb.andWhere('j.kind = :kind', { kind: f.kind });
    if (f.state) qb.andWhere('j.state = :state', { state: f.state });
    if (f.scheduled === 'true') qb.andWhere('j.cron IS NOT NULL');
    if (f.scheduled === 'false') qb.andWhere('j.cron IS NULL');
    if (f.status) qb.andWhere('j.id IN (SELECT r.job_id FROM job_runs r WHERE r.status = :runStatus)', { runStatus: f.status });
    if (f.q) qb.andWhere('j.name LIKE :q', { q: `%${f.q.replace(/[\\%_]/g, '\\$&')}%` });
    // the device's run targets by the (device_id) index, then their runs' jobs; with those that
    // still name a device merged into it (running during the merge, or in a run that targeted
    // both), whose ids are looked up first by device_merges' (survivor_id) index, so that the
    // list stays an index range on device_id
    if (f.deviceId !== undefined) {
      const deviceIds = [f.deviceId, ...(await this.mergedInto(f.deviceId))];
      qb.andWhere('j.id IN (SELECT r.job_id FROM job_run_targets t JOIN job_runs r ON r.id = t.run_id WHERE t.device_id IN (:...deviceIds))', { deviceIds });
    }
    return qb.getManyAndCount();
  }

  /** The devices merged into this one (directly or through a chain of merges), by device_merges. */
  async mergedInto(survivorId: number): Promise<number[]> {
    const rows: Array<{ id: number }> = await this.ds.query('SELECT merged_id AS id FROM device_merges WHERE survivor_id = ?', [survivorId]);
    return rows.map((r) => Number(r.id));
  }

  async windowIdsOf(jobId: number): Promise<number[]> {
    const rows: Array<{ windowId: number }> = await this.ds.query('SELECT window_id AS windowId FROM job_windows WHERE job_id = ? ORDER BY window_id', [jobId]);
    return rows.map((r) => Number(r.windowId));
  }

  async existingWindowIds(ids: number[]): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: number }> = await this.ds.query(`SELECT id FROM maintenance_windows WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    return new Set(rows.map((r) => Number(r.id)));
  }

  async existingDeviceIds(ids: number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < ids.length; i += 1000) {
      const batch = ids.slice(i, i + 1000);
      const rows: Array<{ id: number }> = await this.ds.query(`SELECT id FROM devices WHERE id IN (${batch.map(() => '?').join(', ')})`, batch);
      for (const r of rows) out.add(Number(r.id));
    }
    return out;
  }

  async setJobState(id: number, state: Job['state'], at: Date): Promise<void> {
    await this.ds.query('UPDATE jobs SET state = ?, next_run_at = IF(? = \'cancelled\', NULL, next_run_at), updated_at = ? WHERE id = ?', [state, state, at, id]);
  }

  dueJobs(now: Date, limit = 100): Promise<Job[]> {
    return this.ds.getRepository(Job).createQueryBuilder('j').where(`j.state = 'active' AND j.next_run_at <= :now`, { now }).orderBy('j.next_run_at').limit(limit).getMany();
  }

  /** Moves a job to its next firing only if nobody else did: the caller that wins starts the run. */
  async claimFiring(id: number, expected: Date, next: Date | null): Promise<boolean> {
    return affected(await this.ds.query('UPDATE jobs SET next_run_at = ? WHERE id = ? AND next_run_at = ?', [next, id, expected])) > 0;
  }

  /**
   * Runs fn under the job's MySQL lock (waiting up to waitSeconds for another holder), so that
   * checking the last run and starting the next happen in one process at a time: Run now and
   * the job's firings take it.
   */
  underRunLock<T>(jobId: number, waitSeconds: number, fn: () => Promise<T>): Promise<{ got: true; value: T } | { got: false }> {
    return withNamedLock(this.ds, `job_run_${jobId}`, waitSeconds, fn);
  }

  /**
   * The devices of a run's targets that ended in one of these statuses, each as it lives on now:
   * a device merged since is the one device_merges names (which later merges keep current).
   */
  async targetDevicesWithStatus(runId: number, statuses: TargetStatus[]): Promise<number[]> {
    const rows: Array<{ deviceId: number }> = await this.ds.query(
      `SELECT DISTINCT COALESCE(dm.survivor_id, t.device_id) AS deviceId FROM job_run_targets t LEFT JOIN device_merges dm ON dm.merged_id = t.device_id
       WHERE t.run_id = ? AND t.status IN (?) ORDER BY deviceId`,
      [runId, statuses],
    );
    return rows.map((r) => Number(r.deviceId));
  }

  /** Counts a firing skipped on a run still under way; false when the run has ended meanwhile. */
  async skipFiringFor(runId: number): Promise<boolean> {
    return affected(await this.ds.query("UPDATE job_runs SET skipped_firings = skipped_firings + 1 WHERE id = ? AND status IN ('running', 'paused')", [runId])) > 0;
  }

  /**
   * The devices a selector picks, now: listed ids that exist, devices with any of the tags, and
   * those the saved filter matches (which, like the device list, leaves retired ones out).
   */
  async resolveTargets(sel: JobTargetSelector, limit: number): Promise<Array<{ id: number; hostname: string | null }>> {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (sel.deviceIds?.length) (parts.push(`SELECT id FROM devices WHERE id IN (${sel.deviceIds.map(() => '?').join(', ')})`), params.push(...sel.deviceIds));
    if (sel.tags?.length) {
      parts.push(`SELECT t.device_id AS id FROM device_tags t JOIN devices d ON d.id = t.device_id WHERE d.status <> 'retired' AND t.tag IN (${sel.tags.map(() => '?').join(', ')})`);
      params.push(...sel.tags);
    }
    if (sel.filter) {
      const q = deviceSql(sel.filter as DeviceFilter);
      parts.push(`SELECT d.id FROM ${q.from} WHERE ${q.where}`);
      params.push(...q.fromParams, ...q.whereParams);
    }
    if (!parts.length) return [];
    const rows: Array<{ id: number; hostname: string | null }> = await this.ds.query(
      `SELECT d.id, d.hostname FROM devices d JOIN (${parts.join(' UNION ')}) pick ON pick.id = d.id ORDER BY d.id LIMIT ?`,
      [...params, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), hostname: r.hostname }));
  }

  async device(id: number): Promise<TargetDevice | null> {
    const [r] = await this.ds.query(
      `SELECT id, hostname, primary_ip AS primaryIp, platform, os_family AS osFamily, os_name AS osName, os_version AS osVersion, type
       FROM devices WHERE id = ?`,
      [id],
    );
    return r ? { ...r, id: Number(r.id) } : null;
  }

  /**
   * The device's installed software that names a package manager (Linux package lists name
   * their own tools; Windows lists Chocolatey and, sometimes, App Installer): what pickManager
   * decides by when the OS name does not tell.
   */
  async packageTools(deviceId: number): Promise<Array<{ name: string }>> {
    return this.ds.query(
      `SELECT DISTINCT s.name FROM installed_software i JOIN software s ON s.id = i.software_id
       WHERE i.device_id = ? AND (s.name IN ('apt', 'dnf', 'yum', 'zypper', 'apk-tools', 'pacman')
         OR s.name LIKE 'chocolatey%' OR s.name LIKE 'app installer%' OR s.name LIKE 'windows package manager%'
         OR s.name LIKE 'microsoft.desktopappinstaller%' OR s.name LIKE 'winget%')
       LIMIT 50`,
      [deviceId],
    );
  }

  // runs

  /**
   * The run and all its targets in one transaction: a run row never exists without its work.
   * Null when this firing already has its run (another process fired it first).
   */
  async insertRun(r: Omit<JobRun, 'id' | 'finishedAt' | 'total' | 'counts' | 'skippedFirings'>, targets: Array<{ id: number; hostname: string | null }>): Promise<number | null> {
    try {
      return await this.ds.transaction(async (m) => {
        const res = await m.query(
          `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, deadline_at, total, created_by, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [r.jobId, targets.length ? r.status : 'completed', r.firedAt, r.trigger, r.concurrency, r.deadlineAt, targets.length, r.createdBy, r.startedAt, targets.length ? null : r.startedAt],
        );
        const id = Number(res.insertId);
        for (let i = 0; i < targets.length; i += 2000) {
          const batch = targets.slice(i, i + 2000);
          await m.query(
            `INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts) VALUES ${batch.map(() => `(?, ?, ?, 'queued', 0)`).join(', ')}`,
            batch.flatMap((t) => [id, t.id, t.hostname?.slice(0, 255) ?? null]),
          );
        }
        return id;
      });
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  findRun(id: number): Promise<JobRun | null> {
    return this.ds.getRepository(JobRun).findOneBy({ id });
  }

  async latestRun(jobId: number): Promise<JobRun | null> {
    return this.ds.getRepository(JobRun).findOne({ where: { jobId }, order: { id: 'DESC' } });
  }

  listRuns(jobId: number, offset: number, limit: number): Promise<[JobRun[], number]> {
    return this.ds.getRepository(JobRun).findAndCount({ where: { jobId }, order: { id: 'DESC' }, skip: offset, take: limit });
  }

  async runStatus(id: number): Promise<RunStatus | null> {
    const [row] = await this.ds.query('SELECT status FROM job_runs WHERE id = ?', [id]);
    return row?.status ?? null;
  }

  async counts(runId: number): Promise<Partial<Record<TargetStatus, number>>> {
    const rows: Array<{ status: TargetStatus; n: string }> = await this.ds.query('SELECT status, COUNT(*) AS n FROM job_run_targets WHERE run_id = ? GROUP BY status', [runId]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async targets(runId: number, status: TargetStatus | undefined, offset: number, limit: number): Promise<TargetRow[]> {
    const rows = await this.ds.query(
      // a target that still names a merged device (it was running during the merge, or its run
      // targeted both) is shown with the device that the merged one lives on as
      `SELECT ${TARGET_COLUMNS}, dm.survivor_id AS mergedInto FROM job_run_targets LEFT JOIN device_merges dm ON dm.merged_id = device_id
        WHERE run_id = ? ${status ? 'AND status = ?' : ''} ORDER BY device_id LIMIT ? OFFSET ?`,
      [runId, ...(status ? [status] : []), limit, offset],
    );
    return rows.map(toTarget);
  }

  async target(runId: number, deviceId: number): Promise<TargetRow | null> {
    const [r] = await this.ds.query(
      `SELECT ${TARGET_COLUMNS}, dm.survivor_id AS mergedInto FROM job_run_targets LEFT JOIN device_merges dm ON dm.merged_id = device_id WHERE run_id = ? AND device_id = ?`,
      [runId, deviceId],
    );
    return r ? toTarget(r) : null;
  }

  async log(runId: number, deviceId: number): Promise<{ log: Buffer; bytes: number; truncated: boolean; at: Date } | null> {
    const [r] = await this.ds.query('SELECT log, bytes, truncated, at FROM job_target_logs WHERE run_id = ? AND device_id = ?', [runId, deviceId]);
    return r ? { log: r.log as Buffer, bytes: Number(r.bytes), truncated: Boolean(r.truncated), at: r.at } : null;
  }

  /**
   * Deletes the targets' output of the runs that finished before `before`, 200 runs at a time
   * and in batches; the runs, their targets' statuses and the audit log stay.
   */
  async pruneLogs(before: Date): Promise<{ runs: number; logs: number }> {
    const total = { runs: 0, logs: 0 };
    for (;;) {
      const runs: Array<{ id: string }> = await this.ds.query(
        `SELECT r.id FROM job_runs r WHERE r.finished_at < ? AND EXISTS (SELECT 1 FROM job_target_logs l WHERE l.run_id = r.id) ORDER BY r.id LIMIT 200`,
        [before],
      );
      for (const { id } of runs) total.logs += await deleteInBatches(this.ds, 'DELETE FROM job_target_logs WHERE run_id = ? LIMIT ?', [id], 1000);
      total.runs += runs.length;
      if (runs.length < 200) return total;
    }
  }

  async saveLog(runId: number, deviceId: number, gz: Buffer, bytes: number, truncated: boolean, at: Date): Promise<void> {
    await this.ds.query(
      `INSERT INTO job_target_logs (run_id, device_id, log, bytes, truncated, at) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE log = VALUES(log), bytes = VALUES(bytes), truncated = VALUES(truncated), at = VALUES(at)`,
      [runId, deviceId, gz, bytes, truncated, at],
    );
  }

  // claiming and leases

  /**
   * Claims the run's next due target for one lane: queued (or waiting for a window that has
   * opened), not before its next attempt. `lane-busy` when another worker holds the lane (the
   * unique (run_id, lane) index keeps a run within its concurrency across workers).
   */
  async claimTarget(runId: number, lane: number, owner: string, leaseUntil: Date, now: Date): Promise<TargetRow | null | 'lane-busy'> {
    // the candidate first, read without locks along the (run_id, status, next_attempt_at) index,
    // then claimed by its key under the same conditions: one UPDATE … ORDER BY … LIMIT 1 locked
    // every target it looked at, all 98,000 of a large run (74 ms), and every lane's claim,
    // renewal and finish, on every worker, waited in one line behind it
    for (let tries = 0; tries < CLAIM_TRIES; tries++) {
      const [next] = await this.ds.query(
        `(SELECT device_id AS deviceId, next_attempt_at AS at FROM job_run_targets
            WHERE run_id = ? AND status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY next_attempt_at, device_id LIMIT 1)
         UNION ALL
         (SELECT device_id, next_attempt_at FROM job_run_targets
            WHERE run_id = ? AND status = 'waiting-for-window' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY next_attempt_at, device_id LIMIT 1)
         ORDER BY at, deviceId LIMIT 1`,
        [runId, now, runId, now],
      );
      if (!next) return null;
      try {
        const res = await retryDeadlocks(() =>
          this.ds.query(
            `UPDATE job_run_targets SET status = 'running', lane = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, started_at = NULL, finished_at = NULL
             WHERE run_id = ? AND device_id = ? AND status IN ${UNSTARTED} AND (next_attempt_at IS NULL OR next_attempt_at <= ?)`,
            [lane, owner, leaseUntil, runId, Number(next.deviceId), now],
          ),
        );
        // another lane or worker took it between the read and the claim: the next one
        if (!affected(res)) continue;
      } catch (err) {
        if (isDuplicateKey(err)) return 'lane-busy';
        throw err;
      }
      const [r] = await this.ds.query(`SELECT ${TARGET_COLUMNS} FROM job_run_targets WHERE run_id = ? AND lane = ? AND lease_owner = ?`, [runId, lane, owner]);
      return r ? toTarget(r) : null;
    }
    // every candidate taken by others as it was read: the lane looks again at its next due time
    return null;
  }

  /** The device that a merged (deleted) device lives on as now, by device_merges; null when it was not merged. */
  survivorOf(deviceId: number): Promise<number | null> {
    return survivorOf(this.ds, deviceId);
  }

  /**
   * Moves a claimed target from a merged device to the device it lives on as, with the output of
   * its earlier attempts, by the worker that holds it: 'taken' when the run has a target for that
   * device already (a run that targeted both), 'lost' when the worker no longer holds it.
   */
  async moveTargetToSurvivor(runId: number, from: number, into: number, owner: string): Promise<'moved' | 'taken' | 'lost'> {
    try {
      return await retryDeadlocks(() => this.ds.transaction(async (m) => {
        const res = await m.query(
          `UPDATE job_run_targets SET device_id = ? WHERE run_id = ? AND device_id = ? AND lease_owner = ? AND status = 'running'`,
          [into, runId, from, owner],
        );
        if (!affected(res)) return 'lost' as const;
        await m.query('UPDATE IGNORE job_target_logs SET device_id = ? WHERE run_id = ? AND device_id = ?', [into, runId, from]);
        return 'moved' as const;
      }));
    } catch (err) {
      if (isDuplicateKey(err)) return 'taken';
      throw err;
    }
  }

  /** The target's work begins (its window is open and its device is ours): what startedAt shows. */
  async markStarted(runId: number, deviceId: number, owner: string, at: Date): Promise<void> {
    await this.ds.query('UPDATE job_run_targets SET started_at = ? WHERE run_id = ? AND device_id = ? AND lease_owner = ?', [at, runId, deviceId, owner]);
  }

  /** When the run's next unstarted target becomes due (null: none left unstarted). */
  async nextDue(runId: number): Promise<Date | null> {
    // a DATETIME, not the string that COALESCE with a string literal made of it, which new Date()
    // read in the worker's own time zone: east of UTC a lane polled MySQL every 100 ms for hours
    const [r] = await this.ds.query(`SELECT MIN(COALESCE(next_attempt_at, TIMESTAMP('1970-01-01 00:00:00'))) AS at FROM job_run_targets WHERE run_id = ? AND status IN ${UNSTARTED}`, [runId]);
    return r?.at ? new Date(r.at) : null;
  }

  /** False when the lease was lost (expired and taken over): the worker stops. */
  async renewTarget(runId: number, deviceId: number, owner: string, leaseUntil: Date): Promise<boolean> {
    return affected(await this.ds.query(
      `UPDATE job_run_targets SET lease_until = ? WHERE run_id = ? AND device_id = ? AND lease_owner = ? AND status = 'running'`,
      [leaseUntil, runId, deviceId, owner],
    )) > 0;
  }

  /** A final state, only by the worker that holds the target; false when it no longer does. */
  async finishTarget(runId: number, deviceId: number, owner: string, f: { status: TargetStatus; reason: string | null; exitCode: number | null; at: Date }): Promise<boolean> {
    return affected(await retryDeadlocks(() => this.ds.query(
      `UPDATE job_run_targets SET status = ?, reason = ?, exit_code = ?, finished_at = ?, lane = NULL, lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL
       WHERE run_id = ? AND device_id = ? AND lease_owner = ? AND status = 'running'`,
      [f.status, f.reason?.slice(0, 1024) ?? null, f.exitCode, f.at, runId, deviceId, owner],
    ))) > 0;
  }

  /** Back to waiting (a retry's backoff, a closed window, a busy device), by the worker that holds it. */
  /**
   * Puts a running target back for a later attempt. In a run cancelled meanwhile (a cancel that
   * let a package task finish, which then failed transiently) there is no later attempt: the
   * target is cancelled, where it waited as queued for ever in a run nobody looks at again.
   */
  async deferTarget(runId: number, deviceId: number, owner: string, d: { status: 'queued' | 'waiting-for-window'; reason: string; nextAttemptAt: Date; at: Date; exitCode?: number | null; undoAttempt?: boolean }): Promise<boolean> {
    return affected(await retryDeadlocks(() => this.ds.query(
      `UPDATE job_run_targets t JOIN job_runs r ON r.id = t.run_id
       SET t.status = IF(r.status = 'cancelled', 'cancelled', ?),
           t.reason = IF(r.status = 'cancelled', LEFT(CONCAT('cancelled before its next attempt; ', ?), 1024), ?),
           t.next_attempt_at = IF(r.status = 'cancelled', NULL, ?), t.finished_at = IF(r.status = 'cancelled', ?, NULL),
           t.exit_code = ?, t.attempts = t.attempts - ?, t.lane = NULL, t.lease_owner = NULL, t.lease_until = NULL
       WHERE t.run_id = ? AND t.device_id = ? AND t.lease_owner = ? AND t.status = 'running'`,
      [d.status, d.reason, d.reason.slice(0, 1024), d.nextAttemptAt, d.at, d.exitCode ?? null, d.undoAttempt ? 1 : 0, runId, deviceId, owner],
    ))) > 0;
  }

  /**
   * One job at a time per machine: takes the device's lease when free or expired, and keeps it
   * only when no other record of the same machine holds a live one. A target that was running
   * when its device was merged keeps the merged id, and so does the lease its worker renews and
   * releases; device_merges makes it the survivor's (and, after later merges, its survivor's).
   * Insert first, then look: of two acquirers on two records of one machine, the later sees the
   * earlier's row, so they never both keep theirs.
   */
  async acquireDevice(deviceId: number, owner: string, runId: number, leaseUntil: Date, now: Date): Promise<{ ok: true } | { ok: false; runId: number }> {
    await this.ds.query('DELETE FROM device_leases WHERE device_id = ? AND lease_until < ?', [deviceId, now]);
    const res = await this.ds.query('INSERT IGNORE INTO device_leases (device_id, owner, run_id, lease_until) VALUES (?, ?, ?, ?)', [deviceId, owner, runId, leaseUntil]);
    if (!affected(res)) {
      const [r] = await this.ds.query('SELECT owner, run_id AS runId FROM device_leases WHERE device_id = ?', [deviceId]);
      if (r?.owner !== owner) return { ok: false, runId: Number(r?.runId ?? 0) };
    }
    const other = await this.liveLeaseOfSameMachine(deviceId, now);
    if (other === null) return { ok: true };
    await this.releaseDevice(deviceId, owner);
    return { ok: false, runId: other };
  }

  /**
   * The run holding a live lease on another record of this device's machine: the device it was
   * merged into, or a device merged into that one (by device_merges' keys). Null when none does.
   */
  private async liveLeaseOfSameMachine(deviceId: number, now: Date): Promise<number | null> {
    const machine = (await this.survivorOf(deviceId)) ?? deviceId;
    const [r] = await this.ds.query(
      `SELECT l.run_id AS runId FROM device_leases l
         JOIN (SELECT ? AS id UNION SELECT merged_id FROM device_merges WHERE survivor_id = ?) same ON same.id = l.device_id
       WHERE l.device_id <> ? AND l.lease_until >= ? LIMIT 1`,
      [machine, machine, deviceId, now],
    );
    return r ? Number(r.runId) : null;
  }

  async renewDevice(deviceId: number, owner: string, leaseUntil: Date): Promise<boolean> {
    return affected(await this.ds.query('UPDATE device_leases SET lease_until = ? WHERE device_id = ? AND owner = ?', [leaseUntil, deviceId, owner])) > 0;
  }

  async releaseDevice(deviceId: number, owner: string): Promise<void> {
    await this.ds.query('DELETE FROM device_leases WHERE device_id = ? AND owner = ?', [deviceId, owner]);
  }

  // run state

  /** Completes a run once every target is final, storing their counts by status; true when this call completed it. */
  async completeIfDone(runId: number, at: Date): Promise<boolean> {
    return affected(await retryDeadlocks(() => this.ds.query(
      `UPDATE job_runs SET status = 'completed', finished_at = ?,
         counts = ${statusCountsJson('job_run_targets', 'run_id')}
       WHERE id = ? AND status IN ('running', 'paused')
         AND NOT EXISTS (SELECT 1 FROM job_run_targets t WHERE t.run_id = ? AND t.status IN ${OPEN_TARGET})`,
      [at, runId, runId, runId],
    ))) > 0;
  }

  /** Cancels a run: unstarted targets are cancelled at once; running ones are settled by their workers. */
  async cancelRun(runId: number, at: Date): Promise<boolean> {
    return retryDeadlocks(() => this.ds.transaction(async (m) => {
      const res = await m.query(`UPDATE job_runs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('running', 'paused')`, [at, runId]);
      if (!affected(res)) return false;
      await m.query(
        `UPDATE job_run_targets SET status = 'cancelled', reason = 'cancelled before it started', finished_at = ?, next_attempt_at = NULL WHERE run_id = ? AND status IN ${UNSTARTED}`,
        [at, runId],
      );
      return true;
    }));
  }

  async setStopRunning(runId: number): Promise<void> {
    await this.ds.query('UPDATE job_runs SET stop_running = 1 WHERE id = ?', [runId]);
  }

  /**
   * A cancelled run whose running targets were let finish (package managers): asks their
   * workers to stop them after all. False when the run is not cancelled or none is running.
   */
  async stopLeftRunning(runId: number): Promise<boolean> {
    return affected(await this.ds.query(
      `UPDATE job_runs r SET r.stop_running = 1
       WHERE r.id = ? AND r.status = 'cancelled' AND EXISTS (SELECT 1 FROM job_run_targets t WHERE t.run_id = r.id AND t.status = 'running')`,
      [runId],
    )) > 0;
  }

  async setRunStatus(runId: number, from: RunStatus, to: RunStatus): Promise<boolean> {
    return affected(await this.ds.query('UPDATE job_runs SET status = ? WHERE id = ? AND status = ?', [to, runId, from])) > 0;
  }

  /** Past the deadline: never-started targets are missed; those waiting to retry have failed. */
  async applyDeadline(runId: number, now: Date): Promise<number> {
    return retryDeadlocks(() => this.ds.transaction(async (m) => {
      const a = await m.query(
        `UPDATE job_run_targets SET status = 'missed', reason = 'the deadline passed before it could start', finished_at = ?, next_attempt_at = NULL
         WHERE run_id = ? AND status IN ${UNSTARTED} AND attempts = 0`,
        [now, runId],
      );
      const b = await m.query(
        `UPDATE job_run_targets SET status = 'failed', reason = LEFT(CONCAT('the deadline passed before the next retry; last attempt: ', COALESCE(reason, '?')), 1024), finished_at = ?, next_attempt_at = NULL
         WHERE run_id = ? AND status IN ${UNSTARTED} AND attempts > 0`,
        [now, runId],
      );
      return affected(a) + affected(b);
    }));
  }

  // reconciling

  /**
   * Targets whose worker stopped renewing (killed, hung, cut off): back to queued, or cancelled
   * when their run was cancelled meanwhile. Their device leases run out the same way.
   */
  async releaseExpired(now: Date): Promise<Array<{ runId: number; lane: number }>> {
    const held: Array<{ runId: number; lane: number | null }> = await this.ds.query(
      `SELECT run_id AS runId, lane FROM job_run_targets WHERE status = 'running' AND lease_until < ?`, [now]);
    if (!held.length) {
      await this.ds.query('DELETE FROM device_leases WHERE lease_until < ?', [now]);
      return [];
    }
    await retryDeadlocks(() => this.ds.query(
      `UPDATE job_run_targets t JOIN job_runs r ON r.id = t.run_id
       SET t.status = IF(r.status = 'cancelled', 'cancelled', 'queued'),
           t.reason = IF(r.status = 'cancelled', 'cancelled; its worker stopped', 'its worker stopped (lease expired); queued again'),
           t.finished_at = IF(r.status = 'cancelled', ?, NULL), t.lane = NULL, t.lease_owner = NULL, t.lease_until = NULL, t.next_attempt_at = NULL
       WHERE t.status = 'running' AND t.lease_until < ?`,
      [now, now],
    ));
    await this.ds.query('DELETE FROM device_leases WHERE lease_until < ?', [now]);
    return held.filter((h) => h.lane !== null).map((h) => ({ runId: Number(h.runId), lane: Number(h.lane) }));
  }

  /** Running runs with targets due now, and how many: each needs that many lanes (up to its concurrency). */
  async runsWithDueTargets(now: Date): Promise<Array<{ runId: number; concurrency: number; due: number }>> {
    const rows = await this.ds.query(
      `SELECT r.id AS runId, r.concurrency, COUNT(*) AS due FROM job_runs r JOIN job_run_targets t ON t.run_id = r.id
       WHERE r.status = 'running' AND t.status IN ${UNSTARTED} AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= ?)
       GROUP BY r.id, r.concurrency`,
      [now],
    );
    return rows.map((r: Record<string, unknown>) => ({ runId: Number(r.runId), concurrency: Number(r.concurrency), due: Number(r.due) }));
  }

  async runsPastDeadline(now: Date): Promise<number[]> {
    const rows = await this.ds.query(`SELECT id FROM job_runs WHERE status IN ('running', 'paused') AND deadline_at < ?`, [now]);
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** Runs a crash (or a cancel) left open although every target is final. */
  async finishedOpenRuns(): Promise<number[]> {
    const rows = await this.ds.query(
      `SELECT r.id FROM job_runs r WHERE r.status IN ('running', 'paused')
         AND NOT EXISTS (SELECT 1 FROM job_run_targets t WHERE t.run_id = r.id AND t.status IN ${OPEN_TARGET})`,
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** Device tags for window constraints, for many devices at once. */
  async tagsOf(deviceIds: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!deviceIds.length) return out;
    const rows: Array<{ deviceId: number; tag: string }> = await this.ds.query(
      `SELECT device_id AS deviceId, tag FROM device_tags WHERE device_id IN (${deviceIds.map(() => '?').join(', ')})`,
      deviceIds,
    );
    for (const r of rows) out.set(Number(r.deviceId), [...(out.get(Number(r.deviceId)) ?? []), r.tag]);
    return out;
  }
}

export { FINAL_TARGET_STATUSES };
