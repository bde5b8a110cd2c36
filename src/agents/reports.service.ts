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

/**
 * When the report was collected, as ingest dates it. A time in the future is now: a clock ahead
 * would keep the device "seen" (and the agent's view ranked first) for as long as it is ahead.
 * An enrolment token's agent sends what it collected at once (it keeps nothing to send later),
 * so a time more than AGENT_CLOCK_BEHIND_MS past is a clock behind (a dead CMOS battery, a VM
 * restored from a snapshot) and is now too: taken as it is, the device's last sighting would
 * never advance, a new device would be stale at once and its history dated in 1970. A
 * technician's upload keeps its time however old (a --dry-run report carried from a machine
 * without network): dated now, yesterday's software list would overwrite what the machine's own
 * agent or a scan has said since; dated as collected, ingest takes it only where nothing newer
 * of the same source is known.
 */
export function collectedAtOf(collectedAt: string | undefined, from: Pick<Reporter, 'agentTokenId'>, now = new Date()): Date {
  const claimed = collectedAt ? new Date(collectedAt) : now;
  if (claimed > now) return now;
  if (from.agentTokenId !== undefined && now.getTime() - claimed.getTime() > AGENT_CLOCK_BEHIND_MS) return now;
  return claimed;
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
    const at = collectedAtOf(collectedAt, from);
    if (collectedAt && at.getTime() !== new Date(collectedAt).getTime()) {
      this.logger.warn({ reporter: from.label, collectedAt }, "the agent's clock is off the server's by more than an hour, or ahead: the report is taken as collected now");
    }
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
      { reporter: from.label, agent, deviceId: result.deviceId, created: result.created, matchedBy: result.matchedBy, changes: result.changes, ...(result.olderThanKnown ? { collectedAt: at, olderThanKnown: true } : {}) },
      result.olderThanKnown ? 'agent report ingested as a sighting only: collected before the last one from this device' : 'agent report ingested',
    );
    return result;
  }
}
