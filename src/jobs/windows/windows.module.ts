// jobs/windows/: maintenance windows — weekly ranges in a time zone, attached to device tags
// here and to jobs by the jobs module, which asks WindowsService when a target may start.
import { Module } from '@nestjs/common';
import { WindowsController } from './windows.controller';
import { WindowsRepository } from './windows.repository';
import { WindowsService } from './windows.service';

@Module({
  controllers: [WindowsController],
  providers: [WindowsRepository, WindowsService],
  exports: [WindowsService],
})
export class WindowsModule {}
