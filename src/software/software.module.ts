// software/: the software catalogue and installs across devices.
import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { SoftwareController } from './software.controller';
import { SoftwareRepository } from './software.repository';
import { SoftwareService } from './software.service';

@Module({
  imports: [DevicesModule],
  controllers: [SoftwareController],
  providers: [SoftwareRepository, SoftwareService],
  exports: [SoftwareRepository],
})
export class SoftwareModule {}
