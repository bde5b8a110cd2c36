// agents/: an agent's report, checked against the published schema, then ingested through the
// same pipeline and identity matching as discovery's reports, with source kind `agent`.
import { HttpException, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { badRequest } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/env';
import { IngestBusy, IngestService } from '../inventory/ingest.service';
import { IngestResult, InventoryReport } from '../inventory/inventory-report';
import { validateReport } from './report-schema';
import type { Reporter } from './report-auth.guard';

/** The report as the schema describes it: an InventoryReport without `source`, with `agent`. */
export type AgentReport = Omit<InventoryReport, 'source' | 'collectedAt' | 'neighbours'> & {
  agent?: { name: string; version: string };
  collectedAt?: string;
};

/** what a 503 asks an agent to wait (Retry-After) */
export const BUSY_RETRY_S = 30;

/** 503 Service Unavailable, with the seconds to wait (Retry-After, set by the controller). */
export class ServerBusy extends HttpException {
  readonly retryAfterS = BUSY_RETRY_S;
  constructor(message: string) {
    super(message, HttpStatus.SERVICE_UNAVAILABLE);
  }
}

/** How far behind the server's clock a report's collection time is still believed. */
export const AGENT_CLOCK_BEHIND_MS = 60 * 60_000;

/**
 * The agent's name and version from a refused report, for the log: short strings only, since
 * the report failed the schema and its `agent` may be anything (an 8 MB string, a huge array).
 */
export function agentLabel(body: unknown): { name?: string; version?: string } | undefined {
  const agent = body && typeof body === 'object' ? (body as { agent?: unknown }).agent : undefined;
  if (!agent || typeof agent !== 'object' || Array.isArray(agent)) return undefined;
  const short = (v: unknown) => (typeof v === 'string' ? v.slice(0, 64) : undefined);
  return { name: short((agent as { name?: unknown }).name), version: short((agent as { version?: unknown }).version) };
}

@Injectable()
export class ReportsService {
  private readonly logger = new Logger('AgentReports');

  /** reports this process is storing now */
  private inFlight = 0;

  constructor(
    private readonly ingest: IngestService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'reportsInFlight'>,
  ) {}

  async receive(body: unknown, from: Reporter): Promise<IngestResult> {
    const problems = validateReport(body);
    if (problems.length) {
      this.logger.warn({ reporter: from.label, agent: agentLabel(body), problems: problems.slice(0, 3) }, 'report refused: not valid against the schema');
      throw badRequest(problems);
    }
    const { agent, collectedAt, ...report } = body as AgentReport;
    const now = new Date();
    // an agent's clock may be wrong: a report from the future would keep the device "seen" (and
    // the agent's view ranked first) for as long as that clock is ahead. Agents send what they
    // collected at once (they keep nothing to send later), so a time long past is a clock behind
    // (a dead CMOS battery, a board without one, a VM restored from a snapshot): taken as it is,
    // the device's last sighting would never advance, a new device would be stale at once and
    // its history dated in 1970.
    const claimed = collectedAt ? new Date(collectedAt) : now;
    const at = claimed <= now && now.getTime() - claimed.getTime() <= AGENT_CLOCK_BEHIND_MS ? claimed : now;
    if (at !== claimed && collectedAt) this.logger.warn({ reporter: from.label, collectedAt }, "the agent's clock is off the server's by more than an hour, or ahead: the report is taken as collected now");
    // a burst of agents (a building powering on at 8:00) would take every database connection,
    // and the UI's requests would queue behind them: past the cap, "later" in words and seconds
    if (this.inFlight >= this.config.reportsInFlight) {
      throw new ServerBusy(`The server is storing ${this.inFlight} reports already; send this one again in ${BUSY_RETRY_S} s (the agent's next run will also do)`);
    }
    this.inFlight++;
    let result: IngestResult;
    try {
      result = await this.ingest.ingest({ ...report, source: 'agent', collectedAt: at });
    } catch (err) {
      if (err instanceof IngestBusy) throw new ServerBusy(`The report could not be stored now: ${err.message}; send it again in ${BUSY_RETRY_S} s`);
      throw err;
    } finally {
      this.inFlight--;
    }
    this.logger.log(
      { reporter: from.label, agent, deviceId: result.deviceId, created: result.created, matchedBy: result.matchedBy, changes: result.changes },
      'agent report ingested',
    );
    return result;
  }
}
