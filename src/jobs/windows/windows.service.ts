// jobs/windows/: the rules of maintenance windows, and what the job runner asks of them: for
// each target, the groups of windows that must all be open before it may start (its job's
// windows as one group, and one group per tag of the device that has windows).
import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Page, parseSort } from '../../common/pagination';
import { CreateWindowDto, UpdateWindowDto, WINDOW_SORT, WindowListQuery, WindowView } from './window.dto';
import { isValidTimeZone, nextOpening, Window } from './window-time';
import { WindowInUseError, WindowRow, WindowsRepository } from './windows.repository';

/** How long the runner's copy of the enabled windows is trusted; this process's own writes drop it at once. */
const CACHE_TTL_MS = 15_000;

interface ActiveWindows {
  byId: Map<number, Window>;
  /** lower-cased tag → its enabled windows (MySQL compares tags case-insensitively too) */
  byTag: Map<string, Window[]>;
  tagNames: string[];
}

const tagKey = (tag: string) => tag.trim().toLowerCase();

/** Trimmed, without repeats (ignoring case, as the database does), sorted. */
function uniqTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const t of tags.map((x) => x.trim())) if (!seen.has(tagKey(t))) seen.set(tagKey(t), t);
  return [...seen.values()].sort();
}

@Injectable()
export class WindowsService {
  private readonly logger = new Logger('Windows');
  /** One load shared by concurrent callers; dropped after CACHE_TTL_MS or by a write here. */
  private cache: { startedAt: number; loading: Promise<ActiveWindows> } | null = null;

  constructor(private readonly repo: WindowsRepository) {}

  async list(q: WindowListQuery): Promise<Page<WindowView>> {
    const sort = parseSort(q.sort, WINDOW_SORT, 'name');
    const [rows, total] = await this.repo.list({ q: q.q, tag: q.tag }, sort, (q.page - 1) * q.limit, q.limit);
    const now = new Date();
    return { items: rows.map((r) => this.toView(r, now)), total, page: q.page, limit: q.limit };
  }

  async get(id: number): Promise<WindowView> {
    const row = await this.repo.findById(id);
    if (!row) throw this.notFound(id);
    return this.toView(row, new Date());
  }

  async create(dto: CreateWindowDto): Promise<WindowView> {
    const now = new Date();
    const id = await this.repo.insertWindow(
      { name: dto.name, timezone: dto.timezone, ranges: plainRanges(dto.ranges), enabled: dto.enabled ?? true, createdAt: now, updatedAt: now },
      uniqTags(dto.tags ?? []),
    );
    if (id === null) throw this.nameTaken(dto.name);
    this.cache = null;
    return this.get(id);
  }

