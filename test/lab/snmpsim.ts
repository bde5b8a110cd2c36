// The device lab's simulated SNMP agents: one snmpsimd process per device, bound to its own
// loopback address (127.0.0.0/8 only), replaying a committed recording from recordings/
// (made by make-recordings.ts) over v1/v2c with the profile's community and over v3 authPriv
// (SHA-256, AES-128) with no context name, as real agents are asked.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAB_SOURCE_DIR } from './paths';
import { readSystem, SnmpClient, SnmpCredential } from '../../src/protocols/snmp/snmp.client';
import { LINUX_HOSTS, SNMP_DEVICES } from './identities';

export const SNMPSIM_PROFILES = ['switch', 'printer', 'windows', 'web01'] as const;
export type SnmpsimProfile = (typeof SNMPSIM_PROFILES)[number];

export const RECORDINGS_DIR = path.join(LAB_SOURCE_DIR, 'recordings');

export interface SnmpsimCredentials {
  community: string;
  v3: { username: string; authProtocol: 'SHA-256'; authKey: string; privProtocol: 'AES-128'; privKey: string };
}

/** What each simulated agent accepts; a different community per profile so that a scan can tell them apart. */
export function snmpsimCredentials(profile: SnmpsimProfile): SnmpsimCredentials {
  return {
    community: `lab-sim-${profile}`,
    v3: { username: 'labsimv3', authProtocol: 'SHA-256', authKey: `auth-sim-${profile}-key`, privProtocol: 'AES-128', privKey: `priv-sim-${profile}-key` },
  };
}

export function v2cCredential(profile: SnmpsimProfile): SnmpCredential {
  return { kind: 'snmp-v2c', community: snmpsimCredentials(profile).community };
}

export function v3Credential(profile: SnmpsimProfile): SnmpCredential {
  const { v3 } = snmpsimCredentials(profile);
  return { kind: 'snmp-v3', username: v3.username, securityLevel: 'authPriv', authProtocol: v3.authProtocol, authKey: v3.authKey, privProtocol: v3.privProtocol, privKey: v3.privKey };
}

export function recordingPath(profile: SnmpsimProfile): string {
  return path.join(RECORDINGS_DIR, `${profile}.snmprec`);
}

/** a MAC plus n, for the switch's per-port MACs counted up from its base MAC */
export function macPlus(base: string, n: number): string {
  const v = parseInt(base.replace(/:/g, ''), 16) + n;
  return v.toString(16).padStart(12, '0').match(/../g)!.join(':');
}

/** The switch's front ports: 48 GigabitEthernet, 2 TenGigabitEthernet uplinks, and the management port. */
export const SWITCH_PORTS = [
  ...Array.from({ length: 48 }, (_, i) => ({ ifIndex: 10101 + i, name: `Gi1/0/${i + 1}`, descr: `GigabitEthernet1/0/${i + 1}`, mac: macPlus(SNMP_DEVICES.switch.baseMac, i + 1) })),
  ...[1, 2].map((n) => ({ ifIndex: 10148 + n, name: `Te1/0/${n}`, descr: `TenGigabitEthernet1/0/${n}`, mac: macPlus(SNMP_DEVICES.switch.baseMac, 0x30 + n) })),
  { ifIndex: 14501, name: 'Fa0', descr: 'FastEthernet0', mac: macPlus(SNMP_DEVICES.switch.baseMac, 0x3f) },
];

export interface LabSnmpIdentity {
  hostname: string;
  serial?: string;
  model?: string;
  /** MACs of the device's physical interfaces, as the recording serves them */
  macs: string[];
}

/** Who each simulated device is, for specs (scans, merges) that assert on what was found. */
export function expectedIdentity(profile: SnmpsimProfile): LabSnmpIdentity {
  switch (profile) {
    case 'switch':
      return { hostname: SNMP_DEVICES.switch.hostname, serial: SNMP_DEVICES.switch.serial, model: SNMP_DEVICES.switch.model, macs: SWITCH_PORTS.map((p) => p.mac) };
    case 'printer':
      return { hostname: SNMP_DEVICES.printer.hostname, serial: SNMP_DEVICES.printer.serial, model: SNMP_DEVICES.printer.model, macs: [SNMP_DEVICES.printer.mac] };
    case 'windows':
      // Windows' SNMP service has no ENTITY-MIB: no serial and no model over SNMP
      return { hostname: SNMP_DEVICES.windows.hostname, macs: [SNMP_DEVICES.windows.mac] };
    case 'web01':
      return { hostname: LINUX_HOSTS.web01.hostname, macs: [...LINUX_HOSTS.web01.macs] };
  }
}

export type RecordedValue = Buffer | number | string;

/**
 * A recording's values by OID: octet strings as bytes (hex-encoded ones decoded), integers,
 * counters and time ticks as numbers, OIDs and IP addresses as text.
 */
