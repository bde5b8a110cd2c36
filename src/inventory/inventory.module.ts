// inventory/: InventoryReport, identity matching, ingest and history. Collectors (discovery)
// and the agents' upload endpoint hand their reports to IngestService.
import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { SoftwareModule } from '../software/software.module';
import { IngestService } from './ingest.service';
import { InventoryRepository } from './inventory.repository';

@Module({
  imports: [DevicesModule, SoftwareModule],
  providers: [InventoryRepository, IngestService],
  exports: [IngestService],
})
export class InventoryModule {}
