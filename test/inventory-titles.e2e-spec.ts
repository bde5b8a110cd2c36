// The catalogue ids InventoryRepository remembers per process: ids read from committed rows
// are reused without a query; a title this report inserted and then rolled back (a deadlock
// retried) is not remembered, so the retry inserts it again instead of pointing at a row that
// no longer exists.
import { InventoryRepository } from '../src/inventory/inventory.repository';
import { createTestApp, TestApp } from './support/app';

describe('catalogue ids remembered by title', () => {
  let t: TestApp;
  let repo: InventoryRepository;
  beforeAll(async () => {
    t = await createTestApp();
    repo = t.app.get(InventoryRepository);
  });
  afterAll(() => t?.close());

  const title = (n: string) => ({ name: n, normalizedName: n.toLowerCase(), publisher: '' });
  const exists = async (id: number) => (await t.db.query('SELECT COUNT(*) AS n FROM software WHERE id = ?', [id]))[0].n > 0;

  it('does not remember a title whose insert was rolled back', async () => {
    const now = new Date();
    let rolledBackId = 0;
    await t.db.transaction(async (m) => {
      rolledBackId = (await repo.titleIds(m, [title('Rollback-Me')], now)).get('rollback-me\u0000')!;
      expect(rolledBackId).toBeGreaterThan(0);
      throw new Error('rollback');
    }).catch((e: Error) => expect(e.message).toBe('rollback'));
    expect(await exists(rolledBackId)).toBe(false);
    const again = await t.db.transaction((m) => repo.titleIds(m, [title('Rollback-Me')], now));
    expect(await exists(again.get('rollback-me\u0000')!)).toBe(true);
  });

  it('reuses a committed title\'s id without asking MySQL again', async () => {
    const now = new Date();
    const first = await t.db.transaction((m) => repo.titleIds(m, [title('Kept-Title')], now));
    await t.db.transaction((m) => repo.titleIds(m, [title('Kept-Title')], now)); // read back: now remembered
    const queries: string[] = [];
    const third = await t.db.transaction((m) => {
      const q = m.query.bind(m);
      (m as { query: typeof m.query }).query = ((sql: string, p?: unknown[]) => (queries.push(sql), q(sql, p))) as typeof m.query;
      return repo.titleIds(m, [title('Kept-Title')], now);
    });
    expect(third.get('kept-title\u0000')).toBe(first.get('kept-title\u0000'));
    expect(queries).toEqual([]);
  });
});
