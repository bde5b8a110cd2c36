// credentials/: request and response shapes. One flat create body for all kinds: each field
// says which kinds have it; a field of another kind is a 400 naming it. No message here may
// contain a submitted value (secrets travel in these bodies).
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateBy, ValidateIf, ValidationArguments, ValidationOptions } from 'class-validator';
import { MaxChars, trimmed } from '../common/dto-fields';
import { SearchPageQuery, sortValues } from '../common/pagination';
import { CREDENTIAL_KINDS, CredentialKind } from './credential.entity';
import {
  CredentialViewShape, kindsWith, SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, SNMP_SECURITY_LEVELS,
  SnmpAuthProtocol, SnmpPrivProtocol, SnmpSecurityLevel,
} from './credential-fields';

const isPresent = (v: unknown): boolean => v !== undefined && v !== null;
/** Type and length checks run only on a value that was sent; a missing one gets the "required" message alone. */
const whenSent: ValidationOptions = { validateIf: (_o: object, v: unknown) => isPresent(v) };
const sent = (extra: ValidationOptions = {}): ValidationOptions => ({ ...whenSent, ...extra });

const isKind = (k: unknown): k is CredentialKind => (CREDENTIAL_KINDS as readonly unknown[]).includes(k);
const isLevel = (l: unknown): l is SnmpSecurityLevel => (SNMP_SECURITY_LEVELS as readonly unknown[]).includes(l);
const AUTH_LEVELS: SnmpSecurityLevel[] = ['authNoPriv', 'authPriv'];

interface KindRule {
  /** Beyond belonging to the kind: the object also needs the field (default: never). */
  required?: (o: CreateCredentialDto) => boolean;
  requiredMessage?: string;
  /** Beyond belonging to the kind: the field may be sent only when this holds. */
  allowed?: (o: CreateCredentialDto) => boolean;
  notAllowedMessage?: string;
}

/** Which of a kind field's rules the object breaks, or null. Messages name fields and kinds, never values. */
function kindFieldProblem(kinds: readonly CredentialKind[], rule: KindRule, args: ValidationArguments): string | null {
  const o = args.object as CreateCredentialDto;
  const { property } = args;
  if (!isKind(o.kind)) return null; // the kind's own error says it all
  if (!kinds.includes(o.kind)) {
    return isPresent(args.value) ? `${property} is not a field of kind ${o.kind} (only of ${kinds.join(', ')})` : null;
  }
  if (!isPresent(args.value)) return rule.required?.(o) ? (rule.requiredMessage ?? `${property} is required for kind ${o.kind}`) : null;
  if (rule.allowed && !rule.allowed(o)) return rule.notAllowedMessage ?? `${property} is not allowed here`;
  return null;
}

/**
 * A field that only some kinds have: checked when sent, or when the kind requires it. Sent with
 * another kind, or where `allowed` rules it out, it is a 400 naming the field.
 */
function KindField(kinds: readonly CredentialKind[], rule: KindRule = {}): PropertyDecorator {
  return applyDecorators(
    ValidateIf((o: CreateCredentialDto, v: unknown) => isPresent(v) || (isKind(o.kind) && kinds.includes(o.kind) && !!rule.required?.(o))),
    ValidateBy({
      name: 'kindField',
      validator: {
        validate: (_v: unknown, args?: ValidationArguments) => kindFieldProblem(kinds, rule, args!) === null,
        defaultMessage: (args?: ValidationArguments) => kindFieldProblem(kinds, rule, args!) ?? 'invalid',
      },
    }),
  );
}

const always = () => true;
const needsAuth = (o: CreateCredentialDto) => isLevel(o.securityLevel) && AUTH_LEVELS.includes(o.securityLevel);
const needsPriv = (o: CreateCredentialDto) => isLevel(o.securityLevel) && o.securityLevel === 'authPriv';
// with an invalid securityLevel only its own error is reported
const authAllowed = (o: CreateCredentialDto) => !isLevel(o.securityLevel) || needsAuth(o);
const privAllowed = (o: CreateCredentialDto) => !isLevel(o.securityLevel) || needsPriv(o);

const PEM_PRIVATE_KEY = /^\s*-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----\r?\n(?:[\x20-\x7e]*\r?\n)+-----END \1-----\s*$/;

/** A PEM (PKCS#1, PKCS#8, SEC1) or OpenSSH private key block; PuTTY's .ppk is not one. */
export function isPrivateKeyBlock(v: unknown): boolean {
  return typeof v === 'string' && PEM_PRIVATE_KEY.test(v);
}

