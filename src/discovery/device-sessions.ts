// discovery/: SSH sessions to known devices, for jobs. Discovery owns what such a session
// needs — the credential that last worked per device, pinned host keys, the SSH collector — so
// it provides the jobs registry's host opener and the inventory.refresh kind.
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CredentialsService } from '../credentials/credentials.service';
import { IngestService } from '../inventory/ingest.service';
import type { HostSession, JobKind, TargetDevice } from '../jobs/job-kinds';
import { SshClient } from '../protocols/ssh/ssh.client';
import { HostKeysRepository } from './host-keys.repository';
import { ScansRepository } from './scans.repository';
import { collectSsh, sshSudo } from './ssh.collector';

const CONNECT_TIMEOUT_MS = 20_000;

@Injectable()
export class DeviceSessions {
  constructor(
    private readonly scans: ScansRepository,
    private readonly credentials: CredentialsService,
    private readonly hostKeys: HostKeysRepository,
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'sshLegacyAlgorithms'>,
  ) {}

  /** An SSH session on the device's primary address with the job's credential or the one that last worked. */
  async open(device: TargetDevice, credentialId: number | null): Promise<HostSession> {
    const id = credentialId ?? (await this.scans.rememberedCredential(device.id, 'ssh'));
    if (!id) throw new Error('no SSH credential has worked on this device yet: scan it with one, or give the job a credentialId');
    // where a scan last reached it over SSH (the address and port it answered on), else its primary address
    const reached = await this.hostKeys.lastReached(device.id);
    const address = reached?.host ?? device.primaryIp;
    if (!address) throw new Error('the device has no known address');
    const cred = await this.credentials.reveal(id).catch((err) => {
      throw err instanceof NotFoundException ? new Error(`SSH credential ${id} was deleted`) : err;
    });
    if (cred.kind !== 'ssh') throw new Error(`credential ${id} is ${cred.kind}, not ssh`);
    const client = await SshClient.connect({
      host: address, port: reached?.port ?? cred.port, username: cred.username, password: cred.password, privateKey: cred.privateKey,
      passphrase: cred.passphrase, timeoutMs: CONNECT_TIMEOUT_MS, hostKeys: this.hostKeys.verifier(), legacyAlgorithms: this.config.sshLegacyAlgorithms,
    });
    return {
      where: `${cred.username}@${address}:${reached?.port ?? cred.port}`,
      access: {
        exec: (command, o) => client.exec(command, o),
        sudo: cred.username !== 'root',
        sudoPassword: cred.sudoPassword ?? cred.password,
      },
      shell: (commands, o) => client.shellEach(commands, o),
      refreshInventory: async () => {
        await this.ingest.ingest(await collectSsh(client, address, { sudo: sshSudo(cred) }));
      },
      close: async () => client.close(),
    };
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
