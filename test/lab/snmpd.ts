// The device lab's Net-SNMP agents: one snmpd process per profile, each bound to its own
// loopback address (127.0.0.0/8 only), with a v2c community and a v3 authPriv user.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSystem, SnmpClient } from '../../src/protocols/snmp/snmp.client';

export interface SnmpdProfile {
  address: string;
  community: string;
  v3: { username: string; authProtocol: 'SHA-256' | 'SHA' | 'MD5'; authKey: string; privProtocol: 'AES-128' | 'DES'; privKey: string };
  sysName: string;
  sysDescr: string;
  sysObjectID: string;
  sysLocation: string;
  sysContact: string;
}

export function linuxProfile(address: string, sysName: string): SnmpdProfile {
  if (!address.startsWith('127.')) throw new Error(`lab agents bind loopback addresses only, not ${address}`);
  return {
    address,
    community: `lab-${sysName}`,
    v3: { username: 'labv3', authProtocol: 'SHA-256', authKey: `auth-${sysName}-key`, privProtocol: 'AES-128', privKey: `priv-${sysName}-key` },
    sysName,
    sysDescr: `Linux ${sysName} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) x86_64`,
    sysObjectID: '.1.3.6.1.4.1.8072.3.2.10',
    sysLocation: 'Lab rack 1',
    sysContact: 'lab@example.invalid',
  };
}

const AUTH_FLAG = { 'SHA-256': 'SHA-256', SHA: 'SHA', MD5: 'MD5' } as const;
const PRIV_FLAG = { 'AES-128': 'AES', DES: 'DES' } as const;

export class SnmpdAgent {
  private proc?: ChildProcess;
  private readonly dir: string;
  private output = '';

  constructor(readonly profile: SnmpdProfile) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `teknisi-snmpd-${profile.sysName}-`));
  }

  async start(): Promise<void> {
    const p = this.profile;
    fs.writeFileSync(
      path.join(this.dir, 'snmpd.conf'),
      [
        `rocommunity ${p.community} 127.0.0.0/8`,
        `createUser ${p.v3.username} ${AUTH_FLAG[p.v3.authProtocol]} "${p.v3.authKey}" ${PRIV_FLAG[p.v3.privProtocol]} "${p.v3.privKey}"`,
        `rouser ${p.v3.username} priv`,
        `sysName ${p.sysName}`,
        `sysDescr ${p.sysDescr}`,
        `sysObjectID ${p.sysObjectID}`,
        `sysLocation ${p.sysLocation}`,
        `sysContact ${p.sysContact}`,
        'sysServices 72',
        '',
      ].join('\n'),
    );
    this.proc = spawn('/usr/sbin/snmpd', ['-f', '-Lo', '-C', '-c', path.join(this.dir, 'snmpd.conf'), `udp:${p.address}:161`], {
      // no MIBs needed (and Debian ships few): keep the agent quiet about them
      env: { ...process.env, SNMP_PERSISTENT_DIR: path.join(this.dir, 'persist'), MIBS: '', MIBDIRS: '/nonexistent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.on('data', (d) => (this.output = (this.output + d).slice(-4000)));
    this.proc.stderr?.on('data', (d) => (this.output = (this.output + d).slice(-4000)));
    const client = new SnmpClient({ host: p.address, timeoutMs: 300, retries: 0 }, { kind: 'snmp-v2c', community: p.community });
    try {
      for (let i = 0; i < 50; i++) {
        if (this.proc.exitCode !== null) break;
        const sys = await readSystem(client).catch(() => null);
        if (sys?.sysName === p.sysName) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      client.close();
    }
    await this.stop();
    throw new Error(`snmpd for ${p.sysName} on ${p.address} did not come up:\n${this.output}`);
  }

  /** the daemon's process id while it runs (benchmarks read its CPU time) */
  get pid(): number | undefined {
    return this.proc?.exitCode === null ? this.proc.pid : undefined;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
