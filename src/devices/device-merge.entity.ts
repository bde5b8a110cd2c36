// devices/: which device a merged (deleted) device lives on as, so that what still names the
// merged id (a job run target that was running during the merge and its device lease, a run
// that targeted both) can lead to the survivor. A later merge of the survivor moves these on,
// so each names the device that exists now. The merged device's serial, where the survivor kept
// another, is kept here too: a later report carrying it (a PC whose mainboard was replaced,
// merged by a technician into its old record) finds the survivor by it (ingest's idsBySerial).
import { Entity, Index, PrimaryColumn } from 'typeorm';
import { RefColumn, TextColumn, TimeColumn } from '../database/columns';

@Entity('device_merges')
export class DeviceMerge {
  @PrimaryColumn({ type: 'int', unsigned: true }) mergedId: number;
  @Index() @RefColumn() survivorId: number;
  @TimeColumn() mergedAt: Date;
  @Index() @TextColumn(128) serial: string | null;
}