export function readRecording(profile: SnmpsimProfile): Map<string, RecordedValue> {
  const out = new Map<string, RecordedValue>();
  for (const line of fs.readFileSync(recordingPath(profile), 'latin1').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [oid, tag, ...rest] = line.split('|');
    const value = rest.join('|');
    if (tag === '4x') out.set(oid, Buffer.from(value, 'hex'));
    else if (tag === '4') out.set(oid, Buffer.from(value, 'latin1'));
    else if (['2', '65', '66', '67'].includes(tag)) out.set(oid, Number(value));
    else out.set(oid, value);
  }
  return out;
}

const V3_CONTEXTLESS = '1.3.6.1.6.1.1.0'; // snmpsimd's name for its first UDP endpoint

export class SnmpsimAgent {
  readonly credentials: SnmpsimCredentials;
  private proc?: ChildProcess;
  private readonly dir: string;
  private output = '';

  /**
   * `edit` rewrites the recording (as latin1 text, one line per OID) before it is served: a
   * device whose firmware has a bug is the same device with a line changed.
   */
  constructor(
    readonly profile: SnmpsimProfile,
    readonly address: string,
    readonly port = 161,
    private readonly edit?: (recording: string) => string,
    /**
     * v2cOnly: snmpsimd's v1/v2c-only engine (--v2c-arch), which drops SNMPv3 messages unanswered, as Windows' SNMP service does;
     * sysName: what an edited recording answers as sysName (start() waits for it), when not the profile's hostname
     */
    private readonly opts: { v2cOnly?: boolean; sysName?: string } = {},
  ) {
    if (!address.startsWith('127.')) throw new Error(`lab agents bind loopback addresses only, not ${address}`);
    this.credentials = snmpsimCredentials(profile);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `teknisi-snmpsim-${profile}-`));
  }

  async start(): Promise<void> {
    const data = path.join(this.dir, 'data');
    const cache = path.join(this.dir, 'cache');
    const variation = path.join(this.dir, 'variation');
    fs.mkdirSync(data);
    fs.mkdirSync(cache);
    // the lab's own variation modules (smallbuffer.py), beside snmpsimd's (error, delay, …)
    fs.cpSync(path.join(LAB_SOURCE_DIR, 'variation'), variation, { recursive: true });
    fs.chmodSync(variation, 0o755);
    // snmpsimd picks a data file by community (v1/v2c) or by context name (v3); a v3 request
    // without one falls back to the transport's name, so the recording answers under both
    const recording = fs.readFileSync(recordingPath(this.profile), 'latin1');
    fs.writeFileSync(path.join(data, `${this.credentials.community}.snmprec`), this.edit ? this.edit(recording) : recording, 'latin1');
    fs.symlinkSync(`${this.credentials.community}.snmprec`, path.join(data, `${V3_CONTEXTLESS}.snmprec`));
    // it drops to nobody after start-up and reads the data and writes its index as that user
    fs.chmodSync(this.dir, 0o755);
    fs.chmodSync(data, 0o755);
    fs.chmodSync(cache, 0o777);
    const { v3 } = this.credentials;
    const args = [
      `--data-dir=${data}`, `--cache-dir=${cache}`, `--variation-modules-dir=${variation}`, `--agent-udpv4-endpoint=${this.address}:${this.port}`,
      ...(this.opts.v2cOnly ? ['--v2c-arch'] : [`--v3-user=${v3.username}`, `--v3-auth-key=${v3.authKey}`, '--v3-auth-proto=SHA256', `--v3-priv-key=${v3.privKey}`, '--v3-priv-proto=AES']),
      '--logging-method=stdout',
      ...(process.getuid?.() === 0 ? ['--process-user=nobody', '--process-group=nogroup'] : []),
    ];
    this.proc = spawn('/usr/bin/snmpsimd', args, { env: { ...process.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout?.on('data', (d) => (this.output = (this.output + d).slice(-6000)));
    this.proc.stderr?.on('data', (d) => (this.output = (this.output + d).slice(-6000)));
    const expected = this.opts.sysName ?? expectedIdentity(this.profile).hostname;
    const client = new SnmpClient({ host: this.address, port: this.port, timeoutMs: 300, retries: 0 }, v2cCredential(this.profile));
    try {
      // python start-up and indexing the recording take a few seconds
      for (let i = 0; i < 100; i++) {
        if (this.proc.exitCode !== null) break;
        const sys = await readSystem(client).catch(() => null);
        if (sys?.sysName === expected) return;
        await new Promise((r) => setTimeout(r, 150));
      }
    } finally {
      client.close();
    }
    await this.stop();
    throw new Error(`snmpsimd for ${this.profile} on ${this.address} did not come up:\n${this.output}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
