// The device lab's Cisco router: a real sshd whose ForceCommand (ios-cli.sh, plain sh, no build
// step) answers like IOS XE from the fixture files in fixtures/ios/, over exec channels and in
// an interactive shell. Its identity is its own (lab-rtr01, an ISR 4331), not that of the SNMP
// switch recording, so the two stay two devices.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LAB_SOURCE_DIR } from './paths';
import { LabSshCredentials, LabSshd, labDir } from './sshd';

/** What the fixtures say about the router, for assertions. */
export const LAB_IOS = {
  hostname: 'lab-rtr01',
  serial: 'FDO2213A0GL',
  model: 'ISR4331/K9',
  osName: 'Cisco IOS XE',
  osVersion: '17.09.04a',
  macs: ['70:ea:1a:5c:3e:10', '70:ea:1a:5c:3e:11', '70:ea:1a:5c:3e:12', '70:ea:1a:5c:3e:1f'],
} as const;

export const IOS_FIXTURES = path.join(LAB_SOURCE_DIR, 'fixtures', 'ios');

export class LabIosHost {
  readonly address: string;
  private readonly dir: string;
  private readonly sshd: LabSshd;

  constructor(o: { address: string; port?: number }) {
    this.address = o.address;
    this.dir = labDir(LAB_IOS.hostname);
    this.sshd = new LabSshd({ address: o.address, port: o.port, dir: this.dir, forceCommand: path.join(this.dir, 'cli.sh'), name: LAB_IOS.hostname });
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
    fs.copyFileSync(path.join(LAB_SOURCE_DIR, 'ios-cli.sh'), path.join(this.dir, 'cli.sh'));
    fs.chmodSync(path.join(this.dir, 'cli.sh'), 0o755);
    fs.writeFileSync(path.join(this.dir, 'hostname'), `${LAB_IOS.hostname}\n`, { mode: 0o644 });
    fs.cpSync(IOS_FIXTURES, path.join(this.dir, 'ios'), { recursive: true });
    fs.chmodSync(path.join(this.dir, 'ios'), 0o755);
    for (const f of fs.readdirSync(path.join(this.dir, 'ios'))) fs.chmodSync(path.join(this.dir, 'ios', f), 0o644);
    await this.sshd.start();
  }

  async stop(): Promise<void> {
    await this.sshd.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A fixture file's text, as the router prints it. */
  static fixture(name: 'show-version' | 'show-inventory' | 'show-interfaces' | 'show-running-config'): string {
    return fs.readFileSync(path.join(IOS_FIXTURES, `${name}.txt`), 'utf8');
  }
}