// Field bundles shared by the create and the update body, so that both check the same way.
/** trimmed first: " core v3 " is the credential "core v3", which the form (and a second copy) would also call it */
const Name = () => applyDecorators(trimmed(), IsString(), Matches(/\S/, { message: 'name must not be blank' }), MaxChars(128));
const Username = () => applyDecorators(IsString(sent()), MinLength(1, sent()), MaxChars(255, sent()));
const SecurityLevel = () => applyDecorators(IsIn(SNMP_SECURITY_LEVELS, sent()));
const AuthProtocol = () => applyDecorators(IsIn(SNMP_AUTH_PROTOCOLS, sent()));
const PrivProtocol = () => applyDecorators(IsIn(SNMP_PRIV_PROTOCOLS, sent()));
const Port = () => applyDecorators(IsInt(sent()), Min(1, sent()), Max(65535, sent()));
const Community = () => applyDecorators(IsString(sent()), MinLength(1, sent()), MaxChars(255, sent()));
// SNMPv3 (RFC 3414) needs pass phrases of at least 8 characters to derive keys from
const SnmpKey = () => applyDecorators(IsString(sent()), MinLength(8, sent()), MaxChars(255, sent()));
const Password = () => applyDecorators(IsString(sent()), MinLength(1, sent()), MaxLength(1024, sent()));
const PrivateKey = () => applyDecorators(
  IsString(sent()), MaxLength(16384, sent()),
  ValidateBy({
    name: 'isPrivateKeyBlock',
    validator: {
      validate: (v: unknown) => isPrivateKeyBlock(v),
      defaultMessage: () => 'privateKey must be a PEM or OpenSSH private key block (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----); convert a PuTTY .ppk key with puttygen first',
    },
  }, sent()),
);

const secret = (description: string) => ({ description, writeOnly: true, format: 'password' });
const of = (field: Parameters<typeof kindsWith>[0]) => kindsWith(field).join(', ');

export class CreateCredentialDto {
  @ApiProperty({ example: 'core switches v3', maxLength: 128, description: 'unique' })
  @Name()
  name: string;

  @ApiProperty({ enum: CREDENTIAL_KINDS })
  @IsIn(CREDENTIAL_KINDS)
  kind: CredentialKind;

  @ApiPropertyOptional({ description: `${of('username')}: required` })
  @KindField(kindsWith('username'), { required: always }) @Username()
  username?: string;

  @ApiPropertyOptional({ ...secret(`${of('community')}: required`), maxLength: 255 })
  @KindField(kindsWith('community'), { required: always }) @Community()
  community?: string;

  @ApiPropertyOptional({ enum: SNMP_SECURITY_LEVELS, description: 'snmp-v3: required' })
  @KindField(['snmp-v3'], { required: always }) @SecurityLevel()
  securityLevel?: SnmpSecurityLevel;

  @ApiPropertyOptional({ enum: SNMP_AUTH_PROTOCOLS, description: 'snmp-v3: required for authNoPriv and authPriv' })
  @KindField(['snmp-v3'], { required: needsAuth, allowed: authAllowed, notAllowedMessage: 'authProtocol is used only with securityLevel authNoPriv or authPriv', requiredMessage: 'authProtocol is required for securityLevel authNoPriv and authPriv' })
  @AuthProtocol()
  authProtocol?: SnmpAuthProtocol;

  @ApiPropertyOptional({ ...secret('snmp-v3: required for authNoPriv and authPriv'), minLength: 8, maxLength: 255 })
  @KindField(['snmp-v3'], { required: needsAuth, allowed: authAllowed, notAllowedMessage: 'authKey is used only with securityLevel authNoPriv or authPriv', requiredMessage: 'authKey is required for securityLevel authNoPriv and authPriv' })
  @SnmpKey()
  authKey?: string;

  @ApiPropertyOptional({ enum: SNMP_PRIV_PROTOCOLS, description: 'snmp-v3: required for authPriv' })
  @KindField(['snmp-v3'], { required: needsPriv, allowed: privAllowed, notAllowedMessage: 'privProtocol is used only with securityLevel authPriv', requiredMessage: 'privProtocol is required for securityLevel authPriv' })
  @PrivProtocol()
  privProtocol?: SnmpPrivProtocol;

  @ApiPropertyOptional({ ...secret('snmp-v3: required for authPriv'), minLength: 8, maxLength: 255 })
  @KindField(['snmp-v3'], { required: needsPriv, allowed: privAllowed, notAllowedMessage: 'privKey is used only with securityLevel authPriv', requiredMessage: 'privKey is required for securityLevel authPriv' })
  @SnmpKey()
  privKey?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 65535, default: 22, description: 'ssh' })
  @KindField(['ssh']) @Port()
  port?: number;

  @ApiPropertyOptional({ ...secret('ssh: password or privateKey (or both) is required'), maxLength: 1024 })
  @KindField(['ssh'], { required: (o) => !isPresent(o.privateKey), requiredMessage: 'kind ssh needs a password or a privateKey (or both)' })
  @Password()
  password?: string;

  @ApiPropertyOptional({ ...secret('ssh: a PEM or OpenSSH private key block'), maxLength: 16384 })
  @KindField(['ssh']) @PrivateKey()
  privateKey?: string;

  @ApiPropertyOptional({ ...secret('ssh: unlocks privateKey'), maxLength: 1024 })
  @KindField(['ssh'], { allowed: (o) => isPresent(o.privateKey), notAllowedMessage: 'passphrase goes only with a privateKey' })
  @Password()
  passphrase?: string;

  @ApiPropertyOptional({ ...secret('ssh: for sudo, when it differs from password'), maxLength: 1024 })
  @KindField(['ssh']) @Password()
  sudoPassword?: string;
}

