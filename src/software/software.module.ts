// software/: the software catalogue and installs across devices.
import { Module, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../queue/job-registry';
import { JobName } from '../queue/queue.constants';
import { DevicesModule } from '../devices/devices.module';
import { DeviceCountsService } from './device-counts.service';
import { SoftwareController } from './software.controller';
import { SoftwareRepository } from './software.repository';
import { SoftwareService } from './software.service';

@Module({
  imports: [DevicesModule],
  controllers: [SoftwareController],
  providers: [SoftwareRepository, SoftwareService, DeviceCountsService],
  exports: [SoftwareRepository, DeviceCountsService],
})
export class SoftwareModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly software: SoftwareService,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.RecountSoftware, async () => ({ titles: await this.software.recount() }));
  }
}
