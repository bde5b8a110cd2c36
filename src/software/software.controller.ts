import { Controller, Get, Param, ParseIntPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DeviceSoftwareQuery } from '../devices/device.dto';
import { SoftwareDevicesQuery, SoftwareQuery } from './software.dto';
import { SoftwareService } from './software.service';

@ApiTags('software')
@ApiBearerAuth()
@Controller()
export class SoftwareController {
  constructor(private readonly software: SoftwareService) {}

  @Get('software')
  catalogue(@Query() q: SoftwareQuery) {
    return this.software.catalogue(q);
  }

  @Get('software/:id/devices')
  devices(@Param('id', ParseIntPipe) id: number, @Query() q: SoftwareDevicesQuery) {
    return this.software.devicesWith(id, q);
  }

  @Get('devices/:id/software')
  onDevice(@Param('id', ParseIntPipe) id: number, @Query() q: DeviceSoftwareQuery) {
    return this.software.onDevice(id, q);
  }
}
