// An address that takes too long is abandoned, not waited for: past TEKNISI_SCAN_ADDRESS_TIMEOUT
// its sessions are closed and nothing it collected is stored, and a cancelled scan abandons
// the addresses it is in the middle of the same way. The slow device is the lab's simulated
// Windows PC whose agent takes 100 ms over each installed program (snmpsimd's delay
// variation): ~6 s for its 60 programs, each answer well inside the scan's 10 s timeout; the
// slow SSH server is a port that accepts connections and never speaks.
import * as crypto from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { SnmpsimAgent, snmpsimCredentials } from './lab/snmpsim';
import { bearer, createTestApp, TestApp } from './support/app';
import { until as waitFor } from './support/until';

jest.setTimeout(120_000);

const net = `127.75.${crypto.randomInt(1, 250)}`;
const at = (n: number) => `${net}.${n}`;
const HR_SW_INSTALLED_NAME = /^(1\.3\.6\.1\.2\.1\.25\.6\.3\.1\.2\.\d+)\|(4x?)\|(.*)$/gm;

/** every program's name served after a 100 ms wait (hex-encoded: names may hold commas, which the variation's settings split on) */
const slowPrograms = (recording: string) => {
  let rows = 0;
  const edited = recording.replace(HR_SW_INSTALLED_NAME, (_, oid: string, tag: string, value: string) => {
    rows++;
    const bytes = tag === '4x' ? Buffer.from(value, 'hex') : Buffer.from(value, 'latin1');
    return `${oid}|4:delay|hexvalue=${bytes.toString('hex')},wait=100`;
  });
  if (rows < 50) throw new Error(`the Windows recording has ${rows} programs; the spec needs ~60 to be slow`);
  return edited;
};

interface ScanView {
  status: string;
  progress: { done: number; total: number; found: number };
  results: Array<{ address: string; status: string; reason: string | null; deviceId: number | null; durationMs: number }>;
}

describe('abandoning an address', () => {
  const slow = new SnmpsimAgent('windows', at(5), 161, slowPrograms);
  let t: TestApp | undefined;

  beforeAll(() => slow.start());
  afterAll(async () => {
    await t?.close();
    await slow.stop();
  });

  const setUp = async (env: Record<string, string> = {}) => {
    await t?.close();
    t = await createTestApp({ consume: true, env });
    const app = t;
    const tech = await app.tokenFor('technician');
    const credentialId = (await app.http.post('/api/credentials').set(bearer(app.adminToken)).send({ name: 'sim windows', kind: 'snmp-v2c', community: snmpsimCredentials('windows').community }).expect(201)).body.id as number;
    const scanOf = async (targets: string[], credentialIds: number[]) =>
      (await app.http.post('/api/discovery/scans').set(bearer(tech)).send({ targets, credentialIds, options: { timeoutMs: 10_000, retries: 0 } }).expect(202)).body.id as number;
    const start = () => scanOf([at(5)], [credentialId]);
    const view = async (id: number) => (await app.http.get(`/api/discovery/scans/${id}`).set(bearer(tech)).expect(200)).body as ScanView;
    const until = (id: number, done: (s: ScanView) => boolean) => waitFor(`scan ${id}`, async () => {
      const s = await view(id);
      return done(s) && s;
    }, 60_000, 100);
    const devices = async () => (await app.http.get('/api/devices').set(bearer(tech)).expect(200)).body.total as number;
    const credential = async (body: object) => (await app.http.post('/api/credentials').set(bearer(app.adminToken)).send(body).expect(201)).body.id as number;
    return { start, view, until, devices, scanOf, credential };
  };

  it('past TEKNISI_SCAN_ADDRESS_TIMEOUT the address is abandoned with nothing stored, and the scan completes', async () => {
    const { start, until, devices } = await setUp({ TEKNISI_SCAN_ADDRESS_TIMEOUT: '2' });
    const scan = await until(await start(), (s) => s.status !== 'queued' && s.status !== 'running');
    expect(scan.status).toBe('completed');
    expect(scan.progress).toEqual({ done: 1, total: 1, found: 0 });
    expect(scan.results).toEqual([expect.objectContaining({
      address: at(5), status: 'error', deviceId: null, reason: 'did not finish within 2 s (TEKNISI_SCAN_ADDRESS_TIMEOUT): abandoned, nothing stored',
    })]);
    // abandoned at the deadline, not when the ~6 s collection would have ended
    expect(scan.results[0].durationMs).toBeLessThan(5000);
    expect(await devices()).toBe(0);
  });

  it('the deadline also ends an SSH login that never completes (a port that accepts and never speaks)', async () => {
    // a TCP listener on the SSH port that reads and never answers: the login would wait out its
    // own timeout (40 s with the scan's 10 s timeout)
    const held: Socket[] = [];
    const mute = createServer((socket) => held.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => mute.listen(22, at(7), resolve));
    try {
      const { scanOf, until, credential } = await setUp({ TEKNISI_SCAN_ADDRESS_TIMEOUT: '2' });
      const ssh = await credential({ name: 'lab ssh', kind: 'ssh', username: 'nobody-here', password: 'not-used-by-a-mute-port' });
      const scan = await until(await scanOf([at(7)], [ssh]), (s) => s.status !== 'queued' && s.status !== 'running');
      expect(scan.results).toEqual([expect.objectContaining({ address: at(7), status: 'error', reason: 'did not finish within 2 s (TEKNISI_SCAN_ADDRESS_TIMEOUT): abandoned, nothing stored' })]);
      expect(scan.results[0].durationMs).toBeLessThan(5000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it('a cancelled scan abandons the address it is in the middle of: the device it was collecting is not stored', async () => {
    const { start, view, until, devices } = await setUp();
    const id = await start();
    await until(id, (s) => s.status === 'running');
    // the agent has answered its system group and is serving its programs, slowly
    await new Promise((r) => setTimeout(r, 1500));
    await t!.http.post(`/api/discovery/scans/${id}/cancel`).set(bearer(await t!.tokenFor('technician'))).expect(200);
    // past the time the whole collection would have taken
    await new Promise((r) => setTimeout(r, 7000));
    const scan = await view(id);
    expect(scan.status).toBe('cancelled');
    expect(scan.results).toEqual([]);
    expect(await devices()).toBe(0);
  });
});
