// Browser tabs on a test app's HTTP server: a GET on a connection of its own that the client
// closes, for specs of what the server holds (or should stop holding) once a client has gone.
import * as http from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import type { TestApp } from './app';

export interface Tabs {
  /** A GET on its own connection, as a browser tab that can be closed. */
  open(path: string, headers: Record<string, string>): http.ClientRequest;
  /** The client closes the connection; resolves once the server has seen it close. */
  leave(req: http.ClientRequest): Promise<void>;
  /**
   * Opens `path` and closes it while the server is inside `read` (a spied repository method)
   * before the stream starts: `read` is held until the server has seen the client go.
   */
  leaveWhileReading<A extends unknown[], R>(read: jest.SpyInstance<Promise<R>, A>, original: (...args: A) => Promise<R>, path: string, headers: Record<string, string>): Promise<void>;
}

/** Listens on a free 127.0.0.1 port and tracks when the server's side of each connection closes. */
export async function tabsOn(t: TestApp): Promise<Tabs> {
  const server = t.app.getHttpServer() as http.Server;
  // the server's side of each connection closes: resolved by the client's port
  const serverClosed = new Map<number, Promise<void>>();
  server.on('connection', (s: Socket) => serverClosed.set(s.remotePort!, new Promise((r) => s.once('close', () => r()))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const open = (path: string, headers: Record<string, string>) => http.get({ host: '127.0.0.1', port, path, headers, agent: false }).on('error', () => undefined);
  const leave = async (req: http.ClientRequest) => {
    const closed = serverClosed.get(req.socket!.localPort!);
    req.destroy();
    await closed;
  };
  return {
    open,
    leave,
    async leaveWhileReading(read, original, path, headers) {
      let reached!: () => void;
      const reading = new Promise<void>((r) => (reached = r));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      read.mockImplementationOnce(async (...args) => {
        reached();
        await gate;
        return original(...args);
      });
      const req = open(path, headers);
      await reading;
      await leave(req);
      release();
    },
  };
}
