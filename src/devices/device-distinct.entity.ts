// devices/: two devices a technician has said are different machines, so identity matching
// never merges them even when they share an identifier (a cloned MAC, a reused serial).
import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TextColumn, TimeColumn } from '../database/columns';

@Entity('device_distinct_pairs')
export class DeviceDistinctPair {
  /** the lower id of the pair */
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  /** the higher id of the pair */
  @Index() @PrimaryColumn({ type: 'int', unsigned: true }) otherId: number;
  @TextColumn(64) createdBy: string | null;
  @TimeColumn() createdAt: Date;
}
