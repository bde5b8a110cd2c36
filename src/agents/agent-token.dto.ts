// agents/: what the enrollment-token endpoints take and answer.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { IsoDateTime, MaxChars, StorableDate, trimmed } from '../common/dto-fields';

export const DEFAULT_REPORTS_PER_MINUTE = 120;

export class CreateAgentTokenDto {
  @ApiProperty({ example: 'Office PCs (GPO)', description: 'trimmed; not blank' })
  @trimmed() @IsString() @MinLength(1, { message: 'name must not be blank' }) @MaxChars(128)
  name: string;

  @ApiPropertyOptional({ description: 'ISO 8601; no expiry when absent' })
  @IsOptional() @IsoDateTime() @StorableDate()
  expiresAt?: Date;

  @ApiPropertyOptional({
    minimum: 1, maximum: 100_000, default: DEFAULT_REPORTS_PER_MINUTE,
    description: 'reports per minute over every machine sharing the token; more answer 429 with Retry-After',
  })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  reportsPerMinute?: number;
}

export class AgentTokenView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'first characters of the token, to recognise it' }) prefix: string;
  @ApiProperty() reportsPerMinute: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the admin who created it' }) createdBy: number | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) expiresAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) revokedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt: Date | null;
}

export class CreatedAgentToken extends AgentTokenView {
  @ApiProperty({ description: 'shown once: store it now (the agents send it as Authorization: Bearer <token>)' }) token: string;
}

export class AgentTokenList {
  @ApiProperty({ type: [AgentTokenView] }) items: AgentTokenView[];
  @ApiProperty() total: number;
}
