// The device lab's Cisco routers: a real sshd whose ForceCommand (ios-cli.py, python3's standard
// library, no build step) answers like IOS XE over exec channels and in an interactive shell,
// with a configuration mode that edits the device's own running configuration. The default
// identity (lab-rtr01, an ISR 4331) is not that of the SNMP switch recording, so the two stay
// two devices; other hostnames and serials give each emulated router its own (ios-fleet.ts).
import { execFile, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LAB_SOURCE_DIR } from './paths';
import { LAB_SSH_USER, LabSshCredentials, LabSshd, labDir, labUserIds } from './sshd';

const run = promisify(execFile);

/** What the fixtures say about the default router, for assertions. */
export const LAB_IOS = {
  hostname: 'lab-rtr01',
  serial: 'FDO2213A0GL',
  model: 'ISR4331/K9',
  osName: 'Cisco IOS XE',
  osVersion: '17.09.04a',
  macs: ['70:ea:1a:5c:3e:10', '70:ea:1a:5c:3e:11', '70:ea:1a:5c:3e:12', '70:ea:1a:5c:3e:1f'],
} as const;

export const IOS_FIXTURES = path.join(LAB_SOURCE_DIR, 'fixtures', 'ios');
export const IOS_CLI = path.join(LAB_SOURCE_DIR, 'ios-cli.py');

type FixtureName = 'show-version' | 'show-inventory' | 'show-interfaces' | 'show-running-config';

/** Who an emulated router says it is: in show version, show inventory, show interfaces, its configuration. */
export interface LabIosIdentity {
  hostname: string;
  serial: string;
  macs: string[];
}

/** The fixtures' other serials (power supply, transceiver, route processor), changed along with the chassis's. */
const PART_SERIALS = ['PST2211A1BC', 'AGM2218L0QZ', 'FOC22125K3M'];

/**
 * An identity; MACs (and the parts' serials) follow from the serial, so distinct serials give
 * distinct MACs. The default serial gives the fixtures' own.
 */
export function iosIdentity(hostname: string = LAB_IOS.hostname, serial: string = LAB_IOS.serial): LabIosIdentity {
  if (serial === LAB_IOS.serial) return { hostname, serial, macs: [...LAB_IOS.macs] };
  const h = crypto.createHash('sha256').update(serial).digest();
  const base = [0x70, 0xea, h[0], h[1], h[2]].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return { hostname, serial, macs: [0, 1, 2, 15].map((i) => `${base}:${((h[3] & 0xf0) | i).toString(16).padStart(2, '0')}`) };
}

const dotted = (mac: string) => mac.replace(/:/g, '').replace(/^(.{4})(.{4})(.{4})$/, '$1.$2.$3');

/** A fixture as the router with this identity prints it. */
function renderFixture(name: FixtureName, id: LabIosIdentity): string {
  let text = fs.readFileSync(path.join(IOS_FIXTURES, `${name}.txt`), 'utf8');
  if (id.serial !== LAB_IOS.serial) {
    for (const part of PART_SERIALS) text = text.split(part).join(part.slice(0, -4) + id.serial.slice(-4));
    text = text.split(LAB_IOS.serial).join(id.serial);
    LAB_IOS.macs.forEach((mac, i) => (text = text.split(dotted(mac)).join(dotted(id.macs[i]))));
  }
  return id.hostname === LAB_IOS.hostname ? text : text.split(LAB_IOS.hostname).join(id.hostname);
}

/** Puts `line` before the fixture's `anchor` line; the fixture must have it. */
function insertBefore(lines: string[], anchor: string, ...added: string[]): void {
  const i = lines.indexOf(anchor);
  if (i < 0) throw new Error(`the IOS running-config fixture has no line "${anchor}"`);
  lines.splice(i, 0, ...added);
}

