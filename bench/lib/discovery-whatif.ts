// bench/discovery, ingest "what if" (--what-if): the same IngestService with InventoryRepository
// methods swapped for cheaper variants, to measure what a change in src/ would buy before
// anyone makes it. Nothing here is used by the server.
import { EntityManager } from 'typeorm';
import { InventoryRepository, titleKey, TitleKey } from '../../src/inventory/inventory.repository';

/**
 * Titles looked up first (per publisher, `normalized_name IN (…)`, an index range) and only the
 * missing ones inserted: a known title costs no INSERT IGNORE, so no shared next-key locks on
 * the catalogue's unique index are held to the end of the report's transaction.
 */
export class SelectFirstTitles extends InventoryRepository {
  async titleIds(m: EntityManager, titles: TitleKey[], now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const lookup = async (batch: TitleKey[]) => {
      const byPublisher = new Map<string, string[]>();
      for (const t of batch) byPublisher.set(t.publisher, [...(byPublisher.get(t.publisher) ?? []), t.normalizedName]);
      for (const [publisher, names] of byPublisher) {
        const rows = await m.query('SELECT id, normalized_name AS n FROM software WHERE publisher = ? AND normalized_name IN (?)', [publisher, names]);
        for (const r of rows) out.set(titleKey(r.n, publisher), Number(r.id));
      }
    };
    for (let i = 0; i < titles.length; i += 500) await lookup(titles.slice(i, i + 500));
    const missing = titles.filter((t) => !out.has(titleKey(t.normalizedName, t.publisher)));
    for (let i = 0; i < missing.length; i += 500) {
      const batch = missing.slice(i, i + 500);
      await m.query(
        `INSERT IGNORE INTO software (name, normalized_name, publisher, created_at) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((t) => [t.name, t.normalizedName, t.publisher, now]),
      );
      await lookup(batch);
    }
    return out;
  }
}

/** As above, and the catalogue's device counts left to the worker's recount (no per-report UPDATE of ~800 shared rows). */
export class SelectFirstNoCounts extends SelectFirstTitles {
  async adjustDeviceCounts(): Promise<void> {
    // counts catch up at the next recount
  }
}

export const WHAT_IF: Record<string, { label: string; repo: () => InventoryRepository }> = {
  'select-first': { label: 'titles: SELECT first, INSERT only the missing', repo: () => new SelectFirstTitles() },
  'select-first-no-counts': { label: 'the same, and no per-report device_count UPDATE', repo: () => new SelectFirstNoCounts() },
};
