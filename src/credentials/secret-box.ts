// credentials/: AES-256-GCM envelope for credential secrets. The key id (a hash of the key)
// travels with each ciphertext so that a wrong or rotated key is detected, not misread.
import * as crypto from 'node:crypto';
import { deriveKey } from '../config/secret-key';

const TAG_LENGTH = 16;

export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(rootKey: Buffer) {
    this.key = deriveKey(rootKey, 'credentials-v1');
    this.keyId = crypto.createHash('sha256').update(this.key).digest('hex').slice(0, 16);
  }

  seal(plain: object, aad: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  open<T = Record<string, string>>(sealed: string, aad: string): T {
    const [version, iv, tag, ct] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unknown secret format');
    // pinning the tag length: Node otherwise accepts a truncated tag (down to 4 bytes), which
    // would let a forged ciphertext pass with far less than GCM's 128-bit protection
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'), { authTagLength: TAG_LENGTH });
    decipher.setAAD(Buffer.from(aad));
    const tagBytes = Buffer.from(tag, 'base64');
    if (tagBytes.length !== TAG_LENGTH) throw new Error('Invalid authentication tag length');
    decipher.setAuthTag(tagBytes);
    const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }
}
