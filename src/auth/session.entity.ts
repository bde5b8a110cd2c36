import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { User } from './user.entity';

/** A login: the session token (a signed JWT) names this row, so logout and disabling a user end it. */
@Entity('sessions')
export class Session {
  @PrimaryColumn({ type: 'char', length: 32 }) id: string;
  @Index() @RefColumn() userId: number;
  @ManyToOne(() => User, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'user_id' }) user?: Relation<User>;
  @TimeColumn() createdAt: Date;
  @Index() @TimeColumn() expiresAt: Date;
  @TextColumn(45) ip: string | null;
}
