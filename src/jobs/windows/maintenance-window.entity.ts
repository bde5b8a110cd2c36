// jobs/windows/: maintenance windows (weekly wall-clock ranges in a time zone) and the device
// tags they hold. Jobs attach windows through job_windows, which the jobs tables own.
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { IdColumn, TimeColumn } from '../../database/columns';
import type { WindowRange } from './window-time';

@Entity('maintenance_windows')
export class MaintenanceWindow {
  @IdColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 128 }) name: string;
  @Column({ type: 'varchar', length: 64 }) timezone: string;
  @Column({ type: 'simple-json' }) ranges: WindowRange[];
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** A device tag whose devices may only be worked on while one of the tag's windows is open. */
@Entity('maintenance_window_tags')
export class MaintenanceWindowTag {
  @PrimaryColumn({ type: 'int', unsigned: true }) windowId: number;
  @Index() @PrimaryColumn({ type: 'varchar', length: 64 }) tag: string;
  @ManyToOne(() => MaintenanceWindow, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'window_id' }) window?: Relation<MaintenanceWindow>;
}
