// credentials/: root key rotation (npm run secrets:rotate). The new key is saved to a file
// first; every credential is re-encrypted under it in one transaction, after all of them have
// been opened with the old one; then the key file is replaced (or the admin is told to move
// the saved key into TEKNISI_SECRET_KEY). Neither key is ever printed.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/env';
import { keyFilePath, loadRootKey } from '../config/secret-key';
import { Credential } from './credential.entity';
import { secretAad } from './credential-fields';
import { CredentialsRepository, ResealedSecret } from './credentials.repository';
import { SecretBox } from './secret-box';

export const MIN_KEY_LENGTH = 32;

export interface RotationCount {
  /** rows moved from the old key to the new one */
  reencrypted: number;
  /** rows already under the new key (left by an interrupted rotation), checked and left alone */
  alreadyNew: number;
}

export class RotationError extends Error {}

/**
 * Re-encrypts every credential from oldRoot to newRoot in one transaction. Rows already under
 * newRoot are checked and kept. If any row opens under neither key, nothing is changed.
 */
export async function rotateSecrets(ds: DataSource, oldRoot: Buffer, newRoot: Buffer): Promise<RotationCount> {
  const oldBox = new SecretBox(oldRoot);
  const newBox = new SecretBox(newRoot);
  if (oldBox.keyId === newBox.keyId) throw new RotationError('The new key is the same as the current key: nothing to rotate');
  let alreadyNew = 0;
  const reencrypted = await new CredentialsRepository(ds).resealAll((rows) => {
    alreadyNew = 0;
    const changes: ResealedSecret[] = [];
    const foreign: number[] = [];
    const damaged: number[] = [];
    for (const row of rows) {
      const box = row.keyId === oldBox.keyId ? oldBox : row.keyId === newBox.keyId ? newBox : null;
      if (!box) {
        foreign.push(row.id);
        continue;
      }
      const plain = tryOpen(box, row);
      if (plain === null) damaged.push(row.id);
      else if (box === newBox) alreadyNew++;
      else changes.push({ id: row.id, secret: newBox.seal(plain, secretAad(row.kind)), keyId: newBox.keyId });
    }
    const problems = [
      ...(foreign.length ? [`${listIds(foreign)} ${foreign.length === 1 ? 'was' : 'were'} encrypted under a key that is neither the current nor the new one`] : []),
      ...(damaged.length ? [`${listIds(damaged)} could not be decrypted (damaged or altered ciphertext)`] : []),
    ];
    if (problems.length) throw new RotationError(`Nothing was changed: ${problems.join('; ')}`);
    return changes;
  });
  return { reencrypted, alreadyNew };
}

function tryOpen(box: SecretBox, row: Credential): object | null {
  try {
    return box.open<object>(row.secret, secretAad(row.kind));
  } catch {
    return null;
  }
}

function listIds(ids: number[]): string {
  const shown = ids.slice(0, 20).join(', ');
  return `credential ${shown}${ids.length > 20 ? ` and ${ids.length - 20} more` : ''}`;
}

export interface KeyRotationOptions {
  ds: DataSource;
  config: Pick<AppConfig, 'secretKey' | 'dataDir' | 'production'>;
  /** TEKNISI_NEW_SECRET_KEY, when set */
  newSecretKey?: string;
  print: (line: string) => void;
}

/**
 * The whole of `npm run secrets:rotate`. The new key is written to secret.key.new in the data
 * directory (0600) before the database commit, whichever flow, so that no run can leave the
 * credentials under a key that exists nowhere: TEKNISI_NEW_SECRET_KEY is often typed as
 * $(openssl rand …) and gone when the command ends. With the key file, once the rows are
 * committed the old key becomes secret.key.old and the new one secret.key; with
 * TEKNISI_SECRET_KEY, secret.key.new stays for the admin to move into TEKNISI_SECRET_KEY.
 * Running again after an interruption finishes the job with the same new key.
 */
