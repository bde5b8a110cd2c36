// InventoryRepository.sharedTitleIds: reports ingested at once share the resolution of the
// titles they bring (the database side is in test/ingest.e2e-spec.ts, twenty machines at once).
// Here the order of events is held by hand: who resolves, who waits, and what happens when the
// one resolving fails.
import { InventoryRepository, TitleKey } from './inventory.repository';

const title = (name: string): TitleKey => ({ name, normalizedName: name.toLowerCase(), publisher: '' });
const key = (t: TitleKey) => `${t.normalizedName}\u0000${t.publisher}`;
const ids = (titles: TitleKey[], first: number) => new Map(titles.map((t, i) => [key(t), first + i]));

/** A resolve function whose answer the test gives when it wants, recording what it was asked. */
function heldResolve() {
  const asked: TitleKey[][] = [];
  let settle: { resolve: (m: Map<string, number>) => void; reject: (e: Error) => void } | undefined;
  const fn = (todo: TitleKey[]) => {
    asked.push(todo);
    return new Promise<Map<string, number>>((resolve, reject) => (settle = { resolve, reject }));
  };
  return { fn, asked, settle: () => settle! };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('InventoryRepository.sharedTitleIds', () => {
  const a = title('7-Zip');
  const b = title('Firefox');
  const c = title('curl');

  it('a second report waits for the titles the first is resolving and resolves only the others', async () => {
    const repo = new InventoryRepository();
    const first = heldResolve();
    const second = heldResolve();
    const one = repo.sharedTitleIds([a, b], first.fn);
    const two = repo.sharedTitleIds([a, b, c], second.fn);
    await tick();
    expect(first.asked).toEqual([[a, b]]);
    expect(second.asked).toEqual([[c]]); // a and b are the first report's
    second.settle().resolve(ids([c], 30));
    await tick();
    first.settle().resolve(ids([a, b], 10));
    expect(await one).toEqual(ids([a, b], 10));
    expect(await two).toEqual(new Map([...ids([a, b], 10), ...ids([c], 30)]));
    // committed and remembered: a third report asks nothing
    const third = heldResolve();
    expect(await repo.sharedTitleIds([c, a], third.fn)).toEqual(new Map([[key(c), 30], [key(a), 10]]));
    expect(third.asked).toEqual([]);
  });

  it('when the report resolving them fails, the one waiting resolves them itself', async () => {
    const repo = new InventoryRepository();
    const first = heldResolve();
    const second = heldResolve();
    const one = repo.sharedTitleIds([a, b], first.fn);
    const two = repo.sharedTitleIds([a, b], second.fn);
    await tick();
    expect(second.asked).toEqual([]);
    first.settle().reject(new Error('deadlock, five times'));
    await expect(one).rejects.toThrow('deadlock, five times');
    await tick();
    expect(second.asked).toEqual([[a, b]]);
    second.settle().resolve(ids([a, b], 20));
    expect(await two).toEqual(ids([a, b], 20));
  });
});
