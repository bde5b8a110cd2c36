import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) userId?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) username?: string;
  @ApiPropertyOptional({ example: 'device.update' }) @IsOptional() @IsString() @MaxLength(64) action?: string;
  @ApiPropertyOptional({ example: 'device' }) @IsOptional() @IsString() @MaxLength(32) objectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) objectId?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() since?: Date;
  @ApiPropertyOptional() @IsOptional() @Type(() => Date) @IsDate() until?: Date;
}
