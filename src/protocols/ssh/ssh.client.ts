// protocols/ssh: a thin client over ssh2 for collectors and jobs. The host key is checked by a
// caller-supplied verifier (pinning lives in discovery/), every command is capped in output
// bytes and time, failures come back as one of five reasons, and no message ever carries a
// password, passphrase or key.
import { scrubSecrets } from '../../common/redact';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { onAbort } from '../../common/abort';
import { LoginPrompts } from './login-prompts';

export { asksForNewPassword } from './login-prompts';

export type SshFailure = 'timeout' | 'refused' | 'auth' | 'host-key' | 'protocol';

export class SshError extends Error {
  constructor(readonly reason: SshFailure, message: string) {
    super(message);
    this.name = 'SshError';
  }
}

/**
 * The server would not open a channel for a command (sshd's MaxSessions: hardened servers allow
 * few at once on one connection); the connection itself is fine.
 */
export class ChannelRefused extends SshError {
  constructor(message: string) {
    super('protocol', message);
    this.name = 'ChannelRefused';
  }
}

/**
 * The account's password has expired: the server asks for a new one before it lets the login
 * through (PAM over keyboard-interactive, or ssh's password-change request), or runs no
 * command until it is changed. Teknisi never answers with a new password.
 */
export class PasswordExpired extends SshError {
  constructor(where: string, username?: string) {
    super('auth', `${where}: the password of ${username ?? 'the account'} has expired and the server wants a new one (change it on the host, then in the credential)`);
    this.name = 'PasswordExpired';
  }
}

/** What a server that let an expired account in says to every command instead of running it. */
export function saysPasswordExpired(stderr: string): boolean {
  return /your password has expired|password change required/i.test(stderr);
}

export interface HostKeyVerifier {
  verify(host: string, port: number, keyType: string, fingerprint: string): Promise<{ ok: true } | { ok: false; message: string }>;
  /** the type of the key pinned for the host (e.g. ssh-rsa), which the client then asks the server for first */
  pinnedKeyType?(host: string, port: number): Promise<string | null>;
}

/**
 * The host key algorithms that present a key of each type, in ssh2's names. A server with
 * several host keys presents the one the client lists first that it has: ssh2 lists Ed25519
 * first, so a router pinned by its RSA key that gained an Ed25519 one (a firmware upgrade, a
 * newer OpenSSH) presented the new key and was refused as changed, and a technician was told
 * to forget the pin. Ed25519 is ssh2's first already.
 */
const HOST_KEY_ALGORITHMS: Record<string, ServerHostKeyAlgorithm[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-dss': ['ssh-dss'],
};

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** for the TCP connect, the handshake and the login together */
  timeoutMs: number;
  hostKeys: HostKeyVerifier;
  /** gives up the attempt at once (a scan abandoning the address), rejecting with the signal's reason */
  signal?: AbortSignal;
  /** offer LEGACY_ALGORITHMS after every modern one (default true; TEKNISI_SSH_LEGACY_ALGORITHMS) */
  legacyAlgorithms?: boolean;
}

/**
 * What old network devices (IOS 12 and early 15, old appliances) offer and ssh2 leaves out by
 * default: SHA-1 key exchanges and CBC ciphers. Offered last, so that a server with anything
 * better never negotiates them; the server's algorithm lists are part of the exchange hash its
 * (pinned) host key signs, so no one in between can strip the better ones.
 */
export const LEGACY_ALGORITHMS = {
  kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1', 'diffie-hellman-group1-sha1'],
  cipher: ['aes128-cbc', 'aes192-cbc', 'aes256-cbc', '3des-cbc'],
} as const;

export interface ExecOptions {
  timeoutMs?: number;
  /** stdout and stderr together */
  maxBytes?: number;
  stdin?: string;
  /**
   * Send stdin but keep the channel's input open until the command ends, so that the remote
   * side sees end-of-file only when this end stops (or dies): see jobs/command's POSIX_TETHER.
   */
  holdStdin?: boolean;
}

