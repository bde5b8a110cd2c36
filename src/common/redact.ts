// common/: the field names that hold secrets anywhere in a request, and their redaction,
// shared by the audit log and the request logger so that neither ever stores one.
export const SECRET_FIELDS = [
  'password', 'community', 'authKey', 'privKey', 'privateKey', 'passphrase', 'sudoPassword',
  'token', 'accessToken', 'secret', 'currentPassword', 'newPassword',
];

const SECRET_SET = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

/**
 * Text that may hold a secret (a library's error message, a host's output that echoed a
 * password) with every occurrence of each one replaced by "[redacted]", longest first so that
 * a secret holding another goes whole. Every length counts: a one-letter password shreds the
 * text, but stays out of it.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const s of [...new Set(secrets)].filter((x): x is string => !!x).sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
  return out;
}

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_SET.has(k.toLowerCase()) ? '[redacted]' : redactSecrets(v, depth + 1);
  }
  return out;
}
