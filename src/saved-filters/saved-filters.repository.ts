// saved-filters/: every query on saved filters; each row comes with its owner's username.
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SavedFilter, SavedFilterPageName } from './saved-filter.entity';

export type SavedFilterRow = SavedFilter & { owner: string };

const COLUMNS = `f.id, f.user_id AS userId, f.name, f.page, f.query, f.shared, f.created_at AS createdAt, f.updated_at AS updatedAt, u.username AS owner`;

function toRow(r: Record<string, unknown>): SavedFilterRow {
  return {
    id: Number(r.id), userId: Number(r.userId), name: r.name as string, page: r.page as SavedFilterPageName, query: r.query as string,
    shared: Boolean(r.shared), createdAt: r.createdAt as Date, updatedAt: r.updatedAt as Date, owner: r.owner as string,
  };
}

@Injectable()
export class SavedFiltersRepository {
  constructor(private readonly ds: DataSource) {}

  /** The user's own filters and everyone's shared ones, by name. */
  async listVisible(userId: number, page: SavedFilterPageName | undefined, offset: number, limit: number): Promise<{ rows: SavedFilterRow[]; total: number }> {
    // two index ranges (owner; shared) instead of an OR that reads the whole table
    const visible = `(SELECT id FROM saved_filters WHERE user_id = ?${page ? ' AND page = ?' : ''}
      UNION SELECT id FROM saved_filters WHERE shared = 1${page ? ' AND page = ?' : ''})`;
    const params = page ? [userId, page, page] : [userId];
    const [rows, [{ n }]] = await Promise.all([
      this.ds.query(
        `SELECT ${COLUMNS} FROM ${visible} v JOIN saved_filters f ON f.id = v.id JOIN users u ON u.id = f.user_id
         ORDER BY f.name, f.id LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
      this.ds.query(`SELECT COUNT(*) AS n FROM ${visible} v`, params),
    ]);
    return { rows: rows.map(toRow), total: Number(n) };
  }

  async find(id: number): Promise<SavedFilterRow | null> {
    const [r] = await this.ds.query(`SELECT ${COLUMNS} FROM saved_filters f JOIN users u ON u.id = f.user_id WHERE f.id = ?`, [id]);
    return r ? toRow(r) : null;
  }

  /** Throws the driver's duplicate-key error when the owner already has a filter of that name on that page. */
  async insert(f: Omit<SavedFilter, 'id' | 'user'>): Promise<number> {
    const res = await this.ds.getRepository(SavedFilter).insert(f);
    return Number(res.identifiers[0].id);
  }

  async update(id: number, patch: Partial<Pick<SavedFilter, 'name' | 'page' | 'query' | 'shared' | 'updatedAt'>>): Promise<void> {
    await this.ds.getRepository(SavedFilter).update({ id }, patch);
  }

  async delete(id: number): Promise<void> {
    await this.ds.getRepository(SavedFilter).delete({ id });
  }
}
