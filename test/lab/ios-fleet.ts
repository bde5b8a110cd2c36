// Many emulated Cisco routers at once, for the configuration-backup benchmark and fan-out tests:
// each its own address, hostname, serial, MACs and running configuration, served by as few sshd
// processes as OpenSSH allows (one listens on at most 16 addresses). One ios-cli.py serves them
// all: it finds the device a session reached by the local address in $SSH_CONNECTION.
//
// Unlike LabFleet's Linux hosts, the routers behind one sshd share its host key (up to 16 have
// the same one): fine for a benchmark, not for tests of host-key pinning (use LabIosHost).
// Started on this 2-core machine: 200 routers (13 sshd processes) in 0.55-0.6 s, stopped in 0.2 s.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IOS_CLI, iosIdentity, LabIosDevice } from './ios';
import { LabSshCredentials, LabSshd, labDir, makeLabClientKeys, SSHD_MAX_ADDRESSES } from './sshd';

export interface LabIosFleetOptions {
  /** one per router, e.g. labAddresses('127.97.1.1', 200) */
  addresses: string[];
  /** router i (from 1) is called <prefix>NNN, e.g. lab-rtr-b001 */
  hostnamePrefix?: string;
  port?: number;
}

/** Only loopback addresses, each once: the lab never binds or contacts anything else. */
function checkAddresses(addresses: string[]): void {
  if (addresses.length === 0) throw new Error('an IOS fleet needs at least one address');
  for (const a of addresses) {
    const parts = a.split('.');
    if (parts.length !== 4 || parts[0] !== '127' || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
      throw new Error(`lab routers bind loopback addresses (127.0.0.0/8) only, not ${a}`);
    }
  }
  const dup = addresses.find((a, i) => addresses.indexOf(a) !== i);
  if (dup) throw new Error(`address ${dup} given twice`);
}

/** A serial of the fixtures' form (3 letters, 4 digits, 4 characters), distinct per router. */
function fleetSerial(i: number): string {
  return `FDO2213${i.toString(36).toUpperCase().padStart(4, '0')}`;
}

export class LabIosFleet {
  private constructor(
    readonly devices: LabIosDevice[],
    private readonly sshds: LabSshd[],
    private readonly dir: string,
  ) {}

  /** What every router accepts: one user, password and key pair. */
  get credentials(): LabSshCredentials {
    return this.sshds[0].credentials;
  }

  get port(): number {
    return this.sshds[0].port;
  }

  /** Writes every router's files, then starts one sshd per 16 addresses; if one fails, stops all and throws. */
  static async start(o: LabIosFleetOptions): Promise<LabIosFleet> {
    checkAddresses(o.addresses);
    const prefix = o.hostnamePrefix ?? 'lab-rtr-f';
    const dir = labDir(`${prefix}-ios-fleet`);
    const cli = path.join(dir, 'cli.py');
    const sshds: LabSshd[] = [];
    const fleet = new LabIosFleet([], sshds, dir);
    try {
      fs.mkdirSync(path.join(dir, 'devices'), { recursive: true, mode: 0o755 });
      fs.copyFileSync(IOS_CLI, cli);
      fs.chmodSync(cli, 0o755);
      const clientKeys = await makeLabClientKeys(path.join(dir, 'keys'), `${prefix} IOS fleet`);
      o.addresses.forEach((address, i) => {
        const device = new LabIosDevice(address, iosIdentity(`${prefix}${String(i + 1).padStart(3, '0')}`, fleetSerial(i + 1)), path.join(dir, 'devices', address), cli);
        device.create();
        fleet.devices.push(device);
      });
      for (let k = 0; k * SSHD_MAX_ADDRESSES < o.addresses.length; k++) {
        const [address, ...more] = o.addresses.slice(k * SSHD_MAX_ADDRESSES, (k + 1) * SSHD_MAX_ADDRESSES);
        sshds.push(new LabSshd({ address, addresses: more, port: o.port, dir: path.join(dir, `sshd-${k}`), forceCommand: cli, name: `${prefix} IOS fleet ${k}`, clientKeys, sessionMarker: cli }));
      }
      const started = await Promise.allSettled(sshds.map((s) => s.start()));
      const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  /** Stops every sshd and session and removes every file. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.sshds.map((s) => s.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
