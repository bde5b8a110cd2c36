// software/: the software catalogue and installs across devices.
import { Module } from '@nestjs/common';

@Module({})
export class SoftwareModule {}
