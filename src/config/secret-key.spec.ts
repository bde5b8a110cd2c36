import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deriveKey, keyFilePath, loadRootKey } from './secret-key';

describe('loadRootKey', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-key-')), 'data');
  });
  afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

  it('uses TEKNISI_SECRET_KEY when set and writes nothing', () => {
    const k = loadRootKey({ secretKey: 'k'.repeat(40), dataDir, production: true });
    expect(k).toEqual({ material: Buffer.from('k'.repeat(40)), origin: 'TEKNISI_SECRET_KEY', generated: false });
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('refuses to invent a key in production', () => {
    expect(() => loadRootKey({ dataDir, production: true })).toThrow('TEKNISI_SECRET_KEY is required in production');
  });

  it('never generates one for a worker: it names both ways to give it the API\'s key', () => {
    const file = keyFilePath({ dataDir });
    expect(() => loadRootKey({ dataDir, production: false, role: 'worker' })).toThrow(
      `TEKNISI_SECRET_KEY is not set and there is no key file ${file}: a worker never generates a secret key`,
    );
    expect(() => loadRootKey({ dataDir, production: false, role: 'worker' })).toThrow(`or copy the API's key file (secret.key in the API's TEKNISI_DATA_DIR) to ${file}`);
    expect(fs.existsSync(dataDir)).toBe(false);
    // given the API's key either way, it starts with it
    expect(loadRootKey({ secretKey: 'k'.repeat(40), dataDir, production: false, role: 'worker' }).material).toEqual(Buffer.from('k'.repeat(40)));
    fs.mkdirSync(dataDir);
    fs.writeFileSync(file, `${'c'.repeat(48)}\n`, { mode: 0o600 });
    expect(loadRootKey({ dataDir, production: false, role: 'worker' })).toEqual({ material: Buffer.from('c'.repeat(48)), origin: file, generated: false });
  });

  it('generates a key file readable by this account only, then keeps using it', () => {
    const first = loadRootKey({ dataDir, production: false });
    expect(first.generated).toBe(true);
    expect(first.origin).toBe(keyFilePath({ dataDir }));
    expect(fs.statSync(first.origin).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(first.material.length).toBeGreaterThanOrEqual(48);

    const again = loadRootKey({ dataDir, production: false });
    expect(again.generated).toBe(false);
    expect(again.material.equals(first.material)).toBe(true);
  });
});

describe('deriveKey', () => {
  const root = Buffer.from('r'.repeat(48));
  it('gives 32 bytes, the same each time for one purpose and different across purposes and roots', () => {
    const a = deriveKey(root, 'session-jwt-v1');
    expect(a).toHaveLength(32);
    expect(deriveKey(root, 'session-jwt-v1').equals(a)).toBe(true);
    expect(deriveKey(root, 'credentials-v1').equals(a)).toBe(false);
    expect(deriveKey(Buffer.from('s'.repeat(48)), 'session-jwt-v1').equals(a)).toBe(false);
  });
});
