// credentials/: the rules of the vault. Secrets are sealed with AES-256-GCM under a key derived
// from the root key before they reach the repository; the API sees only settings and has*
// flags; reveal() opens a credential for the worker and is never reachable over HTTP.
import { BadRequestException, ConflictException, Inject, Injectable, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import * as util from 'node:util';
import { Page, parseSort } from '../common/pagination';
import { badRequest, flattenValidationErrors } from '../common/validation';
import { ROOT_KEY, RootKey } from '../config/secret-key';
import { Credential } from './credential.entity';
import {
  applyCredentialPatch, CredentialInput, joinCredential, parseParams, Secrets, secretAad, SECRET_FIELDS, SecretField,
  SnmpAuthProtocol, SnmpPrivProtocol, SnmpSecurityLevel, splitCredential, toCredentialView, unsentSecretsKept,
} from './credential-fields';
import { CREDENTIAL_SORT, CreateCredentialDto, CredentialQuery, CredentialView, UpdateCredentialDto } from './credential.dto';
import { CredentialsRepository } from './credentials.repository';
import { SecretBox } from './secret-box';

interface RevealedBase {
  id: number;
  name: string;
}

/** A credential with its secrets, for the SNMP and SSH clients in the worker. */
export type RevealedCredential =
  | (RevealedBase & { kind: 'snmp-v1' | 'snmp-v2c'; community: string })
  | (RevealedBase & {
      kind: 'snmp-v3'; username: string; securityLevel: SnmpSecurityLevel;
      authProtocol?: SnmpAuthProtocol; authKey?: string; privProtocol?: SnmpPrivProtocol; privKey?: string;
    })
  | (RevealedBase & { kind: 'ssh'; username: string; port: number; password?: string; privateKey?: string; passphrase?: string; sudoPassword?: string });

/**
 * The ciphertext was sealed under another root key. Most often this process has the wrong key
 * (a worker on another host, or a key file generated in another directory), not a rotated one,
 * so the fix named first is giving it the key the others use.
 */
export class CredentialKeyMismatchError extends InternalServerErrorException {
  constructor(readonly credentialId: number) {
    super(
      `credential ${credentialId} was encrypted under a different key than this process has: give every Teknisi process ` +
        '(API and workers) the same TEKNISI_SECRET_KEY or key file; only if the key was changed on purpose, run ' +
        'npm run secrets:rotate with the old key (as TEKNISI_SECRET_KEY or in the key file) and the current one as TEKNISI_NEW_SECRET_KEY',
    );
  }
}

/** The key matches but the ciphertext does not open: it was damaged or altered in the database. */
export class CredentialUnreadableError extends InternalServerErrorException {
  constructor(readonly credentialId: number) {
    super(
      `credential ${credentialId} could not be decrypted: its stored ciphertext is damaged or was altered; ` +
        'enter its secrets again (a change that sends every secret it has replaces them)',
    );
  }
}

/**
 * Makes a revealed credential print and serialize without its secrets (console, pino, a JSON
 * response or a queue payload by mistake); the properties themselves stay plain for the clients.
 */
function hideSecrets<T extends RevealedBase & { kind: string }>(value: T): T {
  const safe = () => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = (SECRET_FIELDS as readonly string[]).includes(k) ? '[redacted]' : v;
    return out;
  };
  Object.defineProperty(value, 'toJSON', { value: safe, enumerable: false });
  Object.defineProperty(value, util.inspect.custom, { value: () => safe(), enumerable: false });
  return value;
}

