// The device lab's account whose password has expired (`chage -d 0`): PAM makes any login
// change it first. It is a system user of its own (teknisi-lab-expired), never the lab user
// that every other lab host shares, with a fresh random password each run, behind an sshd
// of its own on one loopback address: with `via: 'keyboard-interactive'` PAM asks for a new
// password during the login; with `via: 'password'` sshd lets the account in and then runs no
// command ("Password change required but no TTY available").
import { ChildProcess, execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { labDir, spawnSshd, withPasswdLock } from './sshd';

export const LAB_EXPIRED_USER = 'teknisi-lab-expired';
/** one per process, so that two of these servers in one spec log the account in alike */
const PASSWORD = crypto.randomBytes(12).toString('base64url');

export class LabExpiredAccountSshd {
  readonly password = PASSWORD;
  private readonly dir = labDir('expired');
  private proc?: ChildProcess;

  constructor(
    readonly address: string,
    private readonly via: 'keyboard-interactive' | 'password',
    readonly port = 22,
  ) {}

  get credentials() {
    return { username: LAB_EXPIRED_USER, password: this.password, port: this.port };
  }

  async start(): Promise<void> {
    if (process.getuid?.() !== 0) throw new Error('the SSH lab runs sshd and creates its users: run the tests as root');
    withPasswdLock('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', '--comment', 'Teknisi device lab, expired password', LAB_EXPIRED_USER]);
    withPasswdLock('chpasswd', [], `${LAB_EXPIRED_USER}:${this.password}\n`);
    execFileSync('chage', ['--lastday', '0', LAB_EXPIRED_USER]);
    fs.mkdirSync(this.dir, { mode: 0o700 });
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'teknisi-lab-expired', '-f', path.join(this.dir, 'host_key')]);
    const config = [
      `ListenAddress ${this.address}`, `Port ${this.port}`, `HostKey ${path.join(this.dir, 'host_key')}`, `PidFile ${path.join(this.dir, 'sshd.pid')}`,
      `AllowUsers ${LAB_EXPIRED_USER}`, 'UsePAM yes', 'PubkeyAuthentication no', 'KbdInteractiveAuthentication yes',
      `PasswordAuthentication ${this.via === 'password' ? 'yes' : 'no'}`, 'PermitRootLogin no', 'MaxStartups 100',
    ];
    fs.writeFileSync(path.join(this.dir, 'sshd_config'), `${config.join('\n')}\n`);
    this.proc = await spawnSshd(path.join(this.dir, 'sshd_config'), 1, `the expired account on ${this.address}:${this.port}`);
  }

  /** Whether the account still has to change its password (nothing changed it). */
  stillExpired(): boolean {
    return /password must be changed/.test(execFileSync('chage', ['-l', LAB_EXPIRED_USER], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).split('\n')[0]);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
