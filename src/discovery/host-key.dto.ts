// discovery/: request and response shapes of the pinned SSH host keys.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { SearchPageQuery, sortValues } from '../common/pagination';

/** Sortable fields of the host-key list and the column each sorts by. */
export const HOST_KEY_SORT: Record<string, string> = {
  host: 'k.host', port: 'k.port', firstSeen: 'k.first_seen', lastSeen: 'k.last_seen', rejectedAt: 'k.rejected_at',
};

export class HostKeyQuery extends SearchPageQuery {
  @ApiPropertyOptional({ description: 'matches the beginning of the host (address or name)', example: '10.1.' })
  declare q?: string;

  @ApiPropertyOptional({ description: 'true: only hosts that offered a different key than the pinned one' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'rejected must be true or false' })
  rejected?: boolean;

  @ApiPropertyOptional({ enum: sortValues(HOST_KEY_SORT), default: 'host' })
  @IsOptional() @IsIn(sortValues(HOST_KEY_SORT), { message: `sort must be one of ${sortValues(HOST_KEY_SORT).join(', ')}` })
  sort?: string;
}

/** SHA256:<base64 of 32 bytes, no padding>, as ssh-keygen -l prints it */
const SHA256_FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export class AcceptHostKeyDto {
  @ApiProperty({
    example: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
    description: "the refused key's fingerprint, as the technician compared it with the one the machine's console shows (ssh-keygen -l)",
  })
  @IsString({ message: 'fingerprint must be a string' })
  @Matches(SHA256_FINGERPRINT, { message: 'fingerprint must be a SHA256 fingerprint as ssh-keygen -l prints it (SHA256: and 43 base64 characters)' })
  fingerprint: string;
}

export class HostKeyView {
  @ApiProperty({ example: '10.1.2.3' }) host: string;
  @ApiProperty({ example: 22 }) port: number;
  @ApiProperty({ example: 'ssh-ed25519' }) keyType: string;
  @ApiProperty({ example: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', description: 'the pinned key, as ssh-keygen -l prints it' })
  fingerprint: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the device this host was identified as' }) deviceId: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'lab-web01', description: 'the hostname of that device now' }) deviceName: string | null;
  @ApiProperty() firstSeen: Date;
  @ApiProperty() lastSeen: Date;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'the last different key offered, refused' }) rejectedFingerprint: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) rejectedAt: Date | null;
}

export class HostKeyPage {
  @ApiProperty({ type: [HostKeyView] }) items: HostKeyView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
