// The device lab's SSH side: one OpenSSH sshd process per lab host, bound to the host's own
// loopback address with its own host key. Linux hosts run each session through
// ssh-session.sh, which gives the session the host's own namespaces (hostname, machine-id,
// os-release, dpkg database, apt sources, MAC); see that script. Sessions log in as one lab Unix
// user, created on first use with a random password kept root-only in /etc.
import { ChildProcess, execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAB_SOURCE_DIR, labScript } from './paths';
import { promisify } from 'node:util';
import { LabIdentity } from './identities';

const run = promisify(execFile);

export const LAB_SSH_USER = 'teknisi-lab';
/** the lab user's real home: the same in every lab host's sessions */
export const LAB_USER_HOME = '/var/lib/teknisi-lab';
const LAB_PASSWORD_FILE = '/etc/teknisi-lab.secret';
/** the only apt source a lab host knows: the lab's local repository */
export const LAB_APT_SOURCE = 'deb [trusted=yes] file:/var/lib/teknisi-lab-repo ./';

export interface LabSshCredentials {
  username: string;
  port: number;
  password: string;
  /** OpenSSH-format private key block, authorized on this host only */
  privateKey: string;
  /** a second key, encrypted, authorized on this host too */
  encryptedKey: { privateKey: string; passphrase: string };
}

interface LabUser {
  username: string;
  password: string;
}

/** Retries a command that fails while another process holds /etc/passwd or /etc/shadow locked. */
export function withPasswdLock(file: string, args: string[], input?: string): void {
  for (let i = 0; ; i++) {
    try {
      execFileSync(file, args, { input, stdio: ['pipe', 'ignore', 'pipe'] });
      return;
    } catch (err) {
      const text = String((err as { stderr?: Buffer }).stderr ?? '');
      if (/already exists/.test(text)) return;
      if (i >= 50 || !/lock|try again/i.test(text)) throw new Error(`${file} failed: ${text.trim()}`);
      execFileSync('sleep', ['0.1']);
    }
  }
}

let labUser: LabUser | undefined;

/** The lab's Unix user: created when missing, with a password only root can read. */
export function ensureLabUser(): LabUser {
  if (process.getuid?.() !== 0) throw new Error('the SSH lab runs sshd and creates its lab user: run the tests as root');
  // once per process: the checks spawn processes, and fleets start many hosts at once
  if (labUser && fs.existsSync(LAB_PASSWORD_FILE)) return labUser;
  let fresh = false;
  try {
    execFileSync('getent', ['passwd', LAB_SSH_USER], { stdio: 'ignore' });
  } catch {
    withPasswdLock('useradd', ['--system', '--create-home', '--home-dir', LAB_USER_HOME, '--shell', '/bin/bash', '--comment', 'Teknisi device lab', LAB_SSH_USER]);
    fresh = true;
  }
  let password: string;
  try {
    password = crypto.randomBytes(18).toString('base64url');
    fs.writeFileSync(LAB_PASSWORD_FILE, password, { flag: 'wx', mode: 0o600 });
    fresh = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    password = fs.readFileSync(LAB_PASSWORD_FILE, 'utf8').trim();
  }
  if (fresh) withPasswdLock('chpasswd', [], `${LAB_SSH_USER}:${password}\n`);
  labUser = { username: LAB_SSH_USER, password };
  return labUser;
}

let labIds: { uid: number; gid: number } | undefined;

