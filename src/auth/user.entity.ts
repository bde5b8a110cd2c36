import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TextColumn, TimeColumn } from '../database/columns';

export const USER_ROLES = ['viewer', 'technician', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

@Entity('users')
export class User {
  @IdColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 64 }) username: string;
  @TextColumn(255) displayName: string | null;
  @Column({ type: 'varchar', length: 16 }) role: UserRole;
  @Column({ type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'boolean', default: false }) disabled: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
  @TimeColumn({ nullable: true }) lastLoginAt: Date | null;
}