  async update(id: number, dto: UpdateWindowDto): Promise<WindowView> {
    const patch = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.timezone !== undefined && { timezone: dto.timezone }),
      ...(dto.ranges !== undefined && { ranges: plainRanges(dto.ranges) }),
      ...(dto.enabled !== undefined && { enabled: dto.enabled }),
    };
    const result = await this.repo.updateWindow(id, patch, dto.tags && uniqTags(dto.tags), new Date());
    if (result === 'missing') throw this.notFound(id);
    if (result === 'name-taken') throw this.nameTaken(dto.name ?? '');
    this.cache = null;
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    try {
      if (!(await this.repo.deleteWindow(id))) throw this.notFound(id);
    } catch (err) {
      if (err instanceof WindowInUseError) {
        throw new ConflictException(`Maintenance window ${id} cannot be deleted: the window is used by job(s); detach it from them or disable it instead`);
      }
      throw err;
    }
    this.cache = null;
  }

  /**
   * The window groups that hold back one target: the job's enabled windows as one group (any of
   * them open will do) when it has any, then one group per device tag that has enabled windows.
   * The target may start only while every group has a window open; [] means no constraint.
   */
  async constraintsFor(deviceTags: string[], jobWindowIds: number[]): Promise<Window[][]> {
    const active = await this.active();
    const jobGroup = this.jobGroup(active, jobWindowIds);
    return this.groupsFor(active, jobGroup, deviceTags);
  }

  /**
   * constraintsFor for many devices of one job at once: one query for their tags, the enabled
   * windows from a short-lived cache. Every device id is in the map; devices whose tags hold the
   * same windows share one array, so a caller may memoize by it.
   */
  async constraintsForDevices(deviceIds: number[], jobWindowIds: number[]): Promise<Map<number, Window[][]>> {
    const active = await this.active();
    const jobGroup = this.jobGroup(active, jobWindowIds);
    const tagsOf = await this.repo.deviceTags(deviceIds, active.tagNames);
    const shared = new Map<string, Window[][]>();
    const out = new Map<number, Window[][]>();
    for (const id of deviceIds) {
      const tags = [...new Set((tagsOf.get(id) ?? []).map(tagKey))].sort();
      const key = tags.join('\n');
      let groups = shared.get(key);
      if (!groups) shared.set(key, (groups = this.groupsFor(active, jobGroup, tags)));
      out.set(id, groups);
    }
    return out;
  }

  private jobGroup(active: ActiveWindows, ids: number[]): Window[] {
    return [...new Set(ids)].map((id) => active.byId.get(id)).filter((w): w is Window => !!w);
  }

  private groupsFor(active: ActiveWindows, jobGroup: Window[], deviceTags: string[]): Window[][] {
    const groups: Window[][] = jobGroup.length ? [jobGroup] : [];
    for (const key of [...new Set(deviceTags.map(tagKey))].sort()) {
      const windows = active.byTag.get(key);
      if (windows) groups.push(windows);
    }
    return groups;
  }

  private active(): Promise<ActiveWindows> {
    if (this.cache && Date.now() - this.cache.startedAt < CACHE_TTL_MS) return this.cache.loading;
    const loading = this.load();
    const entry = { startedAt: Date.now(), loading };
    this.cache = entry;
    // a failed load is not kept: the next caller tries again
    loading.catch(() => {
      if (this.cache === entry) this.cache = null;
    });
    return loading;
  }

  private async load(): Promise<ActiveWindows> {
    const rows = await this.repo.listEnabled();
    const byId = new Map<number, Window>();
    const byTag = new Map<string, Window[]>();
    for (const r of rows) {
      if (!isValidTimeZone(r.timezone)) {
        // a zone this Node's ICU no longer knows: holding targets back forever would be worse
        this.logger.warn({ windowId: r.id, timezone: r.timezone }, 'maintenance window has an unknown time zone; ignored');
        continue;
      }
      const w: Window = { id: r.id, name: r.name, timezone: r.timezone, ranges: r.ranges };
      byId.set(r.id, w);
      for (const t of r.tags) byTag.set(tagKey(t), [...(byTag.get(tagKey(t)) ?? []), w]);
    }
    const tagNames = rows.flatMap((r) => r.tags);
    return { byId, byTag, tagNames: [...new Set(tagNames)] };
  }

  private toView(r: WindowRow, now: Date): WindowView {
    let next: Date | null = null;
    try {
      next = nextOpening(r, now);
    } catch {
      next = null; // an unknown zone: shown, never open
    }
    return {
      id: r.id, name: r.name, timezone: r.timezone, ranges: r.ranges, tags: r.tags, enabled: r.enabled,
      openNow: next !== null && next.getTime() === now.getTime(), nextOpening: next, createdAt: r.createdAt, updatedAt: r.updatedAt,
    };
  }

  private notFound(id: number): NotFoundException {
    return new NotFoundException(`Maintenance window ${id} does not exist`);
  }

  private nameTaken(name: string): ConflictException {
    return new ConflictException({ message: `name: a maintenance window called "${name}" already exists`, details: [{ field: 'name', messages: ['already exists'] }] });
  }
}

/** Only the three fields, in a fixed order, whatever class instances the DTO carried. */
function plainRanges(ranges: Array<{ days: string[]; start: string; end: string }>): Window['ranges'] {
  return ranges.map((r) => ({ days: [...r.days] as Window['ranges'][number]['days'], start: r.start, end: r.end }));
}
