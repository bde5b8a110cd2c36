// A scripted SSH server for specs that need a host to misbehave in ways no lab sshd does: a CLI
// that never ends a line, a server that never answers a channel request, PAM that asks for the
// password again. It is ssh2's own Server on a 127.x address, behind a plain TCP front that can
// play a hung device: one that never closes its side of a connection.
import * as net from 'node:net';
import { Algorithms, AuthContext, Connection, Server, utils } from 'ssh2';

export interface ScriptedSshOptions {
  /** a 127.x address */
  address: string;
  /** what the server offers, when not ssh2's defaults */
  algorithms?: Algorithms;
  /** its host keys (private, in OpenSSH's format), when not the one Ed25519 key all scripted servers share */
  hostKeys?: Array<string | Buffer>;
  /** decides each login attempt; by default any password passes and nothing else does */
  auth?: (ctx: AuthContext) => void;
  /** what the server does with a client once it has logged in */
  ready?: (client: Connection) => void;
  /**
   * Never close the client's connection from this side, and keep sending a stray byte now and
   * then once the client has closed its own, as a hung device does. The connection then ends
   * only when the client drops it; the stray bytes are what tells this side that it has.
   */
  neverCloses?: boolean;
}

const HOST_KEY = utils.generateKeyPairSync('ed25519').private;

const acceptPasswords = (ctx: AuthContext) => (ctx.method === 'password' ? ctx.accept() : ctx.reject(['password']));

export class ScriptedSshServer {
  readonly address: string;
  port = 0;
  private readonly ssh: Server;
  private readonly front: net.Server;
  private readonly open = new Set<net.Socket>();
  private readonly closedWaiters: Array<() => void> = [];

  constructor(private readonly o: ScriptedSshOptions) {
    this.address = o.address;
    this.ssh = new Server({ hostKeys: o.hostKeys ?? [HOST_KEY], ...(o.algorithms ? { algorithms: o.algorithms } : {}) }, (client) => {
      client.on('authentication', o.auth ?? acceptPasswords);
      client.on('ready', () => o.ready?.(client));
      // a client that went away mid-script is not the spec's failure
      client.on('error', () => undefined);
    });
    this.front = net.createServer({ allowHalfOpen: true }, (c) => this.relay(c));
  }

  async start(): Promise<void> {
    const listen = (srv: net.Server) => new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, this.address, () => resolve((srv.address() as net.AddressInfo).port));
    });
    await listen(this.ssh);
    this.port = await listen(this.front);
  }

  async stop(): Promise<void> {
    for (const c of this.open) c.destroy();
    await Promise.all([this.ssh, this.front].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
  }

  /** Connections open at the server's edge. */
  get openConnections(): number {
    return this.open.size;
  }

  /** Resolves when no connection is open at the server's edge, or with false after `ms`. */
  allClosed(ms: number): Promise<boolean> {
    if (!this.open.size) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.closedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private relay(c: net.Socket): void {
    this.open.add(c);
    const ssh = this.ssh.address() as net.AddressInfo;
    const up = net.connect(ssh.port, this.address);
    let stray: NodeJS.Timeout | undefined;
    c.pipe(up, { end: false });
    up.pipe(c, { end: false });
    c.on('end', () => {
      up.end();
      if (this.o.neverCloses) stray = setInterval(() => c.write('\0'), 100);
    });
    up.on('end', () => {
      if (!this.o.neverCloses) c.end();
    });
    up.on('error', () => undefined);
    c.on('error', () => undefined);
    c.on('close', () => {
      clearInterval(stray);
      up.destroy();
      this.open.delete(c);
      if (!this.open.size) for (const w of this.closedWaiters.splice(0)) w();
    });
  }
}
