// configs/: configuration backups, versions, diffs, baselines, compliance rules, drift and
// remediation. Registers config.backup and config.push into the jobs registry (jobs/ imports
// nothing of this module); the sessions those kinds open come from discovery/'s host opener.
import { Module, OnModuleInit } from '@nestjs/common';
import { JobKindRegistry } from '../jobs/job-kinds';
import { JobsModule } from '../jobs/jobs.module';
import { configKinds } from './config-kinds';
import { ConfigBaselinesService } from './config-baselines.service';
import { ConfigSearchService } from './config-search.service';
import { ConfigsController } from './configs.controller';
import { ConfigsService } from './configs.service';

@Module({
  imports: [JobsModule],
  controllers: [ConfigsController],
  providers: [ConfigsService, ConfigSearchService, ConfigBaselinesService],
  exports: [ConfigsService],
})
export class ConfigsModule implements OnModuleInit {
  constructor(
    private readonly kinds: JobKindRegistry,
    private readonly configs: ConfigsService,
  ) {}

  onModuleInit(): void {
    for (const k of configKinds(this.configs)) this.kinds.register(k);
  }
}
