// devices/: devices, hardware, interfaces, addresses, tags, locations, history, search, CSV,
// merging two records of one machine and marking two devices as distinct machines, tagging many at once.
import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { DevicesBulkService } from './devices-bulk.service';
import { DevicesCsvService } from './devices-csv.service';
import { DevicesMergeRepository } from './devices-merge.repository';
import { DevicesMergeService } from './devices-merge.service';
import { DevicesController } from './devices.controller';
import { DevicesRepository } from './devices.repository';
import { DevicesService } from './devices.service';

@Module({
  controllers: [DevicesController],
  providers: [DevicesRepository, DevicesService, DevicesBulkService, DevicesCsvService, DevicesMergeRepository, DevicesMergeService],
  exports: [DevicesRepository, DevicesService],
})
export class DevicesModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly devices: DevicesService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.MarkStaleDevices, async () => ({ markedStale: await this.devices.markStale() }));
  }
}
