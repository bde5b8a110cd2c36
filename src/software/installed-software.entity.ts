import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { Device } from '../devices/device.entity';
import { Software } from './software.entity';

/** One title at one version on one device. */
@Entity('installed_software')
@Index(['deviceId', 'softwareId', 'version', 'architecture'], { unique: true })
@Index(['softwareId', 'deviceId'])
@Index(['softwareId', 'version'])
export class InstalledSoftware {
  @IdColumn() id: number;
  @RefColumn() deviceId: number;
  @RefColumn() softwareId: number;
  @Column({ type: 'varchar', length: 128, default: '' }) version: string;
  @Column({ type: 'varchar', length: 32, default: '' }) architecture: string;
  @Column({ type: 'date', nullable: true }) installDate: string | null;
  @TextColumn(16) source: string | null;
  @TimeColumn() firstSeen: Date;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
  @ManyToOne(() => Software, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'software_id' }) software?: Relation<Software>;
}
