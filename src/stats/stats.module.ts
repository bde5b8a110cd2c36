// stats/: the dashboard's counts across devices, jobs, scans and configurations. Reads the
// other modules' tables and imports none of their modules, so nothing depends on it.
import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsRepository } from './stats.repository';
import { StatsService } from './stats.service';

@Module({
  controllers: [StatsController],
  providers: [StatsRepository, StatsService],
})
export class StatsModule {}
