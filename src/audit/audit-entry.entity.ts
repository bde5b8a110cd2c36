import { Column, Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';

@Entity('audit_log')
@Index(['userId', 'at'])
@Index(['objectType', 'objectId'])
@Index(['action', 'at'])
/** the log filtered by a user name (a click on one) or by an object id, newest first: each read the whole table */
@Index(['username', 'at'])
@Index(['objectId', 'at'])
export class AuditEntry {
  @IdColumn() id: number;
  @Index() @TimeColumn() at: Date;
  @RefColumn({ nullable: true }) userId: number | null;
  @TextColumn(64) username: string | null;
  @Column({ type: 'varchar', length: 64 }) action: string;
  @TextColumn(32) objectType: string | null;
  @TextColumn(64) objectId: string | null;
  @Column({ type: 'text', nullable: true }) summary: string | null;
  @TextColumn(45) ip: string | null;
  @TextColumn(64) requestId: string | null;
  @Column({ type: 'smallint', unsigned: true }) statusCode: number;
}
