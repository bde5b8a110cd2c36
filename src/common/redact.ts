// common/: the field names that hold secrets anywhere in a request, and their redaction,
// shared by the audit log and the request logger so that neither ever stores one.
export const SECRET_FIELDS = [
  'password', 'community', 'authKey', 'privKey', 'privateKey', 'passphrase', 'sudoPassword',
  'token', 'accessToken', 'secret', 'currentPassword', 'newPassword',
];

const SECRET_SET = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_SET.has(k.toLowerCase()) ? '[redacted]' : redactSecrets(v, depth + 1);
  }
  return out;
}
