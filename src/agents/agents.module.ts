// agents/: endpoint agents (the scripts live in the top-level agents/ folder). Enrollment
// tokens that admins hand out, and the endpoint where agents report their own inventory,
// which hands reports to inventory/'s ingest like any collector.
import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { AgentScriptsController } from './agent-scripts.controller';
import { AgentTokensController } from './agent-tokens.controller';
import { AgentTokensRepository } from './agent-tokens.repository';
import { AgentTokensService } from './agent-tokens.service';
import { ReportAuthGuard } from './report-auth.guard';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [InventoryModule],
  controllers: [AgentTokensController, AgentScriptsController, ReportsController],
  providers: [AgentTokensRepository, AgentTokensService, ReportsService, ReportAuthGuard],
})
export class AgentsModule {}
