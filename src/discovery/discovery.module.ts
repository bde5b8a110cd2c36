// discovery/: scans of address ranges, the SNMP and SSH collectors, classification, pinned
// SSH host keys. The API starts and reads scans; the worker runs them.
import { Module, OnModuleInit } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { InventoryModule } from '../inventory/inventory.module';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { HostKeysController } from './host-keys.controller';
import { HostKeysRepository } from './host-keys.repository';
import { ScanRunner } from './scan-runner.service';
import { ScanSchedulesService } from './scan-schedules.service';
import { ScansController } from './scans.controller';
import { ScansRepository } from './scans.repository';
import { ScansService } from './scans.service';

@Module({
  imports: [CredentialsModule, InventoryModule],
  controllers: [HostKeysController, ScansController],
  providers: [HostKeysRepository, ScansRepository, ScansService, ScanSchedulesService, ScanRunner],
  exports: [HostKeysRepository, ScansService],
})
export class DiscoveryModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: ScanRunner,
    private readonly schedules: ScanSchedulesService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.ScanChunk, ({ scanId, chunkNo }) => this.runner.runChunk(scanId, chunkNo));
    this.registry.register(JobName.ReconcileScans, () => this.runner.reconcile());
    this.registry.register(JobName.FireScanSchedules, async () => ({ started: await this.schedules.fireDue() }));
  }
}
