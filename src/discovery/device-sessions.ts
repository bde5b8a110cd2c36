// discovery/: SSH sessions to known devices, for jobs. Discovery owns what such a session
// needs — the credential that last worked per device, pinned host keys, the SSH collector — so
// it provides the jobs registry's host opener and the inventory.refresh kind.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import * as ipaddr from 'ipaddr.js';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CredentialsService } from '../credentials/credentials.service';
import { IngestService } from '../inventory/ingest.service';
import type { HostSession, JobKind, TargetDevice } from '../jobs/job-kinds';
import { HostKeyVerifier, SshClient, SshError, SshFailure } from '../protocols/ssh/ssh.client';
import { HostKeysRepository } from './host-keys.repository';
import { ScansRepository } from './scans.repository';
import { collectSsh, sshSudo } from './ssh.collector';

/**
 * Where a job looks for a device: where SSH last reached it, then its other addresses, so
 * that a machine that moved (DHCP) is found again; at most `max` of them. Each address gets
 * `addressTimeoutMs` for its TCP connect, handshake and login (an address that refuses or is
 * unreachable answers at once), and all of them together `budgetMs`: a job waits at most 40 s
 * for a session, two silent addresses and most of a third. Less than `minAttemptMs` left is
 * too little for a login: the addresses after are not tried.
 */
export const SESSION_ADDRESSES = { max: 4, addressTimeoutMs: 15_000, budgetMs: 40_000, minAttemptMs: 3_000 } as const;

export interface SshAddress {
  host: string;
  port: number;
}

/** The same address however it is written (2001:DB8::1 and 2001:db8:0::1, ::ffff:192.0.2.1 and 192.0.2.1). */
function addressKey(host: string): string {
  return ipaddr.isValid(host) ? ipaddr.process(host).toString() : host.trim().toLowerCase();
}

/**
 * An address one can connect to from elsewhere: not unspecified, multicast or broadcast, and not
 * link-local (IPv6 link-local needs the zone of an interface of the device's network, which
 * inventory does not keep; IPv4 169.254/16 is an address the device gave itself without DHCP).
 */
function reachable(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return !['unspecified', 'multicast', 'broadcast', 'linkLocal'].includes(ipaddr.process(ip).range());
}

/**
 * The addresses a job tries, in order: where SSH last reached the device (its port), then the
 * other addresses where Teknisi found it (`known`, the credential's port), its primary address
 * first among them, IPv4 before IPv6, each once, at most SESSION_ADDRESSES.max in all. A primary
 * address Teknisi never found the device at is not tried (an agent's report may name one that
 * cannot be reached from here). A device SSH never reached has no pinned key to recognize it by
 * elsewhere: its primary address only, as a first contact.
 */
