// The credential-free SNMPv3 probe goes first at each address, with a short head start: a
// closed port (most addresses of a sweep) answers with ICMP port-unreachable within a round
// trip, and then no credential is sent there at all — one packet and one socket an address,
// not one per credential. An agent that drops SNMPv3 unanswered (v1/v2c only, as Windows' SNMP
// service) leaves the probe silent: its credentials go after the head start, and it is found.
import * as crypto from 'node:crypto';
import { Socket } from 'node:dgram';
import { PROBE_HEAD_START_MS } from '../src/discovery/address-scan';
import { probeUdp } from '../src/discovery/probes';
import { SnmpsimAgent, snmpsimCredentials, expectedIdentity } from './lab/snmpsim';
import { bearer, createTestApp, TestApp } from './support/app';
import { scanToEnd } from './support/scan';

jest.setTimeout(120_000);


const net = `127.71.${crypto.randomInt(1, 250)}`;
const v2cOnly = new SnmpsimAgent('windows', `${net}.200`, 161, undefined, { v2cOnly: true });
let t: TestApp;
let admin: { Authorization: string };
const credentialIds: number[] = [];

beforeAll(async () => {
  await v2cOnly.start();
  t = await createTestApp({ consume: true });
  admin = bearer(t.adminToken);
  // the right community last: every wrong one is tried alongside it
  for (const community of ['not-this-one', 'nor-this', snmpsimCredentials('windows').community]) {
    credentialIds.push((await t.http.post('/api/credentials').set(admin).send({ name: `v2c ${community}`, kind: 'snmp-v2c', community }).expect(201)).body.id);
  }
});

afterAll(async () => {
  await t?.close();
  await v2cOnly.stop();
});

describe('the SNMP probe goes first', () => {
  it('a closed port gets one packet, whatever the number of credentials', async () => {
    // every UDP datagram this process sends (the probes' and net-snmp's sockets alike)
    const sent = jest.spyOn(Socket.prototype, 'send');
    try {
      const scan = await scanToEnd(t.http, admin, { targets: [`${net}.1-${net}.64`], credentialIds, options: { timeoutMs: 1000, retries: 1 } });
      expect(scan.status).toBe('completed');
      expect(scan.results).toHaveLength(64);
      for (const r of scan.results) expect(r).toMatchObject({ status: 'refused', reason: expect.stringContaining('UDP 161 closed (ICMP port unreachable)') });
      // the probe's, once an address; before, one more for each of the 3 credentials
      expect(sent).toHaveBeenCalledTimes(64);
    } finally {
      sent.mockRestore();
    }
  });

  it('a closed port gets one packet also when the scanning process is too busy to read the refusal within the head start', async () => {
    // each datagram sent blocks this process for longer than the head start, as a loaded worker
    // is: the refusal is then waiting unread when the head start ends
    const send = Socket.prototype.send;
    const sent = jest.spyOn(Socket.prototype, 'send').mockImplementation(function (this: Socket, ...args: unknown[]) {
      const r = (send as (...a: unknown[]) => void).apply(this, args);
      for (const until = Date.now() + PROBE_HEAD_START_MS + 30; Date.now() < until;) { /* busy */ }
      return r;
    });
    try {
      const scan = await scanToEnd(t.http, admin, { targets: [`${net}.65-${net}.72`], credentialIds, options: { timeoutMs: 1000, retries: 1 } });
      expect(scan.results).toHaveLength(8);
      for (const r of scan.results) expect(r).toMatchObject({ status: 'refused' });
      expect(sent).toHaveBeenCalledTimes(8);
    } finally {
      sent.mockRestore();
    }
  });

  it('an agent that drops SNMPv3 leaves the probe silent, and its community still finds it', async () => {
    expect(await probeUdp(v2cOnly.address, 161, 300, 0)).toBe('silent');
    const scan = await scanToEnd(t.http, admin, { targets: [v2cOnly.address], credentialIds, options: { timeoutMs: 1000, retries: 1 } });
    expect(scan.results[0]).toMatchObject({ status: 'identified', reason: null });
    const device = (await t.http.get(`/api/devices/${scan.results[0].deviceId}`).set(admin).expect(200)).body;
    expect(device.hostname).toBe(expectedIdentity('windows').hostname);
  });
});
