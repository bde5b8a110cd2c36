// config/: the root secret. From TEKNISI_SECRET_KEY, or outside production from a key file
// generated on first start (mode 0600; its path is logged, never its content). Purpose keys
// (credential encryption, session signing) are derived from it with HKDF. A worker never
// generates one: it must use the key of the API that encrypted the credentials.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig, ConfigError } from './env';

export interface RootKey {
  material: Buffer;
  /** Where it came from, for log lines: 'TEKNISI_SECRET_KEY' or a file path. */
  origin: string;
  generated: boolean;
}

export function keyFilePath(config: Pick<AppConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'secret.key');
}

export function loadRootKey(config: Pick<AppConfig, 'secretKey' | 'dataDir' | 'production'> & Partial<Pick<AppConfig, 'role'>>): RootKey {
  if (config.secretKey) return { material: Buffer.from(config.secretKey, 'utf8'), origin: 'TEKNISI_SECRET_KEY', generated: false };
  if (config.production) throw new Error('TEKNISI_SECRET_KEY is required in production');
  const file = keyFilePath(config);
  if (fs.existsSync(file)) {
    return { material: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8'), origin: file, generated: false };
  }
  // a worker on another host or started from another directory would otherwise make a key of
  // its own, and then fail every scan and job on credentials the API sealed under the real one
  if (config.role === 'worker') throw new ConfigError([workerWithoutKey(file)]);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(48).toString('base64');
  try {
    // 'wx': if another process created it a moment ago, use theirs
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return { material: Buffer.from(key, 'utf8'), origin: file, generated: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { material: Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8'), origin: file, generated: false };
  }
}

function workerWithoutKey(file: string): string {
  return (
    `TEKNISI_SECRET_KEY is not set and there is no key file ${file}: a worker never generates a secret key, ` +
    "since it could not read the credentials the API encrypted. Give it the API's key: set TEKNISI_SECRET_KEY to " +
    `the API's value, or copy the API's key file (secret.key in the API's TEKNISI_DATA_DIR) to ${file} with mode 0600`
  );
}

export function deriveKey(root: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', root, Buffer.from('teknisi'), Buffer.from(purpose), 32));
}

export const ROOT_KEY = Symbol('ROOT_KEY');
