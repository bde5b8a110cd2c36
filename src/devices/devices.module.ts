// devices/: devices, hardware, interfaces, addresses, tags, locations, search.
import { Module } from '@nestjs/common';

@Module({})
export class DevicesModule {}
