import * as crypto from 'node:crypto';
import { SecretBox } from './secret-box';

const root = () => crypto.randomBytes(48);
const AAD = 'credential:ssh';
const PLAIN = { password: 'hunter2-but-longer', sudoPassword: 'sudo-ünïcode-🔑' };

/** Flips one bit of the base64 field at `index` of a sealed string (v1:iv:tag:ct). */
function flip(sealed: string, index: number): string {
  const parts = sealed.split(':');
  const buf = Buffer.from(parts[index], 'base64');
  buf[buf.length - 1] ^= 0x01;
  parts[index] = buf.toString('base64');
  return parts.join(':');
}

describe('SecretBox', () => {
  it('opens what it sealed, with the same key and AAD', () => {
    const box = new SecretBox(root());
    expect(box.open(box.seal(PLAIN, AAD), AAD)).toEqual(PLAIN);
  });

  it('never stores the plaintext and uses a fresh IV each time', () => {
    const box = new SecretBox(root());
    const a = box.seal(PLAIN, AAD);
    const b = box.seal(PLAIN, AAD);
    expect(a).not.toEqual(b);
    for (const s of [a, b]) {
      expect(s).not.toContain(PLAIN.password);
      expect(Buffer.from(s.split(':')[3], 'base64').toString('latin1')).not.toContain(PLAIN.password);
    }
  });

  it('gives the same key id for the same root key and another for another', () => {
    const r = root();
    expect(new SecretBox(r).keyId).toBe(new SecretBox(Buffer.from(r)).keyId);
    expect(new SecretBox(r).keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(new SecretBox(root()).keyId).not.toBe(new SecretBox(r).keyId);
  });

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('detects a tampered %s', (_what, index) => {
    const box = new SecretBox(root());
    const sealed = box.seal(PLAIN, AAD);
    expect(() => box.open(flip(sealed, index), AAD)).toThrow();
  });

  it('rejects a truncated ciphertext and unknown formats', () => {
    const box = new SecretBox(root());
    const [v, iv, tag, ct] = box.seal(PLAIN, AAD).split(':');
    const shorter = Buffer.from(ct, 'base64').subarray(0, 5).toString('base64');
    expect(() => box.open([v, iv, tag, shorter].join(':'), AAD)).toThrow();
    expect(() => box.open(['v2', iv, tag, ct].join(':'), AAD)).toThrow('Unknown secret format');
    expect(() => box.open('garbage', AAD)).toThrow('Unknown secret format');
  });

  it('rejects a truncated authentication tag (Node would otherwise check only its first bytes)', () => {
    const box = new SecretBox(root());
    const [v, iv, tag, ct] = box.seal(PLAIN, AAD).split(':');
    for (const n of [4, 8, 12, 15]) {
      const short = Buffer.from(tag, 'base64').subarray(0, n).toString('base64');
      expect(() => box.open([v, iv, short, ct].join(':'), AAD)).toThrow();
    }
  });

  it('refuses to open with a different root key', () => {
    const sealed = new SecretBox(root()).seal(PLAIN, AAD);
    expect(() => new SecretBox(root()).open(sealed, AAD)).toThrow();
  });

  it('refuses to open under another AAD (a ciphertext moved to another kind)', () => {
    const box = new SecretBox(root());
    const sealed = box.seal(PLAIN, 'credential:snmp-v2c');
    expect(() => box.open(sealed, 'credential:snmp-v1')).toThrow();
    expect(() => box.open(sealed, 'credential:ssh')).toThrow();
  });

  it('keeps error messages free of the plaintext', () => {
    const box = new SecretBox(root());
    const sealed = box.seal(PLAIN, AAD);
    try {
      new SecretBox(root()).open(sealed, AAD);
      throw new Error('opened');
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(PLAIN.password);
    }
  });
});
