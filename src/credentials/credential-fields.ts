// credentials/: which fields each kind of credential has, which of them are secret, and the
// one place that splits a credential into its stored parts (username, non-secret params,
// sealed secrets) and builds the secret-free view that the API returns.
import { Credential, CredentialKind } from './credential.entity';

export const SNMP_SECURITY_LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export type SnmpSecurityLevel = (typeof SNMP_SECURITY_LEVELS)[number];
export const SNMP_AUTH_PROTOCOLS = ['MD5', 'SHA', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export const SNMP_PRIV_PROTOCOLS = ['DES', 'AES-128', 'AES-256-B', 'AES-256-R'] as const;
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

export const SECRET_FIELDS = ['community', 'authKey', 'privKey', 'password', 'privateKey', 'passphrase', 'sudoPassword'] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
export const SETTING_FIELDS = ['securityLevel', 'authProtocol', 'privProtocol', 'port'] as const;
export type SettingField = (typeof SETTING_FIELDS)[number];

export const DEFAULT_SSH_PORT = 22;

interface KindSpec {
  username: boolean;
  settings: readonly SettingField[];
  secrets: readonly SecretField[];
}

export const KIND_SPECS: Record<CredentialKind, KindSpec> = {
  'snmp-v1': { username: false, settings: [], secrets: ['community'] },
  'snmp-v2c': { username: false, settings: [], secrets: ['community'] },
  'snmp-v3': { username: true, settings: ['securityLevel', 'authProtocol', 'privProtocol'], secrets: ['authKey', 'privKey'] },
  ssh: { username: true, settings: ['port'], secrets: ['password', 'privateKey', 'passphrase', 'sudoPassword'] },
};

/** The kinds that have a field, for validation messages and OpenAPI descriptions. */
export function kindsWith(field: SecretField | SettingField | 'username'): CredentialKind[] {
  return (Object.keys(KIND_SPECS) as CredentialKind[]).filter((k) => {
    const s = KIND_SPECS[k];
    return field === 'username' ? s.username : (s.settings as readonly string[]).includes(field) || (s.secrets as readonly string[]).includes(field);
  });
}

/** Everything a credential holds, secrets included: what a create carries, after validation. */
export interface CredentialInput {
  name: string;
  kind: CredentialKind;
  username?: string;
  securityLevel?: SnmpSecurityLevel;
  authProtocol?: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
  port?: number;
  community?: string;
  authKey?: string;
  privKey?: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  sudoPassword?: string;
}

export type Secrets = Partial<Record<SecretField, string>>;

/** What `params` holds: the non-secret settings and which secrets are set (so the API can say so without decrypting). */
export interface StoredParams {
  securityLevel?: SnmpSecurityLevel;
  authProtocol?: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
  port?: number;
  secretFields: SecretField[];
}

export interface SplitCredential {
  name: string;
  kind: CredentialKind;
  username: string | null;
  params: StoredParams;
  secrets: Secrets;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** Keeps only the fields the kind has (validation has rejected the others) and fills defaults. */
export function splitCredential(input: CredentialInput): SplitCredential {
  const spec = KIND_SPECS[input.kind];
  const params: StoredParams = { secretFields: [] };
  for (const f of spec.settings) if (isSet(input[f])) (params as unknown as Record<string, unknown>)[f] = input[f];
  if (input.kind === 'ssh' && params.port === undefined) params.port = DEFAULT_SSH_PORT;
  const secrets: Secrets = {};
  for (const f of spec.secrets) {
    const v = input[f];
    if (typeof v === 'string') {
      secrets[f] = v;
      params.secretFields.push(f);
    }
  }
  return { name: input.name, kind: input.kind, username: spec.username ? (input.username ?? null) : null, params, secrets };
}

/** The inverse of splitCredential: the full credential from a row's parts and its opened secrets. */
export function joinCredential(row: Pick<Credential, 'name' | 'kind' | 'username'>, params: StoredParams, secrets: Secrets): CredentialInput {
  const out: CredentialInput = { name: row.name, kind: row.kind };
  const spec = KIND_SPECS[row.kind];
  if (spec.username && row.username !== null) out.username = row.username;
  for (const f of spec.settings) if (isSet(params[f])) (out as unknown as Record<string, unknown>)[f] = params[f];
  for (const f of spec.secrets) if (typeof secrets[f] === 'string') out[f] = secrets[f];
  return out;
}

export function parseParams(raw: string): StoredParams {
  const p = JSON.parse(raw || '{}') as Partial<StoredParams>;
  return { ...p, secretFields: Array.isArray(p.secretFields) ? p.secretFields : [] };
}

/** `password` → `hasPassword`. */
export function flagName(f: SecretField): string {
  return `has${f[0].toUpperCase()}${f.slice(1)}`;
}

export interface CredentialViewShape {
  id: number;
  name: string;
  kind: CredentialKind;
  username?: string | null;
  securityLevel?: SnmpSecurityLevel;
  authProtocol?: SnmpAuthProtocol;
  privProtocol?: SnmpPrivProtocol;
  port?: number;
  hasCommunity?: boolean;
  hasAuthKey?: boolean;
  hasPrivKey?: boolean;
  hasPassword?: boolean;
  hasPrivateKey?: boolean;
  hasPassphrase?: boolean;
  hasSudoPassword?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What the API shows of a credential: settings and has* flags, built without touching the ciphertext. */
export function toCredentialView(row: Credential): CredentialViewShape {
  const spec = KIND_SPECS[row.kind];
  const params = parseParams(row.params);
  const view: Record<string, unknown> = { id: row.id, name: row.name, kind: row.kind };
  if (spec.username) view.username = row.username;
  for (const f of spec.settings) if (isSet(params[f])) view[f] = params[f];
  for (const f of spec.secrets) view[flagName(f)] = params.secretFields.includes(f);
  view.createdAt = row.createdAt;
  view.updatedAt = row.updatedAt;
  return view as unknown as CredentialViewShape;
}

/**
 * What the audit log keeps of a create or update body: every non-secret field as sent, and
 * only the names of the secrets that were set or cleared. Independent of the audit module's
 * redaction by field name, so that a secret field added later cannot slip into the log.
 */
export function auditSummaryOf(body: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  const secretsCleared: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (v === undefined) continue;
    if ((SECRET_FIELDS as readonly string[]).includes(k)) (v === null ? secretsCleared : secretsSet).push(k);
    else if (k === 'name' || k === 'kind' || k === 'username' || (SETTING_FIELDS as readonly string[]).includes(k)) out[k] = v;
  }
  if (secretsSet.length) out.secretsSet = secretsSet;
  if (secretsCleared.length) out.secretsCleared = secretsCleared;
  return out;
}

/** The additional authenticated data of a credential's ciphertext: binds it to its kind, survives renames. */
export function secretAad(kind: CredentialKind): string {
  return `credential:${kind}`;
}

/** A partial change: undefined keeps a field, null removes it. */
export type CredentialPatch = { [K in keyof CredentialInput]?: CredentialInput[K] | null };

/**
 * The credential a change would produce, still to be validated as a whole. Lowering an SNMPv3
 * securityLevel drops the protocols and keys it no longer uses, and removing an SSH private key
 * drops its passphrase, unless the change itself sends them (then validation names them).
 */
export function applyCredentialPatch(current: CredentialInput, patch: CredentialPatch): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) delete next[k];
    else next[k] = v;
  }
  const dropUnlessSent = (fields: Array<keyof CredentialInput>) => {
    for (const f of fields) if (patch[f] === undefined) delete next[f];
  };
  if (current.kind === 'snmp-v3' && patch.securityLevel === 'noAuthNoPriv') dropUnlessSent(['authProtocol', 'authKey', 'privProtocol', 'privKey']);
  if (current.kind === 'snmp-v3' && patch.securityLevel === 'authNoPriv') dropUnlessSent(['privProtocol', 'privKey']);
  if (current.kind === 'ssh' && patch.privateKey === null) dropUnlessSent(['passphrase']);
  return next;
}

/**
 * The stored secrets that a change would keep without sending them: what a change to a
 * credential whose ciphertext no longer opens must send again, since nothing can carry them
 * over. A secret the change removes (null), or drops by lowering the level, is not needed.
 */
export function unsentSecretsKept(kind: CredentialKind, stored: readonly SecretField[], patch: CredentialPatch): SecretField[] {
  const held = KIND_SPECS[kind].secrets.filter((f) => stored.includes(f));
  // placeholders stand for the unreadable values: applyCredentialPatch alone decides what stays
  const current: CredentialInput = { name: '', kind, ...Object.fromEntries(held.map((f) => [f, ''])) };
  const next = applyCredentialPatch(current, patch);
  return held.filter((f) => patch[f] === undefined && next[f] !== undefined);
}
