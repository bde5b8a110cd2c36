import { Column, Entity, Index } from 'typeorm';
import { IdColumn, TextColumn, TimeColumn } from '../database/columns';

export const CREDENTIAL_KINDS = ['snmp-v1', 'snmp-v2c', 'snmp-v3', 'ssh'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Non-secret settings live in `params` (JSON); every secret lives only in `secret`, AES-256-GCM encrypted. */
@Entity('credentials')
export class Credential {
  @IdColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 128 }) name: string;
  @Column({ type: 'varchar', length: 16 }) kind: CredentialKind;
  @TextColumn(255) username: string | null;
  @Column({ type: 'text' }) params: string;
  /** base64 of the sealed JSON: a 16 KiB key of quotes and three 1,024-character passwords of control characters outgrow a TEXT */
  @Column({ type: 'mediumtext' }) secret: string;
  @Index() @Column({ type: 'varchar', length: 16 }) keyId: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
