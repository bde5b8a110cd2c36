// credentials/: the start-up check that this process's root key is the one the stored
// credentials are sealed with. A process with another key (a worker on a second host, a key
// file generated in another directory) would otherwise start fine and fail every scan and job
// later, with advice about rotation that does not apply. Neither key is ever shown.
import * as fs from 'node:fs';
import { DataSource } from 'typeorm';
import { keyFilePath, RootKey } from '../config/secret-key';
import { CredentialsRepository } from './credentials.repository';
import { SecretBox } from './secret-box';

export interface KeyMismatch {
  /** no stored credential opens under this key (a worker refuses to start) */
  noneReadable: boolean;
  message: string;
}

/** Null when every stored credential is under this process's key, or there are none. */
export async function checkStoredKey(ds: DataSource, rootKey: RootKey, dataDir: string): Promise<KeyMismatch | null> {
  const counts = await new CredentialsRepository(ds).countByKeyId();
  const keyId = new SecretBox(rootKey.material).keyId;
  const total = counts.reduce((n, c) => n + c.count, 0);
  const foreign = counts.filter((c) => c.keyId !== keyId).reduce((n, c) => n + c.count, 0);
  if (foreign === 0) return null;
  const origin = rootKey.origin === 'TEKNISI_SECRET_KEY' ? 'from TEKNISI_SECRET_KEY' : `from ${rootKey.origin}${rootKey.generated ? ', generated just now' : ''}`;
  if (foreign < total) {
    return {
      noneReadable: false,
      message: `${foreign} of the ${total} stored credentials are encrypted under another key than this process's (${origin}): scans and jobs using them will fail; enter their secrets again or delete them`,
    };
  }
  return {
    noneReadable: true,
    message:
      `This process's secret key (${origin}) is not the key the ${total} stored credential(s) are encrypted with, so every scan ` +
      `and job that uses a credential would fail. ${remedy(rootKey, dataDir)}${pendingRotation(dataDir)} ` +
      '(npm run secrets:rotate is only for changing the key on purpose, and needs the key they are encrypted with.)',
  };
}

function remedy(rootKey: RootKey, dataDir: string): string {
  const file = keyFilePath({ dataDir });
  if (rootKey.generated) {
    return (
      `${file} did not exist, so a new key was generated: TEKNISI_DATA_DIR (${dataDir}; the default ./data follows the ` +
      'working directory) is probably not the one used before. Stop this process, delete that file, and start it with the ' +
      "data directory used before, or with TEKNISI_SECRET_KEY set to the other processes' key."
    );
  }
  const where = rootKey.origin === 'TEKNISI_SECRET_KEY' ? '' : `, or copy their key file (secret.key in their TEKNISI_DATA_DIR) over ${file}`;
  return `Give it the key the other Teknisi processes use: set TEKNISI_SECRET_KEY to their value${where}.`;
}

function pendingRotation(dataDir: string): string {
  const pending = `${keyFilePath({ dataDir })}.new`;
  return fs.existsSync(pending) ? ` A key rotation's new key is waiting in ${pending}: if the credentials were rotated to it, that is the key to use.` : '';
}