// `type` is spelled out where the property's TypeScript type is a union (string | null): the
// document would otherwise describe it as an empty object
const clearable = (description: string) => ({ ...secret(`${description}; null removes it`), type: String, nullable: true });

/**
 * A partial change. Fields are checked for type here; the result of applying the change is
 * then checked against the kind's rules as a whole (CredentialsService.update). Secrets that
 * are not sent stay as they are; null removes an optional one.
 */
export class UpdateCredentialDto {
  @ApiPropertyOptional({ maxLength: 128 })
  @ValidateIf((_o, v) => v !== undefined) @Name()
  name?: string;

  @ApiPropertyOptional({ enum: CREDENTIAL_KINDS, description: 'cannot change: create a new credential instead' })
  @ValidateIf((_o, v) => v !== undefined) @IsIn(CREDENTIAL_KINDS)
  kind?: CredentialKind;

  @ApiPropertyOptional({ type: String }) @IsOptional() @Username() username?: string | null;
  @ApiPropertyOptional({ enum: SNMP_SECURITY_LEVELS }) @IsOptional() @SecurityLevel() securityLevel?: SnmpSecurityLevel;
  @ApiPropertyOptional({ enum: SNMP_AUTH_PROTOCOLS, nullable: true }) @IsOptional() @AuthProtocol() authProtocol?: SnmpAuthProtocol | null;
  @ApiPropertyOptional({ enum: SNMP_PRIV_PROTOCOLS, nullable: true }) @IsOptional() @PrivProtocol() privProtocol?: SnmpPrivProtocol | null;
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 65535 }) @IsOptional() @Port() port?: number | null;
  @ApiPropertyOptional({ ...secret('snmp-v1, snmp-v2c'), type: String }) @IsOptional() @Community() community?: string | null;
  @ApiPropertyOptional(clearable('snmp-v3')) @IsOptional() @SnmpKey() authKey?: string | null;
  @ApiPropertyOptional(clearable('snmp-v3')) @IsOptional() @SnmpKey() privKey?: string | null;
  @ApiPropertyOptional(clearable('ssh')) @IsOptional() @Password() password?: string | null;
  @ApiPropertyOptional(clearable('ssh')) @IsOptional() @PrivateKey() privateKey?: string | null;
  @ApiPropertyOptional(clearable('ssh')) @IsOptional() @Password() passphrase?: string | null;
  @ApiPropertyOptional(clearable('ssh')) @IsOptional() @Password() sudoPassword?: string | null;
}

export const CREDENTIAL_SORT: Record<string, string> = { name: 'c.name', kind: 'c.kind', createdAt: 'c.createdAt', updatedAt: 'c.updatedAt' };

export class CredentialQuery extends SearchPageQuery {
  @ApiPropertyOptional({ enum: CREDENTIAL_KINDS }) @IsOptional() @IsIn(CREDENTIAL_KINDS) kind?: CredentialKind;
  @ApiPropertyOptional({ enum: sortValues(CREDENTIAL_SORT), default: 'name' })
  @IsOptional() @IsIn(sortValues(CREDENTIAL_SORT), { message: `sort must be one of ${sortValues(CREDENTIAL_SORT).join(', ')}` })
  sort?: string;
}

/** A credential as the API shows it: settings and has* flags, never a secret. */
export class CredentialView implements CredentialViewShape {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CREDENTIAL_KINDS }) kind: CredentialKind;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'snmp-v3, ssh' }) username?: string | null;
  @ApiPropertyOptional({ enum: SNMP_SECURITY_LEVELS }) securityLevel?: SnmpSecurityLevel;
  @ApiPropertyOptional({ enum: SNMP_AUTH_PROTOCOLS }) authProtocol?: SnmpAuthProtocol;
  @ApiPropertyOptional({ enum: SNMP_PRIV_PROTOCOLS }) privProtocol?: SnmpPrivProtocol;
  @ApiPropertyOptional() port?: number;
  @ApiPropertyOptional({ description: 'snmp-v1, snmp-v2c' }) hasCommunity?: boolean;
  @ApiPropertyOptional({ description: 'snmp-v3' }) hasAuthKey?: boolean;
  @ApiPropertyOptional({ description: 'snmp-v3' }) hasPrivKey?: boolean;
  @ApiPropertyOptional({ description: 'ssh' }) hasPassword?: boolean;
  @ApiPropertyOptional({ description: 'ssh' }) hasPrivateKey?: boolean;
  @ApiPropertyOptional({ description: 'ssh' }) hasPassphrase?: boolean;
  @ApiPropertyOptional({ description: 'ssh' }) hasSudoPassword?: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class CredentialPage {
  @ApiProperty({ type: [CredentialView] }) items: CredentialView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
