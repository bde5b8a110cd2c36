// Lab package hosts: Linux lab hosts on which `sudo apt-get install` and `apt-get remove` really
// work, from the lab's local repository, without changing this machine. Each host's root is
// assembled once, at start, under /run/teknisi-lab/<name>/ on a tmpfs of its own: overlays of
// the real /usr, /etc, /var, ... whose upper layers hold everything the host's root writes, so
// every session of one host sees the others' installs and two hosts never see each other's.
// Its machine is made once too (package-session.sh --machine): namespaces holding its hostname,
// interfaces, kernel file systems and that root, as a real host's kernel outlives its sessions.
// sshd's ForceCommand reaches package-session.sh (real root, the machine's namespaces, a PID
// namespace of its own, lab user with a reduced bounding set) through a sudoers rule naming only
// that script. Inside, the lab user may sudo with its own password, as on a real server.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAB_REPO_DIR, ensureLabRepo } from './apt-repo';
import { labScript } from './paths';
import { LAB_APT_SOURCE, LAB_SSH_USER, LabSshHost, LabSshHostOptions, OS_RELEASES, ensureLabUser, killProcessesMentioning, startLabMachine, stopLabMachine } from './sshd';

export const LAB_RUN_DIR = '/run/teknisi-lab';
/**
 * A host's language: its /etc/default/locale, which Debian's pam_env gives every SSH session as
 * LANG (sudo keeps it), and the locale generated in its root. Without one, LANG=C.UTF-8.
 */
export type LabLanguage = 'de_DE.UTF-8' | 'fr_FR.UTF-8';
const SESSION = path.join(LAB_RUN_DIR, 'package-session');
const OUTER_RULE = '/etc/sudoers.d/teknisi-lab';
/** the real root's entries a host gets as its own copy-on-write layer (when they are directories) */
const OVERLAID = ['bin', 'boot', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'opt', 'root', 'sbin', 'srv', 'usr', 'var'];
/** mounted by the host's machine, of its own */
const PER_MACHINE = ['proc', 'sys', 'dev', 'tmp', 'run'];

// On the real machine: the lab user may run the package session script as root, nothing else.
// The script's environment is reset but for what the session needs; no pty of sudo's own, so
// stdin and stdout pass through as sshd gave them.
const OUTER_SUDOERS = `# Teknisi device lab (test/lab/package-host.ts): the lab's package hosts' SSH sessions
Defaults!${SESSION} !use_pty, !pam_session, env_keep += "SSH_ORIGINAL_COMMAND SSH_CONNECTION SSH_CLIENT"
${LAB_SSH_USER} ALL=(root) NOPASSWD: ${SESSION}
`;

// Inside a package host: the lab user administers it with its own password, as on a real server.
// Every sudo asks for it: sessions share the machine's /run, where sudo would otherwise remember
// a right password for the next session (and a spec's wrong one would not be asked for).
const INNER_SUDOERS = `# Teknisi device lab package host: the lab user administers this host with its password
Defaults timestamp_timeout=0
${LAB_SSH_USER} ALL=(ALL:ALL) ALL
`;

