import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEntry } from './audit-entry.entity';

export interface AuditFilter {
  userId?: number;
  username?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  since?: Date;
  until?: Date;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(e: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.ds.getRepository(AuditEntry).insert(e);
  }

  async list(f: AuditFilter, offset: number, limit: number): Promise<[AuditEntry[], number]> {
    const qb = this.ds.getRepository(AuditEntry).createQueryBuilder('a');
    if (f.userId !== undefined) qb.andWhere('a.user_id = :userId', { userId: f.userId });
    if (f.username) qb.andWhere('a.username = :username', { username: f.username });
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.objectType) qb.andWhere('a.object_type = :objectType', { objectType: f.objectType });
    if (f.objectId) qb.andWhere('a.object_id = :objectId', { objectId: f.objectId });
    if (f.since) qb.andWhere('a.at >= :since', { since: f.since });
    if (f.until) qb.andWhere('a.at < :until', { until: f.until });
    return qb.orderBy('a.at', 'DESC').addOrderBy('a.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }
}
