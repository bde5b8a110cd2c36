// bench/discovery, ingest "what if" (--what-if): the same IngestService with InventoryRepository
// methods or its DeviceCountsService swapped for cheaper variants, to measure what a change in
// src/ would buy before anyone makes it. Nothing here is used by the server.
import { EntityManager } from 'typeorm';
import { InventoryRepository, titleKey, TitleKey } from '../../src/inventory/inventory.repository';
import { DeviceCountsService } from '../../src/software/device-counts.service';
import { SoftwareRepository } from '../../src/software/software.repository';
import type { CountsFactory } from './discovery-ingest';

/**
 * No catalogue counts written at all (left to the worker's hourly recount): what the batched
 * flushes of DeviceCountsService still cost. (Before they were batched, this variant stood for
 * dropping the per-report UPDATE of ~800 shared rows: 0.50x against 0.42x.)
 */
export class NoCounts extends DeviceCountsService {
  add(): void {
    // counts catch up at the next recount
  }
}

/**
 * Title ids kept in memory once read: a report looks up only titles this process has not
 * seen. Only ids read as committed rows are kept — an id this report's own INSERT made would
 * be wrong if the transaction rolled back (and INSERT IGNORE INTO installed_software turns the
 * foreign-key failure into a warning, silently dropping rows). Still unsafe as it stands: a
 * title deleted meanwhile would leave a stale id; a real cache needs invalidation.
 */
export class CachedTitles extends InventoryRepository {
  private readonly cache = new Map<string, number>();

  async titleIds(m: EntityManager, titles: TitleKey[], now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    let unknown: TitleKey[] = [];
    for (const t of titles) {
      const id = this.cache.get(titleKey(t.normalizedName, t.publisher));
      if (id === undefined) unknown.push(t);
      else out.set(titleKey(t.normalizedName, t.publisher), id);
    }
    // committed titles (READ COMMITTED, and nothing of this report's inserted yet): cached
    for (let i = 0; i < unknown.length; i += 500) {
      const byPublisher = new Map<string, string[]>();
      for (const t of unknown.slice(i, i + 500)) byPublisher.set(t.publisher, [...(byPublisher.get(t.publisher) ?? []), t.normalizedName]);
      for (const [publisher, names] of byPublisher) {
        const rows = await m.query('SELECT id, normalized_name AS n FROM software WHERE publisher = ? AND normalized_name IN (?)', [publisher, names]);
        for (const r of rows) {
          out.set(titleKey(r.n, publisher), Number(r.id));
          this.cache.set(titleKey(r.n, publisher), Number(r.id));
        }
      }
    }
    unknown = unknown.filter((t) => !out.has(titleKey(t.normalizedName, t.publisher)));
    // new titles: inserted by the repository as usual, not cached until read as committed
    if (unknown.length) for (const [k, id] of await super.titleIds(m, unknown, now)) out.set(k, id);
    return out;
  }
}

/** Each variant replaces the repository, the counts, or both; the rest is as in src/. */
export const WHAT_IF: Record<string, { label: string; repo?: () => InventoryRepository; counts?: CountsFactory }> = {
  'no-counts': { label: 'no device_count writes at all (left to the recount)', counts: (sr: SoftwareRepository) => new NoCounts(sr) },
  'title-cache': { label: 'title ids cached in the process', repo: () => new CachedTitles() },
};
