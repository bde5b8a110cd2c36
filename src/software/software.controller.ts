import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DeviceSoftwareQuery } from '../devices/device.dto';
import { IdParam } from '../common/id-param';
import { InstalledPage, SoftwareDetailView, SoftwareDevicePage, SoftwareDevicesQuery, SoftwarePage, SoftwareQuery } from './software.dto';
import { SoftwareService } from './software.service';

@ApiTags('software')
@ApiBearerAuth()
@Controller()
export class SoftwareController {
  constructor(private readonly software: SoftwareService) {}

  @Get('software')
  @ApiOkResponse({ type: SoftwarePage })
  catalogue(@Query() q: SoftwareQuery) {
    return this.software.catalogue(q);
  }

  @Get('software/:id')
  @ApiOkResponse({ type: SoftwareDetailView })
  @ApiNotFoundResponse({ description: 'no such title' })
  title(@IdParam('id') id: number) {
    return this.software.title(id);
  }

  @Get('software/:id/devices')
  @ApiOkResponse({ type: SoftwareDevicePage })
  devices(@IdParam('id') id: number, @Query() q: SoftwareDevicesQuery) {
    return this.software.devicesWith(id, q);
  }

  @Get('devices/:id/software')
  @ApiOkResponse({ type: InstalledPage })
  onDevice(@IdParam('id') id: number, @Query() q: DeviceSoftwareQuery) {
    return this.software.onDevice(id, q);
  }
}