function writeIfChanged(file: string, content: string, mode: number): void {
  try {
    if (fs.readFileSync(file, 'utf8') === content && (fs.statSync(file).mode & 0o7777) === mode) return;
  } catch {
    /* missing */
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

/** A sudoers file checked by visudo before it goes in place (a broken one disables sudo). */
function writeSudoers(file: string, content: string): void {
  const check = `/tmp/teknisi-sudoers-${process.pid}-${path.basename(file)}`;
  fs.writeFileSync(check, content, { mode: 0o440 });
  try {
    execFileSync('visudo', ['-cqf', check], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    fs.rmSync(check, { force: true });
  }
  writeIfChanged(file, content, 0o440);
}

/** Installs the session script and the sudoers rule that lets sshd's sessions start it. */
export function ensurePackageHostSupport(): void {
  if (process.getuid?.() !== 0) throw new Error('lab package hosts mount overlays and install a sudoers rule: run the tests as root');
  if (!fs.existsSync('/usr/bin/sudo')) throw new Error('lab package hosts need Debian sudo (test/lab/packages.ts installs it): apt-get install -y sudo');
  fs.mkdirSync(LAB_RUN_DIR, { recursive: true, mode: 0o755 });
  fs.chmodSync(LAB_RUN_DIR, 0o755);
  writeIfChanged(SESSION, labScript('package-session.sh'), 0o755);
  writeSudoers(OUTER_RULE, OUTER_SUDOERS);
  removeOrphanedHosts();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unmounts the hosts of test processes that died without stopping them (their tmpfs holds memory). */
function removeOrphanedHosts(): void {
  for (const name of fs.readdirSync(LAB_RUN_DIR)) {
    const dir = path.join(LAB_RUN_DIR, name);
    let owner: number;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner'), 'utf8'));
    } catch {
      continue; // the session script, or a host still being set up
    }
    if (!owner || alive(owner)) continue;
    // its sshd (configured in /tmp/teknisi-ssh-<name>/) and sessions (started with <name>)
    killProcessesMentioning(name);
    fs.rmSync(path.join(os.tmpdir(), `teknisi-ssh-${name}`), { recursive: true, force: true });
    try {
      execFileSync('umount', ['--recursive', '--lazy', dir], { stdio: 'ignore' });
    } catch {
      /* its tmpfs never got mounted */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runName(dir: string): string {
  return path.basename(dir).replace(/^teknisi-ssh-/, '').toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/**
 * A lab host whose sessions may `sudo -S` (the lab password) and really install, upgrade and
 * remove packages from the lab repository. What they change lives on the host's tmpfs until
 * stop(); the real /usr, /etc and /var are only read.
 */
export class LabPackageHost extends LabSshHost {
  /** /run/teknisi-lab/<name>: the host's tmpfs, with its root, overlay layers and identity files */
  readonly runDir: string;
  private readonly language?: LabLanguage;

  constructor(o: LabSshHostOptions & { language?: LabLanguage }) {
    super(o, (dir) => ({ forceCommand: `sudo -n ${SESSION} ${runName(dir)}`, marker: runName(dir) }));
    this.runDir = path.join(LAB_RUN_DIR, runName(this.dir));
    this.language = o.language;
  }

  /** The host's root as the real machine sees it (for assertions from outside; never write it). */
  get root(): string {
    return path.join(this.runDir, 'root');
  }

  /** The password `sudo -S -p ''` wants inside the host: the lab user's own. */
  get sudoPassword(): string {
    return this.credentials.password;
  }

  protected async prepare(): Promise<void> {
    ensurePackageHostSupport();
    ensureLabUser(); // before the overlays: the host's /etc must already know the lab user
    ensureLabRepo();
    fs.mkdirSync(this.runDir, { mode: 0o700 });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'mode=0700,size=2g', 'teknisi-lab-host', this.runDir]);
      fs.writeFileSync(path.join(this.runDir, 'owner'), String(process.pid));
      this.mountRoot();
      this.writeIdentity();
      await this.startMachine();
    } catch (err) {
      await this.cleanUp();
      throw err;
    }
  }

  protected async cleanUp(): Promise<void> {
    // sessions are gone (sshd.stop killed them); the machine's namespaces go with it: killing
    // its unshare kills the machine (PID 1 of its PID namespace), and everything in it
    stopLabMachine(this.machine);
    this.machine = undefined;
    try {
      execFileSync('umount', ['--recursive', '--lazy', this.runDir], { stdio: 'ignore' });
    } catch {
      /* not mounted */
    }
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }

  /** Starts the host's machine (package-session.sh --machine), once its root and files are in place. */
  private async startMachine(): Promise<void> {
    this.machine = await startLabMachine(
      [SESSION, runName(this.dir), '--machine'], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, `lab package host ${this.identity.hostname}`,
      // in the host's tmpfs, which only root reads: the session script trusts it as only root can write it
      path.join(this.runDir, 'machine.pid'),
    );
  }

  private mountRoot(): void {
    const root = this.root;
    fs.mkdirSync(root, { mode: 0o755 });
    for (const entry of fs.readdirSync('/')) {
      const real = path.join('/', entry);
      const st = fs.lstatSync(real);
      if (st.isSymbolicLink()) {
        if (!entry.startsWith('.')) fs.symlinkSync(fs.readlinkSync(real), path.join(root, entry));
      } else if (st.isDirectory() && OVERLAID.includes(entry)) {
        const upper = path.join(this.runDir, 'upper', entry);
        const work = path.join(this.runDir, 'work', entry);
        fs.mkdirSync(upper, { recursive: true });
        fs.chmodSync(upper, st.mode & 0o7777);
        fs.mkdirSync(work, { recursive: true });
        fs.mkdirSync(path.join(root, entry), { mode: st.mode & 0o7777 });
        execFileSync('mount', ['-t', 'overlay', 'teknisi-lab-host', '-o', `lowerdir=${real},upperdir=${upper},workdir=${work}`, path.join(root, entry)]);
      }
    }
    // everything else of the real root (the work tree, other mounts) stays outside the host
    for (const d of [...PER_MACHINE, 'mnt', 'media']) fs.mkdirSync(path.join(root, d), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    // the repository read live (an overlay's lower layer must not change under it), read-only
    const repo = path.join(root, LAB_REPO_DIR);
    execFileSync('mount', ['--bind', LAB_REPO_DIR, repo]);
    execFileSync('mount', ['-o', 'remount,bind,ro', repo]);
  }

  /** The host's own hostname, machine-id, os-release, apt sources and sudoers, in its layers. */
  private writeIdentity(): void {
    const id = this.identity;
    const put = (rel: string, content: string, mode = 0o644) => {
      const f = path.join(this.root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
      fs.rmSync(f, { force: true }); // replace a link (os-release) rather than write through it
      fs.writeFileSync(f, content, { mode });
      fs.chmodSync(f, mode);
    };
    put('etc/hostname', `${id.hostname}\n`);
    put('etc/machine-id', `${id.machineId}\n`);
    put('etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${id.hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
    const release = `${OS_RELEASES[this.osRelease].join('\n')}\n`;
    put('usr/lib/os-release', release);
    if (!fs.lstatSync(path.join(this.root, 'etc/os-release')).isSymbolicLink()) put('etc/os-release', release);
    // apt: this machine's settings, but the lab repository as the only source, and no index yet
    put('etc/apt/sources.list', `# the Teknisi device lab's local repository only\n${LAB_APT_SOURCE}\n`);
    const sources = path.join(this.root, 'etc/apt/sources.list.d');
    for (const f of fs.readdirSync(sources)) fs.rmSync(path.join(sources, f), { recursive: true, force: true });
    const lists = path.join(this.root, 'var/lib/apt/lists');
    for (const f of fs.readdirSync(lists)) if (f !== 'partial' && f !== 'lock') fs.rmSync(path.join(lists, f), { recursive: true, force: true });
    // the real machine's rule (the session script) is replaced by the host's own
    put(path.relative('/', OUTER_RULE), INNER_SUDOERS, 0o440);
    execFileSync('visudo', ['-cqf', path.join(this.root, 'etc/sudoers')], { stdio: ['ignore', 'ignore', 'pipe'] });
    // the lab user as the host's passwd has it: its home and group, for its login script and sessions
    const [, , , gid, , home] = execFileSync('getent', ['passwd', LAB_SSH_USER], { encoding: 'utf8' }).trim().split(':');
    // the lab user's login script, where the host has one of its own (a greeting)
    if (this.bashrc !== undefined) put(path.join(path.relative('/', home), '.bashrc'), this.bashrc);
    // what the session script reads before it pivots into the root
    const files = path.join(this.runDir, 'files');
    const file = (rel: string, content: string) => {
      fs.mkdirSync(path.dirname(path.join(files, rel)), { recursive: true });
      fs.writeFileSync(path.join(files, rel), content);
    };
    file('hostname', `${id.hostname}\n`);
    file('user', `${LAB_SSH_USER}\n`);
    file('home', `${home}\n`);
    file('gid', `${gid}\n`);
    file('macs', `${id.macs.join('\n')}\n`);
    file('addresses', `${id.innerAddresses.join('\n')}\n`);
    file('dmi/sys_vendor', 'QEMU\n');
    file('dmi/product_name', 'Standard PC (Q35 + ICH9, 2009)\n');
    file('dmi/product_serial', `${this.dmiSerial}\n`);
    file('dmi/product_uuid', `${id.machineId.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}\n`);
    file('dmi/bios_vendor', 'SeaBIOS\n');
    if (this.language) {
      // in the host's own /usr/lib/locale (its upper layer): ~3 s, this machine's locales untouched
      const [input, charmap] = this.language.split('.');
      execFileSync('localedef', ['-i', input, '-f', charmap, path.join(this.root, 'usr/lib/locale', this.language)], { stdio: ['ignore', 'ignore', 'pipe'] });
      put('etc/default/locale', `LANG=${this.language}\n`);
      file('lang', `${this.language}\n`);
    }
  }
}
