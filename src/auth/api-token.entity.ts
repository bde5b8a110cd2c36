import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn } from '../database/columns';
import { User } from './user.entity';

/** A personal API token: only its SHA-256 is stored; it carries its owner's role. */
@Entity('api_tokens')
export class ApiToken {
  @IdColumn() id: number;
  @Index() @RefColumn() userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @Column({ type: 'varchar', length: 128 }) name: string;
  @Index({ unique: true }) @Column({ type: 'char', length: 64 }) tokenHash: string;
  @Column({ type: 'varchar', length: 16 }) prefix: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) expiresAt: Date | null;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
}
