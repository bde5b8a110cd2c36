// audit/: who did what, when, to which object, from where.
import { Injectable, Logger } from '@nestjs/common';
import { Page } from '../common/pagination';
import { redactSecrets } from '../common/redact';
import { AuditEntry } from './audit-entry.entity';
import { AuditFilter, AuditRepository } from './audit.repository';

export interface AuditRecord {
  userId: number | null;
  username: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | number | null;
  summary?: unknown;
  ip?: string | null;
  requestId?: string | null;
  statusCode: number;
}

const MAX_SUMMARY = 8000;

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly repo: AuditRepository) {}

  async record(r: AuditRecord): Promise<void> {
    let summary: string | null = null;
    if (r.summary !== undefined && r.summary !== null) {
      try {
        summary = typeof r.summary === 'string' ? r.summary : JSON.stringify(redactSecrets(r.summary));
      } catch (err) {
        // a body the parser took but no walk can (the JSON depth check should stop those): the
        // action is still recorded; an exception here would escape every handler
        summary = `(request body not recorded: ${(err as Error).message})`;
      }
      if (summary.length > MAX_SUMMARY) summary = `${summary.slice(0, MAX_SUMMARY)}… (truncated)`;
    }
    try {
      await this.repo.insert({
        at: new Date(), userId: r.userId, username: r.username, action: r.action.slice(0, 64),
        objectType: r.objectType ?? null, objectId: r.objectId === undefined || r.objectId === null ? null : String(r.objectId).slice(0, 64),
        summary, ip: r.ip?.slice(0, 45) ?? null, requestId: r.requestId?.slice(0, 64) ?? null, statusCode: r.statusCode,
      });
    } catch (err) {
      // the write itself already happened; losing its audit line must be loud, not fatal
      this.logger.error({ err: (err as Error).message, action: r.action }, 'could not write audit entry');
    }
  }

  async list(f: AuditFilter, page: number, limit: number): Promise<Page<AuditEntry>> {
    const [items, total] = await this.repo.list(f, (page - 1) * limit, limit);
    return { items, total, page, limit };
  }
}
