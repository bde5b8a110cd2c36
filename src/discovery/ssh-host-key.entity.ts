// discovery/: SSH host keys pinned on first contact; a different key later is refused until
// a technician, having compared it with the machine's own, accepts it (or forgets the pinned one).
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { RefColumn, TextColumn, TimeColumn } from '../database/columns';

@Entity('ssh_host_keys')
/** a job's session reads a device's pins four times (its last address, its key types): each scanned every pin */
@Index(['deviceId', 'lastSeen'])
export class SshHostKey {
  @PrimaryColumn({ type: 'varchar', length: 255 }) host: string;
  @PrimaryColumn({ type: 'int', unsigned: true }) port: number;
  @Column({ type: 'varchar', length: 64 }) keyType: string;
  /** SHA256:<base64>, as ssh-keygen -l prints it */
  @Column({ type: 'varchar', length: 128 }) fingerprint: string;
  @RefColumn({ nullable: true }) deviceId: number | null;
  @TimeColumn() firstSeen: Date;
  @TimeColumn() lastSeen: Date;
  /** the last different key offered, kept so the technician can compare before accepting it */
  @TextColumn(128) rejectedFingerprint: string | null;
  @TimeColumn({ nullable: true }) rejectedAt: Date | null;
}