/** Drops what precedes the configuration proper: "Building configuration..." and "Current configuration : N bytes". */
function configBody(text: string): string {
  const lines = text.replace(/\r/g, '').split('\n');
  const start = lines.findIndex((l) => l.startsWith('!') || l.startsWith('version '));
  if (start < 0) throw new Error('not an IOS configuration: no "!" or "version" line');
  while (lines.length > start && lines[lines.length - 1].trim() === '') lines.pop();
  return `${lines.slice(start).join('\n')}\n`;
}

/**
 * The running configuration a new router starts with: the fixture with the router's identity,
 * its last save, an NTP clock-period (volatile: the CLI moves it on every show) and more
 * secrets for masking to hide (a TACACS+ server key of type 7).
 */
export function initialRunningConfig(id: LabIosIdentity): string {
  const lines = configBody(renderFixture('show-running-config', id)).split('\n');
  const changed = lines.findIndex((l) => l.startsWith('! Last configuration change at '));
  lines.splice(changed + 1, 0, '! NVRAM config last updated at 14:05:40 UTC Mon Oct 28 2024 by netadmin');
  insertBefore(lines, 'ntp server 10.10.0.123', 'ntp clock-period 17208072');
  insertBefore(lines, 'control-plane', 'tacacs server lab-tacacs', ' address ipv4 10.10.0.49', ' key 7 0822455D0A165A1E1B0D1725', '!');
  return lines.join('\n');
}

/** What `show running-config` prints for a configuration (see show_running in ios-cli.py). */
function showRunning(body: string): string {
  return `Building configuration...\n\nCurrent configuration : ${Buffer.byteLength(body)} bytes\n${body}\n`;
}

/**
 * One emulated router's files: its identity, the show outputs and its running configuration,
 * the last in a directory only the lab user (its SSH sessions) may write. Served by a
 * LabIosHost's own sshd, or by a LabIosFleet's shared ones.
 */
export class LabIosDevice {
  constructor(
    /** where its sessions reach it */
    readonly address: string,
    readonly identity: LabIosIdentity,
    readonly dir: string,
    /** the CLI script that serves it (run with --device for the test helpers) */
    private readonly cli: string,
    /** what its pager shows, when not IOS's ' --More-- ' (an ASA's '<--- More --->') */
    private readonly pager?: string,
  ) {}

  get hostname(): string {
    return this.identity.hostname;
  }

  get serial(): string {
    return this.identity.serial;
  }

  private get stateDir(): string {
    return path.join(this.dir, 'state');
  }