/** The lab user's uid and gid, for files its sessions may write (an emulated router's running config). */
export function labUserIds(): { uid: number; gid: number } {
  if (labIds) return labIds;
  ensureLabUser();
  const entry = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${LAB_SSH_USER}:`));
  if (!entry) throw new Error(`the lab user ${LAB_SSH_USER} is not in /etc/passwd`);
  const [, , uid, gid] = entry.split(':');
  labIds = { uid: Number(uid), gid: Number(gid) };
  return labIds;
}

let version: [number, number] | undefined;

function sshdVersion(): [number, number] {
  if (version) return version;
  const r = spawnSync('/usr/sbin/sshd', ['-V'], { encoding: 'utf8' });
  const m = /OpenSSH_(\d+)\.(\d+)/.exec(`${r.stderr}${r.stdout}`);
  version = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return version;
}

/** A client key pair and a passphrase-protected one, as files in a directory. */
export interface LabClientKeys {
  /** holds client_key(.pub) and client_key_encrypted(.pub) */
  dir: string;
  passphrase: string;
}

/**
 * Generates the client keys a lab host authorizes. Hosts given the same keys (a fleet) accept
 * one SSH credential, as a real fleet with one admin key does; the passphrase-protected key is
 * also the slow one to make (bcrypt), which a fleet then makes once.
 */
export async function makeLabClientKeys(dir: string, comment: string): Promise<LabClientKeys> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const passphrase = crypto.randomBytes(12).toString('base64url');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `teknisi@${comment}`, '-f', path.join(dir, 'client_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `teknisi-encrypted@${comment}`, '-f', path.join(dir, 'client_key_encrypted')]);
  return { dir, passphrase };
}

/** Every process below `pid`, deepest first, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * Processes whose command line mentions `marker` (this lab host's own temp directory); with
 * `spareMachines`, not the host's machine (its session script's --machine stages), which lives
 * until the host stops, across restarts of its sshd.
 */
function processesMentioning(marker: string, spareMachines = false): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(marker)) continue;
      if (spareMachines && cmdline.split('\0').some((a) => a.startsWith('--machine'))) continue;
      out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * Starts a lab host's machine: its session script's --machine stage, which makes the host's
 * namespaces, prints "ready" and lives until its standard input closes. That end stays with this
 * process (without keeping it alive), so a machine goes when its host stops or when this process
 * is gone, however it ends. Its PID goes to `pidFile`, where the host's sessions find it.
 */
export async function startLabMachine(argv: string[], env: NodeJS.ProcessEnv, what: string, pidFile: string): Promise<ChildProcess> {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('did not say it was ready within 30 s')), 30_000);
      const done = (e?: Error) => {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.removeAllListeners('exit');
        if (e) reject(new Error(`${what}: its machine ${e.message}${err.trim() ? `: ${err.trim().slice(0, 2000)}` : ''}`));
        else resolve();
      };
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready\n')) done();
      });
      child.on('exit', (code, signal) => done(new Error(`ended (${signal ?? code}) before it was ready`)));
      child.on('error', (e) => done(e));
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  child.stdout!.destroy();
  child.stderr!.destroy();
  (child.stdin as unknown as { unref(): void }).unref();
  child.on('error', () => undefined); // a write end closed under a machine that is gone
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`, { mode: 0o644 });
  return child;
}

