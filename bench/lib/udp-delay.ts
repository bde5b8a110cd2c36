// bench: a UDP relay that holds each datagram for a while in each direction, so that an SNMP
// collection can be timed as over a network with a round-trip time, not loopback's ~0. It
// listens on one loopback address and forwards to an agent on another; every client port
// gets a socket of its own towards the agent, so answers find their way back.
import * as dgram from 'node:dgram';

export class UdpDelayRelay {
  private front?: dgram.Socket;
  private readonly back = new Map<string, dgram.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    /** where clients send (loopback) */
    readonly address: string,
    readonly port: number,
    /** the agent (loopback) */
    private readonly target: { address: string; port: number },
    /** the round trip added: half of it each way */
    readonly rttMs: number,
  ) {
    for (const a of [address, target.address]) {
      if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a)) throw new Error(`the relay stays on loopback (127.0.0.0/8); ${a} is not there`);
    }
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => (this.timers.delete(t), fn()), this.rttMs / 2);
    this.timers.add(t);
  }

  async start(): Promise<void> {
    const front = dgram.createSocket('udp4');
    this.front = front;
    front.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let back = this.back.get(key);
      if (!back) {
        back = dgram.createSocket('udp4');
        back.bind(0, this.address);
        back.on('message', (answer) => this.later(() => front.send(answer, from.port, from.address)));
        this.back.set(key, back);
      }
      const out = back;
      this.later(() => out.send(msg, this.target.port, this.target.address));
    });
    await new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(this.port, this.address, () => resolve());
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.back.values()) s.close();
    this.back.clear();
    this.front?.close();
  }
}
