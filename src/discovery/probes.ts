// discovery/: the cheap questions asked of every address before any credential is spent.
// UDP goes over a *connected* socket so that a closed port's ICMP port-unreachable comes back
// as ECONNREFUSED at once — net-snmp's unconnected sockets never see it and would wait out
// the full timeout. The UDP payload is an SNMPv3 engine-discovery request: it carries no
// credential, and every v3-capable agent answers it, even one that will reject our community.
import * as dgram from 'node:dgram';
import * as net from 'node:net';

export type ProbeResult = 'reply' | 'refused' | 'silent' | 'unreachable';

function tlv(tag: number, body: Buffer): Buffer {
  if (body.length < 128) return Buffer.concat([Buffer.from([tag, body.length]), body]);
  return Buffer.concat([Buffer.from([tag, 0x82, body.length >> 8, body.length & 0xff]), body]);
}
const int = (n: number) => {
  const b: number[] = [];
  do b.unshift(n & 0xff), (n >>>= 8); while (n > 0);
  if (b[0] & 0x80) b.unshift(0);
  return tlv(0x02, Buffer.from(b));
};
const octets = (b: Buffer = Buffer.alloc(0)) => tlv(0x04, b);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

/** An SNMPv3 GetRequest with no user and no engine id: the agent answers with a Report. */
export function engineDiscoveryMessage(msgId: number): Buffer {
  const globalData = seq(int(msgId), int(65507), octets(Buffer.from([0x04])), int(3));
  const usm = octets(seq(octets(), int(0), int(0), octets(), octets(), octets()));
  const pdu = tlv(0xa0, Buffer.concat([int(msgId), int(0), int(0), seq()]));
  return seq(int(3), globalData, usm, seq(octets(), octets(), pdu));
}

/** the request of each try, built once: a sweep sends one or two to every address */
const TRIES: Buffer[] = [];
const discoveryMessageOfTry = (n: number) => (TRIES[n] ??= engineDiscoveryMessage(0x5445 + n));

/** A probe under way; cancel() ends it at once as 'silent'. */
export interface UdpProbe extends Promise<ProbeResult> {
  cancel(): void;
}

/**
 * Sends the discovery request (again on each retry) and says whether anything answered. Ended
 * by cancel() rather than an AbortSignal: a sweep starts one for every address, and Node's
 * AbortController costs more than the probe itself.
 */
export function probeUdp(host: string, port: number, timeoutMs: number, retries: number): UdpProbe {
  let cancel = () => undefined as void;
  const probe = new Promise<ProbeResult>((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    let timer: NodeJS.Timeout | undefined;
    let tries = 0;
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // already closed
      }
      resolve(r);
    };
    cancel = () => finish('silent');
    const send = () => {
      if (done) return;
      tries++;
      socket.send(discoveryMessageOfTry(tries));
      timer = setTimeout(() => (tries > retries ? finish('silent') : send()), timeoutMs);
    };
    socket.on('message', () => finish('reply'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish('refused');
      else finish('unreachable'); // EHOSTUNREACH, ENETUNREACH: nothing to wait for
    });
    socket.connect(port, host, send);
  }) as UdpProbe;
  probe.cancel = () => cancel();
  return probe;
}

/** Whether a TCP port accepts connections (SSH is tried only where it does). */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => finish('silent'));
    socket.once('connect', () => finish('reply'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ETIMEDOUT' ? 'silent' : 'unreachable'));
  });
}

/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
export class Semaphore {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.used >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    else this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }

  get inUse(): number {
    return this.used;
  }
}