export async function runKeyRotation(o: KeyRotationOptions): Promise<RotationCount> {
  const fromEnv = !!o.config.secretKey;
  const keyFile = keyFilePath(o.config);
  const pendingFile = `${keyFile}.new`;
  if (!fromEnv && !fs.existsSync(keyFile)) {
    throw new RotationError(`No key to rotate: TEKNISI_SECRET_KEY is not set and the key file ${keyFile} does not exist`);
  }
  const newKey = o.newSecretKey?.trim() || undefined;
  if (newKey !== undefined && newKey.length < MIN_KEY_LENGTH) {
    throw new RotationError(`TEKNISI_NEW_SECRET_KEY must be at least ${MIN_KEY_LENGTH} characters long`);
  }
  const oldRoot = loadRootKey(o.config).material;
  const target = fromEnv ? envTarget(pendingFile, o.config.secretKey!, newKey, o.print) : fileTarget(pendingFile, newKey, o.print);
  const newRoot = Buffer.from(target.material, 'utf8');

  let count: RotationCount;
  try {
    count = await rotateSecrets(o.ds, oldRoot, newRoot);
  } catch (err) {
    // only a refusal is known to have changed nothing; after any other failure the commit may
    // have happened, and the next run finishes with this key
    if (target.wrote && err instanceof RotationError) fs.rmSync(pendingFile, { force: true });
    throw err;
  }

  o.print(`Re-encrypted ${count.reencrypted} credential(s)${count.alreadyNew ? ` (${count.alreadyNew} already under the new key)` : ''}.`);
  if (fromEnv) {
    o.print(
      `The new key is in ${pendingFile}. Now set TEKNISI_SECRET_KEY to its content for every Teknisi process (API and workers) ` +
        'and remove TEKNISI_NEW_SECRET_KEY: until then they cannot read credentials. Once it is set and backed up, delete that file.',
    );
  } else {
    writeFileAtomic(`${keyFile}.old`, fs.readFileSync(keyFile, 'utf8'));
    fs.renameSync(pendingFile, keyFile);
    fsyncDir(path.dirname(keyFile));
    o.print(`Wrote the new key to ${keyFile}; the previous one is kept in ${keyFile}.old (delete it once the new key is backed up).`);
  }
  o.print('Restart every Teknisi process (API and workers) so that they use the new key. Login sessions signed with the old key have ended: users log in again (personal API tokens keep working).');
  return count;
}

interface NewKey {
  material: string;
  /** this run wrote the pending file (and may remove it again if nothing changed) */
  wrote: boolean;
}

function fileTarget(pendingFile: string, newKey: string | undefined, print: (line: string) => void): NewKey {
  const pending = readPending(pendingFile);
  if (pending !== null) {
    if (newKey) throw new RotationError(`${pendingFile} is left from an interrupted rotation: run again without TEKNISI_NEW_SECRET_KEY to finish that one first`);
    print(`Finishing an interrupted rotation with the key in ${pendingFile}`);
    return { material: pending, wrote: false };
  }
  const material = newKey ?? crypto.randomBytes(48).toString('base64');
  savePending(pendingFile, material);
  return { material, wrote: true };
}

/**
 * With TEKNISI_SECRET_KEY, secret.key.new outlives a finished rotation (the admin moves it into
 * the environment), so one holding the current key is spent and may be replaced; one holding
 * any other key may already seal the credentials and is never overwritten.
 */
function envTarget(pendingFile: string, currentKey: string, newKey: string | undefined, print: (line: string) => void): NewKey {
  const pending = readPending(pendingFile);
  if (pending !== null && pending !== currentKey) {
    if (newKey && newKey !== pending) {
      throw new RotationError(
        `${pendingFile} holds the new key of an earlier rotation, which may already encrypt the credentials: run again without ` +
          'TEKNISI_NEW_SECRET_KEY to finish that one, set TEKNISI_SECRET_KEY to the content of that file, then rotate again',
      );
    }
    print(`Finishing an interrupted rotation with the key in ${pendingFile}`);
    return { material: pending, wrote: false };
  }
  if (!newKey) {
    throw new RotationError(
      `The current key comes from TEKNISI_SECRET_KEY: set TEKNISI_NEW_SECRET_KEY to the new key (at least ${MIN_KEY_LENGTH} characters, ` +
        `e.g. from: openssl rand -base64 48) and run again; it is saved to ${pendingFile} before any credential changes`,
    );
  }
  savePending(pendingFile, newKey);
  print(`Saved the new key to ${pendingFile} (mode 0600) before changing any credential.`);
  return { material: newKey, wrote: true };
}

function readPending(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
}

function savePending(file: string, material: string): void {
  try {
    writeFileAtomic(file, `${material}\n`);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RotationError(
      `Nothing was changed: the new key could not be saved to ${file} (${why}), and no credential is re-encrypted under a key ` +
        'that is not saved first. Set TEKNISI_DATA_DIR to a directory this account can write (the one the server uses), and run again',
    );
  }
}

/** Writes a 0600 file through a temporary file and a rename, so that readers never see half of it. */
export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not every platform can fsync a directory; the rename is still atomic
  }
}
