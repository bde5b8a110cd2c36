// saved-filters/: who sees and who may change a saved filter. Everyone sees their own and the
// shared ones; only the owner or an admin changes or deletes one; someone else's private
// filter does not exist as far as other users can tell (404, not 403).
import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuthUser } from '../auth/roles';
import { Page } from '../common/pagination';
import { CreateSavedFilterDto, SavedFilterListQuery, SavedFilterView, UpdateSavedFilterDto } from './saved-filter.dto';
import { isDuplicateKey } from '../database/driver-errors';
import { SavedFilterRow, SavedFiltersRepository } from './saved-filters.repository';

@Injectable()
export class SavedFiltersService {
  constructor(private readonly repo: SavedFiltersRepository) {}

  async list(q: SavedFilterListQuery, me: AuthUser): Promise<Page<SavedFilterView>> {
    const { rows, total } = await this.repo.listVisible(me.id, q.for, (q.page - 1) * q.limit, q.limit);
    return { items: rows.map((r) => view(r, me)), total, page: q.page, limit: q.limit };
  }

  async get(id: number, me: AuthUser): Promise<SavedFilterView> {
    return view(await this.visible(id, me), me);
  }

  async create(dto: CreateSavedFilterDto, me: AuthUser): Promise<SavedFilterView> {
    const now = new Date();
    const id = await this.unique(dto.name, () =>
      this.repo.insert({ userId: me.id, name: dto.name, page: dto.page, query: dto.query, shared: dto.shared ?? false, createdAt: now, updatedAt: now }),
    );
    return this.get(id, me);
  }

  async update(id: number, dto: UpdateSavedFilterDto, me: AuthUser): Promise<SavedFilterView> {
    const current = await this.mayChange(id, me);
    const patch = Object.fromEntries(Object.entries({ name: dto.name, page: dto.page, query: dto.query, shared: dto.shared }).filter(([, v]) => v !== undefined));
    await this.unique(dto.name ?? current.name, () => this.repo.update(id, { ...patch, updatedAt: new Date() }));
    return this.get(id, me);
  }

  async delete(id: number, me: AuthUser): Promise<void> {
    await this.mayChange(id, me);
    await this.repo.delete(id);
  }

  private async visible(id: number, me: AuthUser): Promise<SavedFilterRow> {
    const f = await this.repo.find(id);
    if (!f || (f.userId !== me.id && !f.shared && me.role !== 'admin')) throw new NotFoundException(`Saved filter ${id} does not exist`);
    return f;
  }

  private async mayChange(id: number, me: AuthUser): Promise<SavedFilterRow> {
    const f = await this.visible(id, me);
    if (f.userId !== me.id && me.role !== 'admin') throw new ForbiddenException(`Saved filter ${id} belongs to ${f.owner}: only its owner or an admin may change it`);
    return f;
  }

  private async unique<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictException(`Its owner already has a saved filter named "${name}" on that page`);
      throw err;
    }
  }
}

function view(f: SavedFilterRow, me: AuthUser): SavedFilterView {
  return {
    id: f.id, name: f.name, page: f.page, query: f.query, shared: f.shared, ownerId: f.userId, owner: f.owner, mine: f.userId === me.id,
    createdAt: f.createdAt, updatedAt: f.updatedAt,
  };
}