/** Stops a machine startLabMachine started: its unshare (whose child, the machine's PID 1, goes with it). */
export function stopLabMachine(child: ChildProcess | undefined): void {
  if (!child) return;
  child.stdin?.destroy();
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Kills the processes whose command line mentions `marker` (a lab host's unique directory or name). */
export function killProcessesMentioning(marker: string): void {
  kill(processesMentioning(marker));
}

function kill(pids: number[]): void {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** sshd listens on at most this many addresses (OpenSSH's MAX_LISTEN_SOCKS) */
export const SSHD_MAX_ADDRESSES = 16;

export interface LabSshdOptions {
  address: string;
  /** further addresses the same process listens on (a fleet's devices): at most 15 more */
  addresses?: string[];
  port?: number;
  /** the lab host's directory: config, keys and whatever the ForceCommand needs */
  dir: string;
  /**
   * What every session runs instead of the client's command (a namespaced Linux host, an
   * emulated CLI). Absent: an unwrapped host — sessions run the client's own command in this
   * machine's own namespaces, so the host is this machine itself (hostname, machine-id, MACs,
   * dpkg database), e.g. for discovering the machine an endpoint agent also runs on.
   */
  forceCommand?: string;
  name: string;
  /** what else names this host's sessions on their command line, for stop() to find strays */
  sessionMarker?: string;
  /** keys to authorize instead of a pair of the host's own */
  clientKeys?: LabClientKeys;
  /** sessions (channels) one connection may open at once: sshd's MaxSessions (default here 64) */
  maxSessions?: number;
  /**
   * How sshd takes a password: 'password' (the default here), or only through PAM's
   * keyboard-interactive prompts, as on servers with PasswordAuthentication off and PAM on
   */
  passwordVia?: 'password' | 'keyboard-interactive';
  /**
   * Speak only what old network devices speak (IOS 12 and early 15): SHA-1 key exchanges, CBC
   * ciphers, hmac-sha1 and an ssh-rsa host key, none of which modern clients offer by default
   */
  legacyOnly?: boolean;
  /** Two login steps, a public key and then the password (AuthenticationMethods publickey,password), as hardened servers ask */
  keyThenPassword?: boolean;
  /**
   * A directory outside `dir` that keeps the host key from one start to the next, as a real
   * machine keeps its own (the hosts of `npm run lab -- up`: scanned again after the lab is
   * restarted, they must not look reinstalled). Absent: a new key for every new `dir`.
   */
  keepHostKeyIn?: string;
}

/**
 * One sshd process: its own config, host key and authorized keys, in `dir`, listening on one
 * address or on up to 16 (a fleet of emulated routers sharing the process and its host key).
 */
export class LabSshd {
  private proc?: ChildProcess;
  readonly port: number;
  /** set by start(): constructing a lab host changes nothing on the machine */
  private user?: LabUser;
  private clientKey?: string;
  private encrypted?: { privateKey: string; passphrase: string };

  private readonly addresses: string[];

  constructor(private readonly o: LabSshdOptions) {
    this.addresses = [o.address, ...(o.addresses ?? [])];
    for (const a of this.addresses) if (!a.startsWith('127.')) throw new Error(`lab hosts bind loopback addresses only, not ${a}`);
    if (this.addresses.length > SSHD_MAX_ADDRESSES) throw new Error(`one sshd listens on at most ${SSHD_MAX_ADDRESSES} addresses, not ${this.addresses.length}`);
    this.port = o.port ?? 22;
  }

  get credentials(): LabSshCredentials {
    if (!this.user || !this.clientKey || !this.encrypted) throw new Error(`lab host ${this.o.name} has not been started`);
    return { username: this.user.username, port: this.port, password: this.user.password, privateKey: this.clientKey, encryptedKey: this.encrypted };
  }

  /** the host key's file: ed25519, or RSA for a legacy-only host */
  private get hostKeyFile(): string {
    return this.file(this.o.legacyOnly ? 'ssh_host_rsa_key' : 'ssh_host_ed25519_key');
  }

  /** The host key's fingerprint as ssh-keygen prints it (SHA256:…). */
  hostKeyFingerprint(): string {
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${this.hostKeyFile}.pub`], { encoding: 'utf8' });
    return out.split(/\s+/)[1];
  }

  file(name: string): string {
    return path.join(this.o.dir, name);
  }

  async start(): Promise<void> {
    this.user = ensureLabUser();
    fs.mkdirSync(this.o.dir, { recursive: true, mode: 0o755 });
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
    if (!fs.existsSync(this.hostKeyFile)) await this.newHostKey();
    if (!this.clientKey) await this.newClientKeys();
    const [major, minor] = sshdVersion();
    fs.writeFileSync(
      this.file('sshd_config'),
      [
        ...this.addresses.map((a) => `ListenAddress ${a}:${this.port}`),
        `HostKey ${this.hostKeyFile}`,
        ...(this.o.legacyOnly
          ? ['KexAlgorithms diffie-hellman-group14-sha1,diffie-hellman-group1-sha1', 'Ciphers aes128-cbc,3des-cbc', 'MACs hmac-sha1', 'HostKeyAlgorithms ssh-rsa']
          : []),
        `PidFile ${this.file('sshd.pid')}`,
        `AuthorizedKeysFile ${this.file('authorized_keys')}`,
        `AllowUsers ${this.user.username}`,
        'PermitRootLogin no',
        ...(this.o.passwordVia === 'keyboard-interactive'
          ? ['UsePAM yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication yes']
          : ['UsePAM no', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no']),
        'PubkeyAuthentication yes',
        ...(this.o.keyThenPassword ? ['AuthenticationMethods publickey,password'] : []),
        // the lab's files live under /tmp, which StrictModes rejects for its sticky, world-writable bit
        'StrictModes no',
        // the default 10:30:100 drops concurrent handshakes, and scans open many at once
        'MaxStartups 100:30:200',
        `MaxSessions ${this.o.maxSessions ?? 64}`,
        'MaxAuthTries 6',
        'LoginGraceTime 30',
        'UseDNS no',
        'PrintMotd no',
        'PrintLastLog no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'PermitTunnel no',
        'LogLevel VERBOSE',
        // since 9.8 sshd penalizes addresses with failed logins; the lab's tests fail logins on purpose
        ...(major > 9 || (major === 9 && minor >= 8) ? ['PerSourcePenalties no'] : []),
        ...(this.o.forceCommand ? [`ForceCommand ${this.o.forceCommand}`] : []),
        '',
      ].join('\n'),
    );
    try {
      this.proc = await spawnSshd(this.file('sshd_config'), this.addresses.length, `lab host ${this.o.name} on ${this.o.address}:${this.port}`);
    } catch (err) {
      await this.stop(); // and the sessions of an earlier start that may still run
      throw err;
    }
  }

  /** Stops sshd and every session it started; the directory stays. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const below = descendants(proc.pid!);
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      kill(below);
    }
    // sessions orphaned earlier still name this host's directory on their command line; the
    // host's machine stays (a restart with a new host key is the same machine)
    kill(processesMentioning(this.o.dir, true));
    if (this.o.sessionMarker) kill(processesMentioning(this.o.sessionMarker, true));
  }

  async rotateHostKey(): Promise<void> {
    await this.stop();
    fs.rmSync(this.hostKeyFile, { force: true });
    fs.rmSync(`${this.hostKeyFile}.pub`, { force: true });
    await this.newHostKey(true);
    await this.start();
  }

  /**
   * Runs a fixed command on the host with OpenSSH's own client (independent of the code under
   * test); `input` goes to the command's standard input (e.g. a password for `sudo -S`).
   */
  async ssh(command: string, input?: string): Promise<string> {
    const call = run('ssh', [
      '-i', this.file('client_key'), '-p', String(this.port),
      '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'IdentitiesOnly=yes', '-o', 'ConnectTimeout=10',
      `${this.credentials.username}@${this.o.address}`, command,
    ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    call.child.stdin?.end(input ?? '');
    const { stdout } = await call;
    return stdout;
  }

  /** A new host key, or the kept one (keepHostKeyIn) when there is one; a new key is kept. */
  private async newHostKey(fresh = false): Promise<void> {
    const keep = this.o.keepHostKeyIn;
    const kept = keep && path.join(keep, path.basename(this.hostKeyFile));
    if (kept && !fresh && fs.existsSync(kept) && fs.existsSync(`${kept}.pub`)) {
      fs.copyFileSync(kept, this.hostKeyFile);
      fs.copyFileSync(`${kept}.pub`, `${this.hostKeyFile}.pub`);
      fs.chmodSync(this.hostKeyFile, 0o600);
      return;
    }
    const type = this.o.legacyOnly ? ['-t', 'rsa', '-b', '2048'] : ['-t', 'ed25519'];
    await run('ssh-keygen', ['-q', ...type, '-N', '', '-C', `${this.o.name} host key`, '-f', this.hostKeyFile]);
    if (kept) {
      fs.mkdirSync(keep, { recursive: true, mode: 0o700 });
      fs.copyFileSync(this.hostKeyFile, kept);
      fs.copyFileSync(`${this.hostKeyFile}.pub`, `${kept}.pub`);
    }
  }

  private async newClientKeys(): Promise<void> {
    let passphrase: string;
    if (this.o.clientKeys) {
      for (const f of ['client_key', 'client_key.pub', 'client_key_encrypted', 'client_key_encrypted.pub']) fs.copyFileSync(path.join(this.o.clientKeys.dir, f), this.file(f));
      passphrase = this.o.clientKeys.passphrase;
    } else {
      passphrase = (await makeLabClientKeys(this.o.dir, this.o.name)).passphrase;
    }
    fs.writeFileSync(this.file('authorized_keys'), [this.file('client_key.pub'), this.file('client_key_encrypted.pub')].map((f) => fs.readFileSync(f, 'utf8')).join(''), { mode: 0o644 });
    this.clientKey = fs.readFileSync(this.file('client_key'), 'utf8');
    this.encrypted = { privateKey: fs.readFileSync(this.file('client_key_encrypted'), 'utf8'), passphrase };
  }
}

/**
 * `sshd -D -f config`, once it listens on `listeners` addresses. One that exits first, or does
 * not listen within 10 s, is killed and its output thrown, naming `what`.
 */
export async function spawnSshd(config: string, listeners: number, what: string): Promise<ChildProcess> {
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      proc.stderr!.on('data', (d) => {
        output = (output + d).slice(-8000);
        if (output.split('Server listening on').length > listeners) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`sshd for ${what} exited (${code}):\n${output}`)));
      timer = setTimeout(() => reject(new Error(`sshd for ${what} did not start listening:\n${output}`)), 10_000);
    });
    return proc;
  } catch (err) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Where a lab host keeps its files (created on start): a fresh name the lab user can traverse. */
export function labDir(prefix: string): string {
  return path.join(os.tmpdir(), `teknisi-ssh-${prefix}-${crypto.randomBytes(6).toString('hex')}`);
}

export const OS_RELEASES = {
  debian12: [
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'NAME="Debian GNU/Linux"', 'VERSION_ID="12"', 'VERSION="12 (bookworm)"',
    'VERSION_CODENAME=bookworm', 'ID=debian', 'HOME_URL="https://www.debian.org/"', 'SUPPORT_URL="https://www.debian.org/support"',
    'BUG_REPORT_URL="https://bugs.debian.org/"',
  ],
  debian11: [
    'PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"', 'NAME="Debian GNU/Linux"', 'VERSION_ID="11"', 'VERSION="11 (bullseye)"',
    'VERSION_CODENAME=bullseye', 'ID=debian', 'HOME_URL="https://www.debian.org/"', 'SUPPORT_URL="https://www.debian.org/support"',
    'BUG_REPORT_URL="https://bugs.debian.org/"',
  ],
  ubuntu2204: [
    'PRETTY_NAME="Ubuntu 22.04.4 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="22.04"', 'VERSION="22.04.4 LTS (Jammy Jellyfish)"',
    'VERSION_CODENAME=jammy', 'ID=ubuntu', 'ID_LIKE=debian', 'HOME_URL="https://www.ubuntu.com/"', 'SUPPORT_URL="https://help.ubuntu.com/"',
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"', 'UBUNTU_CODENAME=jammy',
  ],
  ubuntu2404: [
    'PRETTY_NAME="Ubuntu 24.04.1 LTS"', 'NAME="Ubuntu"', 'VERSION_ID="24.04"', 'VERSION="24.04.1 LTS (Noble Numbat)"',
    'VERSION_CODENAME=noble', 'ID=ubuntu', 'ID_LIKE=debian', 'HOME_URL="https://www.ubuntu.com/"', 'SUPPORT_URL="https://help.ubuntu.com/"',
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"', 'UBUNTU_CODENAME=noble', 'LOGO=ubuntu-logo',
  ],
} as const;
export type LabOsRelease = keyof typeof OS_RELEASES;

/** what a lab host passes through to its sshd as it is (see LabSshdOptions) */
type SshdTraits = Pick<LabSshdOptions, 'maxSessions' | 'passwordVia' | 'legacyOnly' | 'keyThenPassword' | 'keepHostKeyIn'>;

export interface LabSshHostOptions extends SshdTraits {
  /** a loopback address of its own, e.g. 127.77.x.y */
  address: string;
  port?: number;
  identity: LabIdentity;
  osRelease?: LabOsRelease;
  /** client keys shared with other hosts (LabFleet), instead of a pair of this host's own */
  clientKeys?: LabClientKeys;
  /**
   * Sessions read this machine's dpkg database itself (read-only) instead of a copy of their
   * own: starts much faster (the copy is most of a host's start-up), for hosts whose packages
   * no test changes; removePackage() refuses on such a host.
   */
  sharedDpkg?: boolean;
  /**
   * The lab user's ~/.bashrc on this host. Debian's bash reads it even for a command run over
   * SSH, so whatever it prints comes before every command's own output, as on the many real
   * hosts whose .bashrc greets.
   */
  bashrc?: string;
  /** the machine's DMI serial number (root-only in the host, as on real machines); QEMU's empty one by default */
  dmiSerial?: string;
  /** the lab user's login shell on this host (default: its passwd entry's, bash) */
  loginShell?: string;
}

/**
 * A Linux machine of the lab: its own sshd on its own address, and sessions that see its own
 * hostname, machine-id, os-release, dpkg database, apt sources, DMI and MACs.
 */
export class LabSshHost {
  readonly address: string;
  readonly identity: LabIdentity;
  readonly osRelease: LabOsRelease;
  protected readonly dir: string;
  protected readonly sshd: LabSshd;
  private readonly sharedDpkg: boolean;
  protected readonly bashrc?: string;
  protected readonly dmiSerial: string;
  private readonly loginShell?: string;
  /** the host's machine (session.sh --machine), from start() to stop() */
  protected machine?: ChildProcess;

  /** `session`: what else sshd runs for this host's sessions (a subclass's), given its directory */
  constructor(o: LabSshHostOptions, session?: (dir: string) => { forceCommand: string; marker: string }) {
    this.address = o.address;
    this.identity = o.identity;
    this.osRelease = o.osRelease ?? 'debian12';
    this.sharedDpkg = o.sharedDpkg ?? false;
    this.bashrc = o.bashrc;
    this.dmiSerial = o.dmiSerial ?? '';
    this.loginShell = o.loginShell;
    this.dir = labDir(o.identity.hostname);
    const own = session?.(this.dir);
    this.sshd = new LabSshd({
      address: o.address, port: o.port, dir: this.dir, name: o.identity.hostname, clientKeys: o.clientKeys,
      maxSessions: o.maxSessions, passwordVia: o.passwordVia, legacyOnly: o.legacyOnly, keyThenPassword: o.keyThenPassword, keepHostKeyIn: o.keepHostKeyIn,
      forceCommand: own?.forceCommand ?? path.join(this.dir, 'session.sh'), sessionMarker: own?.marker,
    });
  }

  get port(): number {
    return this.sshd.port;
  }

  get credentials(): LabSshCredentials {
    return this.sshd.credentials;
  }

  hostKeyFingerprint(): string {
    return this.sshd.hostKeyFingerprint();
  }

  /**
   * The host's own /etc/ssh/sshd_config as its sessions see it (bind-mounted over the real one
   * inside each session): edit this file from outside and the next session reads the edit.
   * Not the configuration of the lab's sshd daemon, which is another file.
   */
  get sshdConfigPath(): string {
    return path.join(this.dir, 'etc', 'sshd_config');
  }

  async start(): Promise<void> {
    await this.prepare();
    try {
      await this.sshd.start();
    } catch (err) {
      await this.cleanUp();
      fs.rmSync(this.dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.sshd.stop();
    await this.cleanUp();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Puts in place what the host's sessions need, before its sshd starts: its files and its machine. */
  protected async prepare(): Promise<void> {
    this.writeHostFiles();
    ensureLabUser();
    const { uid, gid } = labUserIds();
    this.machine = await startLabMachine(
      ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', path.join(this.dir, 'session.sh'), '--machine'],
      { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: LAB_USER_HOME, USER: LAB_SSH_USER, LOGNAME: LAB_SSH_USER, LANG: 'C.UTF-8' },
      `lab host ${this.identity.hostname}`,
      path.join(this.dir, 'machine.pid'),
    );
  }

  /** Removes what prepare() made outside the host's directory, after its sshd and sessions are gone: its machine. */
  protected async cleanUp(): Promise<void> {
    stopLabMachine(this.machine);
    this.machine = undefined;
  }

  /** A new host key and a restarted sshd: what a reinstalled (or impersonated) machine looks like. */
  rotateHostKey(): Promise<void> {
    return this.sshd.rotateHostKey();
  }

  /** Runs a fixed command inside the host (its namespaces), through OpenSSH's own client. */
  run(command: string, input?: string): Promise<string> {
    return this.sshd.ssh(command, input);
  }

  /** Installed packages as dpkg itself counts them, asked inside this host. */
  async dpkgInstalledCount(): Promise<number> {
    const out = await this.run("dpkg-query -W -f='${db:Status-Abbrev}\\n' | grep -c '^ii'");
    // the last line: a host whose ~/.bashrc greets prints that first
    return Number(out.trim().split('\n').pop());
  }

  /**
   * Removes a package from this host's own dpkg status, as `apt-get remove` would leave it: a
   * package with configuration files stays as "rc" (deinstall ok config-files), one without
   * is forgotten. Never touches the real system's database.
   */
  removePackage(name: string): void {
    if (this.sharedDpkg) throw new Error(`lab host ${this.identity.hostname} reads this machine's own dpkg database: start it without sharedDpkg`);
    const file = path.join(this.dir, 'dpkg', 'status');
    const stanzas = fs.readFileSync(file, 'utf8').split(/\n\n+/).filter((s) => s.trim());
    let found = false;
    const kept: string[] = [];
    for (const s of stanzas) {
      if (!new RegExp(`^Package: ${name.replace(/[.+]/g, '\\$&')}$`, 'm').test(s)) {
        kept.push(s);
        continue;
      }
      found = true;
      if (/^Conffiles:/m.test(s)) kept.push(s.replace(/^Status: .*$/m, 'Status: deinstall ok config-files'));
    }
    if (!found) throw new Error(`lab host ${this.identity.hostname} has no package ${name}`);
    fs.writeFileSync(`${file}.new`, `${kept.join('\n\n')}\n`);
    fs.renameSync(`${file}.new`, file);
  }

  private writeHostFiles(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    const id = this.identity;
    const put = (rel: string, content: string) => {
      const f = path.join(this.dir, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
      fs.writeFileSync(f, content, { mode: 0o644 });
    };
    fs.writeFileSync(path.join(this.dir, 'session.sh'), labScript('ssh-session.sh'), { mode: 0o755 });
    fs.chmodSync(path.join(this.dir, 'session.sh'), 0o755);
    put('hostname', `${id.hostname}\n`);
    put('macs', `${id.macs.join('\n')}\n`);
    put('addresses', `${id.innerAddresses.join('\n')}\n`);
    put('etc/hostname', `${id.hostname}\n`);
    put('etc/machine-id', `${id.machineId}\n`);
    put('etc/os-release', `${OS_RELEASES[this.osRelease].join('\n')}\n`);
    put('etc/sshd_config', fs.readFileSync(path.join(LAB_SOURCE_DIR, 'fixtures', 'sshd_config'), 'utf8'));
    // QEMU's DMI, with a per-host UUID; QEMU leaves the serial empty unless given one
    put('dmi/sys_vendor', 'QEMU\n');
    put('dmi/product_name', 'Standard PC (Q35 + ICH9, 2009)\n');
    put('dmi/product_serial', `${this.dmiSerial}\n`);
    put('dmi/product_uuid', `${id.machineId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}\n`);
    put('dmi/bios_vendor', 'SeaBIOS\n');
    if (this.bashrc !== undefined) put('bashrc', this.bashrc);
    if (this.loginShell !== undefined) put('shell', `${this.loginShell}\n`);
    // this machine's dpkg database, the host's own copy (the file lists in info/ are bind-mounted,
    // shared), or for a sharedDpkg host a link to the machine's own (sessions cannot write it)
    const dpkg = path.join(this.dir, 'dpkg');
    if (this.sharedDpkg) {
      fs.symlinkSync('/var/lib/dpkg', dpkg);
    } else {
      fs.cpSync('/var/lib/dpkg', dpkg, { recursive: true, filter: (src) => src !== '/var/lib/dpkg/info' && !src.startsWith('/var/lib/dpkg/info/') });
      fs.mkdirSync(path.join(dpkg, 'info'), { recursive: true });
    }
    // apt: this machine's settings, but sources that name only the lab's repository
    const apt = path.join(this.dir, 'apt');
    fs.cpSync('/etc/apt', apt, { recursive: true });
    fs.rmSync(path.join(apt, 'sources.list.d'), { recursive: true, force: true });
    fs.mkdirSync(path.join(apt, 'sources.list.d'), { mode: 0o755 });
    put('apt/sources.list', `# the Teknisi device lab's local repository only\n${LAB_APT_SOURCE}\n`);
    execFileSync('chmod', ['-R', 'a+rX', ...(this.sharedDpkg ? [] : [dpkg]), apt]);
  }
}
