// bench/fanout: the peers over the same lab hosts — `ansible all -m raw -a CMD -f N`
// (ansible-core) and plain OpenSSH `ssh` through `xargs -P N` — and a single `ssh` as the
// floor. Every lab host authorizes a client key of its own, so the keys go to files: ansible
// gets each in its inventory line, ssh through an -F config with one IdentityFile per host.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processesMentioning, runTree, TreeRun } from './fanout-proc';

export interface PeerHost {
  address: string;
  hostname: string;
  username: string;
  port: number;
  privateKey: string;
}

export interface PeerRun {
  tool: 'ansible' | 'ssh';
  concurrency: number;
  command: string;
  seconds: number;
  /** hosts whose answer was their own hostname */
  answered: number;
  failures: string[];
  /** GNU time %M: the largest single process */
  maxProcRssMb: number;
  /** the whole tree at its largest (sampled every 50 ms) */
  treeRssMb: number;
  maxProcs: number;
  cpuS: number;
  exitCode: number | null;
}

const SSH_OPTS = ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];

export class Peers {
  readonly hostsFile: string;
  readonly sshConfig: string;
  readonly inventory: string;
  readonly ansibleCfg: string;
  private runNo = 0;

  constructor(readonly dir: string, readonly hosts: PeerHost[], readonly script: string, private readonly ansibleSshArgs: string | undefined) {
    const keys = path.join(dir, 'keys');
    fs.mkdirSync(keys, { recursive: true, mode: 0o700 });
    const keyFile = (h: PeerHost) => path.join(keys, `${h.hostname}.key`);
    for (const h of hosts) fs.writeFileSync(keyFile(h), h.privateKey.endsWith('\n') ? h.privateKey : `${h.privateKey}\n`, { mode: 0o600 });
    this.hostsFile = path.join(dir, 'hosts');
    fs.writeFileSync(this.hostsFile, `${hosts.map((h) => h.address).join('\n')}\n`);
    // -F: this file only (neither ~/.ssh/config nor /etc/ssh/ssh_config)
    this.sshConfig = path.join(dir, 'ssh_config');
    fs.writeFileSync(this.sshConfig, hosts.map((h) => `Host ${h.address}\n  Port ${h.port}\n  IdentityFile ${keyFile(h)}\n  IdentitiesOnly yes\n`).join(''));
    this.inventory = path.join(dir, 'inventory.ini');
    fs.writeFileSync(this.inventory, [
      '[lab]',
      ...hosts.map((h) => `${h.address} ansible_host=${h.address} ansible_port=${h.port} ansible_user=${h.username} ansible_ssh_private_key_file=${keyFile(h)}`),
      '',
      '[lab:vars]',
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
      '',
    ].join('\n'));
    // an ansible.cfg of our own, so that no ansible.cfg of the machine or a developer applies
    this.ansibleCfg = path.join(dir, 'ansible.cfg');
    fs.writeFileSync(this.ansibleCfg, '[defaults]\nhost_key_checking = False\nretry_files_enabled = False\n');
  }

  sshCommandLine(n: number): string {
    return `xargs -a HOSTS -P ${n} -I{} ssh -F SSH_CONFIG ${SSH_OPTS.join(' ')} ${this.hosts[0].username}@{} ${shq(this.script)}`;
  }

  ansibleCommandLine(n: number): string {
    return `ansible all -i INVENTORY -m raw -a ${shq(this.script)} -f ${n}`;
  }

  /** `xargs -P n` over the hosts, one `ssh` each. */
  async ssh(n: number): Promise<PeerRun> {
    const args = ['-a', this.hostsFile, '-P', String(n), '-I{}', 'ssh', '-F', this.sshConfig, ...SSH_OPTS, `${this.hosts[0].username}@{}`, this.script];
    const r = await runTree('xargs', args, { timeoutMs: 600_000 });
    // one line per host: its hostname (xargs keeps no order)
    const seen = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
    const failures = this.hosts.filter((h) => !seen.has(h.hostname)).map((h) => `${h.address}: no answer`);
    if (r.stderr.trim()) failures.push(...r.stderr.trim().split('\n').slice(0, 5));
    return this.result('ssh', n, this.sshCommandLine(n), r, this.hosts.length - failures.filter((f) => f.endsWith(': no answer')).length, failures);
  }

