import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsoDateTime, MaxChars, Omittable, StorableDate, trimmed } from '../common/dto-fields';
import { USER_ROLES, UserRole } from './user.entity';

export class LoginDto {
  @ApiProperty({ example: 'admin' }) @IsString() @MinLength(1) @MaxChars(64) username: string;
  @ApiProperty({ format: 'password' }) @IsString() @MinLength(1) @MaxLength(256) password: string;
}

export class UserView {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiPropertyOptional({ nullable: true, type: String }) displayName: string | null;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty() disabled: boolean;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastLoginAt: Date | null;
}

export class UserPage {
  @ApiProperty({ type: [UserView] }) items: UserView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class LoginResponse {
  @ApiProperty({ description: 'send as Authorization: Bearer <accessToken>' }) accessToken: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ type: () => UserView }) user: UserView;
}

/** The names a user can be given (and so the only ones a login looks up). */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export class CreateUserDto {
  @ApiProperty({ example: 'jdoe', pattern: USERNAME.source })
  @IsString() @Matches(USERNAME, { message: 'username may hold letters, digits and . _ @ - (1 to 64, starting with a letter or digit)' })
  username: string;

  @ApiProperty({ minLength: 12, format: 'password', writeOnly: true })
  @IsString() @MinLength(12) @MaxLength(256)
  password: string;

  @ApiProperty({ enum: USER_ROLES }) @IsIn(USER_ROLES) role: UserRole;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(255) displayName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 12, format: 'password', writeOnly: true })
  @Omittable() @IsString() @MinLength(12) @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ enum: USER_ROLES }) @Omittable() @IsIn(USER_ROLES) role?: UserRole;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(255) displayName?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() disabled?: boolean;
}


export class CreateTokenDto {
  @ApiProperty({ example: 'nightly export script', description: 'trimmed; not blank' })
  @trimmed() @IsString() @MinLength(1, { message: 'name must not be blank' }) @MaxChars(128)
  name: string;
  @ApiPropertyOptional({ description: 'ISO 8601; no expiry when absent' })
  @IsOptional() @IsoDateTime() @StorableDate()
  expiresAt?: Date;
}

export class TokenView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'first characters of the token, to recognise it' }) prefix: string;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) expiresAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) lastUsedAt: Date | null;
}

export class TokenList {
  @ApiProperty({ type: [TokenView], description: 'the caller\'s own tokens (or, for an admin, the user\'s)' }) items: TokenView[];
  @ApiProperty() total: number;
}

export class CreatedToken extends TokenView {
  @ApiProperty({ description: 'shown once: store it now' }) token: string;
}
