// Many Linux lab hosts at once, for fan-out tests and benchmarks: each its own sshd on its own
// loopback address with its own identity and host key, started concurrently. Their sessions
// read this machine's dpkg database (sharedDpkg) rather than a copy each, and they all
// authorize one set of client keys (one credential reaches the fleet, and the slow
// passphrase-protected key is made once).
import * as fs from 'node:fs';
import { generatedIdentity } from './identities';
import { LabOsRelease, LabSshCredentials, LabSshHost, labDir, makeLabClientKeys } from './sshd';

export interface LabFleetOptions {
  /** one per host, e.g. 127.91.0.1–50 (labAddresses) */
  addresses: string[];
  /** host i (from 1) is called <prefix>NNN, e.g. lab-fan001 */
  hostnamePrefix?: string;
  osRelease?: LabOsRelease;
  /** hosts starting at the same time (each start spawns ssh-keygen three times and an sshd) */
  concurrency?: number;
}

/** `count` consecutive addresses from `first`, e.g. labAddresses('127.91.0.1', 50). */
export function labAddresses(first: string, count: number): string[] {
  const parts = first.split('.').map(Number);
  if (parts.length !== 4 || parts[0] !== 127 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not a loopback address: ${first}`);
  const base = (parts[1] << 16) | (parts[2] << 8) | parts[3];
  if (base + count - 1 > 0xffffff) throw new Error(`${count} addresses from ${first} leave 127.0.0.0/8`);
  return Array.from({ length: count }, (_, i) => {
    const v = base + i;
    return `127.${v >> 16}.${(v >> 8) & 0xff}.${v & 0xff}`;
  });
}

export class LabFleet {
  private constructor(
    readonly hosts: LabSshHost[],
    private readonly keysDir: string,
  ) {}

  /** What every host of the fleet accepts (the same user, password and keys; ports may differ). */
  get credentials(): LabSshCredentials {
    return this.hosts[0].credentials;
  }

  /** Starts every host; if one fails, stops those that started and throws. */
  static async start(o: LabFleetOptions): Promise<LabFleet> {
    const prefix = o.hostnamePrefix ?? 'lab-fan';
    const keysDir = labDir(`${prefix}-keys`);
    const clientKeys = await makeLabClientKeys(keysDir, `${prefix} fleet`);
    const hosts = o.addresses.map(
      (address, i) =>
        new LabSshHost({
          address, identity: generatedIdentity(`${prefix}${String(i + 1).padStart(3, '0')}`, i + 1), osRelease: o.osRelease, sharedDpkg: true, clientKeys,
        }),
    );
    const fleet = new LabFleet(hosts, keysDir);
    const queue = [...hosts];
    const failures: unknown[] = [];
    const worker = async () => {
      for (let h = queue.shift(); h; h = queue.shift()) {
        try {
          await h.start();
        } catch (err) {
          failures.push(err);
          queue.length = 0;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 16) }, worker));
    if (failures.length) {
      await fleet.stop();
      throw failures[0];
    }
    return fleet;
  }

  /** Stops every host and removes their directories. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.hosts.map((h) => h.stop()));
    fs.rmSync(this.keysDir, { recursive: true, force: true });
  }
}
