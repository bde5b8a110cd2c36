import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn } from '../database/columns';
import { User } from '../auth/user.entity';

/**
 * An enrollment token: what an endpoint agent sends to report its own inventory, and nothing
 * else. Only its SHA-256 is stored (as for personal API tokens); one token is usually shared by
 * a fleet (a GPO, a configuration-management role), so it names a deployment, not a machine.
 * Revoking keeps the row, so that the list still says which token was revoked and when.
 */
@Entity('agent_tokens')
export class AgentToken {
  @IdColumn() id: number;
  @Column({ type: 'varchar', length: 128 }) name: string;
  @Index({ unique: true }) @Column({ type: 'char', length: 64 }) tokenHash: string;
  @Column({ type: 'varchar', length: 16 }) prefix: string;
  /** reports this token may send per minute, over all the machines that share it */
  @Column({ type: 'int', unsigned: true }) reportsPerMinute: number;
  @RefColumn({ nullable: true }) createdBy: number | null;
  @ManyToOne(() => User, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'created_by' }) creator?: Relation<User>;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) expiresAt: Date | null;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
}
