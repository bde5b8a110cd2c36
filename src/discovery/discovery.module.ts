// discovery/: scans of address ranges, the SNMP and SSH collectors, classification, pinned
// SSH host keys. The API starts and reads scans; the worker runs them. It gives jobs/ SSH
// sessions to known devices and the inventory.refresh kind.
import { Module, OnModuleInit } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { InventoryModule } from '../inventory/inventory.module';
import { JobKindRegistry } from '../jobs/job-kinds';
import { JobsModule } from '../jobs/jobs.module';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { DeviceSessions } from './device-sessions';
import { HostKeysController } from './host-keys.controller';
import { HostKeysRepository } from './host-keys.repository';
import { ScanRunner } from './scan-runner.service';
import { ScanSchedulesService } from './scan-schedules.service';
import { DeviceScansController, ScansController } from './scans.controller';
import { ScansRepository } from './scans.repository';
import { ScansService } from './scans.service';

@Module({
  imports: [CredentialsModule, InventoryModule, JobsModule],
  controllers: [HostKeysController, ScansController, DeviceScansController],
  providers: [DeviceSessions, HostKeysRepository, ScansRepository, ScansService, ScanSchedulesService, ScanRunner],
  exports: [HostKeysRepository, ScansService],
})
export class DiscoveryModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: ScanRunner,
    private readonly schedules: ScanSchedulesService,
    private readonly jobKinds: JobKindRegistry,
    private readonly sessions: DeviceSessions,
    private readonly scans: ScansService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ScanChunk, ({ scanId, chunkNo }) => this.runner.runChunk(scanId, chunkNo));
    this.registry.register(JobName.ReconcileScans, () => this.runner.reconcile());
    this.registry.register(JobName.FireScanSchedules, async () => ({ started: await this.schedules.fireDue() }));
    this.registry.register(JobName.PruneScans, () => this.scans.prune());
    this.jobKinds.register(this.sessions.refreshKind);
    this.jobKinds.provideHostOpener((device, credentialId, signal) => this.sessions.open(device, credentialId, signal));
  }
}