  /**
   * `ansible all -m raw`, with Ansible's default SSH arguments (ControlMaster=auto,
   * ControlPersist=60s) but a fresh control-path directory per run, so that no run reuses an
   * earlier run's master connections; the masters it leaves behind are stopped after it.
   */
  async ansible(n: number): Promise<PeerRun> {
    const run = path.join(this.dir, `ansible-${++this.runNo}`);
    const cp = path.join(run, 'cp');
    fs.mkdirSync(cp, { recursive: true, mode: 0o700 });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: run, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8',
      ANSIBLE_CONFIG: this.ansibleCfg, ANSIBLE_HOME: path.join(run, 'home'), ANSIBLE_LOCAL_TEMP: path.join(run, 'tmp'),
      ANSIBLE_SSH_CONTROL_PATH_DIR: cp, ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0',
      ANSIBLE_DEPRECATION_WARNINGS: 'False', ANSIBLE_LOCALHOST_WARNING: 'False',
      ...(this.ansibleSshArgs !== undefined ? { ANSIBLE_SSH_ARGS: this.ansibleSshArgs } : {}),
    };
    const args = ['all', '-i', this.inventory, '-m', 'raw', '-a', this.script, '-f', String(n)];
    let r: TreeRun;
    try {
      r = await runTree('ansible', args, { env, cwd: run, timeoutMs: 900_000 });
    } finally {
      // ControlPersist masters detach from ansible's tree and would hold lab sessions for 60 s
      for (const pid of processesMentioning(cp)) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // gone
        }
      }
    }
    // "127.91.0.1 | CHANGED | rc=0 >>" then the output; "| FAILED |" or "| UNREACHABLE! =>" otherwise
    const byHost = new Map<string, string>();
    const blocks = r.stdout.split(/^(?=\S+ \| [A-Z!]+ \|? ?)/m);
    for (const b of blocks) {
      const m = /^(\S+) \| ([A-Z!]+)/.exec(b);
      if (m) byHost.set(m[1], b);
    }
    const failures: string[] = [];
    let answered = 0;
    for (const h of this.hosts) {
      const b = byHost.get(h.address);
      if (b && /^\S+ \| CHANGED \| rc=0 >>\n/.test(b) && b.split('\n').slice(1).some((l) => l.trim() === h.hostname)) answered++;
      else failures.push(`${h.address}: ${b ? b.split('\n').slice(0, 3).join(' ').slice(0, 300) : 'not in the output'}`);
    }
    return this.result('ansible', n, this.ansibleCommandLine(n), r, answered, failures);
  }

  /** One `ssh host COMMAND`, n times, one after another: the floor of a target. */
  single(command: string, times: number): number[] {
    const h = this.hosts[0];
    const out: number[] = [];
    for (let i = 0; i < times; i++) {
      const t = process.hrtime.bigint();
      const r = spawnSync('ssh', ['-F', this.sshConfig, ...SSH_OPTS, `${h.username}@${h.address}`, command], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ssh ${h.address} ${command} failed (${r.status}): ${r.stderr}`);
      out.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return out;
  }

  private result(tool: PeerRun['tool'], n: number, command: string, r: TreeRun, answered: number, failures: string[]): PeerRun {
    return {
      tool, concurrency: n, command, seconds: Math.round(r.ms) / 1000, answered, failures: failures.slice(0, 10),
      maxProcRssMb: Math.round(r.maxProcRssMb * 10) / 10, treeRssMb: Math.round(r.treeRssMb), maxProcs: r.maxProcs, cpuS: Math.round(r.cpuS * 100) / 100, exitCode: r.code,
    };
  }
}

export function shq(s: string): string {
  return /^[\w./:=@-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