export interface ExecResult {
  /** exit status; null when the command was killed, timed out or the server sent none */
  code: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  timedOut: boolean;
  /** the signal that ended the command on the server (`TERM`, `KILL`…), when the server said so */
  signal?: string;
}

export interface ShellOptions {
  /** for the first prompt and for each command's prompt */
  timeoutMs?: number;
  maxBytes?: number;
}

export const SSH_LIMITS = {
  execTimeoutMs: 60_000,
  shellTimeoutMs: 30_000,
  maxBytes: 16 * 1024 * 1024,
  /** after a channel or the connection is told to close, how long to wait for the server to confirm */
  closeGraceMs: 2_000,
};

/** The key type and OpenSSH-style fingerprint (SHA256:<base64 without padding>) of a host key blob. */
export function hostKeyFingerprint(blob: Buffer): { keyType: string; fingerprint: string } {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const keyType = len > 0 && len <= 64 && blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { keyType, fingerprint };
}

/** Output bytes as text: UTF-8, invalid sequences replaced (U+FFFD), never thrown on. */
export function decodeOutput(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

type Ssh2Error = Error & { level?: string; code?: string };

type LoginMethod = 'publickey' | 'password' | 'keyboard-interactive';
const METHOD_WORDS: Record<string, string> = { publickey: 'public key', password: 'password', 'keyboard-interactive': 'password' };
const words = (methods: string[]) => [...new Set(methods.map((m) => METHOD_WORDS[m] ?? m))];

/**
 * The login methods ssh2 tries, chosen as OpenSSH's client does: the key first, then the
 * password, as itself or through PAM's prompts; each once per step, and only those the server
 * still takes. A partial success (sshd's `AuthenticationMethods publickey,password`: the key
 * passed, the password is wanted next) starts a new step, which ssh2's own handler has no
 * notion of: it had tried the password before the key and gave up after it.
 */
export class LoginSteps {
  private tried = new Set<LoginMethod>();
  private readonly everTried: LoginMethod[] = [];
  private readonly passed: LoginMethod[] = [];
  private last?: LoginMethod;
  private takes: string[] = [];

  constructor(private readonly has: { key: boolean; password: boolean }) {}

  /** ssh2's authHandler: the next method, or false when none is left. */
  next(authsLeft: string[] | null, partialSuccess: boolean | null): LoginMethod | 'none' | false {
    if (authsLeft === null) return 'none'; // asks the server which methods it takes
    this.takes = authsLeft;
    if (partialSuccess && this.last) {
      this.passed.push(this.last);
      this.tried = new Set();
    }
    const ours: LoginMethod[] = [...(this.has.key ? ['publickey' as const] : []), ...(this.has.password ? ['password' as const, 'keyboard-interactive' as const] : [])];
    const method = ours.find((m) => (authsLeft.length ? authsLeft.includes(m) : true) && !this.tried.has(m));
    if (!method) return false;
    this.tried.add(method);
    this.everTried.push(method);
    this.last = method;
    return method;
  }

  /** Why the login failed, in words: which step, and what the server wanted that the credential lacks. */
  failure(where: string, username: string): string {
    const takes = words(this.takes.filter((m) => m !== 'none')).join(' or ') || 'no method it names';
    if (this.passed.length) {
      const passed = words(this.passed).join(' and ');
      if (!this.tried.size) return `${where} accepted the ${passed} of user ${username} and then wants another login step (${takes}), which the credential does not have`;
      return `${where} accepted the ${passed} of user ${username} and then refused the next login step (tried ${words([...this.tried]).join(' and ')})`;
    }
    if (!this.everTried.length) {
      const has = [this.has.key && 'a key', this.has.password && 'a password'].filter(Boolean).join(' and ') || 'neither a key nor a password';
      return `${where} refused the login of user ${username}: the credential has ${has}, the server takes ${takes}`;
    }
    return `${where} refused the login of user ${username} (tried ${words(this.everTried).join(' and ')})`;
  }
}

/**
 * ssh2's own text is scrubbed of the secrets before it goes into a message, and only it: run
 * over the whole message, the scrub also hid a user name or port that happened to equal the
 * password ("refused the login of user [redacted]" told every viewer that admin/admin was it).
 */
function classify(err: Ssh2Error, o: SshConnectOptions, hostKeyMessage: string | undefined, steps: LoginSteps, secrets: Secrets): SshError {
  const where = `${o.host}:${o.port}`;
  const theirs = (text: string) => scrubSecrets(text, secrets);
  if (hostKeyMessage) return new SshError('host-key', hostKeyMessage);
  switch (err.level) {
    case 'client-socket':
      if (err.code === 'ECONNREFUSED') return new SshError('refused', `${where} refused the connection: no SSH server listens there`);
      if (err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH') {
        return new SshError('timeout', `${where} did not answer (${err.code})`);
      }
      return new SshError('protocol', `${where}: connection failed (${theirs(err.code ?? err.message)})`);
    case 'client-timeout':
      return new SshError('timeout', `${where} did not complete the SSH handshake and login within ${o.timeoutMs} ms`);
    case 'client-authentication':
      return new SshError('auth', steps.failure(where, o.username));
    case 'client-dns':
      return new SshError('protocol', `${o.host} could not be resolved (${err.code ?? 'DNS error'})`);
    case 'handshake': {
      const hint = o.legacyAlgorithms === false ? ' (old devices need TEKNISI_SSH_LEGACY_ALGORITHMS=on)' : '';
      return new SshError('protocol', `${where}: the server and Teknisi have no SSH algorithms in common: ${theirs(err.message)}${hint}`);
    }
    default:
      return new SshError('protocol', `${where}: SSH protocol error: ${theirs(err.message)}`);
  }
}

type Secrets = ReadonlyArray<string | undefined>;

/**
 * Ends a connection, and drops its socket if the server has not closed its side within the
 * grace: ssh2's end() only half-closes (a hung device never answers it, and the socket stayed
 * open for good), and its destroy() does nothing once end() has been called.
 */
function endConnection(conn: Client): void {
  conn.end();
  const sock = (conn as unknown as { _sock?: Socket })._sock;
  if (!sock || sock.destroyed) return;
  const drop = setTimeout(() => sock.destroy(), SSH_LIMITS.closeGraceMs);
  drop.unref();
  sock.once('close', () => clearTimeout(drop));
}

export class SshClient {
  private closed = false;
  private ending = false;

  private constructor(
    private readonly conn: Client,
    /** host:port, for messages */
    readonly where: string,
    /** the server's software version from its identification line, e.g. OpenSSH_9.2p1 or Cisco-1.25 */
    readonly serverSoftware: string,
  ) {
    conn.on('close', () => (this.closed = true));
    // errors after login surface through the channel that was running; keep them from crashing the process
    conn.on('error', () => undefined);
  }

  static async connect(o: SshConnectOptions): Promise<SshClient> {
    const secrets: Secrets = [o.password, o.passphrase, o.privateKey];
    // a lookup that fails leaves ssh2's own order: the key is still verified against the pin
    const pinned = (await o.hostKeys.pinnedKeyType?.(o.host, o.port).catch(() => null)) ?? null;
    const preferred = pinned ? HOST_KEY_ALGORITHMS[pinned] : undefined;
    return new Promise((resolve, reject) => {
      const conn = new Client();
      let hostKeyMessage: string | undefined;
      let verifierError: unknown;
      let settled = false;
      // set below, once fail() exists: removes the abort listener when the attempt ends otherwise
      let forget: () => void = () => undefined;
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        forget();
        endConnection(conn);
        reject(err);
      };
      forget = onAbort(o.signal, () => fail(new SshError('protocol', `${o.host}:${o.port}: ${(o.signal?.reason as Error | undefined)?.message ?? 'abandoned'} during the SSH login`)));
      if (settled) return;
      conn.on('ready', () => {
        if (settled) return;
        settled = true;
        forget();
        // commands and shell lines are small writes: with Nagle on, each waited ~40 ms for the
        // server's delayed ACK (an IOS shell fetch 250 ms instead of ~30 ms)
        conn.setNoDelay(true);
        resolve(new SshClient(conn, `${o.host}:${o.port}`, (conn as unknown as { _remoteVer?: string })._remoteVer ?? ''));
      });
      const steps = new LoginSteps({ key: o.privateKey !== undefined, password: o.password !== undefined });
      conn.on('error', (err: Ssh2Error) => fail(verifierError ?? classify(err, o, hostKeyMessage, steps, secrets)));
      conn.on('close', () => fail(verifierError ?? new SshError('protocol', `${o.host}:${o.port} closed the connection before login completed`)));
      // servers with PAM ask for the password through keyboard-interactive, once per module
      // that prompts; an expired one is not answered (the old password offered as the new one
      // is a change attempt on record), and a conversation that goes on is ended (login-prompts.ts)
      const prompts = new LoginPrompts(o.password);
      conn.on('keyboard-interactive', (name, instructions, _lang, asked, finish) => {
        const answers = prompts.answer(asked, instructions, name);
        if (answers === 'expired') return fail(new PasswordExpired(`${o.host}:${o.port}`, o.username));
        if (answers === 'stop') return fail(new SshError('auth', prompts.refusal(`${o.host}:${o.port}`, o.username)));
        finish(answers);
      });
      conn.on('change password', () => fail(new PasswordExpired(`${o.host}:${o.port}`, o.username)));
      const config: ConnectConfig = {
        host: o.host,
        port: o.port,
        username: o.username,
        password: o.password,
        privateKey: o.privateKey,
        passphrase: o.passphrase,
        tryKeyboard: o.password !== undefined,
        // method names: ssh2 takes the password and key for them from this config
        authHandler: (authsLeft, partialSuccess) => {
          const method = steps.next(authsLeft, partialSuccess);
          if (method === 'keyboard-interactive') prompts.restart();
          return method;
        },
        algorithms: {
          ...(o.legacyAlgorithms === false ? {} : {
            kex: { append: [...LEGACY_ALGORITHMS.kex], prepend: [], remove: [] }, cipher: { append: [...LEGACY_ALGORITHMS.cipher], prepend: [], remove: [] },
          }),
          // the pinned key's algorithms first (removed, then put in front: ssh2 reads the keys in this order)
          ...(preferred ? { serverHostKey: { remove: preferred, prepend: preferred, append: [] } } : {}),
        },
        readyTimeout: o.timeoutMs,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          const { keyType, fingerprint } = hostKeyFingerprint(key);
          o.hostKeys.verify(o.host, o.port, keyType, fingerprint).then(
            (r) => {
              if (!r.ok) hostKeyMessage = r.message;
              verify(r.ok);
            },
            (err: unknown) => {
              verifierError = err;
              verify(false);
            },
          );
        },
      };
      try {
        conn.connect(config);
      } catch (err) {
        // ssh2 parses the private key synchronously: a bad key or passphrase lands here
        const text = scrubSecrets(err instanceof Error ? err.message : String(err), secrets);
        fail(new SshError('auth', `the private key for ${o.username}@${o.host}:${o.port} could not be used: ${text}`));
      }
    });
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? SSH_LIMITS.execTimeoutMs;
    const maxBytes = opts.maxBytes ?? SSH_LIMITS.maxBytes;
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SshError('protocol', `${this.where}: the connection is closed`));
      let timedOut = false;
      // The clock starts before the channel is asked for: a server that never opens it or never
      // answers the exec request held the caller (and the lease it renews) for good. A command
      // not started in time may still start later, unseen and beyond stopping, so the
      // connection goes with it.
      let onTimeout = () => {
        this.close();
        reject(new SshError('timeout', `${this.where}: the server did not start the command within ${timeoutMs} ms`));
      };
      const timer = setTimeout(() => {
        timedOut = true;
        onTimeout();
      }, timeoutMs);
      const started = (err: Error | undefined, ch: ClientChannel) => {
        if (timedOut) return void ch?.close();
        if (err) {
          clearTimeout(timer);
          return reject(new ChannelRefused(`${this.where}: the server refused to run a command: ${err.message}`));
        }
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        let code: number | null = null;
        let exited = false;
        let signal: string | undefined;
        let done = false;
        let grace: NodeJS.Timeout | undefined;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          clearTimeout(grace);
          // output cut off by a lost connection must not pass for the command's whole answer
          if (!exited && !truncated && !timedOut && this.closed) {
            return reject(new SshError('protocol', `${this.where}: the connection closed before the command finished`));
          }
          resolve({ code: truncated || timedOut ? null : code, stdout: decodeOutput(stdout), stderr: decodeOutput(stderr), truncated, timedOut, ...(signal && !truncated && !timedOut ? { signal } : {}) });
        };
        const stop = () => {
          // servers that allow it kill the command; closing the channel ends it everywhere else
          try {
            ch.signal('KILL');
          } catch {
            /* channel already closing */
          }
          ch.close();
          grace = setTimeout(finish, SSH_LIMITS.closeGraceMs);
        };
        const take = (into: Buffer[]) => (chunk: Buffer) => {
          if (truncated || timedOut) return;
          const room = maxBytes - bytes;
          if (chunk.length > room) {
            into.push(chunk.subarray(0, room));
            bytes = maxBytes;
            truncated = true;
            stop();
          } else {
            into.push(chunk);
            bytes += chunk.length;
          }
        };
        ch.on('data', take(stdout));
        ch.stderr.on('data', take(stderr));
        ch.on('exit', (c: number | null, sig?: string) => {
          exited = true;
          code = typeof c === 'number' ? c : null;
          if (code === null && typeof sig === 'string') signal = sig;
          // the command is over; what it started in the background (`daemon &`, `nohup … &`) may
          // hold its output open, and OpenSSH closes the channel only once that closes: after a
          // short drain, the answer is the exit status, not a time-out at the command's limit
          if (!done && !grace) {
            grace = setTimeout(() => {
              ch.close();
              finish();
            }, SSH_LIMITS.closeGraceMs);
          }
        });
        ch.on('close', finish);
        onTimeout = stop;
        if (!opts.holdStdin) ch.end(opts.stdin);
        else if (opts.stdin) ch.write(opts.stdin);
      };
      try {
        this.conn.exec(command, started);
      } catch (err) {
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  /**
   * Runs commands one after another in an interactive shell (network CLIs without exec) and
   * returns the whole transcript, prompts and echoed commands included.
   */
  async shell(commands: string[], opts: ShellOptions = {}): Promise<string> {
    return (await this.runShell(commands, opts)).transcript;
  }

  /** Like shell(), but each command's output on its own: the echoed command and the prompt removed. */
  async shellEach(commands: string[], opts: ShellOptions = {}): Promise<string[]> {
    return (await this.runShell(commands, opts)).outputs;
  }

  close(): void {
    this.closed = true;
    if (this.ending) return;
    this.ending = true;
    endConnection(this.conn);
  }

  /** Fails after `timeoutMs` (and ends the connection, as exec does) if the server has not opened the shell by then. */
  private openShell(timeoutMs: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new SshError('protocol', `${this.where}: the connection is closed`));
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        this.close();
        reject(new SshError('timeout', `${this.where}: the server did not open an interactive shell within ${timeoutMs} ms`));
      }, timeoutMs);
      try {
        // a wide terminal so that the device does not wrap long lines
        this.conn.shell({ term: 'vt100', cols: 511, rows: 24 }, (err, ch) => {
          if (late) return void ch?.close();
          clearTimeout(timer);
          if (err) reject(new SshError('protocol', `${this.where}: the server refused an interactive shell: ${err.message}`));
          else resolve(ch);
        });
      } catch (err) {
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  private async runShell(commands: string[], opts: ShellOptions): Promise<{ transcript: string; outputs: string[] }> {
    const timeoutMs = opts.timeoutMs ?? SSH_LIMITS.shellTimeoutMs;
    const maxBytes = opts.maxBytes ?? SSH_LIMITS.maxBytes;
    const ch = await this.openShell(timeoutMs);
    const screen = new ShellScreen(maxBytes);
    let ended = false;
    let wake: (() => void) | undefined;
    ch.on('data', (d: Buffer) => {
      screen.push(d);
      if (screen.paging()) ch.write(' ');
      wake?.();
    });
    ch.stderr.on('data', (d: Buffer) => {
      screen.push(d);
      wake?.();
    });
    ch.on('close', () => {
      ended = true;
      wake?.();
    });

    /** Waits until `ready` holds for the text so far; fails on the cap, a closed channel or the time limit. */
    const waitFor = (ready: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (screen.overflow) return done(new SshError('protocol', `${this.where}: ${screen.overflow} ${what}`));
          if (ready()) return done();
          if (ended) return done(new SshError('protocol', `${this.where}: the shell closed ${what}`));
        };
        const timer = setTimeout(() => done(new SshError('timeout', `${this.where}: no prompt within ${timeoutMs} ms ${what}`)), timeoutMs);
        const done = (err?: Error) => {
          clearTimeout(timer);
          wake = undefined;
          if (err) reject(err);
          else resolve();
        };
        wake = check;
        check();
      });

    try {
      // the first prompt: a line that looks like one, confirmed by pressing Enter and seeing it again
      await waitFor(() => screen.lastLineLooksLikePrompt(), 'after login');
      const prompt = screen.lastLine();
      let mark = screen.mark();
      ch.write('\n');
      await waitFor(() => screen.promptAfter(mark, prompt), 'after Enter');
      const outputs: string[] = [];
      for (const command of commands) {
        mark = screen.mark();
        const current = screen.lastLine();
        ch.write(`${command}\n`);
        await waitFor(() => screen.promptAfter(mark, current), `after "${command}"`);
        outputs.push(screen.outputSince(mark, command));
      }
      return { transcript: screen.text(), outputs };
    } finally {
      if (!ended) {
        ch.write('exit\n');
        ch.close();
      }
    }
  }
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]/g;
/**
 * a pager waiting for a key: IOS's and NX-OS's " --More-- ", the ASA's "<--- More --->". The
 * dashes are bounded: with `-+`, a line of nothing but dashes made each match attempt try every
 * split of it, time growing with the square of the line (seconds for a few hundred KB).
 */
