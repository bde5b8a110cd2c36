// How many addresses a scan contacts at once on a worker, and that one chunk is never scanned
// twice at once. The devices are TCP listeners on the SSH port that accept a connection and
// never send a banner, so an SSH login there waits; each records when its connections were
// open as the server saw them (closed when the client's end arrives).
import * as crypto from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { ScanRunner } from '../src/discovery/scan-runner.service';
import { ScansRepository } from '../src/discovery/scans.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { ScanView } from './support/scan';
import { until } from './support/until';

jest.setTimeout(120_000);

/** a /22 of this spec's own: 127.132.<4n>.0/22 */
const base = 4 * crypto.randomInt(1, 60);
const at = (block: number, host: number) => `127.132.${base + block}.${host}`;

interface Connection { address: string; open: number; close: number | null }

/** Listeners on port 22 that never speak; one that is given `holdMs` ends each connection after it. */
async function muteListeners(addresses: string[], holdMs?: number): Promise<{ seen: Connection[]; close: () => Promise<void> }> {
  const seen: Connection[] = [];
  const sockets: Socket[] = [];
  const servers: Server[] = [];
  for (const address of addresses) {
    const server = createServer((socket) => {
      const c: Connection = { address, open: Date.now(), close: null };
      seen.push(c);
      sockets.push(socket);
      const closed = () => (c.close ??= Date.now());
      // read what the client sends (its SSH banner): else its end is never seen
      socket.on('end', closed).on('close', closed).on('error', closed).resume();
      if (holdMs !== undefined) setTimeout(() => (closed(), socket.destroy()), holdMs).unref();
    });
    await new Promise<void>((resolve) => server.listen(22, address, resolve));
    servers.push(server);
  }
  return {
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((server) => new Promise((r) => server.close(r))));
    },
  };
}

/** Connections that were open at the same time, as "a and b". */
function overlapping(seen: Connection[]): string[] {
  const out: string[] = [];
  seen.forEach((a, i) => seen.slice(i + 1).forEach((b) => {
    if (a.open < (b.close ?? Infinity) && b.open < (a.close ?? Infinity)) out.push(`${a.address} (${a.open}–${a.close}) and ${b.address} (${b.open}–${b.close})`);
  }));
  return out;
}

let t: TestApp;
let tech: Record<string, string>;
let ssh: number;
const view = async (id: number) => (await t.http.get(`/api/discovery/scans/${id}`).set(tech).expect(200)).body as ScanView;
const ended = (id: number) => until(`scan ${id} to end`, async () => {
  const s = await view(id);
  return !['queued', 'running'].includes(s.status) && s;
}, 90_000, 100);
const scan = async (targets: string[]) =>
  (await t.http.post('/api/discovery/scans').set(tech).send({ targets, credentialIds: [ssh], options: { timeoutMs: 300, retries: 0, concurrency: 1 } }).expect(202)).body.id as number;

beforeAll(async () => {
  t = await createTestApp({ consume: true });
  tech = bearer(await t.tokenFor('technician'));
  ssh = (await t.http.post('/api/credentials').set(bearer(t.adminToken)).send({ name: 'mute ssh', kind: 'ssh', username: 'nobody-here', password: 'not-used-by-a-mute-port' }).expect(201)).body.id;
});

afterAll(() => t?.close());

it("a scan's concurrency holds across its chunks on a worker: concurrency 1 contacts one address at a time", async () => {
  // the /22's 1,022 addresses are four chunks of 256, which one worker runs at once; each chunk's
  // first address holds the login for a second, the others refuse at once
  const firsts = [0, 1, 2, 3].map((block) => at(block, 1));
  const mute = await muteListeners(firsts, 1000);
  try {
    const id = await scan([`${at(0, 0)}/22`]);
    expect(await ended(id)).toMatchObject({ status: 'completed', progress: { total: 1022, done: 1022, found: 0 } });
    expect(new Set(mute.seen.map((c) => c.address))).toEqual(new Set(firsts));
    // before: each chunk had lanes of its own, and the four logins were open together
    expect(overlapping(mute.seen)).toEqual([]);
  } finally {
    await mute.close();
  }
});

describe("a worker that cannot renew a chunk's lease", () => {
  const lease = ScanRunner.leaseMs;
  beforeAll(() => (ScanRunner.leaseMs = 3000));
  afterAll(() => (ScanRunner.leaseMs = lease));

  it('stops the chunk before its lease runs out: a new claim, even by this process, never scans it alongside', async () => {
    const address = at(1, 200);
    // the login waits (10 s, an SSH handshake's shortest timeout) far past the lease
    const mute = await muteListeners([address]);
    const repo = t.app.get(ScansRepository);
    try {
      const id = await scan([address]);
      await until('the login', async () => mute.seen.length === 2 && mute.seen[1].close === null, 30_000, 20);
      // the database stops answering this worker's renewals for longer than the lease (3 s)
      const renew = jest.spyOn(repo, 'renewLease').mockRejectedValue(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' }));
      try {
        await new Promise((r) => setTimeout(r, 4_000));
        // the lease has run out: the reconciler hands the chunk on, and this worker claims it again
        await t.db.query('UPDATE scans SET created_at = created_at - INTERVAL 1 MINUTE WHERE id = ?', [id]);
        expect((await t.app.get(ScanRunner).reconcile()).requeued).toBe(1);
        await until('the next claim\'s login', async () => mute.seen.length === 4 && mute.seen[3].close === null, 30_000, 20);
      } finally {
        renew.mockRestore();
      }
      await new Promise((r) => setTimeout(r, 1_000));
      // before: the first claim went on waiting for its login, and once the database answered
      // again its renewals matched the new claim's (both were the process's): two scans at once
      expect(overlapping(mute.seen)).toEqual([]);
      await t.http.post(`/api/discovery/scans/${id}/cancel`).set(tech).expect(200);
      expect(await ended(id)).toMatchObject({ status: 'cancelled', results: [] });
    } finally {
      await mute.close();
    }
  });
});
