import { byDelta, DeviceCountsService } from './device-counts.service';
import { SoftwareRepository } from './software.repository';

/** A repository that records each UPDATE, failing the ones `fail` says. */
function fakeRepo(fail: (delta: number, ids: number[], call: number) => unknown = () => undefined) {
  const calls: Array<{ delta: number; ids: number[] }> = [];
  let n = 0;
  const repo = {
    async adjustDeviceCounts(delta: number, ids: number[]) {
      const err = fail(delta, ids, ++n);
      if (err) throw err;
      calls.push({ delta, ids: [...ids] });
    },
  } as unknown as SoftwareRepository;
  return { repo, calls };
}

/** The counts the recorded UPDATEs add up to, per title. */
const totals = (calls: Array<{ delta: number; ids: number[] }>) => {
  const out: Record<number, number> = {};
  for (const c of calls) for (const id of c.ids) out[id] = (out[id] ?? 0) + c.delta;
  return out;
};

const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
const gone = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED', errno: -111 });

describe('byDelta', () => {
  it.each([
    ['one delta', [[3, 1], [1, 1], [2, 1]], [{ delta: 1, ids: [1, 2, 3] }]],
    ['several, deltas and ids ascending', [[9, 2], [4, -1], [7, 1], [1, 2], [5, -1]], [{ delta: -1, ids: [4, 5] }, { delta: 1, ids: [7] }, { delta: 2, ids: [1, 9] }]],
    ['ids compared as numbers', [[10, 1], [9, 1], [100, 1]], [{ delta: 1, ids: [9, 10, 100] }]],
    ['nothing', [], []],
  ])('%s', (_, pending, groups) => {
    expect(byDelta(new Map(pending as Array<[number, number]>))).toEqual(groups);
  });
});

describe('DeviceCountsService', () => {
  const services: DeviceCountsService[] = [];
  const make = (repo: SoftwareRepository, options = { flushAfterMs: 60_000, flushAtTitles: 10_000 }) => {
    const s = new DeviceCountsService(repo, options);
    services.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of services.splice(0)) await s.onApplicationShutdown();
  });

  it('sums deltas per title and writes one UPDATE per delta value, skipping titles that net to zero', async () => {
    const { repo, calls } = fakeRepo();
    const counts = make(repo);
    counts.add([5, 3, 8], []);
    counts.add([3, 8], [5]);
    counts.add([1], [8]);
    expect(calls).toEqual([]);
    expect(counts.pendingTitles).toBe(3); // 5 netted to zero
    await counts.flush();
    expect(calls).toEqual([{ delta: 1, ids: [1, 8] }, { delta: 2, ids: [3] }]);
    expect(counts.pendingTitles).toBe(0);
    await counts.flush();
    expect(calls).toHaveLength(2); // nothing left to write
  });

  it('splits a large group into UPDATEs of at most 1,000 ascending ids', async () => {
    const { repo, calls } = fakeRepo();
    const counts = make(repo);
    counts.add(Array.from({ length: 2500 }, (_, i) => 2500 - i), []);
    await counts.flush();
    expect(calls.map((c) => c.ids.length)).toEqual([1000, 1000, 500]);
    expect(calls.flatMap((c) => c.ids)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
  });

  it('retries an UPDATE that hit a deadlock', async () => {
    const { repo, calls } = fakeRepo((_d, _i, n) => (n <= 2 ? deadlock() : undefined));
    const counts = make(repo);
    counts.add([1, 2], []);
    await counts.flush();
    expect(totals(calls)).toEqual({ 1: 1, 2: 1 });
  });

  it('keeps what a failed flush could not write, and writes it on the next, with what came meanwhile', async () => {
    let down = true;
    // the second UPDATE (delta 1) fails while the database is down; the first (delta −1) is in
    const { repo, calls } = fakeRepo((_d, _i, n) => (down && n >= 2 ? gone() : undefined));
    const counts = make(repo);
    const warn = jest.spyOn((counts as unknown as { logger: { warn: (...a: unknown[]) => void } }).logger, 'warn').mockImplementation(() => undefined);
    counts.add([1, 2], [3]);
    await expect(counts.flush()).rejects.toThrow('ECONNREFUSED');
    expect(totals(calls)).toEqual({ 3: -1 });
    expect(counts.pendingTitles).toBe(2);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ err: { code: 'ECONNREFUSED', errno: -111, message: 'connect ECONNREFUSED 127.0.0.1:3306' }, titles: 3, pending: 2 }), expect.any(String));
    counts.add([2, 4], []);
    down = false;
    await counts.flush();
    expect(totals(calls)).toEqual({ 1: 1, 2: 2, 3: -1, 4: 1 });
    expect(counts.pendingTitles).toBe(0);
  });

  it('keeps the chunks of a group that a failure stopped, and not those already written', async () => {
    const { repo, calls } = fakeRepo((_d, _i, n) => (n === 2 ? gone() : undefined));
    const counts = make(repo);
    jest.spyOn((counts as unknown as { logger: { warn: () => void } }).logger, 'warn').mockImplementation(() => undefined);
    counts.add(Array.from({ length: 1500 }, (_, i) => i + 1), []);
    await expect(counts.flush()).rejects.toThrow();
    expect(counts.pendingTitles).toBe(500);
    await counts.flush();
    const t = totals(calls);
    expect(Object.keys(t)).toHaveLength(1500);
    expect(Object.values(t).every((v) => v === 1)).toBe(true);
  });

  it('flushes on its own after the delay, and at once past the size limit', async () => {
    const { repo, calls } = fakeRepo();
    const timed = make(repo, { flushAfterMs: 30, flushAtTitles: 10_000 });
    timed.add([1], []);
    await new Promise((r) => setTimeout(r, 80));
    expect(totals(calls)).toEqual({ 1: 1 });
    const big = make(repo, { flushAfterMs: 60_000, flushAtTitles: 5 });
    big.add([10, 11, 12], []);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1); // under the limit: waits for the timer
    big.add([13, 14, 15], []);
    await new Promise((r) => setTimeout(r, 10));
    expect(totals(calls)).toMatchObject({ 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1 });
  });

  it('writes on shutdown and never keeps a process alive for a flush', async () => {
    const { repo, calls } = fakeRepo();
    const counts = make(repo);
    counts.add([7], []);
    const timer = (counts as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    await counts.onApplicationShutdown();
    expect(totals(calls)).toEqual({ 7: 1 });
  });

  it('runs concurrent flushes one after another, each writing what was added before it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const repo = {
      async adjustDeviceCounts(delta: number, ids: number[]) {
        order.push(`start ${ids}`);
        if (ids[0] === 1) await gate;
        order.push(`end ${ids}`);
      },
    } as unknown as SoftwareRepository;
    const counts = make(repo);
    counts.add([1], []);
    const first = counts.flush();
    await new Promise((r) => setImmediate(r));
    counts.add([2], []);
    const second = counts.flush();
    const third = counts.flush(); // joins the one not started yet
    release();
    await Promise.all([first, second, third]);
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
