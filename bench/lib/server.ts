// bench/: the real server as a child process (node dist/src/main.js), its memory, and a
// keep-alive HTTP client for timing requests against it. Only 127.0.0.1 is contacted.
import { ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerOptions {
  databaseUrl: string;
  redisUrl: string;
  adminPassword: string;
  queuePrefix: string;
  env?: Record<string, string>;
  /** node flags before the script, e.g. --max-old-space-size=256 or --cpu-prof */
  nodeArgs?: string[];
}

export interface HttpResult {
  status: number;
  ms: number;
  bytes: number;
  /** newline characters seen in the body */
  newlines: number;
  body?: Buffer;
}

/** Sequential requests over one kept-alive socket. */
export class BenchClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  token?: string;

  constructor(readonly port: number) {}

  request(method: string, urlPath: string, opts: { body?: unknown; keepBody?: boolean } = {}): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
      const headers: Record<string, string> = {};
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      if (payload) (headers['content-type'] = 'application/json'), (headers['content-length'] = String(payload.length));
      const start = process.hrtime.bigint();
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path: urlPath, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        let newlines = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) newlines++;
          if (opts.keepBody !== false) chunks.push(c);
        });
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          resolve({ status: res.statusCode ?? 0, ms, bytes, newlines, body: opts.keepBody !== false ? Buffer.concat(chunks) : undefined });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async json<T>(urlPath: string): Promise<{ res: HttpResult; data: T }> {
    const res = await this.request('GET', urlPath);
    if (res.status !== 200) throw new Error(`GET ${urlPath} answered ${res.status}: ${res.body?.toString('utf8').slice(0, 500)}`);
    return { res, data: JSON.parse(res.body!.toString('utf8')) as T };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Samples VmRSS of a process every `everyMs`. */
export class RssSampler {
  private timer?: NodeJS.Timeout;
  peakKb = 0;
  samples = 0;
  lastKb = 0;
  private windowKb = 0;

  constructor(private readonly pid: number, private readonly everyMs = 100) {}

  read(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  }

  start(): void {
    const tick = () => {
      const kb = this.read();
      if (kb) {
        this.lastKb = kb;
        this.peakKb = Math.max(this.peakKb, kb);
        this.windowKb = Math.max(this.windowKb, kb);
        this.samples++;
      }
    };
    tick();
    this.timer = setInterval(tick, this.everyMs);
  }

  /** The peak since the previous call (or the start), in MB; starts a new window. */
  windowPeakMb(): number {
    const kb = Math.max(this.windowKb, this.read());
    this.windowKb = 0;
    return kb / 1024;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export class BenchServer {
  readonly logFile: string;
  private exited?: Promise<number | null>;

  private constructor(readonly child: ChildProcess, readonly port: number, readonly dataDir: string) {
    this.logFile = path.join(dataDir, 'server.log');
    const log = fs.createWriteStream(this.logFile);
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts dist/src/main.js (the API role) and waits until it answers /api/health. */
  static async start(opts: ServerOptions): Promise<BenchServer> {
    const main = path.join(REPO_ROOT, 'dist', 'src', 'main.js');
    if (!fs.existsSync(main)) throw new Error(`${main} is missing: run npm run build`);
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      TEKNISI_ROLE: 'api',
      LOG_LEVEL: 'warn',
      TEKNISI_ADMIN_PASSWORD: opts.adminPassword,
      TEKNISI_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
      TEKNISI_DATA_DIR: dataDir,
      TEKNISI_QUEUE_PREFIX: opts.queuePrefix,
      ...opts.env,
    };
    // cwd is the data directory so that a developer's .env in the repository is not read
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), main], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new BenchServer(child, port, dataDir);
    const deadline = Date.now() + 180_000;
    let exitCode: number | null | undefined;
    server.exited!.then((c) => (exitCode = c));
    for (;;) {
      if (exitCode !== undefined) throw new Error(`the server exited with code ${exitCode} while starting:\n${server.tail()}`);
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`the server did not answer within 180 s:\n${server.tail()}`);
      }
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(true));
        });
        req.on('error', () => resolve(false));
        req.setTimeout(2000, () => (req.destroy(), resolve(false)));
      });
      if (ok) return server;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  tail(lines = 40): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  cleanup(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
