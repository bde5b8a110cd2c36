// software/: the catalogue (one row per normalized title and publisher) and what each device has installed.
import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TimeColumn } from '../database/columns';

@Entity('software')
@Index(['normalizedName', 'publisher'], { unique: true })
export class Software {
  @IdColumn() id: number;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 255 }) normalizedName: string;
  @Column({ type: 'varchar', length: 255, default: '' }) publisher: string;
  @TimeColumn() createdAt: Date;
  /** Non-retired devices with this title: recounted by the worker (countedAt), adjusted by ingest in between (DeviceCountsService). */
  @Column({ type: 'int', unsigned: true, default: 0 }) deviceCount: number;
  @TimeColumn({ nullable: true }) countedAt: Date | null;
}
