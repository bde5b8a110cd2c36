import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { IsoDateTime, StorableDate, STORABLE_DATES_TEXT } from '../common/dto-fields';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES, AuditAction, AuditObjectType } from './audit-actions';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) userId?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) username?: string;
  @ApiPropertyOptional({ example: 'device.update' }) @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ example: 'device' }) @IsOptional() @IsString() @MaxLength(32) objectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) objectId?: string;
  @ApiPropertyOptional({ description: `ISO 8601, ${STORABLE_DATES_TEXT}` }) @IsOptional() @IsoDateTime() @StorableDate() since?: Date;
  @ApiPropertyOptional({ description: `ISO 8601, ${STORABLE_DATES_TEXT}` }) @IsOptional() @IsoDateTime() @StorableDate() until?: Date;
}

/** One line of the audit log: who did what, when, to which object, from where, and how it ended. */
export class AuditEntryView {
  @ApiProperty() id: number;
  @ApiProperty() at: Date;
  @ApiPropertyOptional({ nullable: true, type: Number }) userId: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) username: string | null;
  @ApiProperty({ example: 'device.update' }) action: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'device' }) objectType: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) objectId: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'what was sent (JSON, secrets redacted) or a summary' }) summary: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ip: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ description: 'the HTTP status the request ended with' }) statusCode: number;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntryView], description: 'newest first' }) items: AuditEntryView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

/** What the audit log's filters can name: every action the server records and every object type. */
export class AuditVocabulary {
  @ApiProperty({ enum: AUDIT_ACTIONS, enumName: 'AuditAction', isArray: true, description: 'every action the server records (writes outside these are named "METHOD /path")' })
  actions: AuditAction[];
  @ApiProperty({ enum: AUDIT_OBJECT_TYPES, enumName: 'AuditObjectType', isArray: true }) objectTypes: AuditObjectType[];
}