@Injectable()
export class CredentialsService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: CredentialsRepository,
    @Inject(ROOT_KEY) rootKey: RootKey,
  ) {
    this.box = new SecretBox(rootKey.material);
  }

  async list(q: CredentialQuery): Promise<Page<CredentialView>> {
    const sort = parseSort(q.sort, CREDENTIAL_SORT, 'name');
    const [rows, total] = await this.repo.list({ q: q.q, kind: q.kind }, sort, (q.page - 1) * q.limit, q.limit);
    return { items: rows.map(toCredentialView), total, page: q.page, limit: q.limit };
  }

  async get(id: number): Promise<CredentialView> {
    return toCredentialView(await this.findRow(id));
  }

  /** The credential, or null when there is none with that id (what a request naming one checks). */
  async find(id: number): Promise<CredentialView | null> {
    return this.get(id).catch((err) => (err instanceof NotFoundException ? null : Promise.reject(err)));
  }

  async create(dto: CreateCredentialDto): Promise<CredentialView> {
    const now = new Date();
    const saved = await this.repo.insertCredential({ ...this.seal(dto), createdAt: now, updatedAt: now });
    if (!saved) throw this.nameTaken(dto.name);
    return toCredentialView(saved);
  }

  /**
   * Applies a partial change: secrets not sent stay, null removes an optional one. The result
   * is validated as a whole against its kind's rules, then sealed again.
   */
  async update(id: number, dto: UpdateCredentialDto): Promise<CredentialView> {
    let name = '';
    const result = await this.repo.updateLocked(id, async (row) => {
      if (dto.kind !== undefined && dto.kind !== row.kind) {
        const message = `kind cannot change (this credential is ${row.kind}); create a new credential instead`;
        throw new BadRequestException({ message: `kind: ${message}`, details: [{ field: 'kind', messages: [message] }] });
      }
      const next = await this.validateWhole(applyCredentialPatch(this.currentFor(row, dto), dto));
      name = next.name;
      return this.seal(next);
    });
    if (result === 'missing') throw this.notFound(id);
    if (result === 'name-taken') throw this.nameTaken(name);
    return this.get(id);
  }

  async remove(id: number): Promise<void> {
    if (!(await this.repo.deleteCredential(id))) throw this.notFound(id);
  }

  /**
   * The credential with its secrets, for protocol clients inside the worker. Never return it
   * over HTTP or put it in a queue payload (pass the id); its JSON form hides the secrets anyway.
   */
  async reveal(id: number): Promise<RevealedCredential> {
    const row = await this.findRow(id);
    const full = joinCredential(row, parseParams(row.params), this.open(row));
    return hideSecrets({ id: row.id, ...full } as RevealedCredential);
  }

  private seal(input: CredentialInput): Pick<Credential, 'name' | 'kind' | 'username' | 'params' | 'secret' | 'keyId'> {
    const split = splitCredential(input);
    return {
      name: split.name, kind: split.kind, username: split.username, params: JSON.stringify(split.params),
      secret: this.box.seal(split.secrets, secretAad(split.kind)), keyId: this.box.keyId,
    };
  }

  /**
   * The stored credential a change applies to. When its ciphertext is damaged, a change that
   * sends again every secret it would keep can still be made (the damaged values are
   * overwritten unread); any other change is refused, naming those secrets. A key mismatch is
   * not overwritten: the fix is the key, and a row sealed under this process's wrong key
   * would become unreadable once the right key is back.
   */
  private currentFor(row: Credential, dto: UpdateCredentialDto): CredentialInput {
    const params = parseParams(row.params);
    try {
      return joinCredential(row, params, this.open(row));
    } catch (err) {
      if (!(err instanceof CredentialUnreadableError)) throw err;
      const missing = unsentSecretsKept(row.kind, params.secretFields, dto);
      if (missing.length) throw this.secretsToResend(row.id, missing);
      return joinCredential(row, params, {});
    }
  }

  private secretsToResend(id: number, fields: SecretField[]): BadRequestException {
    const why = `the stored value cannot be decrypted (credential ${id}'s ciphertext is damaged or was altered): send it again, or null to remove it`;
    return new BadRequestException({
      message: `credential ${id}'s stored secrets cannot be decrypted: a change must send ${fields.join(', ')} again (or null to remove one)`,
      details: fields.map((field) => ({ field, messages: [why] })),
    });
  }

  private open(row: Credential): Secrets {
    if (row.keyId !== this.box.keyId) throw new CredentialKeyMismatchError(row.id);
    try {
      return this.box.open<Secrets>(row.secret, secretAad(row.kind));
    } catch {
      throw new CredentialUnreadableError(row.id);
    }
  }

  /** The create rules applied to a changed credential, answering 400 the way the global pipe does. */
  private async validateWhole(plain: Record<string, unknown>): Promise<CreateCredentialDto> {
    const dto = plainToInstance(CreateCredentialDto, plain);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
    if (errors.length) {
      throw badRequest(flattenValidationErrors(errors));
    }
    return dto;
  }

  private async findRow(id: number): Promise<Credential> {
    const row = await this.repo.findById(id);
    if (!row) throw this.notFound(id);
    return row;
  }

  private notFound(id: number): NotFoundException {
    return new NotFoundException(`Credential ${id} does not exist`);
  }

  private nameTaken(name: string): ConflictException {
    return new ConflictException({ message: `A credential named "${name}" already exists`, details: [{ field: 'name', messages: ['name is taken'] }] });
  }
}
