// Following a scan over HTTP — its progress as server-sent events, its results as a CSV file —
// holds nothing on the server once the client has gone: no poller left reading a scan for
// nobody (for a scan that stays queued, that was forever), no export left waiting to write to a
// closed connection. The app runs no worker, so its scans stay queued.
import * as http from 'node:http';
import { ScansRepository } from '../src/discovery/scans.repository';
import { ScansService } from '../src/discovery/scans.service';
import { bearer, createTestApp, TestApp } from './support/app';
import { Tabs, tabsOn } from './support/tabs';
import { until } from './support/until';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Follower {
  req: http.ClientRequest;
  events: Array<{ event: string; data: { id: number; status: string } }>;
  /** the first event, as the client receives it */
  first: Promise<void>;
  /** the server ended the stream */
  ended: Promise<void>;
}

describe('scan streams when the client goes away', () => {
  let t: TestApp;
  let tech: string;
  let credentialId: number;
  let tabs: Tabs;
  let repo: ScansRepository;
  let scanNo = 0;

  beforeAll(async () => {
    t = await createTestApp();
    tech = await t.tokenFor('technician');
    repo = t.app.get(ScansRepository);
    credentialId = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'v2c', kind: 'snmp-v2c', community: 'public' }).expect(201)).body.id;
    tabs = await tabsOn(t);
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => t?.close());

  const queuedScan = async (): Promise<number> =>
    (await t.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets: [`127.81.${++scanNo}.0/28`], credentialIds: [credentialId] }).expect(202)).body.id;

  const open = (path: string): http.ClientRequest => tabs.open(path, bearer(tech));
  const leave = (req: http.ClientRequest) => tabs.leave(req);

  const follow = (id: number): Follower => {
    const req = open(`/api/discovery/scans/${id}/events`);
    const events: Follower['events'] = [];
    let gotFirst!: () => void;
    const first = new Promise<void>((r) => (gotFirst = r));
    const ended = new Promise<void>((resolve) => req.on('response', (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        const blocks = buf.split('\n\n');
        buf = blocks.pop()!;
        for (const b of blocks) events.push({ event: /event: (.*)/.exec(b)![1], data: JSON.parse(/data: (.*)/.exec(b)![1]) });
        if (events.length) gotFirst();
      });
      res.on('end', () => resolve());
    }));
    return { req, events, first, ended };
  };

  /** Reads of the scan's row over `ms`, once what was under way has settled. */
  const readsOver = async (read: jest.SpyInstance, id: number, ms: number): Promise<number> => {
    const count = () => read.mock.calls.filter(([x]) => x === id).length;
    await sleep(300);
    const before = count();
    await sleep(ms);
    return count() - before;
  };

  it('leaves no poller reading a queued scan for clients that closed its progress stream, even while it was starting', async () => {
    const id = await queuedScan();
    const original = repo.findScan.bind(repo);
    const read = jest.spyOn(repo, 'findScan');
    // the client closes the tab just while the server reads the scan before it starts the stream
    for (let i = 0; i < 3; i++) await tabs.leaveWhileReading(read, original, `/api/discovery/scans/${id}/events`, bearer(tech));
    for (let i = 0; i < 3; i++) {
      // and after it has seen the scan queued
      const f = follow(id);
      await f.first;
      expect(f.events[0]).toMatchObject({ event: 'progress', data: { id, status: 'queued' } });
      await leave(f.req);
    }
    expect(await readsOver(read, id, 2500)).toBe(0);
    expect((await t.http.get(`/api/discovery/scans/${id}`).set(bearer(tech)).expect(200)).body.status).toBe('queued');
  });

  it('reads a scan once a second however many clients follow it, shows each at once where it stands, and tells them all when it ends', async () => {
    const id = await queuedScan();
    const read = jest.spyOn(repo, 'findScan');
    const followers: Follower[] = [];
    for (let i = 0; i < 4; i++) {
      const f = follow(id);
      await f.first; // a later one is shown the scan as last read, not left waiting for a change
      expect(f.events).toEqual([{ event: 'progress', data: expect.objectContaining({ id, status: 'queued' }) }]);
      followers.push(f);
    }
    // one poller, one read a second; four pollers would read about twelve times
    expect(await readsOver(read, id, 3000)).toBeLessThanOrEqual(5);

    await t.http.post(`/api/discovery/scans/${id}/cancel`).set(bearer(tech)).expect(200);
    await Promise.all(followers.map((f) => f.ended));
    for (const f of followers) expect(f.events[f.events.length - 1]).toMatchObject({ event: 'done', data: { id, status: 'cancelled' } });
    expect(await readsOver(read, id, 2000)).toBe(0);
  });

  it('stops exporting a scan\'s results as CSV when the client leaves after the first bytes', async () => {
    const id = await queuedScan();
    // 30,000 results: six pages of the export
    const at = new Date();
    for (let b = 0; b < 30; b++) {
      await repo.saveResults(id, Array.from({ length: 1000 }, (_, i) => {
        const n = b * 1000 + i;
        return { address: `127.82.${n >> 8}.${n & 255}`, status: 'refused' as const, reason: 'TCP 22 and UDP 161 refused', deviceId: null, via: null, durationMs: 3, at };
      }));
    }
    const scans = t.app.get(ScansService);
    const export_ = scans.resultsCsv.bind(scans);
    let ended = false;
    jest.spyOn(scans, 'resultsCsv').mockImplementation(async function* (...args: Parameters<ScansService['resultsCsv']>) {
      try {
        yield* export_(...args);
      } finally {
        ended = true;
      }
    });
    const pages = jest.spyOn(repo, 'resultsAfter');

    const req = open(`/api/discovery/scans/${id}/results.csv`);
    await new Promise<void>((r) => req.on('response', (res) => res.once('data', () => r())));
    await leave(req);
    await until('the export to end', async () => ended, 10_000, 50);
    // it read on for a page or two at most, not the whole scan
    expect(pages.mock.calls.length).toBeLessThan(7);
  });
});
