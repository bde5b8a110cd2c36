// jobs/windows/: every query on maintenance windows and their tags, and the one read of
// device_tags that turns many devices into their windows' tags at once.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { likeContains, SortSpec } from '../../common/pagination';
import { isDuplicateKey, isReferenced } from '../../database/driver-errors';
import { MaintenanceWindow, MaintenanceWindowTag } from './maintenance-window.entity';

export interface WindowRow extends MaintenanceWindow {
  tags: string[];
}

export type NewWindowRow = Omit<MaintenanceWindow, 'id'>;
export type WindowPatch = Partial<Pick<MaintenanceWindow, 'name' | 'timezone' | 'ranges' | 'enabled'>>;

export interface WindowFilter {
  q?: string;
  tag?: string;
}

/** Raised by deleteWindow when a row elsewhere (job_windows) still references the window. */
export class WindowInUseError extends Error {}

// ids per IN list: far below max_allowed_packet and the placeholder limit, still one query for 5,000 devices
const IN_CHUNK = 10_000;

@Injectable()
export class WindowsRepository {
  constructor(private readonly ds: DataSource) {}

  async findById(id: number): Promise<WindowRow | null> {
    const row = await this.ds.getRepository(MaintenanceWindow).findOneBy({ id });
    if (!row) return null;
    return { ...row, tags: (await this.tagsOf([id])).get(id) ?? [] };
  }

  async list(f: WindowFilter, sort: SortSpec, offset: number, limit: number): Promise<[WindowRow[], number]> {
    const qb = this.ds.getRepository(MaintenanceWindow).createQueryBuilder('w');
    const q = f.q?.trim();
    if (q) qb.andWhere('w.name LIKE :q', { q: likeContains(q) });
    if (f.tag) qb.andWhere('EXISTS (SELECT 1 FROM maintenance_window_tags t WHERE t.window_id = w.id AND t.tag = :tag)', { tag: f.tag });
    const [rows, total] = await qb.orderBy(sort.column, sort.direction).addOrderBy('w.id', sort.direction).skip(offset).take(limit).getManyAndCount();
    const tags = await this.tagsOf(rows.map((r) => r.id));
    return [rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [] })), total];
  }

  /** Every enabled window with its tags: the working set of the runner, small enough to hold. */
  async listEnabled(): Promise<WindowRow[]> {
    const rows = await this.ds.getRepository(MaintenanceWindow).find({ where: { enabled: true }, order: { id: 'ASC' } });
    const tags = await this.tagsOf(rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, tags: tags.get(r.id) ?? [] }));
  }

  /** Inserts the window and its tags; null when the name is taken. */
  async insertWindow(row: NewWindowRow, tags: string[]): Promise<number | null> {
    try {
      return await this.ds.transaction(async (m) => {
        const res = await m.getRepository(MaintenanceWindow).insert(row);
        const id = Number(res.identifiers[0].id);
        await this.replaceTags(m, id, tags);
        return id;
      });
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** Changes the fields given and, when `tags` is given, replaces the tags. */
  async updateWindow(id: number, patch: WindowPatch, tags: string[] | undefined, now: Date): Promise<'updated' | 'missing' | 'name-taken'> {
    try {
      return await this.ds.transaction(async (m) => {
        const res = await m.getRepository(MaintenanceWindow).update({ id }, { ...patch, updatedAt: now });
        if (!res.affected) return 'missing';
        if (tags) await this.replaceTags(m, id, tags);
        return 'updated';
      });
    } catch (err) {
      if (isDuplicateKey(err)) return 'name-taken';
      throw err;
    }
  }

  /** False when there is no such window; WindowInUseError when a job still references it. */
  async deleteWindow(id: number): Promise<boolean> {
    try {
      const res = await this.ds.getRepository(MaintenanceWindow).delete({ id });
      return (res.affected ?? 0) > 0;
    } catch (err) {
      // ER_ROW_IS_REFERENCED_2 (1451): job_windows' foreign key, ON DELETE RESTRICT
      if (isReferenced(err)) throw new WindowInUseError();
      throw err;
    }
  }

  /**
   * The tags of each device among `onlyTags` (the tags that have windows), for many devices in
   * one query per 10,000 devices. Devices without such a tag are absent from the map.
   */
  async deviceTags(deviceIds: number[], onlyTags: string[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!deviceIds.length || !onlyTags.length) return out;
    for (let i = 0; i < deviceIds.length; i += IN_CHUNK) {
      const ids = deviceIds.slice(i, i + IN_CHUNK);
      const rows: Array<{ deviceId: number; tag: string }> = await this.ds.query(
        `SELECT device_id AS deviceId, tag FROM device_tags
          WHERE device_id IN (${ids.map(() => '?').join(', ')}) AND tag IN (${onlyTags.map(() => '?').join(', ')})`,
        [...ids, ...onlyTags],
      );
      for (const r of rows) {
        const id = Number(r.deviceId);
        const list = out.get(id);
        if (list) list.push(r.tag);
        else out.set(id, [r.tag]);
      }
    }
    return out;
  }

  private async tagsOf(windowIds: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    if (!windowIds.length) return out;
    const rows = await this.ds.getRepository(MaintenanceWindowTag).createQueryBuilder('t')
      .where('t.window_id IN (:...ids)', { ids: windowIds }).orderBy('t.tag', 'ASC').getMany();
    for (const r of rows) out.set(r.windowId, [...(out.get(r.windowId) ?? []), r.tag]);
    return out;
  }

  private async replaceTags(m: EntityManager, windowId: number, tags: string[]): Promise<void> {
    await m.getRepository(MaintenanceWindowTag).delete({ windowId });
    if (tags.length) await m.getRepository(MaintenanceWindowTag).insert(tags.map((tag) => ({ windowId, tag })));
  }
}
