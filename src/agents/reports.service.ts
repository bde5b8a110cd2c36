// agents/: an agent's report, checked against the published schema, then ingested through the
// same pipeline and identity matching as discovery's reports, with source kind `agent`.
import { Injectable, Logger } from '@nestjs/common';
import { badRequest } from '../common/validation';
import { IngestService } from '../inventory/ingest.service';
import { IngestResult, InventoryReport } from '../inventory/inventory-report';
import { validateReport } from './report-schema';
import type { Reporter } from './report-auth.guard';

/** The report as the schema describes it: an InventoryReport without `source`, with `agent`. */
export type AgentReport = Omit<InventoryReport, 'source' | 'collectedAt' | 'neighbours'> & {
  agent?: { name: string; version: string };
  collectedAt?: string;
};

@Injectable()
export class ReportsService {
  private readonly logger = new Logger('AgentReports');

  constructor(private readonly ingest: IngestService) {}

  async receive(body: unknown, from: Reporter): Promise<IngestResult> {
    const problems = validateReport(body);
    if (problems.length) {
      const agent = (body as AgentReport | null)?.agent;
      this.logger.warn({ reporter: from.label, agent: typeof agent === 'object' ? agent : undefined, problems: problems.slice(0, 3) }, 'report refused: not valid against the schema');
      throw badRequest(problems);
    }
    const { agent, collectedAt, ...report } = body as AgentReport;
    const now = new Date();
    // an agent's clock may be wrong: a report from the future would keep the device "seen" (and
    // the agent's view ranked first) for as long as that clock is ahead
    const at = collectedAt && new Date(collectedAt) < now ? new Date(collectedAt) : now;
    const result = await this.ingest.ingest({ ...report, source: 'agent', collectedAt: at });
    this.logger.log(
      { reporter: from.label, agent, deviceId: result.deviceId, created: result.created, matchedBy: result.matchedBy, changes: result.changes },
      'agent report ingested',
    );
    return result;
  }
}