  /** Writes the device's files: show outputs, hostname, and a fresh running configuration. */
  create(): void {
    const ids = labUserIds();
    fs.mkdirSync(path.join(this.dir, 'ios'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(this.dir, 'hostname'), `${this.identity.hostname}\n`, { mode: 0o644 });
    if (this.pager !== undefined) fs.writeFileSync(path.join(this.dir, 'pager'), `${this.pager}\n`, { mode: 0o644 });
    for (const name of ['show-version', 'show-inventory', 'show-interfaces'] as const) {
      fs.writeFileSync(path.join(this.dir, 'ios', `${name}.txt`), renderFixture(name, this.identity), { mode: 0o644 });
    }
    fs.mkdirSync(this.stateDir, { recursive: true, mode: 0o755 });
    fs.chownSync(this.stateDir, ids.uid, ids.gid);
    this.setRunningConfig(initialRunningConfig(this.identity));
  }

  /** The running configuration as stored: what `show running-config` prints after its header, up to `end`. */
  runningConfig(): string {
    return fs.readFileSync(path.join(this.stateDir, 'running-config'), 'utf8');
  }

  /** Replaces the running configuration; a "Building configuration…/Current configuration" header is dropped. */
  setRunningConfig(text: string): void {
    const ids = labUserIds();
    const tmp = path.join(this.stateDir, `.running-config.${process.pid}`);
    fs.writeFileSync(tmp, configBody(text), { mode: 0o644 });
    fs.chownSync(tmp, ids.uid, ids.gid);
    fs.renameSync(tmp, path.join(this.stateDir, 'running-config'));
  }

  /** What `show running-config` would print now (without moving the clock-period as a real show does). */
  showRunningConfig(): string {
    return showRunning(this.runningConfig());
  }

  /**
   * Rewrites only the volatile lines, as if the router had been touched without a real change:
   * the last-change time becomes now, the NTP clock-period moves.
   */
  bumpVolatile(): void {
    const r = spawnSync(this.cli, ['--device', this.dir, '--bump-volatile'], { ...this.asLabUser(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bumping ${this.hostname}'s volatile lines failed: ${r.stderr || r.error}`);
  }

  /**
   * Types `configure terminal`, the lines and `end` into the router's CLI, as the lab user, as a
   * technician's session would (the same config-mode code). Resolves to the transcript; rejects
   * with it when the CLI refused a line (the lines before it stay applied, as on IOS).
   */
  async configure(lines: string[]): Promise<string> {
    const call = run(this.cli, ['--device', this.dir], { ...this.asLabUser(), encoding: 'utf8' });
    call.child.stdin!.end(['configure terminal', ...lines, 'end', ''].join('\n'));
    const { stdout } = await call;
    if (/^% /m.test(stdout)) throw new Error(`${this.hostname} refused a configuration line:\n${stdout}`);
    return stdout;
  }

  private asLabUser() {
    const { uid, gid } = labUserIds();
    return { uid, gid, env: { PATH: '/usr/bin:/bin', USER: LAB_SSH_USER, LANG: 'C.UTF-8' } };
  }
}

export interface LabIosHostOptions {
  address: string;
  port?: number;
  /** default lab-rtr01 */
  hostname?: string;
  /** the chassis serial (default the fixtures' FDO2213A0GL); MACs follow from it */
  serial?: string;
  /** where its files go (default a fresh directory under the temp dir); removed by stop() */
  dir?: string;
  /** where its host key is kept from one start to the next (LabSshdOptions.keepHostKeyIn) */
  keepHostKeyIn?: string;
  /** what its pager shows instead of IOS's ' --More-- ' (an ASA's '<--- More --->') */
  pager?: string;
}

/** One emulated router behind its own sshd, with its own host key. */
export class LabIosHost {
  readonly address: string;
  readonly identity: LabIosIdentity;
  readonly device: LabIosDevice;
  private readonly dir: string;
  private readonly sshd: LabSshd;

  constructor(o: LabIosHostOptions) {
    this.address = o.address;
    this.identity = iosIdentity(o.hostname, o.serial);
    this.dir = o.dir ?? labDir(this.identity.hostname);
    this.device = new LabIosDevice(o.address, this.identity, this.dir, path.join(this.dir, 'cli.py'), o.pager);
    this.sshd = new LabSshd({ address: o.address, port: o.port, dir: this.dir, forceCommand: path.join(this.dir, 'cli.py'), name: this.identity.hostname, keepHostKeyIn: o.keepHostKeyIn });
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

  async start(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    fs.copyFileSync(IOS_CLI, path.join(this.dir, 'cli.py'));
    fs.chmodSync(path.join(this.dir, 'cli.py'), 0o755);
    this.device.create();
    await this.sshd.start();
  }

  async stop(): Promise<void> {
    await this.sshd.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs one command over an exec channel with OpenSSH's own client. */
  ssh(command: string): Promise<string> {
    return this.sshd.ssh(command);
  }

  runningConfig(): string {
    return this.device.runningConfig();
  }

  setRunningConfig(text: string): void {
    this.device.setRunningConfig(text);
  }

  bumpVolatile(): void {
    this.device.bumpVolatile();
  }

  configure(lines: string[]): Promise<string> {
    return this.device.configure(lines);
  }

  /**
   * A fixture's text as the default router (lab-rtr01) prints it; for show-running-config,
   * its first `show running-config` after start (the next ones move the NTP clock-period).
   */
  static fixture(name: FixtureName): string {
    const id = iosIdentity();
    return name === 'show-running-config' ? showRunning(initialRunningConfig(id)) : renderFixture(name, id);
  }
}
