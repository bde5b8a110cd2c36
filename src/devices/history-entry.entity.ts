// devices/: one row per change to a device (inventory ingest and manual edits), kept for the device's whole life.
import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { Device } from './device.entity';

export const HISTORY_KINDS = ['software', 'hardware', 'os', 'address', 'field'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/**
 * The kind of a device field's history line: os… fields are the OS, the primary address an
 * address (as ingest writes it), the rest fields. Filtering a device's history by kind=address
 * then shows a technician's change of the primary address beside the scans'.
 */
export function fieldHistoryKind(field: string): HistoryKind {
  return field === 'primaryIp' ? 'address' : field.startsWith('os') ? 'os' : 'field';
}
export const HISTORY_ACTIONS = ['added', 'removed', 'changed'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

@Entity('inventory_history')
@Index(['deviceId', 'at'])
export class HistoryEntry {
  @IdColumn() id: number;
  @RefColumn() deviceId: number;
  @TimeColumn() at: Date;
  @Column({ type: 'varchar', length: 16 }) kind: HistoryKind;
  @Column({ type: 'varchar', length: 16 }) action: HistoryAction;
  @Column({ type: 'varchar', length: 255 }) subject: string;
  @Column({ type: 'text', nullable: true }) beforeValue: string | null;
  @Column({ type: 'text', nullable: true }) afterValue: string | null;
  @TextColumn(16) source: string | null;
  @TextColumn(64) actor: string | null;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
}
