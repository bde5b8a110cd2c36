// auth/: opaque token helpers. Only a token's SHA-256 is stored.
import * as crypto from 'node:crypto';

export const API_TOKEN_PREFIX = 'tkn_';

export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = API_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { token, hash: sha256(token), prefix: token.slice(0, 12) };
}

export function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

export const SESSION_COOKIE = 'teknisi_session';

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
