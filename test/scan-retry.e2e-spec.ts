// A chunk whose work fails in a worker (a write or a query the database refuses) gives its lease
// back at once and is tried again within a second or so, rather than after its 60 s lease runs
// out; one that keeps failing is given up after its fifth attempt, its addresses recorded as
// errors saying why, and the scan ends with a result for every address. A real worker consumes
// the queue; only closed loopback addresses are scanned.
import * as crypto from 'node:crypto';
import { ScansRepository } from '../src/discovery/scans.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { until } from './support/until';

jest.setTimeout(120_000);

// a /23: two chunks of the scan (256 addresses, then 254)
const net = `127.86.${2 * crypto.randomInt(0, 125)}`;
const block = `${net}.0/23`;
const firstOfChunk0 = `${net}.1`;
const options = { timeoutMs: 500, retries: 0, concurrency: 64 };

interface Result {
  address: string;
  status: string;
  reason: string | null;
}

describe('a scan chunk that fails in its worker', () => {
  let t: TestApp;
  let tech: string;
  let credentialId: number;
  let repo: ScansRepository;

  beforeAll(async () => {
    t = await createTestApp({ consume: true });
    tech = await t.tokenFor('technician');
    credentialId = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'v2c', kind: 'snmp-v2c', community: 'not-answered-here' }).expect(201)).body.id;
    repo = t.app.get(ScansRepository);
  });
  afterAll(() => t?.close());

  const start = async () => (await t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets: [block], credentialIds: [credentialId], options }).expect(202)).body.id as number;
  /** waits at most `ms` for the scan to end; its view with every result */
  const ended = (id: number, ms: number) => until(`scan ${id} to end`, async () => {
    const s = (await t.http.get(`/api/discovery/scans/${id}?resultsLimit=5000`).set(bearer(tech)).expect(200)).body;
    return !['queued', 'running'].includes(s.status) && s;
  }, ms, 100);
  const attempts = async (id: number) => (await t.db.query('SELECT attempts FROM scan_chunks WHERE scan_id = ? ORDER BY chunk_no', [id])).map((c: { attempts: number }) => Number(c.attempts));
  const byStatus = (results: Result[]) => results.reduce<Record<string, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});

  it('gives its lease back and is scanned again at once: the scan ends within seconds, one result per address', async () => {
    const save = jest.spyOn(repo, 'saveResults').mockRejectedValueOnce(new Error('Lock wait timeout exceeded; try restarting transaction'));
    let scan;
    try {
      const id = await start();
      // the lease is 60 s: before, the scan stood still until it ran out and the reconciler came
      scan = await ended(id, 15_000);
      expect(save.mock.calls.length).toBeGreaterThan(1);
      expect((await attempts(id)).sort()).toEqual([1, 2]);
    } finally {
      save.mockRestore();
    }
    expect(scan).toMatchObject({ status: 'completed', progress: { total: 510, done: 510 } });
    expect(new Set(scan.results.map((r: Result) => r.address)).size).toBe(510);
    expect(byStatus(scan.results)).toEqual({ refused: 510 });
    expect(t.logs.join('')).toContain('chunk failed: lease given back, tried again shortly');
  });

  it('is tried five times when it keeps failing, then its addresses are errors saying why; the other chunk\'s results stand', async () => {
    const remembered = repo.rememberedCredentials.bind(repo);
    // chunk 0's query fails every time, as a table the database keeps refusing would; chunk 1's works
    const failing = jest.spyOn(repo, 'rememberedCredentials').mockImplementation(async (addresses) => {
      if (addresses.includes(firstOfChunk0)) throw new Error('Deadlock found when trying to get lock; try restarting transaction');
      return remembered(addresses);
    });
    let scan;
    let id: number;
    try {
      id = await start();
      // pauses of 0.5, 1, 2 and 4 s between the five attempts; before, each waited out a 60 s lease
      scan = await ended(id, 30_000);
      expect(failing.mock.calls.filter(([a]) => a.includes(firstOfChunk0))).toHaveLength(5);
    } finally {
      failing.mockRestore();
    }
    expect(await attempts(id)).toEqual([5, 1]);
    expect(scan).toMatchObject({ status: 'completed', progress: { total: 510, done: 510 }, counts: { error: 256, refused: 254 } });
    const errors = scan.results.filter((r: Result) => r.status === 'error');
    expect(errors.map((r: Result) => r.address)).toEqual([...Array.from({ length: 255 }, (_, i) => `${net}.${i + 1}`), `${net.replace(/\d+$/, (n) => String(Number(n) + 1))}.0`]);
    expect(new Set(errors.map((r: Result) => r.reason))).toEqual(new Set(['given up after 5 failed attempts at this address range; the last: Deadlock found when trying to get lock; try restarting transaction']));
  });
});