const PAGER_TEXT = String.raw`(?:<-{1,40} ?More ?-{1,40}>|-{1,40} ?More ?-{1,40})`;
const PAGER = new RegExp(`${PAGER_TEXT} ?$`);
const PAGER_ANYWHERE = new RegExp(` ?${PAGER_TEXT} ?`, 'g');
/** hostname followed by #, >, $ or % (IOS, NX-OS, Junos, Linux shells), nothing after it but a space */
const PROMPT_LIKE = /^[^\s#>$%][^\n#>$%]{0,127}[#>$%] ?$/;
/**
 * How much of the unfinished line is read for a pager or a prompt on each chunk: both are short,
 * and reading the whole line each time cost time growing with the square of its length.
 */
const TAIL_BYTES = 512;
/**
 * An unfinished line longer than this is no CLI's output but a host that never ends it; the
 * session fails as at the output cap rather than keep it growing until the time limit.
 */
const MAX_LINE_BYTES = 1024 * 1024;

/** How many `c` end `line`, counted without a regex: `/ +$/` re-scanned a long run once per start. */
function trailing(line: string, c: string): number {
  let i = line.length;
  while (i > 0 && line[i - 1] === c) i--;
  return line.length - i;
}

/** One terminal line as a person would read it: no escape sequences, overwrites and erasures applied. */
function readableLine(line: string): string {
  let l = line.replace(ANSI, '');
  l = l.slice(0, l.length - trailing(l, '\r'));
  const cr = l.lastIndexOf('\r');
  if (cr >= 0) l = l.slice(cr + 1); // a bare CR rewrites the line from its start
  if (l.includes('\b')) {
    const out: string[] = [];
    for (const c of l) {
      if (c === '\b') out.pop();
      else out.push(c);
    }
    l = out.join('');
  }
  if (l.includes('More')) l = l.replace(PAGER_ANYWHERE, '');
  // one trailing space is a prompt's ("lab-rtr01# "); more are a device's padding
  const spaces = trailing(l, ' ');
  return spaces > 1 ? l.slice(0, l.length - spaces) : l;
}

/**
 * The text of an interactive session, built a line at a time so that a large output costs
 * linear time: complete lines are cleaned once, the unfinished last line is collected in a
 * buffer that grows by doubling and only its tail is read until its line break arrives.
 */
class ShellScreen {
  private lines = '';
  private pending: Buffer = Buffer.alloc(256);
  private pendingBytes = 0;
  private bytes = 0;
  /** why the session's output is no longer taken, when it is not */
  overflow?: string;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    if (this.overflow) return;
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.overflow = `shell output exceeded ${this.maxBytes} bytes`;
      return;
    }
    const nl = chunk.lastIndexOf(0x0a); // a newline byte never sits inside a UTF-8 sequence
    if (nl < 0) {
      this.append(chunk);
      if (this.pendingBytes > MAX_LINE_BYTES) this.overflow = `a line of shell output exceeded ${MAX_LINE_BYTES} bytes without a line break`;
      return;
    }
    const complete = Buffer.concat([this.unfinished(), chunk.subarray(0, nl)]);
    this.lines += complete.toString('utf8').split('\n').map(readableLine).join('\n') + '\n';
    this.pending = Buffer.alloc(Math.max(256, chunk.length - nl - 1));
    this.pendingBytes = 0;
    this.append(chunk.subarray(nl + 1));
  }

  text(): string {
    return this.lines + readableLine(this.unfinished().toString('utf8'));
  }

  /** The device waits at a pager (--More--, an ASA's <--- More --->) for a key. */
  paging(): boolean {
    return PAGER.test(this.tail().replace(ANSI, ''));
  }

  /** The unfinished line as read, from its last TAIL_BYTES: all of any prompt; a longer line is output. */
  lastLine(): string {
    return readableLine(this.tail());
  }

  lastLineLooksLikePrompt(): boolean {
    return PROMPT_LIKE.test(this.lastLine());
  }

  /** After a command: a new line that is a prompt of the same host (its mode may have changed). */
  promptAfter(mark: number, before: string): boolean {
    if (this.lines.length <= mark) return false; // not even the echo's line break yet
    const last = this.lastLine();
    if (last === before) return true;
    // "lab-rtr01#" may become "lab-rtr01(config)#"; a Linux prompt's directory may change
    const stem = before.replace(/[(:].*$|[#>$%] ?$/, '');
    return stem.length > 0 && last.startsWith(stem) && PROMPT_LIKE.test(last);
  }

  /** The output of the command run at `mark`: without its echo line and without the prompt after it. */
  outputSince(mark: number, command: string): string {
    const lines = this.lines.slice(mark).split('\n');
    lines.pop(); // what follows the last line break is the new prompt
    if (lines.length && lines[0].trimEnd().endsWith(command)) lines.shift();
    return lines.join('\n');
  }

  /** Where the next command's output will start. */
  mark(): number {
    return this.lines.length;
  }

  private unfinished(): Buffer {
    return this.pending.subarray(0, this.pendingBytes);
  }

  /** The unfinished line's last bytes as text (a character cut at the start reads as U+FFFD). */
  private tail(): string {
    return this.pending.subarray(Math.max(0, this.pendingBytes - TAIL_BYTES), this.pendingBytes).toString('utf8');
  }

  private append(bytes: Buffer): void {
    if (this.pendingBytes + bytes.length > this.pending.length) {
      const grown = Buffer.alloc(Math.max(this.pending.length * 2, this.pendingBytes + bytes.length));
      this.pending.copy(grown, 0, 0, this.pendingBytes);
      this.pending = grown;
    }
    bytes.copy(this.pending, this.pendingBytes);
    this.pendingBytes += bytes.length;
  }
}
