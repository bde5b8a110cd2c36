// discovery/: saved ranges that rescan on a cron schedule in their own time zone. Any number
// of processes may fire them: a firing is claimed by moving next_run_at with a conditional
// UPDATE, so each firing starts exactly one scan. cron-parser does the calendar maths.
import { BadRequestException, ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { nextFiring } from '../common/cron';
import { Page, PageQuery } from '../common/pagination';
import { isDuplicateKey } from '../database/driver-errors';
import { withNamedLock } from '../database/named-lock';
import { databaseNow } from '../database/now';
import { CreateScheduleDto, ScanSummary, ScheduleView, UpdateScheduleDto } from './scan.dto';
import { ScanSchedule } from './scan.entity';
import { ScansRepository } from './scans.repository';
import { ScansService, withDefaults } from './scans.service';

const toView = (s: ScanSchedule, lastScan: ScanSummary | null): ScheduleView => ({
  id: s.id, name: s.name, targets: s.targets, exclude: s.exclude ?? [], credentialIds: s.credentialIds, options: s.options, cron: s.cron, timezone: s.timezone,
  enabled: s.enabled, nextRunAt: s.nextRunAt, lastScanId: s.lastScanId, lastScan, createdAt: s.createdAt, updatedAt: s.updatedAt,
});

/** How long a Run now waits for another one of the same range to finish starting its scan (validation may resolve host names). */
const RUN_NOW_WAIT_SECONDS = 10;

/** The lock a range's Run now and firings take to check its last scan and start the next (named-lock.ts). */
export const runLock = (rangeId: number) => `range_run_${rangeId}`;

/** Exclusions as stored: trimmed, and null for none. */
const storedExclude = (exclude: string[] | null | undefined): string[] | null => (exclude?.length ? exclude.map((t) => t.trim()) : null);

@Injectable()
export class ScanSchedulesService {
  private readonly logger = new Logger('ScanSchedules');

  constructor(
    private readonly repo: ScansRepository,
    private readonly scans: ScansService,
    private readonly ds: DataSource,
  ) {}

  async list(q: PageQuery): Promise<Page<ScheduleView>> {
    const [rows, total] = await this.repo.listSchedules((q.page - 1) * q.limit, q.limit);
    return { items: await Promise.all(rows.map((r) => this.view(r))), total, page: q.page, limit: q.limit };
  }

  async get(id: number): Promise<ScheduleView> {
    return this.view(await this.find(id));
  }

  private async view(s: ScanSchedule): Promise<ScheduleView> {
    return toView(s, s.lastScanId ? await this.scans.summary(s.lastScanId) : null);
  }

  async create(dto: CreateScheduleDto): Promise<ScheduleView> {
    const timezone = dto.timezone ?? 'UTC';
    const now = new Date();
    const next = nextFiring(dto.cron, timezone, now);
    await this.scans.validate(dto);
    const enabled = dto.enabled ?? true;
    const id = await this.unique(() => this.repo.insertSchedule({
      name: dto.name.trim(), targets: dto.targets.map((t) => t.trim()), exclude: storedExclude(dto.exclude), credentialIds: dto.credentialIds, options: dto.options ?? {}, cron: dto.cron.trim(), timezone,
      enabled, nextRunAt: enabled ? next : null, lastScanId: null, createdAt: now, updatedAt: now,
    }), dto.name);
    return this.get(id);
  }

  async update(id: number, dto: UpdateScheduleDto): Promise<ScheduleView> {
    const s = await this.find(id);
    const merged = { ...s, ...Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) } as ScanSchedule;
    const now = new Date();
    const next = nextFiring(merged.cron, merged.timezone, now);
    // exclude null (none) too: dropping exclusions can leave a range too large to scan, which
    // would fail every firing
    if (dto.targets || dto.credentialIds || dto.exclude !== undefined) await this.scans.validate({ ...merged, exclude: merged.exclude ?? [] });
    // the next firing moves only when the schedule does: a rename or a new target made while
    // a firing is due (the scheduler ticks every 20 s, and not at all while no worker runs)
    // left it due at a new time that the scheduler never met, and the overdue scan never ran
    const rescheduled = merged.cron.trim() !== s.cron.trim() || merged.timezone !== s.timezone || merged.enabled !== s.enabled || (merged.enabled && !s.nextRunAt);
    await this.unique(() => this.repo.updateSchedule(id, {
      name: merged.name.trim(), targets: merged.targets, exclude: storedExclude(merged.exclude), credentialIds: merged.credentialIds, options: merged.options, cron: merged.cron.trim(),
      timezone: merged.timezone, enabled: merged.enabled, ...(rescheduled ? { nextRunAt: merged.enabled ? next : null } : {}), updatedAt: now,
    }), merged.name);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.repo.deleteSchedule(id))) throw new NotFoundException(`Saved range ${id} does not exist`);
  }

  /**
   * Starts a scan of the saved range now, outside its schedule; 409 while its last scan is under
   * way. The check and the start hold the range's lock, so that clicks at once (two technicians,
   * two API processes) start one scan and refuse the others, as does a click as the range fires.
   */
  async runNow(id: number, actor: string): Promise<{ id: number }> {
    const done = await withNamedLock(this.ds, runLock(id), RUN_NOW_WAIT_SECONDS, async () => {
      const s = await this.find(id);
      const last = s.lastScanId ? await this.repo.scanStatus(s.lastScanId) : null;
      if (last === 'queued' || last === 'running') {
        throw new ConflictException(`Saved range "${s.name}" is being scanned now (scan ${s.lastScanId}, ${last}): wait for it to end, or cancel it first.`);
      }
      const scan = await this.scans.start({ targets: s.targets, exclude: s.exclude ?? [], credentialIds: s.credentialIds, options: withDefaults(s.options) }, actor, s.id);
      await this.repo.updateSchedule(id, { lastScanId: scan.id });
      return scan;
    });
    if (!done.got) throw new ConflictException(`Saved range ${id} is being started by someone else: try again in a moment.`);
    return done.value;
  }

  /**
   * Starts a scan for every saved range that is due; returns the scans started. The scan first
   * (one per firing, by a unique key), then the schedule moves on: a process that dies in
   * between leaves the firing due, and whoever fires it next finds its scan rather than losing
   * the firing (a range then went unscanned until its next one) or scanning twice.
   */
  async fireDue(at?: Date): Promise<number[]> {
    // the database's clock, which every worker shares: one whose machine runs minutes fast fired
    // a 02:00 range at 01:57
    const now = at ?? (await databaseNow(this.ds));
    const started: number[] = [];
    for (const s of await this.repo.dueSchedules(now)) {
      // under the range's lock, as Run now: a firing that meets a Run now starting its scan
      // leaves the range due, and the next tick finds that scan under way. The range is read
      // again under the lock, for a Run now that ended after the list was read
      const fired = await withNamedLock(this.ds, runLock(s.id), 0, async () => {
        const fresh = await this.repo.findSchedule(s.id);
        return fresh?.enabled && fresh.nextRunAt?.getTime() === s.nextRunAt?.getTime() ? this.fire(fresh, now) : null;
      });
      if (fired.got && fired.value !== null) started.push(fired.value);
    }
    return started;
  }

  /** One due range's firing; the scan it started, or null (skipped, failed to start, or another process's). */
  private async fire(s: ScanSchedule, now: Date): Promise<number | null> {
    const firedAt = s.nextRunAt!;
    let next: Date | null;
    try {
      next = nextFiring(s.cron, s.timezone, now);
    } catch {
      next = null; // an expression that no longer parses stops firing rather than firing every tick
    }
    // a scan that outlasts its schedule (a /16 every 15 minutes) is not joined by a second of
    // the same range, and a third, until the workers do nothing else: the firing is skipped
    // and counted on the scan still under way, which its views show. Counted, then the
    // schedule moves on: under the range's lock no other process fires this firing meanwhile,
    // and a crash in between counts it twice rather than losing it.
    const last = s.lastScanId ? await this.repo.firingOf(s.lastScanId) : null;
    const underWay = last && (last.status === 'queued' || last.status === 'running') && last.firedAt?.getTime() !== firedAt.getTime();
    if (underWay && (await this.repo.skipFiringFor(s.lastScanId!))) {
      await this.repo.claimFiring(s.id, firedAt, next);
      this.logger.log({ scheduleId: s.id, scanId: s.lastScanId }, 'saved range fired while its last scan is still under way; skipped');
      return null;
    }
    // (a scan that ended since it was read is not skipped for: this firing scans after all)
    const dto = { targets: s.targets, exclude: s.exclude ?? [], credentialIds: s.credentialIds, options: withDefaults(s.options) };
    const createdBy = `schedule:${s.name}`.slice(0, 64);
    let scanId: number;
    try {
      scanId = (await this.scans.start(dto, createdBy, s.id, firedAt)).id;
    } catch (err) {
      this.logger.warn({ scheduleId: s.id, err: (err as Error).message }, 'saved range could not start its scan');
      // a range that no longer validates (its credential deleted, an excluded name gone from
      // DNS) must not stop scanning unseen: its firing is a failed scan that says why. Any
      // other failure (the database away) leaves the firing due, to be tried again next tick.
      if (!(err instanceof BadRequestException)) return null;
      const message = (err.getResponse() as { message?: unknown }).message;
      const id = await this.repo.insertFailedScan({ ...dto, createdBy, scheduleId: s.id, firedAt }, `the saved range could not start its scan: ${typeof message === 'string' ? message : err.message}`, now);
      await this.repo.updateSchedule(s.id, { lastScanId: id });
      await this.repo.claimFiring(s.id, firedAt, next);
      return null;
    }
    await this.repo.updateSchedule(s.id, { lastScanId: scanId });
    // else another process fired it too, and found the same scan
    return (await this.repo.claimFiring(s.id, firedAt, next)) ? scanId : null;
  }

  private async find(id: number): Promise<ScanSchedule> {
    const s = await this.repo.findSchedule(id);
    if (!s) throw new NotFoundException(`Saved range ${id} does not exist`);
    return s;
  }

  private async unique<T>(write: () => Promise<T>, name: string): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isDuplicateKey(err)) {
        throw new ConflictException({ message: `name: a saved range called "${name}" already exists`, details: [{ field: 'name', messages: ['already exists'] }] });
      }
      throw err;
    }
  }
}
