// The cheap probes against real daemons: a lab snmpd answers the credential-free SNMPv3
// discovery, a closed UDP port is known at once, a silent one only after the timeout.
import * as crypto from 'node:crypto';
import * as net from 'node:net';
import { probeTcp, probeUdp, Semaphore } from '../src/discovery/probes';
import { linuxProfile, SnmpdAgent } from './lab/snmpd';
import { freePort } from './support/net';

describe('discovery probes', () => {
  const address = `127.78.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
  const agent = new SnmpdAgent(linuxProfile(address, 'lab-probe-01'));
  beforeAll(() => agent.start());
  afterAll(() => agent.stop());

  it('gets a reply from an SNMP agent without any credential', async () => {
    expect(await probeUdp(address, 161, 1000, 1)).toBe('reply');
  });

  it('knows a closed UDP port from its ICMP port-unreachable instead of waiting', async () => {
    const started = Date.now();
    expect(await probeUdp(address, 162, 5000, 3)).toBe('refused');
    // far less than the 20 s that four silent tries would take
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('reports silence when a port swallows the request', async () => {
    // a bound UDP socket that never answers: the kernel sends no ICMP, like a firewall that drops
    const dgram = await import('node:dgram');
    const sink = dgram.createSocket('udp4');
    await new Promise<void>((r) => sink.bind(0, address, r));
    try {
      expect(await probeUdp(address, sink.address().port, 200, 1)).toBe('silent');
    } finally {
      sink.close();
    }
  });

  it('a cancelled probe ends at once as silent, sends nothing more and closes its socket', async () => {
    const dgram = await import('node:dgram');
    const sink = dgram.createSocket('udp4');
    let received = 0;
    sink.on('message', () => received++);
    await new Promise<void>((r) => sink.bind(0, address, r));
    try {
      const probe = probeUdp(address, sink.address().port, 300, 5); // six tries: 1.8 s unless cancelled
      await new Promise((r) => setTimeout(r, 100));
      probe.cancel();
      expect(await probe).toBe('silent');
      await new Promise((r) => setTimeout(r, 700));
      expect(received).toBe(1);
    } finally {
      sink.close();
    }
  });

  it('tells an open TCP port from a closed one', async () => {
    const server = net.createServer((s) => s.end());
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, address, r));
    try {
      expect(await probeTcp(address, port, 1000)).toBe('reply');
      server.close();
      expect(await probeTcp(address, port, 1000)).toBe('refused');
    } finally {
      server.close();
    }
  });

  it('lets at most N holders through a semaphore', async () => {
    const sem = new Semaphore(3);
    let peak = 0;
    await Promise.all(Array.from({ length: 20 }, async () => {
      const release = await sem.acquire();
      peak = Math.max(peak, sem.inUse);
      await new Promise((r) => setTimeout(r, 5));
      release();
    }));
    expect(peak).toBe(3);
    expect(sem.inUse).toBe(0);
  });
});