export function sessionAddresses(reached: SshAddress | null, primary: string | null, known: string[], port: number): SshAddress[] {
  if (!reached) return primary ? [{ host: primary, port }] : [];
  const seen = new Set([`${addressKey(reached.host)}|${reached.port}`]);
  const v4: SshAddress[] = [];
  const v6: SshAddress[] = [];
  const primaryKnown = primary !== null && known.some((ip) => addressKey(ip) === addressKey(primary));
  for (const ip of [primaryKnown ? primary : null, ...known]) {
    if (!ip || !reachable(ip)) continue;
    const address = ipaddr.process(ip);
    const key = `${address.toString()}|${port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (address.kind() === 'ipv4' ? v4 : v6).push({ host: address.toString(), port });
  }
  return [reached, ...v4, ...v6].slice(0, SESSION_ADDRESSES.max);
}

/** Failures at an address that say nothing of the device: nothing there, something else there, or another key. */
const MOVE_ON: ReadonlySet<SshFailure> = new Set(['refused', 'timeout', 'protocol', 'host-key']);

@Injectable()
export class DeviceSessions {
  constructor(
    private readonly scans: ScansRepository,
    private readonly credentials: CredentialsService,
    private readonly hostKeys: HostKeysRepository,
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'sshLegacyAlgorithms'>,
  ) {}

  /**
   * An SSH session on the device with the job's credential or the one that last worked: at the
   * first of sessionAddresses() that answers with one of the device's pinned keys. The next
   * address is tried only when the connection failed before the key was accepted (refused,
   * unreachable, timed out, not SSH, or another key); a refused login is the device's answer.
   * `signal` (a cancel) ends the attempt under way and tries no further address.
   */
  async open(device: TargetDevice, credentialId: number | null, signal?: AbortSignal): Promise<HostSession> {
    const id = credentialId ?? (await this.scans.rememberedCredential(device.id, 'ssh'));
    if (!id) throw new Error('no SSH credential has worked on this device yet: scan it with one, or give the job a credentialId');
    const reached = await this.hostKeys.lastReached(device.id);
    if (!reached && !device.primaryIp) throw new Error('the device has no known address');
    const cred = await this.credentials.reveal(id).catch((err) => {
      throw err instanceof NotFoundException ? new Error(`SSH credential ${id} was deleted`) : err;
    });
    if (cred.kind !== 'ssh') throw new Error(`credential ${id} is ${cred.kind}, not ssh`);
    const addresses = sessionAddresses(reached, device.primaryIp, reached ? await this.knownAddresses(device.id) : [], cred.port);
    const { client, at, tried } = await this.connectFirst(device.id, addresses, reached !== null, signal, (at, timeoutMs, hostKeys) => SshClient.connect({
      host: at.host, port: at.port, username: cred.username, password: cred.password, privateKey: cred.privateKey,
      passphrase: cred.passphrase, timeoutMs, hostKeys, legacyAlgorithms: this.config.sshLegacyAlgorithms, signal,
    }));
    return {
      where: `${cred.username}@${at.host}:${at.port}${tried.length ? ` (tried first: ${tried.join('; ')})` : ''}`,
      access: {
        exec: (command, o) => client.exec(command, o),
        sudo: cred.username !== 'root',
        sudoPassword: cred.sudoPassword ?? cred.password,
      },
      shell: (commands, o) => client.shellEach(commands, o),
      refreshInventory: async () => {
        await this.ingest.ingest(await collectSsh(client, at.host, { sudo: sshSudo(cred) }));
      },
      close: async () => client.close(),
    };
  }

  /**
   * Where Teknisi has found the device itself: addresses at which a scan identified it (by SNMP
   * or SSH) and those where SSH reached it. Not every address inventory lists for it: a device
   * reports addresses no one can reach from here (a container bridge's 172.17.0.1, which every
   * Docker host has; a NAT'd inside address; a network namespace's), and a job would spend its
   * time budget knocking at them, or at another machine that has the same one.
   */
  private async knownAddresses(deviceId: number): Promise<string[]> {
    const [identified, pinned] = await Promise.all([this.scans.identifiedAddresses(deviceId), this.hostKeys.pinnedAddresses(deviceId)]);
    return [...identified, ...pinned];
  }

  /**
   * Connects to the first address that lets it, within the budget; `tried` says why each one
   * before it did not. Pinned keys: the device's own at any address (never a first use), or,
   * for a device SSH never reached, the ordinary first-contact pinning at its primary address.
   */
  private async connectFirst(
    deviceId: number, addresses: SshAddress[], recognizable: boolean, signal: AbortSignal | undefined,
    connect: (at: SshAddress, timeoutMs: number, hostKeys: HostKeyVerifier) => Promise<SshClient>,
  ): Promise<{ client: SshClient; at: SshAddress; tried: string[] }> {
    const started = Date.now();
    const tried: string[] = [];
    const failures: SshError[] = [];
    for (const at of addresses) {
      // a cancelled target knocks at no further address: each one could hold it 15 s more
      signal?.throwIfAborted();
      const left = SESSION_ADDRESSES.budgetMs - (Date.now() - started);
      if (failures.length && left < SESSION_ADDRESSES.minAttemptMs) {
        tried.push(`${at.host}:${at.port} not tried: the ${SESSION_ADDRESSES.budgetMs / 1000} s for connecting were spent`);
        continue;
      }
      const keys = recognizable ? this.hostKeys.deviceVerifier(deviceId) : { ...this.hostKeys.verifier(), pinAccepted: async () => undefined };
      let keyAccepted = false;
      const watched: HostKeyVerifier = {
        pinnedKeyType: keys.pinnedKeyType,
        verify: async (...args) => {
          const verdict = await keys.verify(...args);
          keyAccepted = verdict.ok;
          return verdict;
        },
      };
      try {
        const client = await connect(at, Math.min(SESSION_ADDRESSES.addressTimeoutMs, left), watched);
        await keys.pinAccepted().catch(async (err) => {
          await client.close();
          throw err;
        });
        return { client, at, tried };
      } catch (err) {
        if (!(err instanceof SshError) || signal?.aborted) throw err;
        // past the key it is the device that answered (a refused login, an expired password):
        // another address would only ask it again
        if (keyAccepted || !MOVE_ON.has(err.reason)) throw tried.length ? new SshError(err.reason, `${err.message} (tried first: ${tried.join('; ')})`) : err;
        tried.push(err.message);
        failures.push(err);
      }
    }
    if (tried.length === 1) throw failures[0];
    // a moved machine may come back where it was: worth a retry if any address was only unreachable
    const reason = failures.find((f) => f.reason !== 'host-key')?.reason ?? 'host-key';
    throw new SshError(reason, `no address of the device let Teknisi in: ${tried.join('; ')}`);
  }

  readonly refreshKind: JobKind = {
    name: 'inventory.refresh',
    description: "re-collects the device's inventory over SSH now (hardware, OS, interfaces, software)",
    stopOnCancel: true,
    validate: (raw) => {
      const keys = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw) : ['(not an object)'];
      return { params: {}, problems: keys.map((k) => ({ field: k === '(not an object)' ? '' : k, message: k === '(not an object)' ? 'params must be an object' : `inventory.refresh takes no parameters (got ${k.slice(0, 64)})` })) };
    },
    run: async (ctx) => {
      const s = await ctx.open();
      try {
        await s.refreshInventory();
        return { status: 'succeeded', reason: 'inventory refreshed', exitCode: 0, log: `# ${s.where}\ninventory collected and stored\n`, rebootRequired: false, changed: [] };
      } finally {
        await s.close();
      }
    },
  };
}
