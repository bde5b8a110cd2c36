// A job's progress stream holds nothing on the server once its client has gone, also when the
// client left while the server read the job before the stream began: a recurring job's stream
// never ends, and the poller started for such a client read the job every second for good.
import * as http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { bearer, createTestApp, TestApp } from './support/app';
import { makeDevice, postJob } from './support/factories';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let t: TestApp;
let port: number;
// the server's side of each connection closes: resolved by the client's port
const serverClosed = new Map<number, Promise<void>>();

beforeAll(async () => {
  t = await createTestApp();
  const server = t.app.getHttpServer() as http.Server;
  server.on('connection', (s: Socket) => serverClosed.set(s.remotePort!, new Promise((r) => s.once('close', () => r()))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => jest.restoreAllMocks());
afterAll(() => t?.close());

/** A GET on its own connection, as a browser tab that can be closed. */
const open = (path: string): http.ClientRequest => http.get({ host: '127.0.0.1', port, path, headers: bearer(t.adminToken), agent: false }).on('error', () => undefined);

/** The client closes the connection; resolves once the server has seen it close. */
const leave = async (req: http.ClientRequest): Promise<void> => {
  const closed = serverClosed.get(req.socket!.localPort!);
  req.destroy();
  await closed;
};

it('leaves no poller reading a recurring job for clients that closed its progress stream, even while it was starting', async () => {
  const device = await makeDevice(t.db, { hostname: 'stream-01' });
  const id = await postJob(t, { name: 'nightly noop', kind: 'noop', target: { deviceIds: [device] }, schedule: { cron: '0 3 * * *', timezone: 'UTC' } });
  const repo = t.app.get(JobsRepository);
  const original = repo.findJob.bind(repo);
  const read = jest.spyOn(repo, 'findJob');
  for (let i = 0; i < 3; i++) {
    // the client closes the tab just while the server reads the job before it starts the stream
    let reached!: () => void;
    const reading = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    read.mockImplementationOnce(async (x: number) => {
      reached();
      await gate;
      return original(x);
    });
    const req = open(`/api/jobs/${id}/events`);
    await reading;
    await leave(req);
    release();
  }
  // and one that saw the stream start before it left
  const req = open(`/api/jobs/${id}/events`);
  await new Promise<void>((r) => req.on('response', (res) => res.once('data', () => r())));
  await leave(req);
  await sleep(300); // what was under way settles
  const before = read.mock.calls.length;
  await sleep(2500);
  expect(read.mock.calls.length - before).toBe(0);
});
